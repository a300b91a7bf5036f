"""What the agreement forms send, checked at the edge."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from harbour.access.agreements import CONDITIONS, COVERS, FIELDS, IDENTITY
from harbour.validation import Day, Input, needed, one_of


def _fields(values: list[str]) -> list[str]:
    """The fields offered, in the vocabulary's order, always with identity."""
    chosen = set(values) | {IDENTITY}
    return [f for f in FIELDS if f in chosen]


class AgreementInput(Input):
    """An information-sharing agreement between the force and one partner organisation."""

    summary = "Check the agreement"

    reference: Annotated[
        str,
        needed("Enter the agreement's reference, for example ISA-2026-004"),
        Field(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]*$"),
    ]
    title: Annotated[str, needed("Enter a title for the agreement"), Field(max_length=200)]
    partner_id: Annotated[int, needed("Select the partner organisation")]
    purpose: Annotated[
        str, needed("Enter the purpose: what the partner may use the information for")
    ]
    condition: Annotated[str, one_of(CONDITIONS, "Select the condition the force shares under")]
    area: Annotated[str | None, Field(max_length=100)] = None
    covers: Annotated[list[str], AfterValidator(lambda v: [c for c in COVERS if c in v])] = []
    fields: Annotated[list[str], AfterValidator(_fields)] = [IDENTITY]
    starts_on: Annotated[Day, needed("Enter the day the agreement starts")]
    review_on: Annotated[Day, needed("Enter the day the agreement is next reviewed")]
    ends_on: Day | None = None

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        covers = set(values.get("covers") or []) & set(COVERS)
        if not covers:
            errors["covers"] = "Select who the agreement covers"
        elif covers - {"named_cases"} and not (values.get("area") or "").strip():
            errors["area"] = "Enter the area (a borough and its authority) the agreement covers"
        starts, review, ends = (values.get(k) for k in ("starts_on", "review_on", "ends_on"))
        if isinstance(starts, date) and isinstance(review, date) and review <= starts:
            errors["review_on"] = "The review day must be after the day the agreement starts"
        if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
            errors["ends_on"] = "The end day must be on or after the day the agreement starts"
        return errors


class NamedCaseInput(Input):
    """A person named on an agreement, and why."""

    summary = "Check the named case"

    person_id: Annotated[int, needed("Enter the person's record number, like 1234")]
    reason: Annotated[
        str, needed("Explain why this person's record is shared"), Field(max_length=2000)
    ]


class ChangeInput(Input):
    """A suspension, resumption or early end, with its reason."""

    summary = "Check the reason"

    version: int
    reason: Annotated[str, needed("Explain why"), Field(max_length=2000)]


class ReviewInput(Input):
    """An agreement's review: what was decided, and the next review day."""

    summary = "Check the review"

    version: int
    next_review: Annotated[Day, needed("Enter the day of the next review")]
    note: Annotated[
        str,
        needed("Say what the review found: still needed, still proportionate"),
        Field(max_length=2000),
    ]
