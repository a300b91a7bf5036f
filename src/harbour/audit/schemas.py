"""What the audit API answers: events of the log, a page of them, and a verification."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    channel: str
    request_id: str | None
    action: str
    subject_type: str
    subject_id: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    justification: str | None
    prev_hash: str
    hash: str


class EventPage(BaseModel):
    items: list[EventRead]
    total: int
    page: int
    per_page: int


class VerdictRead(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
