"""The chain off the hot path: a unit of work's events are linked as it commits, in commit order,
never before, and always with the change they describe (issue 16, decision 19)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.audit import chain
from harbour.audit import service as audit
from harbour.audit.models import AuditEvent, AuditHead, ViewJustification
from tests.audit.test_service import _disable_triggers

ACTOR = system_actor(Channel.job, name="chain-tests")


def _head(session: Session) -> tuple[int, str]:
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .execution_options(populate_existing=True, **{chain.UNLINKED_OK: True})
    ).scalar_one()
    return head.last_seq, head.last_hash


def _subjects(session: Session, subject_type: str) -> list[str | None]:
    return list(
        session.scalars(
            select(AuditEvent.subject_id)
            .where(AuditEvent.subject_type == subject_type)
            .order_by(AuditEvent.seq)
        )
    )


def test_an_event_is_linked_only_as_its_unit_of_work_commits(session: Session) -> None:
    before = _head(session)
    first = audit.record(session, ACTOR, "update", "person", 1)
    second = audit.record(session, ACTOR, "update", "person", 2)
    assert (first.seq, first.hash, second.seq) == (None, None, None)
    assert _head(session) == before  # the head was neither moved nor locked
    assert chain.waiting(session) == [first, second]
    session.commit()
    assert (first.seq, second.seq) == (before[0] + 1, before[0] + 2)  # in the order recorded
    assert first.prev_hash == before[1] and second.prev_hash == first.hash
    assert _head(session) == (second.seq, second.hash)
    assert chain.waiting(session) == []
    assert audit.verify(session).ok


def test_a_rolled_back_unit_of_work_leaves_neither_event_nor_head(session: Session) -> None:
    before = _head(session)
    audit.record(session, ACTOR, "update", "rolled_back", 1)
    session.rollback()
    audit.record(session, ACTOR, "update", "kept", 1)
    session.commit()
    assert _subjects(session, "rolled_back") == []
    assert _subjects(session, "kept") == ["1"]
    assert _head(session)[0] == before[0] + 1


def test_reading_the_log_sees_the_unit_of_works_own_events(session: Session) -> None:
    recorded = audit.record(session, ACTOR, "update", "own_read", 7, after={"n": 1})
    # The history a page shows does not take the head: the event is shown from the session.
    history = audit.subject_history(session, "own_read", 7)
    assert history == [recorded] and recorded.seq is None
    # Any other read of the audit tables links the waiting events first, so it sees them.
    found = session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "own_read")).one()
    assert found is recorded and recorded.seq is not None
    later = audit.record(session, ACTOR, "update", "own_read", 7, after={"n": 2})
    assert later.seq == recorded.seq + 1  # this transaction holds the head now: linked at once
    assert audit.subject_history(session, "own_read", 7) == [later, recorded]
    session.commit()
    assert audit.verify(session).ok


def test_a_count_of_the_log_links_the_waiting_events_first(session: Session) -> None:
    counted = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    audit.record(session, ACTOR, "update", "counted", 1)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == counted + 1


def test_a_rolled_back_savepoint_takes_its_events_with_it(session: Session) -> None:
    audit.record(session, ACTOR, "update", "savepoint", "outer")
    failed = session.begin_nested()
    audit.record(session, ACTOR, "update", "savepoint", "inner")
    failed.rollback()
    with session.begin_nested():
        audit.record(session, ACTOR, "update", "savepoint", "released")
    session.commit()
    assert _subjects(session, "savepoint") == ["outer", "released"]
    assert audit.verify(session).ok


def test_events_linked_in_a_savepoint_that_rolls_back_are_linked_again(session: Session) -> None:
    before = _head(session)[0]
    audit.record(session, ACTOR, "update", "relinked", "outer")
    failed = session.begin_nested()
    session.scalars(select(AuditEvent).limit(1)).all()  # links "outer" inside the savepoint
    audit.record(session, ACTOR, "update", "relinked", "inner")
    failed.rollback()  # the head's lock and the rows linked in the savepoint go with it
    assert [e.subject_id for e in chain.waiting(session)] == ["outer"]
    session.commit()
    assert _subjects(session, "relinked") == ["outer"]
    assert _head(session)[0] == before + 1
    assert audit.verify(session).ok


def test_an_event_recorded_by_a_later_commit_hook_is_still_linked(session: Session) -> None:
    """A hook that records while the commit is under way, after the chain has linked the rest
    (as the save-time network check may), is linked at once: it is never left behind."""

    def late(s: Session) -> None:
        if not s.info.get("recorded_late"):
            s.info["recorded_late"] = True
            audit.record(s, ACTOR, "raise", "late_hook", 1)

    audit.record(session, ACTOR, "update", "late_hook", 0)
    event.listen(session, "before_commit", late)  # runs after the class's listeners
    session.commit()
    event.remove(session, "before_commit", late)
    assert _subjects(session, "late_hook") == ["0", "1"]
    assert audit.verify(session).ok


def _save_with_an_event() -> None:
    with db.unit_of_work() as work:
        work.add(
            ViewJustification(session_key="refused", subject_type="x", subject_id="1", reason="r")
        )
        audit.record(work, ACTOR, "update", "refused", 1)


def test_a_head_failing_its_signature_refuses_the_change_with_its_event(session: Session) -> None:
    audit.record(session, ACTOR, "update", "person", 1)
    session.commit()
    _disable_triggers(session)
    session.execute(text("UPDATE audit_head SET signature = :s"), {"s": "0" * 64})
    session.commit()
    with pytest.raises(audit.AuditHeadInvalid):
        _save_with_an_event()
    kept = select(ViewJustification).where(ViewJustification.session_key == "refused")
    assert session.scalars(kept).all() == []
    assert _subjects(session, "refused") == []


def test_resealing_refuses_events_recorded_before_it(session: Session) -> None:
    audit.record(session, ACTOR, "update", "person", 1)
    with pytest.raises(RuntimeError, match="reseal"):
        audit.reseal(session, system_actor(Channel.cli, name="auditor"), "key rotated")
    session.rollback()


# -- concurrency: the head is not held by a unit of work that has only recorded ---------------

WAIT_SECONDS = 5.0


def _record_and_commit(subject_id: str, took: list[float]) -> None:
    started = time.perf_counter()
    with db.unit_of_work() as other:
        other.add(ViewJustification(session_key="b", subject_type="x", subject_id="1", reason="b"))
        audit.record(other, ACTOR, "update", "concurrent", subject_id)
    took.append(time.perf_counter() - started)


@pytest.mark.parametrize("kind", ["reading", "writing"])
def test_an_open_unit_of_work_with_an_event_holds_up_no_other(
    own_database: Engine, kind: str
) -> None:
    """Every audited request held the chain's one head lock from its first event until it
    committed, so every other audited request waited for it. Now the first request's event waits
    for its own commit, the second commits at once, and the chain runs in commit order."""
    if kind == "writing" and own_database.dialect.name == "sqlite":
        pytest.skip("SQLite has one write lock: two writing transactions always take turns")
    first = db.reading() if kind == "reading" else db.session_factory()()
    try:
        first.scalar(select(func.count()).select_from(ViewJustification))  # the page reads
        if kind == "writing":
            first.add(
                ViewJustification(session_key="a", subject_type="x", subject_id="1", reason="a")
            )
            first.flush()
        audit.record(first, ACTOR, "view", "concurrent", "first")
        took: list[float] = []
        second = threading.Thread(target=_record_and_commit, args=("second", took))
        second.start()
        second.join(WAIT_SECONDS)
        held_up = second.is_alive()
        first.commit()  # releases whatever the first held, so the thread can end either way
        second.join()
    finally:
        first.close()
    assert not held_up, f"the second unit of work waited over {WAIT_SECONDS} s for the first"
    with db.unit_of_work() as session:
        assert _subjects(session, "concurrent") == ["second", "first"]  # the order of commits
        assert audit.verify(session).ok
