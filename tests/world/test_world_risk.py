"""The second and third development sets of risk cases (`tests/world/risk_cases.jsonl` and
`tests/world2/risk_cases.jsonl`), each written from published material by a helper who had read
neither the rules nor any other set: the policy may be tuned on them (unlike `tests/blind/`), and
it must keep what it reached. Agreement is reported in docs/decision-quality.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harbour.risk.policy import ORDER, is_child, load_policy, suggest
from harbour.risk.schemas import RiskAnswers

HERE = Path(__file__).parent
SETS = {
    folder.name: [
        json.loads(line)
        for line in (folder / "risk_cases.jsonl").read_text("utf-8").splitlines()
        if line
    ]
    for folder in (HERE, HERE.parent / "world2")
}
CASES = [case for cases in SETS.values() for case in cases]
# Cases the policy cannot yet grade safely, each with why (the form has no question for it).
KNOWN_UNSAFE = {
    "w2risk-100": "a parent who has left young children alone: no question of the form says so",
}
POLICY = load_policy()


def _grade(case: dict[str, Any]) -> str:
    answers = RiskAnswers.model_validate(case["answers"], strict=False)
    return suggest(POLICY, case["age_years"], answers).grade.value


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_no_case_is_graded_below_its_floor(case: dict[str, Any]) -> None:
    if case["id"] in KNOWN_UNSAFE:
        pytest.xfail(KNOWN_UNSAFE[case["id"]])
    values = [g.value for g in ORDER]
    got = values.index(_grade(case))
    assert got >= values.index(case["floor"]), case["why"]
    if is_child(POLICY, case["age_years"]):
        assert got >= ORDER.index(POLICY.child_minimum)


@pytest.mark.parametrize("name", sorted(SETS))
def test_agreement_with_the_graders_is_at_least_90_percent(name: str) -> None:
    cases = SETS[name]
    agreed = sum(_grade(case) in case["acceptable"] for case in cases)
    assert len(cases) >= 100
    assert agreed / len(cases) >= 0.90, f"{agreed} of {len(cases)}"
