"""Calls' services: the verbs they offer, from the call record to the decision and the boards.

`records` owns a call and what was said on it, `decisions` the RCRP decision and handovers,
`boards` the calls boards and outcome counts; `suggest_outcome` asks the triage rules. Callers
outside this package write `from harbour.calls import service as calls`.
"""

from __future__ import annotations

from harbour.access import service as access
from harbour.actor import Actor
from harbour.calls.boards import awaiting, decided, handovers_waiting, outcomes
from harbour.calls.decisions import confirm, decide, record_handover
from harbour.calls.policy import suggest
from harbour.calls.records import (
    find,
    justify,
    link_person,
    record_call,
    record_view,
)
from harbour.calls.rules import current_rules
from harbour.calls.schemas import (
    CallInput,
    DecisionInput,
    HandoverInput,
    TriageRequest,
    TriageSuggestion,
)


def suggest_outcome(actor: Actor | None, request: TriageRequest) -> TriageSuggestion:
    """Return the rules' suggestion for a call's narrative (no actor: the command line)."""
    if actor is not None:
        access.require(actor, "triage.suggest")
    return suggest(current_rules(), request.narrative, request.caller_type, request.answers)


__all__ = [
    "CallInput",
    "DecisionInput",
    "HandoverInput",
    "awaiting",
    "confirm",
    "decide",
    "decided",
    "find",
    "handovers_waiting",
    "justify",
    "link_person",
    "outcomes",
    "record_call",
    "record_handover",
    "record_view",
    "suggest_outcome",
]
