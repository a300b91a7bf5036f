"""Write and check the audit log.

`record` adds an event to the caller's transaction; `chain` links it to the previous event by
SHA-256 and moves the signed head on as that transaction commits. `verify` walks the chain and
names the first event that was altered, removed or inserted out of order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import chain
from harbour.audit.chain import AuditHeadInvalid as AuditHeadInvalid
from harbour.audit.chain import content_hash as content_hash
from harbour.audit.chain import head_is_signed as head_is_signed
from harbour.audit.models import GENESIS_HASH, AuditEvent, AuditHead, ViewJustification
from harbour.errors import JustificationNeeded, ValidationFailed

JUSTIFICATION_REASONS: dict[str, str] = {
    "active_investigation": "Active missing person investigation",
    "risk_assessment": "Risk assessment or review",
    "safeguarding": "Safeguarding or exploitation enquiry",
    "partner_request": "Request from a partner agency",
    "supervision": "Supervision or quality assurance",
    "data_protection": "Data protection or audit",
    "other": "Other (explain below)",
}


# PostgreSQL text and JSON cannot hold NUL, so the log keeps it visibly as U+FFFD (the
# replacement character) rather than fail the whole unit of work; SQLite keeps the same.
NUL_IN_LOG = "\ufffd"


def _no_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", NUL_IN_LOG)
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v) for v in value]
    return value


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    loaded: dict[str, Any] = _no_nul(json.loads(json.dumps(value, default=str, sort_keys=True)))
    return loaded


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
    """Add an event to the audit log in the caller's transaction.

    The event is linked onto the chain (its `seq`, `prev_hash` and `hash` set) when the unit of
    work commits, or sooner if it reads the audit log; the commit is refused if the chain's head
    does not carry a valid signature (see `chain.hold`).
    """
    event = AuditEvent(
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
        justification=_no_nul(justification),
    )
    session.flush()  # the caller's own changes, as before: callers rely on their ids
    chain.append(session, event)
    return event


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: whether the chain is whole, and if not, where it first breaks."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _walk(
    events: Iterable[AuditEvent], head: AuditHead, *, check_signature: bool = True
) -> Verdict:
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
    if check_signature and not head_is_signed(head):
        return Verdict(
            False, checked, head.last_seq, "the checkpointed head was rewritten or is unsigned"
        )
    return Verdict(True, checked)


def verify(session: Session, *, check_signature: bool = True) -> Verdict:
    """Walk the chain up to its head, in order, and report the first break, if any.

    The head is read first and only events up to it are walked, so events committed while the
    walk runs (any app process may be writing) are not mistaken for tampering.
    """
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one()
    events = session.execute(
        select(AuditEvent)
        .where(AuditEvent.seq <= head.last_seq)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=2000)
    ).scalars()
    verdict = _walk(events, head, check_signature=check_signature)
    if verdict.ok:
        beyond = (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.seq > head.last_seq)
            )
            or 0
        )
        now_head = session.scalar(select(AuditHead.last_seq).where(AuditHead.id == 1)) or 0
        if beyond > now_head - head.last_seq:
            return Verdict(
                False,
                verdict.checked,
                head.last_seq + 1,
                f"{beyond} event(s) after the checkpointed head were added behind its back",
            )
    return verdict


def reseal(session: Session, actor: Actor, reason: str) -> Verdict:
    """Re-sign the head with the current key (after a key rotation), if the chain is whole."""
    access.require(actor, "audit.verify")
    chain.hold(session, check_signature=False)  # nobody appends between the check and the seal
    verdict = verify(session, check_signature=False)
    if not verdict.ok:
        return verdict
    record(session, actor, "reseal", "audit_log", None, justification=reason)
    return verdict


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
    # Recorded after reading, so that the page does not hold the chain's head while it renders
    # (its own view is on the chain once it commits, and on the next page shown).
    record(
        session,
        actor,
        "view",
        "audit_log",
        None,
        after={k: str(v) for k, v in vars(flt).items() if v is not None} | {"page": page},
    )
    return list(rows), total


def actions_in_use(session: Session) -> list[str]:
    """Return the distinct actions that appear in the log, for filters."""
    stored = session.scalars(
        select(AuditEvent.action).distinct().execution_options(**{chain.UNLINKED_OK: True})
    )
    return sorted({*stored, *(event.action for event in chain.waiting(session))})


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


def require_justification(
    session: Session, actor: Actor, subject_type: str, subject_id: int, next_url: str
) -> str:
    """Return the reason this sign-in gave for a record, or ask for one (JustificationNeeded).

    The one gate in front of every page of personal data: the web layer answers the exception
    with the page that asks why, and that page sends the user on to `next_url`.
    """
    reason = justification_for(session, actor.session_id, subject_type, subject_id)
    if reason is None:
        raise JustificationNeeded(subject_type, subject_id, next_url)
    return reason


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
    """Return the newest events about one record; with `changes_only`, leave out views.

    The unit of work's own events come first, before they are linked onto the chain: reading
    them does not make the page take the chain's head.
    """
    where = [AuditEvent.subject_type == subject_type, AuditEvent.subject_id == str(subject_id)]
    if changes_only:
        where.append(AuditEvent.action.not_in(("view", "search")))
    own = [
        event
        for event in reversed(chain.waiting(session))
        if (event.subject_type, event.subject_id) == (subject_type, str(subject_id))
        and not (changes_only and event.action in ("view", "search"))
    ]
    stored = session.scalars(
        select(AuditEvent)
        .where(*where)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
        .execution_options(**{chain.UNLINKED_OK: True})
    )
    return [*own, *stored][:limit]
