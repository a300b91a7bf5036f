"""Write and check the audit log.

`record` appends an event in the caller's transaction: it locks the chain's head, links the new
event to the previous one by SHA-256, and moves the head on. `verify` walks the chain and names
the first event that was altered, removed or inserted out of order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit.models import GENESIS_HASH, AuditEvent, AuditHead, ViewJustification
from harbour.errors import ValidationFailed
from harbour.settings import get_settings

JUSTIFICATION_REASONS: dict[str, str] = {
    "active_investigation": "Active missing person investigation",
    "risk_assessment": "Risk assessment or review",
    "safeguarding": "Safeguarding or exploitation enquiry",
    "partner_request": "Request from a partner agency",
    "supervision": "Supervision or quality assurance",
    "data_protection": "Data protection or audit",
    "other": "Other (explain below)",
}


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    loaded: dict[str, Any] = json.loads(json.dumps(value, default=str, sort_keys=True))
    return loaded


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def content_hash(event: AuditEvent) -> str:
    """Return the SHA-256 of an event's content, including the previous event's hash."""
    payload = {
        "seq": event.seq,
        "at": _stamp(event.at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "channel": event.channel,
        "request_id": event.request_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "before": event.before,
        "after": event.after,
        "justification": event.justification,
        "prev_hash": event.prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _sign_head(seq: int, digest: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"audit-head:{seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: object = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    justification: str | None = None,
) -> AuditEvent:
    """Append an event to the audit log in the caller's transaction."""
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=clock.now(),
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=actor.role.value if actor.role else "anonymous",
        channel=actor.channel.value,
        request_id=actor.request_id,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        before=_jsonable(before),
        after=_jsonable(after),
        justification=justification,
        prev_hash=head.last_hash,
    )
    event.hash = content_hash(event)
    session.add(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.signature = _sign_head(event.seq, event.hash)
    head.updated_at = event.at
    session.flush()
    return event


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: whether the chain is whole, and if not, where it first breaks."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _walk(events: Iterable[AuditEvent], head: AuditHead) -> Verdict:
    expected_seq = 1
    previous = GENESIS_HASH
    checked = 0
    for event in events:
        if event.seq > expected_seq:
            return Verdict(
                False,
                checked,
                expected_seq,
                f"event {expected_seq} was removed (the next event present is {event.seq})",
            )
        if event.seq < expected_seq:
            return Verdict(False, checked, event.seq, f"event {event.seq} appears twice")
        if event.prev_hash != previous:
            return Verdict(
                False,
                checked,
                event.seq,
                f"event {event.seq} does not follow event {event.seq - 1}: it was inserted "
                "out of order or the event before it was replaced",
            )
        if content_hash(event) != event.hash:
            return Verdict(
                False, checked, event.seq, f"event {event.seq} was altered after it was written"
            )
        previous = event.hash
        expected_seq += 1
        checked += 1
    last = expected_seq - 1
    if head.last_seq != last or head.last_hash != previous:
        return Verdict(
            False,
            checked,
            last + 1,
            f"the newest events after event {last} were removed (the checkpointed head is "
            f"event {head.last_seq})",
        )
    if head.signature is not None and not hmac.compare_digest(
        head.signature, _sign_head(head.last_seq, head.last_hash)
    ):
        return Verdict(False, checked, head.last_seq, "the checkpointed head was rewritten")
    return Verdict(True, checked)


def verify(session: Session) -> Verdict:
    """Walk the whole chain in order and report the first break, if any."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    events = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    ).scalars()
    return _walk(events, head)


def verify_as(session: Session, actor: Actor) -> Verdict:
    """Check the chain on behalf of an actor, and log that they did."""
    access.require(actor, "audit.verify")
    verdict = verify(session)
    record(
        session,
        actor,
        "verify",
        "audit_log",
        None,
        after={
            "ok": verdict.ok,
            "checked": verdict.checked,
            "first_bad_seq": verdict.first_bad_seq,
        },
    )
    return verdict


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None
    action: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _where(flt: EventFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if flt.actor:
        clauses.append(AuditEvent.actor_name.ilike(f"%{flt.actor}%"))
    if flt.action:
        clauses.append(AuditEvent.action == flt.action)
    if flt.subject_type:
        clauses.append(AuditEvent.subject_type == flt.subject_type)
    if flt.subject_id:
        clauses.append(AuditEvent.subject_id == flt.subject_id)
    if flt.since:
        clauses.append(AuditEvent.at >= flt.since)
    if flt.until:
        clauses.append(AuditEvent.at < flt.until)
    return clauses


def list_events(
    session: Session, actor: Actor, flt: EventFilter, *, page: int, per_page: int
) -> tuple[list[AuditEvent], int]:
    """Return one page of events the actor may see, newest first, and how many match."""
    access.require(actor, "audit.view")
    where = [access.visible(actor, AuditEvent), *_where(flt)]
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    rows = session.scalars(
        select(AuditEvent)
        .where(*where)
        .order_by(AuditEvent.seq.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def actions_in_use(session: Session) -> list[str]:
    """Return the distinct actions that appear in the log, for filters."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


# -- view justifications ----------------------------------------------------------------------


def justification_for(
    session: Session, session_key: str | None, subject_type: str, subject_id: object
) -> str | None:
    """Return the reason this sign-in session gave for viewing a record, if it gave one."""
    if not session_key:
        return None
    return session.scalar(
        select(ViewJustification.reason)
        .where(
            ViewJustification.session_key == session_key,
            ViewJustification.subject_type == subject_type,
            ViewJustification.subject_id == str(subject_id),
        )
        .order_by(ViewJustification.id.desc())
        .limit(1)
    )


def compose_reason(code: str | None, text: str | None) -> str:
    """Turn a reason from the list plus free text into one justification, or refuse it."""
    text = (text or "").strip()
    if code not in JUSTIFICATION_REASONS:
        raise ValidationFailed(
            "Select why you need to view this record",
            field_errors={"reason": "Select why you need to view this record"},
        )
    if code == "other" and len(text) < 5:
        raise ValidationFailed(
            "Explain why you need to view this record",
            field_errors={"details": "Explain why you need to view this record"},
        )
    label = JUSTIFICATION_REASONS[code]
    return f"{label}: {text}" if text else label


def give_justification(
    session: Session,
    actor: Actor,
    subject_type: str,
    subject_id: object,
    reason: str,
) -> None:
    """Remember why this sign-in session is viewing a record."""
    if not actor.session_id:
        raise ValidationFailed("A justification is kept per sign-in session")
    session.add(
        ViewJustification(
            session_key=actor.session_id,
            subject_type=subject_type,
            subject_id=str(subject_id),
            reason=reason,
        )
    )
    session.flush()


def subject_history(
    session: Session,
    subject_type: str,
    subject_id: object,
    limit: int = 50,
    *,
    changes_only: bool = False,
) -> list[AuditEvent]:
    """Return the newest events about one record; with `changes_only`, leave out views."""
    where = [AuditEvent.subject_type == subject_type, AuditEvent.subject_id == str(subject_id)]
    if changes_only:
        where.append(AuditEvent.action.not_in(("view", "search")))
    return list(
        session.scalars(
            select(AuditEvent).where(*where).order_by(AuditEvent.seq.desc()).limit(limit)
        )
    )
