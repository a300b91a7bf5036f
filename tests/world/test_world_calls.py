"""The second development set of calls (`calls.jsonl`), written from published material by a
helper who had not read the rules: the rules may be tuned on it (unlike `tests/blind/`), and
they must keep what they reached. Agreement is reported in docs/decision-quality.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harbour.calls.policy import suggest
from harbour.calls.rules import load_rules
from harbour.calls.schemas import POLICE_OUTCOMES, CallerType, TriageAnswers

CALLS = [
    json.loads(line)
    for line in (Path(__file__).with_name("calls.jsonl")).read_text("utf-8").splitlines()
    if line
]
RULES = load_rules()


def _outcome(call: dict[str, Any]) -> str:
    caller = CallerType(call["caller_type"]) if call.get("caller_type") else None
    answers = TriageAnswers(**call.get("answers", {}))
    return suggest(RULES, call["narrative"], caller, answers).outcome.value


@pytest.mark.parametrize("call", [c for c in CALLS if c["needs_police"]], ids=lambda c: c["id"])
def test_no_call_that_needs_police_is_deflected(call: dict[str, Any]) -> None:
    assert _outcome(call) in {o.value for o in POLICE_OUTCOMES}, call["why"]


def test_agreement_with_the_handlers_is_at_least_90_percent() -> None:
    agreed = sum(_outcome(call) in call["acceptable"] for call in CALLS)
    assert len(CALLS) >= 150
    assert agreed / len(CALLS) >= 0.90, f"{agreed} of {len(CALLS)}"
