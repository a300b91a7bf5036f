"""What the review queue sends: a reviewer's decision on a pair of records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from harbour.validation import Input, one_of

DECISIONS = {
    "same": "The same person: merge the records",
    "different": "Different people: keep them apart",
    "unsure": "Not sure: leave it in the queue",
}


class PairDecision(Input):
    """Same person (merge, keeping one record), different people, or not sure yet."""

    summary = "Check the decision"

    decision: Annotated[str, one_of(DECISIONS, "Choose whether these records are the same person")]
    note: Annotated[str, Field(max_length=2000)] = ""
    keep: int | None = None
    version: int | None = None

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        decided = values.get("decision") in ("same", "different")
        if decided and len((values.get("note") or "").strip()) < 10:
            return {
                "note": "Say what you compared (at least 10 characters): it is kept with the "
                "decision"
            }
        return {}
