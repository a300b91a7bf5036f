"""A call's narrative, the handler's answers and the RCRP suggestion, for the API and the CLI."""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

NARRATIVE_MAX = 20_000


class CallerType(enum.StrEnum):
    """Who is calling: the caller's relationship or organisation."""

    family = "family"
    public = "public"
    care_home = "care_home"
    foster_carer = "foster_carer"
    school = "school"
    mental_health_unit = "mental_health_unit"
    hospital = "hospital"
    gp_surgery = "gp_surgery"
    ambulance = "ambulance"
    social_care = "social_care"
    housing = "housing"
    police = "police"
    other = "other"


class Category(enum.StrEnum):
    """The call types of the RCRP National Partnership Agreement, plus missing persons and crime."""

    missing_person = "missing_person"
    concern_for_welfare = "concern_for_welfare"
    health_walkout = "health_walkout"
    transport = "transport"
    s136_handover = "s136_handover"
    crime = "crime"
    other = "other"


class Outcome(enum.StrEnum):
    police_attend = "police_attend"
    missing_person_report = "missing_person_report"
    refer_partner = "refer_partner"
    advice_only = "advice_only"


POLICE_OUTCOMES = frozenset({Outcome.police_attend, Outcome.missing_person_report})

Flag = bool | None


class TriageAnswers(BaseModel):
    """The handler's answers; each overrides what the narrative suggests. Null: not answered."""

    model_config = ConfigDict(extra="forbid", strict=True)

    crime: Flag = Field(default=None, description="A crime that has happened or is happening")
    risk_to_life: Flag = Field(
        default=None, description="A real and immediate risk to life, or of serious harm"
    )
    child: Flag = Field(default=None, description="The call is about someone under 18")
    missing: Flag = Field(default=None, description="Someone's whereabouts cannot be established")


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    narrative: Annotated[str, Field(min_length=1, max_length=NARRATIVE_MAX)]
    # Lax for this field alone so that JSON's string names the enum member (still only its values).
    caller_type: Annotated[CallerType | None, Field(strict=False)] = None
    answers: TriageAnswers = Field(default_factory=TriageAnswers)

    @field_validator("narrative")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the narrative is empty")
        return value


class Highlight(BaseModel):
    text: str
    start: int = Field(description="Offset of the first character")
    end: int = Field(description="Offset after the last character (exclusive)")
    meaning: str


class TriageSuggestion(BaseModel):
    category: Category
    outcome: Outcome
    partner: str | None = Field(description="The partner agency, with refer_partner; else null")
    police_attend: bool = Field(description="True for police_attend and missing_person_report")
    reasons: list[str]
    highlights: list[Highlight]
    rules_version: str
