"""The audit log: hash chain, append-only triggers, and `harbour audit verify` naming tampering."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Channel, system_actor
from harbour.audit import service as audit
from harbour.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from harbour.cli import app as cli

ACTOR = system_actor(Channel.job, name="audit-tests")


def _events(session: Session, n: int) -> list[AuditEvent]:
    return [
        audit.record(session, ACTOR, "update", "person", i, before={"n": i}, after={"n": i + 1})
        for i in range(n)
    ]


def _disable_triggers(session: Session) -> None:
    """Go behind the application's back, as an attacker with database access would."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        session.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
    else:
        for name in (
            "audit_event_no_update",
            "audit_event_no_delete",
            "audit_head_no_delete",
            "audit_head_forward_only",
        ):
            session.execute(text(f"DROP TRIGGER {name}"))


def _forge(session: Session, last: AuditEvent, *, prev: str, digest: str) -> None:
    """Append an event behind the application's back, as an attacker with SQL access would."""
    session.execute(
        text(
            "INSERT INTO audit_event (seq, at, actor_name, actor_role, channel, action, "
            "subject_type, prev_hash, hash) VALUES (:seq, :at, 'forger', 'administrator', 'cli', "
            "'erase', 'person', :prev, :hash)"
        ),
        {"seq": last.seq + 1, "at": last.at.replace(tzinfo=None), "prev": prev, "hash": digest},
    )


def test_events_are_chained_by_hash(session: Session) -> None:
    head_before = session.scalars(select(AuditHead)).one().last_hash
    first, second = _events(session, 2)
    session.commit()
    assert first.prev_hash == head_before
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert audit.content_hash(second) == second.hash
    assert len(first.hash) == 64
    head = session.scalars(select(AuditHead)).one()
    assert (head.last_seq, head.last_hash) == (second.seq, second.hash)


def test_verify_passes_on_an_untouched_log(session: Session) -> None:
    _events(session, 5)
    verdict = audit.verify(session)
    assert verdict.ok, verdict.problem
    assert verdict.checked >= 5


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"]
)
def test_triggers_refuse_update_and_delete(session: Session, statement: str) -> None:
    _events(session, 1)
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()


def test_head_cannot_be_rewound(session: Session) -> None:
    _events(session, 2)
    session.commit()
    with pytest.raises(DBAPIError, match="forward"):
        session.execute(text("UPDATE audit_head SET last_seq = last_seq - 1"))
    session.rollback()


def _run_verify() -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", "verify"])
    return result.exit_code, result.output


def test_cli_names_an_altered_event(session: Session) -> None:
    events = _events(session, 4)
    target = events[1]
    session.commit()
    _disable_triggers(session)
    session.execute(
        text("UPDATE audit_event SET justification = 'nothing to see' WHERE seq = :s"),
        {"s": target.seq},
    )
    session.commit()
    code, output = _run_verify()
    assert code == 1
    assert f"event {target.seq}" in output
    assert "altered" in output


def test_cli_names_a_removed_event(session: Session) -> None:
    events = _events(session, 4)
    session.commit()
    _disable_triggers(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": events[2].seq})
    session.commit()
    code, output = _run_verify()
    assert code == 1
    assert f"event {events[2].seq} was removed" in output


def test_removing_the_newest_events_is_detected_by_the_head(session: Session) -> None:
    events = _events(session, 3)
    session.commit()
    _disable_triggers(session)
    session.execute(text("DELETE FROM audit_event WHERE seq >= :s"), {"s": events[1].seq})
    session.commit()
    verdict = audit.verify(session)
    assert not verdict.ok
    assert verdict.first_bad_seq == events[1].seq
    assert "newest events" in (verdict.problem or "")


def test_rewinding_the_head_too_is_detected_by_its_signature(session: Session) -> None:
    events = _events(session, 3)
    session.commit()
    _disable_triggers(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": events[2].seq})
    session.execute(
        text("UPDATE audit_head SET last_seq = :s, last_hash = :h"),
        {"s": events[1].seq, "h": events[1].hash},
    )
    session.commit()
    verdict = audit.verify(session)
    assert not verdict.ok
    assert "head was rewritten" in (verdict.problem or "")


def test_an_event_forged_at_the_end_is_detected(session: Session) -> None:
    events = _events(session, 2)
    session.commit()
    _disable_triggers(session)
    last = events[-1]
    _forge(session, last, prev=GENESIS_HASH, digest="f" * 64)
    session.execute(text("UPDATE audit_head SET last_seq = :s"), {"s": last.seq + 1})
    session.commit()
    verdict = audit.verify(session)
    assert not verdict.ok
    assert verdict.first_bad_seq == last.seq + 1


def test_cli_verify_succeeds_on_an_intact_log(session: Session) -> None:
    _events(session, 2)
    session.commit()
    code, output = _run_verify()
    assert code == 0, output
    assert "intact" in output


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["view", "create", "update", "export"]),
            st.dictionaries(
                st.text(max_size=8),
                st.one_of(st.integers(), st.text(max_size=20), st.none()),
                max_size=3,
            ),
            st.one_of(st.none(), st.text(max_size=40)),
        ),
        min_size=1,
        max_size=5,
    )
)
@example([("view", {"k\x00": "v\x00", "n": 1}, "why\x00")])  # PostgreSQL text holds no NUL
def test_any_content_round_trips_through_the_database_and_verifies(
    session: Session, entries: list[tuple[str, dict[str, object], str | None]]
) -> None:
    for action, after, why in entries:
        audit.record(session, ACTOR, action, "person", 1, after=after, justification=why)
    session.flush()
    session.expire_all()
    assert audit.verify(session).ok


def test_an_unsigned_head_is_a_break(session: Session) -> None:
    _events(session, 2)
    session.commit()
    _disable_triggers(session)
    session.execute(text("UPDATE audit_head SET signature = NULL"))
    session.commit()
    verdict = audit.verify(session)
    assert not verdict.ok
    assert "unsigned" in (verdict.problem or "")


def test_writing_on_a_rewound_head_is_refused(session: Session) -> None:
    events = _events(session, 3)
    session.commit()
    _disable_triggers(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": events[2].seq})
    session.execute(
        text("UPDATE audit_head SET last_seq = :s, last_hash = :h"),
        {"s": events[1].seq, "h": events[1].hash},
    )
    session.commit()
    audit.record(session, ACTOR, "update", "person", 1)
    with pytest.raises(audit.AuditHeadInvalid):
        session.commit()  # the unit of work that would write on top is refused whole
    session.rollback()
    # The break stays visible: the write did not "heal" the head.
    assert not audit.verify(session).ok


def test_reseal_after_a_key_change_needs_an_intact_chain(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harbour.settings import reset_settings

    _events(session, 2)
    session.commit()
    monkeypatch.setenv("HARBOUR_SECRET_KEY", "a-new-secret-key-after-rotation-0123456789")
    reset_settings()
    try:
        assert not audit.verify(session).ok
        audit.record(session, ACTOR, "update", "person", 1)
        with pytest.raises(audit.AuditHeadInvalid):
            session.commit()
        session.rollback()
        assert audit.reseal(session, ACTOR, "key rotated").ok
        session.commit()
        assert audit.verify(session).ok
    finally:
        monkeypatch.undo()
        reset_settings()


def test_events_added_behind_the_heads_back_are_reported(session: Session) -> None:
    events = _events(session, 2)
    session.commit()
    _disable_triggers(session)
    last = events[-1]
    _forge(session, last, prev=last.hash, digest="e" * 64)
    session.commit()
    verdict = audit.verify(session)
    assert not verdict.ok
    assert "behind its back" in (verdict.problem or "")
