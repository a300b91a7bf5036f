"""Victim-blaming and adultifying language: found, explained, and an alternative offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.risk import language
from harbour.risk.language import check, marked
from tests.factories import api_token, make_user


def test_phrases_are_found_with_their_place_and_an_alternative() -> None:
    text = "She is very Streetwise and was putting herself at risk with an older boyfriend."
    findings = language.check(text)
    assert [f.phrase for f in findings] == [
        "Streetwise",
        "putting herself at risk",
        "older boyfriend",
    ]
    first = findings[0]
    assert text[first.start : first.end] == "Streetwise"
    assert "exploitation" in first.instead


def test_whole_words_only_and_line_breaks_inside_a_phrase() -> None:
    assert language.check("The runaways report") == []  # not the word "runaway"
    assert [f.phrase for f in language.check("a lifestyle\nchoice")] == ["lifestyle\nchoice"]
    assert language.check("Nothing to challenge here.") == []


def test_a_force_can_use_its_own_list(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text(
        'version = "force-2"\n[[phrases]]\n'
        'match = "hanging about"\ninstead = "spending time"\nwhy = "tone"\n'
    )
    lexicon = language.load_lexicon(path)
    assert lexicon.version == "force-2"
    assert [f.instead for f in language.check("Hanging about the station", lexicon)] == [
        "spending time"
    ]


def test_the_api_reports_findings(client: TestClient, session: Session) -> None:
    token = api_token(session, make_user(session))
    response = client.post(
        "/api/v1/risk/language",
        json={"text": "Described as a young woman who is sexually active."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert [f["phrase"] for f in body["findings"]] == ["young woman", "sexually active"]
    assert body["lexicon_version"]


@pytest.mark.parametrize(
    "text",
    [
        "She is very mature for her age.",
        "He is in a relationship with a 24-year-old.",
        "Known gang member.",
        "A nominal for the operation.",
        "She is choosing to go missing.",
        "He refused to engage with the worker.",
        "A frequent flyer on the missing list.",
    ],
)
def test_adultifying_phrases_are_challenged(text: str) -> None:
    assert check(text)


def test_saved_text_is_shown_escaped_with_each_phrase_marked() -> None:
    shown = str(marked("<b>She</b> is streetwise & mature for her age"))
    assert "&lt;b&gt;She&lt;/b&gt;" in shown and "&amp;" in shown  # nothing typed runs as HTML
    assert shown.count('<mark class="harbour-challenge"') == 2
    assert "language to challenge" in shown  # said to screen readers, not by colour alone
    assert str(marked(None)) == "" and str(marked("Seen at school")) == "Seen at school"
