"""Reading a narrative: phrases, negation, hedging, the past, ages, and offsets."""

from __future__ import annotations

import pytest

from harbour.calls.policy import suggest
from harbour.calls.reading import Mention, Reading, age_gap, read
from harbour.calls.rules import RulesError, load_rules, phrase_regex

RULES = load_rules()


def _found(text: str) -> dict[str, Mention]:
    return {text[m.start : m.end].lower(): m for m in read(RULES, text)}


def _risk(text: str) -> bool:
    return "risk_to_life" in {s for m in read(RULES, text) for s in m.signals}


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("No immediate risk identified.", "immediate risk"),
        ("He is not suicidal.", "suicidal"),
        ("No weapons seen at the address.", "weapons"),
        ("She denies any thoughts of self-harm.", "thoughts of self-harm"),
        ("Self-harm: denied.", "self-harm"),
        ("There is no sign of injury.", "injury"),
        ("He hasn't threatened anyone.", "threatened anyone"),
        ("No concerns about risk to himself.", "risk to himself"),
    ],
)
def test_negated_risk_phrases_are_read_as_absent(text: str, phrase: str) -> None:
    mention = _found(text)[phrase]
    assert mention.reading is Reading.negated
    assert not _risk(text)
    highlight = next(h for h in suggest(RULES, text).highlights if phrase in h.text.lower())
    assert "negated" in highlight.meaning
    assert "does not raise risk" in highlight.meaning or "not counted" in highlight.meaning
    assert text[highlight.start : highlight.end] == highlight.text


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I'm not sure if he has a knife.", "knife"),
        ("She may have taken an overdose.", "overdose"),
        ("He possibly has a weapon.", "weapon"),
        ("We can't rule out that he is suicidal.", "suicidal"),
        ("There may be a risk he'll harm himself.", "risk he'll harm"),
    ],
)
def test_hedged_risk_counts_until_ruled_out(text: str, phrase: str) -> None:
    mention = _found(text)[phrase]
    assert mention.reading is Reading.hedged
    assert _risk(text)
    assert suggest(RULES, text).police_attend


def test_doubt_is_never_read_as_a_no() -> None:
    # "not sure" contains "not": the hedge wins over the negation.
    assert _found("Not sure whether he is suicidal.")["suicidal"].reading is Reading.hedged


def test_a_past_event_is_a_vulnerability_not_a_present_risk() -> None:
    text = "She has a history of self-harm but is calm today."
    assert _found(text)["self-harm"].reading is Reading.past
    assert not _risk(text)
    assert _risk("She is self-harming now.")


def test_a_negation_stops_at_the_end_of_its_clause() -> None:
    text = "He is not suicidal, but he has a knife."
    found = _found(text)
    assert found["suicidal"].reading is Reading.negated
    assert found["knife"].reading is Reading.affirmed
    assert suggest(RULES, text).police_attend
    listed = _found("He is not detained, has capacity.")
    assert listed["detained"].reading is Reading.negated
    assert listed["has capacity"].reading is Reading.affirmed


def test_a_negation_reaches_every_item_joined_by_or() -> None:
    found = _found("No weapons or injuries.")
    assert found["weapons"].reading is found["injuries"].reading is Reading.negated


def test_phrases_that_carry_their_own_negation_are_not_negated_again() -> None:
    text = "She hasn't come home and has not been seen since Tuesday."
    assert {m.reading for m in read(RULES, text)} == {Reading.affirmed}
    assert suggest(RULES, text).category == "missing_person"


def test_stated_ages_mark_a_child_and_adults_do_not() -> None:
    for text in ("a 13-year-old", "aged 9", "My daughter is 15, she", "my son, 16, said", "a 12yo"):
        assert any(m.age is not None for m in read(RULES, text)), text
    for text in ("It's 9pm.", "the bus is 20 minutes late"):
        assert not any(m.age is not None for m in read(RULES, text)), text
    for text in ("a 45-year-old man", "aged 30"):  # an adult's age: read, but not a child
        found = [m for m in read(RULES, text) if m.age is not None]
        assert found and all(m.adult and "child" not in m.signals for m in found), text


def test_a_much_older_adult_with_a_child_is_an_age_gap() -> None:
    gap = age_gap(read(RULES, "She's 14 and she is with a 24-year-old she met online."))
    assert gap is not None and (gap[0].age, gap[1].age) == (14, 24)
    assert age_gap(read(RULES, "My son is 24 and lives alone.")) is None  # no child
    assert age_gap(read(RULES, "She is 16, and her friend is 18.")) is None  # two years apart


def test_a_phrase_inside_a_wildcard_still_counts() -> None:
    text = "We know she's at her older boyfriend's flat."
    found = _found(text)
    assert "older boyfriend" in found
    assert "she's at her older boyfriend's flat" in found


def test_curly_apostrophes_read_like_straight_ones() -> None:
    text = "She hasn\u2019t come home and we don\u2019t know where she is."
    found = _found(text)
    assert "hasn\u2019t come home" in found
    assert "don\u2019t know where she is" in found


def test_phrase_syntax() -> None:
    assert phrase_regex("self-harm", "t")
    with pytest.raises(RulesError):
        phrase_regex("* alone", "t")
    with pytest.raises(RulesError):
        phrase_regex("a * * b", "t")
