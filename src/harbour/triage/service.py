"""Ask the triage rules for an RCRP suggestion on behalf of an actor."""

from __future__ import annotations

from harbour.access import service as access
from harbour.actor import Actor
from harbour.triage.policy import suggest
from harbour.triage.rules import current_rules
from harbour.triage.schemas import TriageRequest, TriageSuggestion


def suggest_outcome(actor: Actor | None, request: TriageRequest) -> TriageSuggestion:
    """Return the rules' suggestion for a call's narrative (no actor: the command line)."""
    if actor is not None:
        access.require(actor, "triage.suggest")
    return suggest(current_rules(), request.narrative, request.caller_type, request.answers)
