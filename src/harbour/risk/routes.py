"""`POST /api/v1/risk/suggest`: the grading policy's suggestion for a set of answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from harbour.actor import Actor
from harbour.risk import service
from harbour.risk.schemas import LanguageCheck, LanguageReport, Suggestion, SuggestRequest
from harbour.web import api_router, current_actor

api = api_router(prefix="/api/v1/risk", tags=["risk"])


@api.post(
    "/suggest",
    response_model=Suggestion,
    summary="Suggest an APP risk grade, with every reason, under the policy in force",
)
def suggest(data: SuggestRequest, actor: Annotated[Actor, Depends(current_actor)]) -> Suggestion:
    return service.suggest_grade(actor, data)


@api.post(
    "/language",
    response_model=LanguageReport,
    summary="Find victim-blaming or adultifying phrases in a text, with what to write instead",
)
def check_language(
    data: LanguageCheck, actor: Annotated[Actor, Depends(current_actor)]
) -> LanguageReport:
    return service.check_language(actor, data.text)
