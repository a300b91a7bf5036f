"""The grading policy: every factor, the child minimum, serious floors, exploitation by
itself, force data, time missing, unknown age, provisional grades, and monotonicity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from harbour.cli import app
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import ORDER, PolicyError, load_policy, parse_policy, suggest
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.risk.schemas import INDICATORS, ForceFlag, RiskAnswers

POLICY = load_policy()
FLAG_KEYS = [k for k in POLICY.factors]
MITIGATING = set(POLICY.mitigating)
ADULT = 30
# Every initial question answered no: what is left is the factor a test sets.
ANSWERED: dict[str, Any] = dict.fromkeys(POLICY.initial_questions, False)
WEAK = sorted(set(INDICATORS) - POLICY.exploitation.alone)  # type: ignore[union-attr]


def _grade(age: int | None = ADULT, **answers: Any) -> RiskGrade:
    return suggest(POLICY, age, RiskAnswers(**(ANSWERED | answers))).grade


def _yes(key: str) -> Any:
    return [WEAK[0]] if key == "exploitation_indicators" else True


def test_the_form_offers_exactly_the_screening_indicators() -> None:
    assert set(EXPLOITATION_INDICATORS) == set(INDICATORS)
    with pytest.raises(ValidationError, match="not an exploitation indicator"):
        RiskAnswers(exploitation_indicators=["gifts"])


def test_nothing_known_is_provisional_and_a_child_or_unknown_age_gets_the_minimum() -> None:
    nothing = suggest(POLICY, ADULT, RiskAnswers())
    assert nothing.grade is RiskGrade.low
    assert any(r.factor == "provisional" for r in nothing.reasons)
    assert _grade() is RiskGrade.very_low  # every initial question answered no
    assert _grade(15) is POLICY.child_minimum is RiskGrade.medium
    unknown = suggest(POLICY, None, RiskAnswers(**ANSWERED))
    assert unknown.grade is RiskGrade.medium
    assert any("s51" in r.effect for r in unknown.reasons)


@pytest.mark.parametrize("key", FLAG_KEYS)
def test_every_factor_raises_an_adult_to_its_grade_and_says_so(key: str) -> None:
    result = suggest(POLICY, ADULT, RiskAnswers(**(ANSWERED | {key: _yes(key)})))
    assert ORDER.index(result.grade) >= ORDER.index(POLICY.factors[key].grade)
    assert any(r.factor == key and r.source == POLICY.factors[key].source for r in result.reasons)


@pytest.mark.parametrize("key", FLAG_KEYS)
def test_a_factor_answered_no_raises_nothing(key: str) -> None:
    value: Any = [] if key == "exploitation_indicators" else False
    assert _grade(**{key: value}) is RiskGrade.very_low


@pytest.mark.parametrize(
    ("key", "below", "at"),
    [
        ("previous_episodes", 0, 1),
        ("previous_episodes_90d", 2, 3),
        ("hours_missing", 23.5, 24),
        ("open_network_alerts", 0, 1),
    ],
)
def test_counts_apply_from_their_threshold(key: str, below: float, at: float) -> None:
    assert _grade(**{key: below}) is RiskGrade.very_low
    assert _grade(**{key: at}) is POLICY.counts[key].grade


def _combination_id(rule: Any) -> str:
    parts = [*rule.all_of, *(f"{k}>={v:g}" for k, v in rule.at_least)]
    return "+".join(parts) + (f"+under_{rule.under_age}" if rule.under_age else "")


@pytest.mark.parametrize("combination", POLICY.combinations, ids=_combination_id)
def test_serious_combinations_make_it_high(combination: Any) -> None:
    # a combination for the young is tried at an age it covers, and not at the next age up
    age = combination.under_age - 1 if combination.under_age else ADULT
    counts = dict(combination.at_least)
    together = {key: _yes(key) for key in combination.all_of} | counts
    assert _grade(age, **together) is RiskGrade.high
    if combination.under_age and combination.under_age < POLICY.child_age:
        assert _grade(combination.under_age, **together) is not RiskGrade.high
    # and not each part alone (below a count's threshold, the combination does not apply)
    if counts:
        short = {key: value - 1 for key, value in counts.items()}
        below = {key: _yes(key) for key in combination.all_of} | short
        assert _grade(age, **below) is not RiskGrade.high
    elif len(combination.all_of) > 1:
        for key in combination.all_of:
            assert _grade(age, **{key: _yes(key)}) is not RiskGrade.high or (
                POLICY.factors[key].grade is RiskGrade.high
            )


def test_three_factors_of_medium_together_make_it_high() -> None:
    two = {"out_of_character": True, "domestic_abuse": True}
    assert _grade(**two) is RiskGrade.medium
    assert _grade(**two, looked_after=True) is RiskGrade.high
    # low factors do not count towards it
    assert _grade(**two, bullying=True, family_conflict=True) is RiskGrade.medium


def test_online_contact_with_unknown_adults_counts_as_an_exploitation_indicator() -> None:
    two = ["isolation", "mood_change"]
    assert _grade(15, exploitation_indicators=two) is RiskGrade.medium
    assert _grade(15, exploitation_indicators=two, online_contact_with_unknown_adults=True) is (
        RiskGrade.high
    )
    # missing from education is the indicator "school decline": the two count once
    both = dict(exploitation_indicators=[*two[:1], "school_decline"], missing_from_education=True)
    assert _grade(15, **both) is RiskGrade.medium


@pytest.mark.parametrize("indicator", sorted(POLICY.exploitation.alone))  # type: ignore[union-attr]
def test_a_strong_exploitation_indicator_alone_makes_it_high(indicator: str) -> None:
    result = suggest(POLICY, 15, RiskAnswers(**ANSWERED, exploitation_indicators=[indicator]))
    assert result.grade is RiskGrade.high
    assert any(r.factor == "exploitation" and indicator in r.effect for r in result.reasons)
    # and a supervisor's "planned absence" cannot talk it down
    assert _grade(15, exploitation_indicators=[indicator], planned_absence=True) is RiskGrade.high


def test_several_exploitation_indicators_together_make_it_high() -> None:
    assert _grade(15, exploitation_indicators=WEAK[:2]) is RiskGrade.medium
    assert _grade(15, exploitation_indicators=WEAK[:3]) is RiskGrade.high
    assert _grade(15, exploitation_indicators=list(INDICATORS)) is RiskGrade.high
    # "associating with adults of concern" is the indicator "older associates": high by itself
    assert _grade(15, associating_with_adults_of_concern=True) is RiskGrade.high
    # "found out of area before" is the indicator "found out of area": one of the three
    found = {"found_out_of_area_before": True, "exploitation_indicators": WEAK[:2]}
    assert "found_out_of_area" in WEAK[:3] or _grade(15, **found) is RiskGrade.high


def test_the_inspectorates_children_are_graded_high() -> None:
    """Cases the issue names from HMICFRS's findings, which came out medium before."""
    looked_after = {
        "looked_after": True,
        "previous_episodes": 6,
        "previous_episodes_90d": 3,
        "found_out_of_area_before": True,
        "exploitation_indicators": ["unexplained_gifts", "excessive_contact"],
    }
    assert _grade(14, **looked_after) is RiskGrade.high
    county_lines = {"exploitation_indicators": ["travel_tickets", "multiple_phones", "weapons"]}
    assert _grade(16, **county_lines) is RiskGrade.high
    assert _grade(17, looked_after=True, force_flags=["cce_risk"]) is RiskGrade.high


@pytest.mark.parametrize("flag", sorted(POLICY.force_flags))
def test_a_flag_on_the_record_counts_with_its_reason(flag: str) -> None:
    result = suggest(POLICY, ADULT, RiskAnswers(**ANSWERED, force_flags=[flag]))
    rule = POLICY.force_flags[flag]
    assert result.grade is rule.grade
    assert any(
        r.factor == f"force_flags:{flag}" and r.source == rule.source for r in result.reasons
    )


def test_time_missing_raises_a_childs_grade_at_24_48_and_72_hours() -> None:
    assert _grade(15, hours_missing=23) is RiskGrade.medium
    assert _grade(15, hours_missing=47.5) is RiskGrade.medium
    at_48 = suggest(POLICY, 15, RiskAnswers(**ANSWERED, hours_missing=48))
    assert at_48.grade is RiskGrade.high and any("regrade" in r.effect for r in at_48.reasons)
    assert _grade(15, hours_missing=80, planned_absence=True) is RiskGrade.high
    # unknown age: the child minimum, but the time steps only where the policy says so
    expected = RiskGrade.high if POLICY.unknown_age_time_steps else RiskGrade.medium
    assert _grade(None, hours_missing=50) is expected
    assert _grade(ADULT, hours_missing=50) is RiskGrade.medium


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
    # nor below the provisional minimum while initial questions are unanswered
    early = suggest(POLICY, ADULT, RiskAnswers(out_of_character=True, planned_absence=True))
    assert early.grade is RiskGrade.low


def test_an_unknown_serious_factor_is_named_as_a_question() -> None:
    result = suggest(POLICY, ADULT, RiskAnswers())
    asked = {r.factor for r in result.reasons if r.effect.startswith("Not known yet")}
    assert {"suicide_self_harm_risk", "crime_in_progress"} <= asked
    answered = suggest(
        POLICY, ADULT, RiskAnswers(suicide_self_harm_risk=False, crime_in_progress=False)
    )
    assert not any(
        r.factor in ("suicide_self_harm_risk", "crime_in_progress")
        and r.effect.startswith("Not known yet")
        for r in answered.reasons
    )


answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        **{
            k: st.one_of(st.none(), st.booleans())
            for k in FLAG_KEYS
            if k != "exploitation_indicators"
        },
        "exploitation_indicators": st.one_of(
            st.none(), st.lists(st.sampled_from(INDICATORS), max_size=4, unique=True)
        ),
        "force_flags": st.one_of(
            st.none(), st.lists(st.sampled_from(get_args(ForceFlag)), max_size=3, unique=True)
        ),
        "planned_absence": st.one_of(st.none(), st.booleans()),
        "previous_episodes": st.one_of(st.none(), st.integers(0, 20)),
        "previous_episodes_90d": st.one_of(st.none(), st.integers(0, 10)),
        "hours_missing": st.one_of(st.none(), st.floats(0, 500)),
        "open_network_alerts": st.one_of(st.none(), st.integers(0, 5)),
    },
)


@settings(max_examples=300, deadline=None)
@given(answers_strategy, st.one_of(st.none(), st.integers(0, 100)), st.sampled_from(FLAG_KEYS))
def test_turning_a_risk_factor_to_yes_never_lowers_the_grade(
    answers: dict[str, Any], age: int | None, key: str
) -> None:
    before = suggest(POLICY, age, RiskAnswers(**answers)).grade
    answers[key] = (
        (answers.get(key) or []) + [WEAK[0]] if key == "exploitation_indicators" else True
    )
    if key == "exploitation_indicators":
        answers[key] = list(dict.fromkeys(answers[key]))
    after = suggest(POLICY, age, RiskAnswers(**answers)).grade
    assert ORDER.index(after) >= ORDER.index(before)


@settings(max_examples=200, deadline=None)
@given(
    answers_strategy,
    st.one_of(st.none(), st.integers(0, 100)),
    st.sampled_from(get_args(ForceFlag)),
)
def test_a_flag_on_the_record_never_lowers_the_grade(
    answers: dict[str, Any], age: int | None, flag: str
) -> None:
    before = suggest(POLICY, age, RiskAnswers(**answers)).grade
    answers["force_flags"] = list(dict.fromkeys([*(answers.get("force_flags") or []), flag]))
    after = suggest(POLICY, age, RiskAnswers(**answers)).grade
    assert ORDER.index(after) >= ORDER.index(before)


@settings(max_examples=300, deadline=None)
@given(answers_strategy, st.one_of(st.none(), st.integers(0, 17)))
def test_a_child_or_a_person_of_unknown_age_is_never_below_the_minimum(
    answers: dict[str, Any], age: int | None
) -> None:
    grade = suggest(POLICY, age, RiskAnswers(**answers)).grade
    assert ORDER.index(grade) >= ORDER.index(POLICY.child_minimum)


@settings(max_examples=200, deadline=None)
@given(answers_strategy, st.integers(18, 100))
def test_an_adult_is_never_below_low_while_an_initial_question_is_unanswered(
    answers: dict[str, Any], age: int
) -> None:
    if all(answers.get(q) is not None for q in POLICY.initial_questions):
        return
    grade = suggest(POLICY, age, RiskAnswers(**answers)).grade
    assert ORDER.index(grade) >= ORDER.index(RiskGrade.low)


def test_a_force_policy_can_change_the_child_minimum(tmp_path: Path) -> None:
    text = (
        Path("src/harbour/risk/policy.toml")
        .read_text()
        .replace('child_minimum = "medium"', 'child_minimum = "high"')
    )
    path = tmp_path / "force.toml"
    path.write_text(text.replace(f'version = "{POLICY.version}"', 'version = "force-1"'))
    policy = load_policy(path)
    result = suggest(policy, 15, RiskAnswers())
    assert (result.grade, result.policy_version) == (RiskGrade.high, "force-1")


def test_a_broken_policy_is_refused_with_where() -> None:
    with pytest.raises(PolicyError, match="not a screening indicator"):
        parse_policy(
            {"version": "x", "exploitation": {"alone": ["gifts"], "label": "l", "source": "s"}}
        )
    with pytest.raises(PolicyError, match=r"force_flags\.tattoo"):
        parse_policy(
            {
                "version": "x",
                "force_flags": {"tattoo": {"grade": "low", "label": "l", "source": "s"}},
            }
        )
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
    answered = {"age_years": 40, "answers": dict.fromkeys(POLICY.initial_questions, False)}
    piped = runner.invoke(app, ["risk", "suggest", "-"], input=json.dumps(answered))
    assert json.loads(piped.output)["grade"] == "very_low"
    bad = runner.invoke(
        app, ["risk", "suggest", "-"], input='{"answers": {"looked_after": "perhaps"}}'
    )
    assert bad.exit_code == 1
    assert "looked_after" in bad.output


def test_the_command_refuses_a_file_that_is_not_utf8_in_one_line(tmp_path: Path) -> None:
    """A Latin-1 file was a UnicodeDecodeError traceback; now one line and Typer's usage code."""
    path = tmp_path / "answers.json"
    path.write_bytes('{"age_years": 14, "answers": {}, "note": "café"}'.encode("latin-1"))
    result = CliRunner().invoke(app, ["risk", "suggest", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "is not UTF-8 text (byte 0xe9 at offset 45)" in lines[0]
    piped = CliRunner().invoke(app, ["risk", "suggest", "-"], input=b'{"answers": {}}\xff')
    assert piped.exit_code == 2
    assert "Standard input is not UTF-8 text" in piped.output
    # A byte-order mark, as Windows editors write, is not an error.
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"age_years": 14, "answers": {}}).encode())
    assert CliRunner().invoke(app, ["risk", "suggest", str(path)]).exit_code == 0


def test_the_command_prints_an_error_that_quotes_markup(tmp_path: Path) -> None:
    """An unknown answer key of "[/]" in the error was a rich MarkupError traceback."""
    result = CliRunner().invoke(app, ["risk", "suggest", "-"], input='{"answers": {"[/]": true}}')
    assert result.exit_code == 1, result.output
    assert "answers.[/]" in result.output
