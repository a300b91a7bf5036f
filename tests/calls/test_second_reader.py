"""The second call reader: what it was trained on, what it reads, and that it only raises."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harbour.calls import second_reader
from harbour.calls.policy import suggest
from harbour.calls.rules import load_rules
from harbour.calls.schemas import POLICE_OUTCOMES, CallerType, Outcome, TriageAnswers

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules()
# The phrase rules hand this to a partner (a crisis team is health's); the second reader reads
# "nobody would miss him" with his car keys as the calls that needed police.
HIDDEN_RISK = (
    "My brother is under the crisis team. He keeps saying nobody would miss him and he has "
    "taken his car keys."
)


def test_the_weights_name_the_model_and_the_development_sets_they_were_trained_on() -> None:
    weights = second_reader.Weights.load()
    assert second_reader.model_digest(second_reader.model_directory()) == weights.model_sha256
    assert len(weights.coefficients) == 384  # all-MiniLM-L6-v2's embedding
    assert 0.5 < weights.threshold < 1
    for name, entry in weights.trained_on["sets"].items():
        path = ROOT / entry["path"]
        assert "blind" not in entry["path"], name  # never trained on a frozen blind set
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == entry["sha256"], (
            f"{entry['path']} changed since the second reader was trained: run "
            "scripts/train_call_reader.py"
        )
        assert entry["calls"] == len(path.read_text(encoding="utf-8").splitlines())
        assert name in weights.trained_on["each_set_held_out"]


def test_a_model_other_than_the_one_trained_against_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not the one it was trained against"):
        second_reader.load_encoder("0" * 64)


def test_it_raises_a_hand_off_the_phrase_rules_miss_and_quotes_the_sentence() -> None:
    alone = suggest(RULES, HIDDEN_RISK, CallerType.family, second=False)
    assert alone.outcome is Outcome.refer_partner
    got = suggest(RULES, HIDDEN_RISK, CallerType.family)
    assert got.outcome is Outcome.police_attend and got.partner is None
    assert got.reader_version == second_reader.Weights.load().version
    said = [r for r in got.reasons if r.startswith("Second reader:")]
    assert said and "nobody would miss him" in said[0]


def test_the_handlers_two_no_answers_decide_and_the_reader_stays_quiet() -> None:
    answers = TriageAnswers(crime=False, risk_to_life=False)
    got = suggest(RULES, HIDDEN_RISK, CallerType.family, answers)
    assert got.outcome is Outcome.refer_partner
    assert not any(r.startswith("Second reader:") for r in got.reasons)


def test_a_call_it_does_not_recognise_is_left_to_the_rules() -> None:
    text = "My dad has dementia and seems more confused today. Could his GP ring me back?"
    reader = second_reader.current_reader()
    found = reader.strongest(text)
    assert found is not None and found.score < reader.weights.threshold
    assert suggest(RULES, text, CallerType.family).outcome is Outcome.refer_partner


@given(st.text(max_size=300))
def test_sentences_are_in_order_within_the_text_and_have_words(text: str) -> None:
    spans = second_reader.sentences(text)
    at = 0
    for start, end in spans:
        assert at <= start < end <= len(text)
        assert any(c.isalnum() for c in text[start:end])
        at = end


# -- properties the issue names --------------------------------------------------------------

RANK = {
    Outcome.advice_only: 0,
    Outcome.refer_partner: 1,
    Outcome.police_attend: 2,
    Outcome.missing_person_report: 2,
}
CALLS = [
    "My son has not come home and nobody knows where he is.",
    "The ward says an informal patient has left, she has capacity.",
    "My neighbour's music is very loud again.",
    "My dad has dementia and seems more confused today.",
    HIDDEN_RISK,
    "Someone has scratched my car overnight.",
    "My daughter is 14.",
    "She is at her friend's house, her friend's mum is there.",
    "He has been getting lifts from older men and came back with a new phone.",
    "He says he feels low but he is safe at home with me.",
]
NEUTRAL = [
    "The caller gave her phone number.",
    "It was raining earlier.",
    "She thanked the call handler.",
    "I am ringing from my mobile.",
    "Sorry, I hope that makes sense.",
    "The caller spelt out the street name.",
]
narratives = st.lists(st.sampled_from(CALLS), min_size=1, max_size=4)
callers = st.one_of(st.none(), st.sampled_from(list(CallerType)))


@settings(max_examples=150, deadline=None)
@given(narratives, st.lists(st.sampled_from(NEUTRAL), min_size=1, max_size=3), callers, st.data())
def test_adding_neutral_sentences_never_lowers_a_calls_outcome(
    parts: list[str], neutral: list[str], caller: CallerType | None, data: st.DataObject
) -> None:
    before = suggest(RULES, " ".join(parts), caller)
    padded = list(parts)
    for sentence in neutral:
        padded.insert(data.draw(st.integers(0, len(padded))), sentence)
    after = suggest(RULES, " ".join(padded), caller)
    assert RANK[after.outcome] >= RANK[before.outcome], (before.reasons, after.reasons)


EXPLOITATION = [
    "She keeps getting picked up by older men in cars.",
    "He came home with cash and a second phone he won't explain.",
    "Her boyfriend is 24.",
    "He says he is working for some lads in another town.",
    "She has been staying at an adult man's flat.",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(EXPLOITATION), min_size=1, max_size=3),
    st.sampled_from(["My daughter is 14.", "He is fifteen.", "She's a looked-after child, 13."]),
    st.sampled_from(["We know where she is.", "We know where he is, at a flat in town."]),
    callers,
)
def test_knowing_where_an_exploited_child_is_never_makes_it_advice_only(
    cues: list[str], child: str, known: str, caller: CallerType | None
) -> None:
    got = suggest(RULES, " ".join([child, *cues, known]), caller)
    assert got.outcome is not Outcome.advice_only, got.reasons
    assert got.outcome in POLICE_OUTCOMES, got.reasons
