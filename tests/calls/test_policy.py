"""The RCRP decision: the handler's answers, the safety rules, a force's own rules, properties."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harbour.calls.policy import suggest
from harbour.calls.rules import DEFAULT_RULES, RulesError, current_rules, load_rules, parse_rules
from harbour.calls.schemas import POLICE_OUTCOMES, CallerType, Outcome, TriageAnswers
from harbour.settings import reset_settings

RULES = load_rules()
DATA = tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))

WALKOUT = "Informal patient left the ward, no immediate risk, not suicidal, no weapons seen."


def test_the_handlers_answers_override_the_narrative() -> None:
    plain = suggest(RULES, WALKOUT, CallerType.mental_health_unit)
    assert (plain.outcome, plain.partner) == (Outcome.refer_partner, "nhs_mental_health")
    risk = suggest(RULES, WALKOUT, CallerType.mental_health_unit, TriageAnswers(risk_to_life=True))
    assert risk.outcome is Outcome.police_attend
    assert any("the handler's answer" in r for r in risk.reasons)
    crime = suggest(RULES, "Caller asks for advice about parking.", None, TriageAnswers(crime=True))
    assert crime.outcome is Outcome.police_attend

    jump = "Informal patient left the ward. Earlier he said he would jump off the bridge."
    caller = CallerType.mental_health_unit
    assert suggest(RULES, jump, caller).outcome is Outcome.police_attend
    overridden = suggest(RULES, jump, caller, TriageAnswers(risk_to_life=False))
    assert overridden.partner == "nhs_mental_health"  # the handler has ruled the risk out
    assert any(h.text == "jump off" for h in overridden.highlights)  # still shown
    unsure = suggest(RULES, "He is on the bridge.", None, TriageAnswers(risk_to_life=False))
    assert unsure.outcome is Outcome.police_attend  # nothing else settles it: police

    missing = suggest(RULES, "Her mum rang.", None, TriageAnswers(missing=True))
    assert missing.outcome is Outcome.missing_person_report


def test_a_child_answer_turns_exploitation_indicators_into_a_child_at_risk() -> None:
    text = "She is staying with older men who give her gifts and cash."
    adult = suggest(RULES, text, None, TriageAnswers(child=False))
    child = suggest(RULES, text, None, TriageAnswers(child=True))
    assert child.outcome is Outcome.police_attend
    assert any("a child at risk" in r for r in child.reasons)
    assert not any("a child at risk" in r for r in adult.reasons)


def test_a_missing_person_is_never_deflected() -> None:
    text = "My husband went out this morning and hasn't come back. No risk, he's fine usually."
    got = suggest(RULES, text, CallerType.family)
    assert (got.category, got.outcome) == ("missing_person", Outcome.missing_person_report)
    assert got.police_attend


def test_whereabouts_known_is_not_missing_and_a_child_advice_needs_a_supervisor() -> None:
    text = "My 15-year-old hasn't come home but we know where she is, at her aunt's house."
    unanswered = suggest(RULES, text, CallerType.family)
    assert unanswered.outcome is Outcome.police_attend  # unknown is never no
    assert any("Unknown is never no" in r for r in unanswered.reasons)
    no_exploitation = TriageAnswers(crime=False, risk_to_life=False)
    assert suggest(RULES, text, CallerType.family, no_exploitation).outcome is Outcome.police_attend
    answered = TriageAnswers(crime=False, risk_to_life=False, exploitation=False)
    got = suggest(RULES, text, CallerType.family, answered)
    assert got.outcome is Outcome.advice_only
    assert any("supervisor" in r for r in got.reasons)
    hedged = "My 15-year-old hasn't come home; we think she's at her aunt's house."
    assert suggest(RULES, hedged).outcome is Outcome.missing_person_report


def test_unsure_goes_to_police() -> None:
    got = suggest(RULES, "A woman rang and then the line went dead.")
    assert got.outcome is Outcome.police_attend
    assert any("when unsure" in r for r in got.reasons)


def _stripped(**changes: Any) -> Any:
    data = {**DATA, **changes}
    return parse_rules(data)


def test_the_safety_rules_hold_even_if_the_tables_say_otherwise() -> None:
    careless = _stripped(
        outcomes=[{"outcome": "advice_only", "label": "everything", "source": "a careless edit"}]
    )
    cases = {
        "He is threatening to jump off the bridge.": Outcome.police_attend,
        "My son is missing, he has not been seen since Friday.": (Outcome.missing_person_report),
        "A 12-year-old girl getting into cars with older men.": Outcome.police_attend,
    }
    for text, outcome in cases.items():
        got = suggest(careless, text)
        assert got.outcome is outcome, text
        assert any(r.startswith("Safety rule") for r in got.reasons), text
    health = suggest(
        careless, "A 14-year-old left the ward, we don't know where he is.", CallerType.hospital
    )
    assert health.outcome is Outcome.missing_person_report
    nothing = suggest(_stripped(outcomes=[]), "Caller asks about parking.")
    assert nothing.outcome is Outcome.police_attend


def test_a_force_can_use_its_own_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = DEFAULT_RULES.read_text(encoding="utf-8").replace(
        'version = "', 'version = "force-7 / was '
    )
    path = tmp_path / "rules.toml"
    path.write_text(text.replace('"barking",', '"barking", "fireworks",'), encoding="utf-8")
    monkeypatch.setenv("HARBOUR_TRIAGE_RULES_FILE", str(path))
    reset_settings()
    current_rules.cache_clear()
    try:
        rules = current_rules()
        assert rules.version.startswith("force-7")
        got = suggest(rules, "Neighbours letting off fireworks.")
        assert got.rules_version == rules.version
        assert any(h.text == "fireworks" for h in got.highlights)
    finally:
        monkeypatch.delenv("HARBOUR_TRIAGE_RULES_FILE")
        reset_settings()
        current_rules.cache_clear()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"version": None}, "version"),
        ({"signals": {"crime": "x"}}, "risk_to_life"),
        ({"caller_types": {"pigeon": ["child"]}}, "caller_types"),
        ({"categories": [{"category": "parking", "label": "l", "source": "s"}]}, "categories"),
        ({"outcomes": [{"outcome": "refer_partner", "label": "l", "source": "s"}]}, "partner"),
        (
            {
                "outcomes": [
                    {"outcome": "advice_only", "all": ["vibes"], "label": "l", "source": "s"}
                ]
            },
            "vibes",
        ),
        (
            {
                "concepts": [
                    {
                        "id": "x",
                        "meaning": "m",
                        "source": "s",
                        "signals": ["crime"],
                        "phrases": ["* alone"],
                    }
                ]
            },
            "concepts",
        ),
    ],
)
def test_a_broken_rules_file_is_refused_with_where(change: dict[str, Any], where: str) -> None:
    data = {**DATA, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(RulesError, match=where):
        parse_rules(data)


def test_concept_ids_are_unique() -> None:
    twice = [*DATA["concepts"], DATA["concepts"][0]]
    with pytest.raises(RulesError, match="used twice"):
        parse_rules({**DATA, "concepts": twice})


def test_an_unreadable_rules_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("version = ", encoding="utf-8")
    with pytest.raises(RulesError, match=r"bad\.toml"):
        load_rules(path)


# -- properties ----------------------------------------------------------------------------

RISK_PHRASES = [
    "He is threatening to jump off the bridge.",
    "She has taken an overdose.",
    "He has a knife.",
    "She says she wants to kill herself.",
    "He is not breathing.",
    "Someone is being attacked.",
]
SENTENCES = [
    "Informal patient left the ward.",
    "No immediate risk.",
    "He is not suicidal.",
    "No weapons seen.",
    "She denies any thoughts of self-harm.",
    "Staff say she is calm.",
    "We know where he is, he is at his mum's house.",
    "The caller wants advice.",
    "Ambulance says a four hour wait, can police take him to hospital?",
    "Detained under section 136 at the suite for two hours.",
    "He has dementia and lives alone.",
    "She is 14.",
    "Just letting you know.",
    "Her neighbour keeps parking across the drive.",
    "He has not been seen since Tuesday.",
    "It may be nothing.",
]
narratives = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(SENTENCES), max_size=8).map(" ".join),
    st.lists(st.one_of(st.sampled_from(SENTENCES), st.text(max_size=40)), max_size=6).map(" ".join),
)
callers = st.one_of(st.none(), st.sampled_from(list(CallerType)))
answers = st.builds(
    TriageAnswers,
    crime=st.one_of(st.none(), st.booleans()),
    child=st.one_of(st.none(), st.booleans()),
    missing=st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=300, deadline=None)
@given(narratives, st.sampled_from(RISK_PHRASES), callers, answers, st.booleans())
def test_a_risk_to_life_never_moves_the_outcome_away_from_police(
    narrative: str,
    risk: str,
    caller: CallerType | None,
    given_answers: TriageAnswers,
    before: bool,
) -> None:
    text = f"{risk} {narrative}" if before else f"{narrative}. {risk}"
    got = suggest(RULES, text, caller, given_answers)
    assert got.outcome in POLICE_OUTCOMES, got.reasons
    assert got.police_attend


@settings(max_examples=300, deadline=None)
@given(narratives, callers, answers)
def test_highlights_are_always_in_range_and_the_answer_is_consistent(
    narrative: str, caller: CallerType | None, given_answers: TriageAnswers
) -> None:
    got = suggest(RULES, narrative, caller, given_answers)
    for h in got.highlights:
        assert 0 <= h.start < h.end <= len(narrative)
        assert narrative[h.start : h.end] == h.text
    assert got.police_attend == (got.outcome in POLICE_OUTCOMES)
    assert (got.partner is not None) == (got.outcome is Outcome.refer_partner)
    if given_answers.missing and given_answers.child:
        assert got.police_attend
    assert got.reasons


@settings(max_examples=200, deadline=None)
@given(narratives, callers)
def test_a_missing_child_is_always_sent_to_police(
    narrative: str, caller: CallerType | None
) -> None:
    got = suggest(RULES, narrative, caller, TriageAnswers(child=True, missing=True))
    assert got.police_attend


def test_the_documentation_names_every_concept_and_rule_with_its_source() -> None:
    doc = (DEFAULT_RULES.parents[3] / "docs" / "triage-rules.md").read_text(encoding="utf-8")
    assert f"`{RULES.version}`" in doc
    for concept in RULES.concepts:
        assert f"| `{concept.id}` | {concept.meaning} |" in doc, concept.id
        assert f"| {concept.source} |" in doc, concept.id
    for rule in (*RULES.categories, *RULES.outcomes):
        assert rule.source in doc
    for rule in RULES.outcomes:
        assert rule.label in doc
