"""`POST /api/v1/triage/suggest`: the RCRP suggestion for a call's narrative."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from harbour.actor import Actor
from harbour.calls import service
from harbour.calls.schemas import TriageRequest, TriageSuggestion
from harbour.web import api_router, current_actor

api = api_router(prefix="/api/v1/triage", tags=["triage"])


@api.post(
    "/suggest",
    response_model=TriageSuggestion,
    summary="Suggest a call's category and RCRP outcome from its narrative, with every reason",
)
def suggest(
    data: TriageRequest, actor: Annotated[Actor, Depends(current_actor)]
) -> TriageSuggestion:
    return service.suggest_outcome(actor, data)
