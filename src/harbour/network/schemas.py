"""What the network's forms send: an intelligence link entered by hand, graded 3x5x2."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from harbour.people.models import HANDLING_CODE, INTELLIGENCE_ASSESSMENT, SOURCE_EVALUATION
from harbour.validation import Input, needed, one_of

# What an officer may record by hand (family, carers and professionals come from records).
TYPES = {
    "associate": "Associates with (a person)",
    "seen_at": "Seen at (a place)",
    "frequents": "Frequents (a place)",
    "uses_phone": "Uses a phone",
    "in_vehicle": "Seen in a vehicle",
}
# The field that names the other end of each kind of link, and what to say when it is blank.
OBJECT_FIELD = {
    "associate": "other_person",
    "seen_at": "place",
    "frequents": "place",
    "uses_phone": "phone",
    "in_vehicle": "registration",
}
OBJECT_MISSING = {
    "other_person": "Enter the record number of the person they associate with",
    "place": "Enter the record number of the place",
    "phone": "Enter the phone number",
    "registration": "Enter the vehicle's registration",
}
Short = Annotated[str | None, Field(max_length=100)]


class IntelligenceInput(Input):
    """A link from a person to a person, place, phone or vehicle, with its 3x5x2 grading."""

    summary = "Check the intelligence"

    type: Annotated[str, one_of(TYPES, "Select what the intelligence links them to")]
    other_person: Short = None
    place: Short = None
    phone: Short = None
    registration: Short = None
    intel_source: Annotated[
        str, one_of(SOURCE_EVALUATION, "Select the source evaluation (1, 2 or 3)")
    ]
    intel_assessment: Annotated[
        str, one_of(INTELLIGENCE_ASSESSMENT, "Select the intelligence assessment (A to E)")
    ]
    intel_handling: Annotated[str, one_of(HANDLING_CODE, "Select the handling code (P or C)")]
    source_text: Annotated[
        str,
        needed("Say what the intelligence is and where it came from"),
        Field(max_length=10_000),
    ]
    observed_at: datetime | None = None

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        field = OBJECT_FIELD.get(str(values.get("type")))
        if field is not None and not (values.get(field) or "").strip():
            return {field: OBJECT_MISSING[field]}
        return {}
