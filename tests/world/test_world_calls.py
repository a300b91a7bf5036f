"""The second, third and fourth development sets of calls (`tests/world/`, `tests/world2/` and
`tests/world3/calls.jsonl`), each written from published material by a helper who had read
neither the rules nor any other set: the rules may be tuned on them (unlike `tests/blind*/`), and
they must keep what they reached. Agreement is reported in docs/decision-quality.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harbour.calls.policy import suggest
from harbour.calls.rules import load_rules
from harbour.calls.schemas import POLICE_OUTCOMES, CallerType, TriageAnswers

HERE = Path(__file__).parent
SETS = {
    folder.name: [
        json.loads(line)
        for line in (folder / "calls.jsonl").read_text("utf-8").splitlines()
        if line
    ]
    for folder in (HERE, HERE.parent / "world2", HERE.parent / "world3")
}
# What each set reached. The fourth's writer closes many calls as advice without the handler's
# two "no" answers, which Harbour by design never does (unknown is never no).
AGREEMENT = {"world": 0.90, "world2": 0.90, "world3": 0.66}
CALLS = [call for calls in SETS.values() for call in calls]
RULES = load_rules()


def _outcome(call: dict[str, Any]) -> str:
    caller = CallerType(call["caller_type"]) if call.get("caller_type") else None
    answers = TriageAnswers(**call.get("answers", {}))
    return suggest(RULES, call["narrative"], caller, answers).outcome.value


@pytest.mark.parametrize("call", [c for c in CALLS if c["needs_police"]], ids=lambda c: c["id"])
def test_no_call_that_needs_police_is_deflected(call: dict[str, Any]) -> None:
    assert _outcome(call) in {o.value for o in POLICE_OUTCOMES}, call["why"]


@pytest.mark.parametrize("name", sorted(SETS))
def test_agreement_with_the_handlers_keeps_what_it_reached(name: str) -> None:
    calls = SETS[name]
    agreed = sum(_outcome(call) in call["acceptable"] for call in calls)
    assert len(calls) >= 150
    assert agreed / len(calls) >= AGREEMENT[name], f"{agreed} of {len(calls)}"
