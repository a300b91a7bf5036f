"""The second development set of risk cases (`risk_cases.jsonl`), written from published material
by a helper who had not read the rules: the policy may be tuned on it (unlike `tests/blind/`),
and it must keep what it reached. Agreement is reported in docs/decision-quality.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harbour.risk.policy import ORDER, is_child, load_policy, suggest
from harbour.risk.schemas import RiskAnswers

CASES = [
    json.loads(line)
    for line in (Path(__file__).with_name("risk_cases.jsonl")).read_text("utf-8").splitlines()
    if line
]
POLICY = load_policy()


def _grade(case: dict[str, Any]) -> str:
    answers = RiskAnswers.model_validate(case["answers"], strict=False)
    return suggest(POLICY, case["age_years"], answers).grade.value


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_no_case_is_graded_below_its_floor(case: dict[str, Any]) -> None:
    values = [g.value for g in ORDER]
    got = values.index(_grade(case))
    assert got >= values.index(case["floor"]), case["why"]
    if is_child(POLICY, case["age_years"]):
        assert got >= ORDER.index(POLICY.child_minimum)


def test_agreement_with_the_graders_is_at_least_90_percent() -> None:
    agreed = sum(_grade(case) in case["acceptable"] for case in CASES)
    assert len(CASES) >= 100
    assert agreed / len(CASES) >= 0.90, f"{agreed} of {len(CASES)}"
