"""The audit log's hash chain: each unit of work's events linked onto the signed head as it commits.

`append` sets a unit of work's events aside (in `session.info`) without touching the chain's
head. Just before the unit of work commits, `hold` locks the head once, gives the waiting events
their sequence numbers and hashes in the order they were recorded, moves the signed head on and
flushes, so the head's lock is held for the commit alone and not for the whole request (decision
19). The events still commit or roll back with the change they describe. Once a unit of work
holds the head, its further events are linked at once; a read of the audit tables first links the
unit of work's waiting events, so it sees them as it always did; a savepoint rolled back takes its
events with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.util import find_tables

from harbour import clock
from harbour.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from harbour.errors import HarbourError
from harbour.settings import get_settings

WAITING = "harbour_audit_waiting"  # session.info: events recorded, not yet linked (list[_Recorded])
HELD = "harbour_audit_held"  # session.info: this transaction holds the head's lock (_Held)
# An execution option: this read of the audit tables may leave the unit of work's waiting events
# unlinked (it adds them itself, or it is the chain's own read of the head).
UNLINKED_OK = "harbour_audit_unlinked_ok"

AUDIT_TABLES = frozenset({AuditEvent.__tablename__, AuditHead.__tablename__})


class AuditHeadInvalid(HarbourError):
    """The audit head has been tampered with (or the secret key changed without a reseal)."""

    status_code = 503
    title = "Harbour cannot record activity"


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


def sign_head(seq: int, digest: str) -> str:
    """Return the head's HMAC under this installation's secret key."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"audit-head:{seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def head_is_signed(head: AuditHead) -> bool:
    """Tell whether the head carries this installation's signature (an empty chain needs none)."""
    if head.last_seq == 0 and head.last_hash == GENESIS_HASH:
        return head.signature is None or hmac.compare_digest(
            head.signature, sign_head(0, GENESIS_HASH)
        )
    if head.signature is None:
        return False
    return hmac.compare_digest(head.signature, sign_head(head.last_seq, head.last_hash))


@dataclass
class _Recorded:
    event: AuditEvent
    transaction: SessionTransaction  # the innermost transaction it was recorded in


@dataclass
class _Held:
    transaction: SessionTransaction  # where the head's lock was taken
    linked: list[_Recorded] = field(default_factory=list)


def _current(session: Session) -> SessionTransaction:
    return session.get_nested_transaction() or session.get_transaction() or session.begin()


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def append(session: Session, recorded: AuditEvent) -> None:
    """Add an event to the unit of work: linked onto the chain when it commits."""
    listen()
    entry = _Recorded(recorded, _current(session))
    held: _Held | None = session.info.get(HELD)
    if held is None:
        session.info.setdefault(WAITING, []).append(entry)
    else:
        _link(session, held, _lock(session), [entry])


def waiting(session: Session) -> list[AuditEvent]:
    """Return the unit of work's events not yet linked onto the chain, oldest first."""
    return [entry.event for entry in session.info.get(WAITING, ())]


def _lock(session: Session) -> AuditHead:
    return session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True, **{UNLINKED_OK: True})
    ).scalar_one()


def hold(session: Session, *, check_signature: bool = True) -> AuditHead:
    """Lock the chain's head for the rest of this transaction and link its waiting events.

    Refuses (and so refuses the whole unit of work) if the head does not carry a valid
    signature: someone has rewound it, and writing on top would hide that.
    """
    held: _Held | None = session.info.get(HELD)
    head = _lock(session)
    if held is None:
        if check_signature and not head_is_signed(head):
            raise AuditHeadInvalid(
                "The audit log's head does not match its signature, so Harbour will not record "
                "anything until an auditor has run `harbour audit verify`."
            )
        if not check_signature and session.info.get(WAITING):
            raise RuntimeError("events recorded before a reseal would be signed unchecked")
        held = session.info[HELD] = _Held(_current(session))
    entries: list[_Recorded] = session.info.pop(WAITING, [])
    if entries:
        _link(session, held, head, entries)
    return head


def _link(session: Session, held: _Held, head: AuditHead, entries: list[_Recorded]) -> None:
    seq, digest = head.last_seq, head.last_hash
    now = clock.now()
    moves = []
    for entry in entries:
        linked = entry.event
        seq += 1
        linked.seq, linked.prev_hash = seq, digest
        linked.hash = digest = content_hash(linked)
        moves.append({"s": seq, "h": digest, "sig": sign_head(seq, digest), "at": now})
    session.add_all(entry.event for entry in entries)
    session.flush()
    # One UPDATE a step: the head's trigger lets it move forward one event at a time only.
    table = cast(Table, AuditHead.__table__)
    session.execute(
        update(table)
        .where(table.c.id == head.id)
        .values(
            last_seq=bindparam("s"),
            last_hash=bindparam("h"),
            signature=bindparam("sig"),
            updated_at=bindparam("at"),
        )
        .execution_options(**{UNLINKED_OK: True}),
        moves,
    )
    for name, value in (
        ("last_seq", seq),
        ("last_hash", digest),
        ("signature", moves[-1]["sig"]),
        ("updated_at", now),
    ):
        set_committed_value(head, name, value)
    held.linked.extend(entries)


# -- the session's events ---------------------------------------------------------------------

# Whether a statement reads an audit table, by the statement's cache key: the execution computes
# that key anyway (it is memoised on the statement), and walking a statement costs tens of
# microseconds, paid on every query of a request that has recorded a view.
_reads_audit: dict[object, bool] = {}
_READS_AUDIT_KEPT = 5000


def _walk(statement: Any) -> bool:
    if isinstance(statement, TextClause):  # SQL written out: look for the tables' names
        written = statement.text.lower()
        return any(name in written for name in AUDIT_TABLES)
    return any(
        getattr(table, "name", None) in AUDIT_TABLES
        for table in find_tables(statement, check_columns=True, include_aliases=True)
    )


def _reads_audit_tables(statement: Any) -> bool:
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return _walk(statement)
    try:
        found = _reads_audit.get(cache_key.key)
    except TypeError:  # a statement whose key holds something unhashable
        return _walk(statement)
    if found is None:
        if len(_reads_audit) >= _READS_AUDIT_KEPT:
            _reads_audit.clear()
        found = _reads_audit[cache_key.key] = _walk(statement)
    return found


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(WAITING):
        return  # a SAVEPOINT released: its events wait for the transaction's own commit
    session.flush()  # the unit of work's own changes first, so the head is locked last
    hold(session)


def _before_read(state: ORMExecuteState) -> None:
    session = state.session
    if not session.info.get(WAITING):
        return
    if state.execution_options.get(UNLINKED_OK) or not _reads_audit_tables(state.statement):
        return
    hold(session)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    entries: list[_Recorded] = session.info.get(WAITING, [])
    entries[:] = [e for e in entries if not _within(e.transaction, previous)]
    held: _Held | None = session.info.get(HELD)
    if held is None:
        return
    kept = [e for e in held.linked if not _within(e.transaction, previous)]
    if not _within(held.transaction, previous):
        held.linked = kept
        return
    # The lock went with the savepoint, and so did the rows of the events linked in it: those
    # recorded outside the savepoint wait again, to be linked afresh.
    del session.info[HELD]
    for entry in kept:
        entry.event.id = entry.event.seq = None  # type: ignore[assignment]
        entry.event.prev_hash = entry.event.hash = None  # type: ignore[assignment]
    session.info[WAITING] = kept + entries


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (and so linked), rolled back, or closed
        session.info.pop(WAITING, None)
        session.info.pop(HELD, None)


_LISTENERS = (
    ("before_commit", _before_commit),
    ("do_orm_execute", _before_read),
    ("after_soft_rollback", _after_soft_rollback),
    ("after_transaction_end", _after_transaction_end),
)
_listening = False


def listen() -> None:
    """Link each unit of work's events as it commits, from now on in this process (idempotent).

    Start-up calls it; so does the first `append`, since an event set aside in a process that
    never listened would never be written.
    """
    global _listening
    if _listening:
        return
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    _listening = True
