"""The risk questionnaire's answers and the suggestion, as the API, CLI and import read them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from harbour.risk.grades import RiskGrade

Flag = bool | None


class RiskAnswers(BaseModel):
    """The APP questions. Each is true, false or unknown (null or left out); unknown is not no."""

    model_config = ConfigDict(extra="forbid", strict=True)

    looked_after: Flag = None
    dementia: Flag = None
    out_of_character: Flag = None
    previous_episodes: Annotated[int, Field(ge=0, le=10_000)] | None = None
    previous_episodes_90d: Annotated[int, Field(ge=0, le=10_000)] | None = None
    medical_needs: Flag = None
    medication_missed: Flag = None
    mental_health_concern: Flag = None
    suicide_self_harm_risk: Flag = None
    crime_in_progress: Flag = None
    victim_of_crime_likely: Flag = None
    exploitation_indicators: list[Annotated[str, Field(max_length=100)]] | None = None
    associating_with_adults_of_concern: Flag = None
    found_out_of_area_before: Flag = None
    domestic_abuse: Flag = None
    family_conflict: Flag = None
    bullying: Flag = None
    drugs_alcohol: Flag = None
    physical_illness_disability: Flag = None
    adverse_weather_or_environment: Flag = None
    failed_to_complete_intention: Flag = None
    no_means_of_support: Flag = None
    hours_missing: Annotated[float, Field(ge=0, le=100_000)] | None = None
    planned_absence: Flag = None


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    age_years: Annotated[int, Field(ge=0, le=130)] | None = None
    answers: RiskAnswers = Field(default_factory=RiskAnswers)


class Reason(BaseModel):
    factor: str
    effect: str
    source: str | None = None  # where the rule comes from (docs/risk-policy.md lists them)


class Suggestion(BaseModel):
    grade: RiskGrade
    reasons: list[Reason]
    policy_version: str


class LanguageCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Annotated[str, Field(max_length=50_000)]


class LanguageFinding(BaseModel):
    phrase: str
    start: int
    end: int
    instead: str
    why: str


class LanguageReport(BaseModel):
    findings: list[LanguageFinding]
    lexicon_version: str
