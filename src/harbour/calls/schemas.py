"""A call's narrative, the handler's answers and the RCRP suggestion, for the API and the CLI."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from harbour.settings import get_settings
from harbour.validation import Input, needed, one_of

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
    exploitation: Flag = Field(
        default=None,
        description="Signs that a child is being exploited (older associates, money, gifts, "
        "phones, being picked up in cars, an adult's flat)",
    )


# Python's whitespace (what str.strip takes away), as JSON Schema escapes: the narrative must
# have a character outside it.
_SPACE = "".join(f"\\u{c:04x}" for c in range(0x10000) if chr(c).isspace())


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    # Words, not only spaces; no NUL (the edge refuses it): the document states both.
    narrative: Annotated[
        str,
        Field(
            min_length=1,
            max_length=NARRATIVE_MAX,
            json_schema_extra={"pattern": f"^[^\\u0000]*[^{_SPACE}\\u0000][^\\u0000]*$"},
        ),
    ]
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
    reader_version: str | None = Field(
        default=None, description="The second reader's weights, when it read the call"
    )


# -- what the call pages send -----------------------------------------------------------------

Text = Annotated[str | None, Field(max_length=20_000)]


def _step(label: str) -> BeforeValidator:
    return needed(f"Enter the {label} step of your assessment")


class CallInput(Input):
    """A call as it comes in: who is calling, from where, what they say."""

    summary = "Check the call"

    caller: Annotated[str, needed("Enter the caller's name"), Field(max_length=200)]
    caller_type: CallerType | None
    caller_relationship: Annotated[str | None, Field(max_length=200)]
    caller_contact: Annotated[str | None, Field(max_length=200)]
    location_text: Text
    narrative: Annotated[
        str,
        needed("Enter what the caller says, in their words where you can"),
        Field(max_length=NARRATIVE_MAX),
    ]
    reference: Annotated[str | None, Field(max_length=40)] = None
    received_at: datetime | None = None


class DecisionInput(Input):
    """The handler's RCRP answers, the outcome, and the THRIVE and NDM record of why."""

    summary = "Check the decision"

    crime: Annotated[bool, needed("Answer whether a crime has happened or is happening")]
    risk_to_life: Annotated[
        bool,
        needed("Answer whether there is a real and immediate risk to life or of serious harm"),
    ]
    child: bool | None
    category: Annotated[Category, one_of(set(Category), "Select the category of the call")]
    outcome: Annotated[Outcome, one_of(set(Outcome), "Select the outcome")]
    information: Annotated[str, _step("information")]
    threat: Annotated[str, _step("threat")]
    harm: Annotated[str, _step("harm")]
    risk: Annotated[str, _step("risk")]
    investigation: Annotated[str, _step("investigation")]
    vulnerability: Annotated[str, _step("vulnerability")]
    engagement: Annotated[str, _step("engagement")]
    rationale: Annotated[str, needed("Write why you decided this")]
    caller_told: Annotated[
        str,
        needed(
            "Record what you told the caller, in plain words, including whether police will attend"
        ),
    ]
    version: int
    partner: str | None = None
    partner_accepted_by: Text = None
    partner_accepted_at: datetime | None = None
    partner_reference: Text = None
    arrived_at: datetime | None = None
    response_grade: str | None = None
    powers_policy: Text = None
    options: Text = None
    action_taken: Text = None
    update_text: Text = None

    def answers(self) -> TriageAnswers:
        return TriageAnswers(crime=self.crime, risk_to_life=self.risk_to_life, child=self.child)

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        """The RCRP rules between the handler's answers and the outcome (NPA 2023)."""
        from harbour.calls.rules import current_rules  # the partners the triage rules name

        errors: dict[str, str] = {}
        outcome, category = values.get("outcome"), values.get("category")
        answered_yes = values.get("crime") or values.get("risk_to_life")
        if answered_yes and outcome in set(Outcome) and outcome not in POLICE_OUTCOMES:
            errors["outcome"] = (
                "The RCRP test says police attend: you answered yes to a crime or to a real "
                "and immediate risk. Choose police attend, or change your answer."
            )
        if category == Category.missing_person and outcome != Outcome.missing_person_report:
            errors["outcome"] = (
                "A missing person is always a missing-person report: it is never deflected. If "
                "no one is missing, change the category."
            )
        if outcome == Outcome.refer_partner:
            if values.get("partner") not in current_rules().partners:
                errors["partner"] = "Select the partner the call is handed to"
            if bool(values.get("partner_accepted_by")) != bool(values.get("partner_accepted_at")):
                errors["partner_accepted_by"] = (
                    "Enter both who accepted the handover and when, or neither until they accept it"
                )
        grades = get_settings().call_response_grades
        if outcome == Outcome.police_attend and values.get("response_grade") not in grades:
            errors["response_grade"] = "Select the response grade for the police attendance"
        if category == Category.s136_handover and values.get("arrived_at") is None:
            errors["arrived_at"] = (
                "Enter when the officers arrived at the health setting: the handover clock "
                "starts then"
            )
        return errors


class HandoverInput(Input):
    """The partner's acceptance of a call handed to them (which stops an s136 clock)."""

    summary = "Check the handover"

    accepted_by: Annotated[
        str, needed("Enter who at the partner accepted the handover"), Field(max_length=200)
    ]
    accepted_at: Annotated[datetime, needed("Enter when they accepted it")]
    reference: Annotated[str | None, Field(max_length=100)] = None
    version: int
