"""The risk questionnaire's answers and the suggestion, as the API, CLI and import read them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harbour.risk.grades import RiskGrade
from harbour.validation import WHOLE

Flag = bool | None
# The flags a person's record can carry that bear on risk (people.models.FLAGS).
ForceFlag = Literal[
    "cse_risk",
    "cce_risk",
    "county_lines",
    "trafficking",
    "self_harm",
    "mental_health",
    "dementia",
    "violence",
    "weapons",
    "drugs",
    "missing_from_care",
]
# Screening indicators of exploitation (domain.md section 5, sources E3 and E4).
INDICATORS = (
    "frequent_missing",
    "found_out_of_area",
    "unexplained_gifts",
    "multiple_phones",
    "excessive_contact",
    "older_associates",
    "unexplained_injuries",
    "weapons",
    "school_decline",
    "isolation",
    "mood_change",
    "drugs",
    "travel_tickets",
)


class RiskAnswers(BaseModel):
    """The APP questions. Each is true, false or unknown (null or left out); unknown is not no."""

    model_config = ConfigDict(extra="forbid", strict=True)

    looked_after: Flag = None
    dementia: Flag = None
    out_of_character: Flag = None
    previous_episodes: Annotated[int, Field(ge=0, le=10_000), WHOLE] | None = None
    previous_episodes_90d: Annotated[int, Field(ge=0, le=10_000), WHOLE] | None = None
    medical_needs: Flag = None
    medication_missed: Flag = None
    mental_health_concern: Flag = None
    suicide_self_harm_risk: Flag = None
    crime_in_progress: Flag = None
    victim_of_crime_likely: Flag = None
    exploitation_indicators: (
        list[Annotated[str, Field(max_length=100, json_schema_extra={"enum": list(INDICATORS)})]]
        | None
    ) = None
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
    # What local missing-person forms ask and the APP's initial questions leave implicit.
    unaccompanied_or_age_disputed: Flag = None
    previously_harmed_while_missing: Flag = None
    child_protection_plan: Flag = None
    pregnant: Flag = None
    care_leaver: Flag = None
    online_contact_with_unknown_adults: Flag = None
    missing_from_education: Flag = None
    # What the force already holds (pre-filled from the record; a grader may set one aside only
    # with a reason, which the reviewing supervisor sees).
    force_flags: list[ForceFlag] | None = None
    open_network_alerts: Annotated[int, Field(ge=0, le=10_000), WHOLE] | None = None
    open_exploitation_screening: Flag = None
    nrm_referral: Flag = None

    @field_validator("exploitation_indicators")
    @classmethod
    def _known_indicators(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - set(INDICATORS))
        if unknown:
            raise ValueError(f"not an exploitation indicator: {', '.join(unknown)}")
        return list(dict.fromkeys(value))


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    age_years: Annotated[int, Field(ge=0, le=130), WHOLE] | None = None
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
