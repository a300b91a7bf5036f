"""What a missing episode's forms, the API and the importer send: each change as a schema.

A schema checks what was given (a field left blank, a choice not offered); the services check the
rules that need the episode (found after last seen, a child never below the minimum grade).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from harbour.episodes.models import Outcome
from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import RiskAnswers
from harbour.validation import Input, needed, one_of

# How each way an episode ends reads ("ongoing" is the importer's, never chosen on return).
OUTCOMES = {
    Outcome.found_safe: "Found safe",
    Outcome.found_harmed: "Found harmed",
    Outcome.found_dead: "Found dead",
    Outcome.returned: "Returned of their own accord",
    Outcome.other: "Other",
}
RHI_STATUSES = {
    "held": "Held",
    "declined": "Offered and declined by the child",
    "not_held": "Not held (give the reason)",
    "offered": "Offered, not yet held",
}
Text = Annotated[str | None, Field(max_length=20_000)]
ACTIONS = {
    "pnc_circulated": "Circulated on the Police National Computer",
    "pnc_removed": "Removed from the Police National Computer",
    "social_worker_told": "The child's social worker told",
    "out_of_hours_told": "The council's out-of-hours team told",
    "transferred": "Transferred to another force",
}
# The actions that need a reference, and what to ask for.
NEEDS_REFERENCE = {
    "pnc_circulated": "Enter the PNC reference",
    "transferred": "Enter the force it was transferred to",
    "social_worker_told": "Enter the social worker's name",
}


class ReportInput(Input):
    """A missing report: who reported it and what they said, each item kept with its source."""

    summary = "Check the report"

    reporter_name: Annotated[str, needed("Enter the reporter's name"), Field(max_length=200)]
    reporter_relationship: Annotated[
        str, needed("Enter their relationship to the missing person"), Field(max_length=100)
    ]
    reporter_phone: Annotated[str | None, Field(max_length=30)] = None
    last_seen_at: datetime | None = None
    last_seen_text: Text = None
    clothing: Text = None
    intentions: Text = None
    circumstances: Text = None
    description: Text = None


class GradingInput(Input):
    """The grader's grade, why, and the answers it was given on."""

    summary = "Check the grading"

    answers: RiskAnswers
    grade: Annotated[RiskGrade, needed("Select the risk grade")]
    rationale: Annotated[str, needed("Write why you chose this grade")]
    below_reason: Text = None
    override_reason: Text = None
    cra_decision: Text = None
    # Given on the grading page, beside the force-data panel (the measure of gradings made with
    # what the force holds in view).
    force_data_shown: bool = False
    version: int


class ReviewInput(Input):
    """A supervisor's review: confirm or change the grade, the plan, contact with the reporter."""

    summary = "Check the review"

    decision: Annotated[
        str,
        one_of(("confirmed", "changed"), "Select whether you confirm or change the grade"),
    ]
    new_grade: RiskGrade | None = None
    rationale: Text = None
    plan: Annotated[str, needed("Write the investigation plan as it now stands")]
    reporter_contact: Annotated[
        str,
        needed("Record your contact with the person who reported them (or why there was none)"),
    ]
    cra_decision: Text = None
    # At the review of a child's return: a supervisor agrees that a check that was not face to
    # face may stand.
    remote_agreed: str | None = None
    # The supervisor's verdict on each phrase flagged in the latest rationale (language_N and
    # language_N_note: risk.language.review_language).
    language: dict[str, str] = {}
    version: int


class FoundInput(Input):
    """Found, or came back: when, where, who found them, with whom, in what state."""

    summary = "Check the details of the return"

    found_at: Annotated[datetime, needed("Enter when they were found or came back")]
    found_text: Annotated[str, needed("Enter where they were found")]
    found_with_text: Text = None
    found_by: Annotated[
        str, needed("Enter who found them, or that they came back of their own accord")
    ]
    condition: Text = None
    outcome: Annotated[Outcome, one_of([o.value for o in OUTCOMES], "Select the outcome")]
    version: int
    borough: str | None = None  # where found, so that "found out of area" can be seen
    # Found outside the force: the force's area and the town (the county-lines pattern).
    force: str | None = None
    town: Annotated[str | None, Field(max_length=60)] = None

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        if values.get("force") and not values.get("town"):
            return {"town": "Enter the town or place in that force's area where they were found"}
        return {}


class SafeWellInput(Input):
    """The safe-and-well check and prevention interview on return."""

    summary = "Check the safe-and-well details"

    held_at: Annotated[datetime, needed("Enter when the check was done")]
    held_by: Annotated[str, needed("Enter who did the check")]
    face_to_face: Annotated[str, one_of(("yes", "no"), "Select whether the check was face to face")]
    where_they_were: Annotated[str, needed("Enter where they say they were")]
    why: Text = None
    harm: Text = None
    disclosures: list[str] = []
    named_people: Text = None
    named_places: Text = None
    referrals: Text = None
    not_face_to_face_reason: Text = None
    version: int

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        if values.get("face_to_face") == "no" and not values.get("not_face_to_face_reason"):
            return {
                "not_face_to_face_reason": "Say why the check was not face to face: a "
                "supervisor will see it"
            }
        return {}


class ReturnInterviewInput(Input):
    """The local authority's return home interview, as the hub records it."""

    summary = "Check the return home interview"

    status: Annotated[
        str, one_of(RHI_STATUSES, "Select what happened to the return home interview")
    ]
    offered_at: Annotated[datetime, needed("Enter when the interview was offered")]
    held_at: datetime | None = None
    by: Text = None
    findings: Text = None
    reason: Text = None
    disclosures: list[str] = []
    # What the authority's own form asks besides (DfE statutory guidance, 2014): whether it was
    # face to face, why they went (push) and what drew them (pull), and any harm.
    face_to_face: Annotated[str | None, one_of(("yes", "no", None, ""), "Select yes or no")] = None
    not_face_to_face_reason: Text = None
    push_factors: Text = None
    pull_factors: Text = None
    harm: Text = None
    version: int


class ActionInput(Input):
    """Something done about an episode: a PNC circulation or removal, a notification, a transfer."""

    summary = "Check what was done"

    kind: Annotated[str, one_of(ACTIONS, "Select what was done")]
    reference: Annotated[str | None, Field(max_length=200)] = None
    details: Annotated[str | None, Field(max_length=2000)] = None
    at: datetime | None = None
    version: int

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        kind = values.get("kind")
        if kind in NEEDS_REFERENCE and not values.get("reference"):
            return {"reference": NEEDS_REFERENCE[str(kind)]}
        return {}
