"""The grading policy: every factor, the child minimum, serious floors, and monotonicity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from harbour.cli import app
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import ORDER, PolicyError, load_policy, parse_policy, suggest
from harbour.risk.schemas import RiskAnswers

POLICY = load_policy()
FLAG_KEYS = [k for k in POLICY.factors]
MITIGATING = set(POLICY.mitigating)
ADULT = 30


def _grade(age: int | None = ADULT, **answers: Any) -> RiskGrade:
    return suggest(POLICY, age, RiskAnswers(**answers)).grade


def test_no_answers_give_an_adult_very_low_and_a_child_the_minimum() -> None:
    assert _grade() is RiskGrade.very_low
    assert _grade(15) is POLICY.child_minimum is RiskGrade.medium


@pytest.mark.parametrize("key", FLAG_KEYS)
def test_every_factor_raises_an_adult_to_its_grade_and_says_so(key: str) -> None:
    value: Any = ["older_associates"] if key == "exploitation_indicators" else True
    result = suggest(POLICY, ADULT, RiskAnswers(**{key: value}))
    assert result.grade is POLICY.factors[key].grade
    assert any(r.factor == key and r.source == POLICY.factors[key].source for r in result.reasons)


@pytest.mark.parametrize("key", FLAG_KEYS)
def test_a_factor_answered_no_raises_nothing(key: str) -> None:
    value: Any = [] if key == "exploitation_indicators" else False
    assert _grade(**{key: value}) is RiskGrade.very_low


@pytest.mark.parametrize(
    ("key", "below", "at"),
    [("previous_episodes", 0, 1), ("previous_episodes_90d", 2, 3), ("hours_missing", 23.5, 24)],
)
def test_counts_apply_from_their_threshold(key: str, below: float, at: float) -> None:
    assert _grade(**{key: below}) is RiskGrade.very_low
    assert _grade(**{key: at}) is POLICY.counts[key].grade


@pytest.mark.parametrize("combination", POLICY.combinations, ids=lambda c: "+".join(c.all_of))
def test_serious_combinations_make_it_high(combination: Any) -> None:
    answers = {
        key: (["gifts"] if key == "exploitation_indicators" else True) for key in combination.all_of
    }
    assert _grade(**answers) is RiskGrade.high


def test_young_children_are_high_whatever_else() -> None:
    result = suggest(POLICY, 9, RiskAnswers(planned_absence=True))
    assert result.grade is RiskGrade.high
    assert any("vulnerable through age" in r.effect for r in result.reasons)


def test_planned_absence_lowers_but_not_below_the_child_minimum_or_a_serious_floor() -> None:
    assert _grade(out_of_character=True, planned_absence=True) is RiskGrade.low
    assert _grade(15, out_of_character=True, planned_absence=True) is RiskGrade.medium
    assert _grade(suicide_self_harm_risk=True, planned_absence=True) is RiskGrade.high
    assert (
        _grade(dementia=True, adverse_weather_or_environment=True, planned_absence=True)
        is RiskGrade.high
    )


def test_an_unknown_serious_factor_is_named_as_a_question() -> None:
    result = suggest(POLICY, ADULT, RiskAnswers())
    asked = {r.factor for r in result.reasons if r.effect.startswith("Not known yet")}
    assert {"suicide_self_harm_risk", "crime_in_progress"} <= asked
    answered = suggest(
        POLICY, ADULT, RiskAnswers(suicide_self_harm_risk=False, crime_in_progress=False)
    )
    assert not any(r.effect.startswith("Not known yet") for r in answered.reasons)


answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        **{
            k: st.one_of(st.none(), st.booleans())
            for k in FLAG_KEYS
            if k != "exploitation_indicators"
        },
        "exploitation_indicators": st.one_of(
            st.none(), st.lists(st.sampled_from(["gifts", "phone"]), max_size=2)
        ),
        "planned_absence": st.one_of(st.none(), st.booleans()),
        "previous_episodes": st.one_of(st.none(), st.integers(0, 20)),
        "previous_episodes_90d": st.one_of(st.none(), st.integers(0, 10)),
        "hours_missing": st.one_of(st.none(), st.floats(0, 500)),
    },
)


@settings(max_examples=300, deadline=None)
@given(answers_strategy, st.one_of(st.none(), st.integers(0, 100)), st.sampled_from(FLAG_KEYS))
def test_turning_a_risk_factor_to_yes_never_lowers_the_grade(
    answers: dict[str, Any], age: int | None, key: str
) -> None:
    before = suggest(POLICY, age, RiskAnswers(**answers)).grade
    answers[key] = ["gifts"] if key == "exploitation_indicators" else True
    after = suggest(POLICY, age, RiskAnswers(**answers)).grade
    assert ORDER.index(after) >= ORDER.index(before)


@settings(max_examples=200, deadline=None)
@given(answers_strategy, st.integers(0, 17))
def test_a_child_is_never_below_the_minimum(answers: dict[str, Any], age: int) -> None:
    grade = suggest(POLICY, age, RiskAnswers(**answers)).grade
    assert ORDER.index(grade) >= ORDER.index(POLICY.child_minimum)


def test_a_force_policy_can_change_the_child_minimum(tmp_path: Path) -> None:
    text = (
        Path("src/harbour/risk/policy.toml")
        .read_text()
        .replace('child_minimum = "medium"', 'child_minimum = "high"')
    )
    path = tmp_path / "force.toml"
    path.write_text(text.replace('version = "2026-11-27.2"', 'version = "force-1"'))
    policy = load_policy(path)
    result = suggest(policy, 15, RiskAnswers())
    assert (result.grade, result.policy_version) == (RiskGrade.high, "force-1")


def test_a_broken_policy_is_refused_with_where() -> None:
    with pytest.raises(PolicyError, match=r"factors\.nonsense"):
        parse_policy(
            {
                "version": "x",
                "factors": {"nonsense": {"grade": "high", "label": "l", "source": "s"}},
            }
        )
    with pytest.raises(PolicyError, match="grade 'extreme'"):
        parse_policy(
            {
                "version": "x",
                "factors": {"dementia": {"grade": "extreme", "label": "l", "source": "s"}},
            }
        )


def test_the_command_reads_a_file_or_standard_input(tmp_path: Path) -> None:
    request = {"age_years": 14, "answers": {"looked_after": True, "suicide_self_harm_risk": True}}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(request))
    runner = CliRunner()
    result = runner.invoke(app, ["risk", "suggest", str(path)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["grade"] == "high"
    assert body["policy_version"] == POLICY.version
    assert any(r["factor"] == "looked_after" for r in body["reasons"])
    piped = runner.invoke(app, ["risk", "suggest", "-"], input=json.dumps({"age_years": 40}))
    assert json.loads(piped.output)["grade"] == "very_low"
    bad = runner.invoke(
        app, ["risk", "suggest", "-"], input='{"answers": {"looked_after": "perhaps"}}'
    )
    assert bad.exit_code == 1
    assert "looked_after" in bad.output
