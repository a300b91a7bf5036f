"""The reviewing supervisor confirms or corrects the language flagged in a rationale (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

from harbour.risk import language
from harbour.web import templates

TEXT = (
    "Amy has been described as very streetwise by staff at the home and she is thought to be "
    "sexually active with an older boyfriend who picks her up."
)


def test_each_flagged_phrase_is_numbered_with_its_fields_and_the_words_around_it() -> None:
    found = language.flagged_phrases(TEXT)
    assert [(p.number, p.phrase, p.field, p.note_field) for p in found] == [
        (1, "streetwise", "language_1", "language_1_note"),
        (2, "sexually active", "language_2", "language_2_note"),
        (3, "older boyfriend", "language_3", "language_3_note"),
    ]
    first, second, last = found
    assert TEXT[first.start : first.end] == "streetwise"
    assert first.before == "Amy has been described as very "  # the text's start: no ellipsis
    assert first.after == " by staff at the home and she is\u2026"  # cut at a whole word
    assert second.before == "\u2026at the home and she is thought to be "
    assert last.after == " who picks her up."
    assert "exploitation" in first.instead and first.why
    assert language.flagged_phrases(None) == [] == language.flagged_phrases("Nothing here.")


def test_every_phrase_needs_a_verdict_and_fair_wording_needs_a_note() -> None:
    review = language.review_language(
        TEXT, {"language_1": "fair", "language_2": "challenge", "language_3": "maybe"}
    )
    assert review.problems == {
        "language_1_note": "Say why \u201cstreetwise\u201d is fair here",
        "language_3": "Say whether \u201colder boyfriend\u201d should be challenged",
    }
    long = language.review_language(
        TEXT,
        {
            "language_1": "fair",
            "language_1_note": "x" * 2001,
            "language_2": "challenge",
            "language_3": "challenge",
        },
    )
    assert long.problems == {
        "language_1_note": "Keep the note on \u201cstreetwise\u201d to 2,000 characters or fewer"
    }


def test_the_verdicts_are_kept_with_the_phrase_its_place_and_the_list_s_version() -> None:
    review = language.review_language(
        TEXT,
        {
            "language_1": "fair",
            "language_1_note": " Her own words, quoted from the interview ",
            "language_2": "challenge",
            "language_3": "challenge",
            "language_3_note": "",
        },
    )
    assert review.problems == {}
    assert review.stored() == {
        "lexicon": language.current_lexicon().version,
        "phrases": [
            {
                "phrase": "streetwise",
                "start": 31,
                "verdict": "fair",
                "note": "Her own words, quoted from the interview",
            },
            {"phrase": "sexually active", "start": 88, "verdict": "challenge", "note": None},
            {"phrase": "older boyfriend", "start": 112, "verdict": "challenge", "note": None},
        ],
    }
    assert language.review_language("Nothing to challenge.", {}).stored()["phrases"] == []


def test_a_force_s_own_list_decides_what_is_asked(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text(
        'version = "force-2"\n[[phrases]]\nmatch = "hanging about"\n'
        'instead = "spending time"\nwhy = "tone"\n'
    )
    lexicon = language.load_lexicon(path)
    review = language.review_language("Hanging about the station", {}, lexicon)
    assert review.lexicon_version == "force-2"
    assert review.problems == {
        "language_1": "Say whether \u201cHanging about\u201d should be challenged"
    }


def _render(**context: object) -> str:
    page = templates.env.get_template("risk/_language_review.html")
    base = {"values": {}, "errors": {}, "language_verdicts": language.VERDICTS}
    return page.render(base | context)


def test_the_include_asks_about_each_phrase_with_a_radio_and_a_note() -> None:
    html = _render(language_phrases=language.flagged_phrases(TEXT))
    for n in (1, 2, 3):
        assert len(re.findall(rf'name="language_{n}" type="radio"', html)) == 2
        assert f'name="language_{n}_note"' in html
    assert html.count("Agree it should be challenged") == 3
    assert html.count("The wording is fair here") == 3
    assert '<mark class="harbour-challenge">sexually active</mark>' in html
    assert 'id="language_1"' in html and 'id="language_1-fair"' in html  # the summary's links


def test_the_include_keeps_answers_and_shows_messages_and_is_empty_without_phrases() -> None:
    review = language.review_language(TEXT, {"language_1": "fair"})
    html = _render(
        language_phrases=language.flagged_phrases(TEXT),
        values={"language_1": "fair"},
        errors=review.problems,
    )
    assert 'value="fair" checked' in html
    assert "Say why \u201cstreetwise\u201d is fair here" in html
    assert "Say whether \u201csexually active\u201d should be challenged" in html
    assert 'id="language_1_note-error"' in html
    assert _render(language_phrases=[]).strip() == ""
