"""Every piece of work has an owner or a queue (issue 15): a call handler's report lands in the
hub's queue, the unowned-work board shows it with its allocation clock, and a leaver's open
casework moves in one step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import Organisation, Team, User
from harbour.episodes import allocation
from harbour.episodes.models import Episode
from harbour.errors import Forbidden, ValidationFailed
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from tests.factories import (
    actor_of,
    csrf_from,
    make_episode,
    make_person,
    make_task,
    make_user,
    sign_in,
)

T0 = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture
def force(session: Session) -> tuple[Organisation, Team, Team]:
    handler = make_user(session, Role.call_handler)
    org = session.get(Organisation, handler.organisation_id)
    assert org is not None
    contact = session.get(Team, handler.team_id) if handler.team_id else None
    hub = Team(organisation_id=org.id, name=get_settings().hub_team_name)
    session.add(hub)
    session.flush()
    assert contact is not None
    return org, contact, hub


def _member(session: Session, org: Organisation, team: Team, role: Role) -> User:
    return make_user(session, role, team=team)


def _child_report(session: Session, reporter: User) -> Episode:
    child = make_person(session, reporter, date_of_birth=date(2012, 1, 1))
    return make_episode(session, reporter, child)


def test_a_call_handlers_report_waits_in_the_hub_queue_on_the_board(
    session: Session, force: tuple[Organisation, Team, Team]
) -> None:
    org, contact, hub = force
    handler = _member(session, org, contact, Role.call_handler)
    sergeant = _member(session, org, hub, Role.sergeant)
    with clock.frozen(T0) as advance:
        episode = _child_report(session, handler)
        assert episode.owner_id is None and episode.team_id == hub.id
        work = allocation.unowned(session, actor_of(sergeant))
        (row,) = [w for w in work.episodes if w.episode.id == episode.id]
        assert row.team == hub.name and not row.overdue
        assert row.due_at == T0 + timedelta(minutes=30)
        advance(timedelta(minutes=31))
        (row,) = [
            w
            for w in allocation.unowned(session, actor_of(sergeant)).episodes
            if w.episode.id == episode.id
        ]
        assert row.overdue
    analyst = _member(session, org, hub, Role.analyst)
    with pytest.raises(Forbidden):
        allocation.unowned(session, actor_of(analyst))


def test_a_hub_officers_own_report_is_theirs_not_the_queues(
    session: Session, force: tuple[Organisation, Team, Team]
) -> None:
    org, contact, hub = force
    officer = _member(session, org, contact, Role.hub_officer)
    episode = _child_report(session, officer)
    assert episode.owner_id == officer.id and episode.team_id == contact.id
    sergeant = _member(session, org, hub, Role.sergeant)
    shown = [w.episode.id for w in allocation.unowned(session, actor_of(sergeant)).episodes]
    assert episode.id not in shown


def test_a_task_with_no_owner_is_on_the_board(
    session: Session, force: tuple[Organisation, Team, Team]
) -> None:
    org, contact, hub = force
    handler = _member(session, org, contact, Role.call_handler)
    sergeant = _member(session, org, hub, Role.sergeant)
    episode = _child_report(session, handler)
    task = make_task(session, handler, episode, kind="strategy_meeting")
    work = allocation.unowned(session, actor_of(sergeant))
    assert task.id in [t.id for t in work.tasks]


def test_a_leavers_casework_moves_to_a_colleague_and_is_audited(
    session: Session, force: tuple[Organisation, Team, Team]
) -> None:
    org, _, hub = force
    leaver = _member(session, org, hub, Role.hub_officer)
    taker = _member(session, org, hub, Role.hub_officer)
    sergeant = _member(session, org, hub, Role.sergeant)
    first = _child_report(session, leaver)
    second = _child_report(session, leaver)
    task = make_task(session, leaver, first, owner=leaver)
    leaver.is_active = False
    with pytest.raises(ValidationFailed) as caught:
        allocation.reassign(session, actor_of(sergeant), leaver.id, leaver.id, "")
    assert set(caught.value.field_errors) == {"to_id", "reason"}
    with pytest.raises(Forbidden):
        allocation.reassign(session, actor_of(taker), leaver.id, taker.id, "Left")
    moved = allocation.reassign(session, actor_of(sergeant), leaver.id, taker.id, "Left the Hub")
    assert (moved.episodes, moved.tasks) == (2, 1)
    assert first.owner_id == second.owner_id == task.owner_id == taker.id
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "reassign")).all()
    assert {(e.subject_type, e.subject_id) for e in events} == {
        ("episode", str(first.id)),
        ("episode", str(second.id)),
        ("task", str(task.id)),
    }
    assert all(e.before["owner"] == leaver.id and e.after["owner"] == taker.id for e in events)
    (told,) = tasks.notifications(session, actor_of(taker))
    assert "2 episodes and 1 task" in told.text


def test_casework_moved_back_to_the_queue_has_no_owner_and_the_hub_team(
    session: Session, force: tuple[Organisation, Team, Team]
) -> None:
    org, contact, hub = force
    leaver = _member(session, org, contact, Role.officer)
    sergeant = _member(session, org, hub, Role.sergeant)
    episode = _child_report(session, leaver)
    assert episode.owner_id == leaver.id
    allocation.reassign(session, actor_of(sergeant), leaver.id, None, "Long-term sick")
    assert episode.owner_id is None and episode.team_id == hub.id
    shown = [w.episode.id for w in allocation.unowned(session, actor_of(sergeant)).episodes]
    assert episode.id in shown


def test_the_board_page_moves_casework(
    client: TestClient, session: Session, force: tuple[Organisation, Team, Team]
) -> None:
    org, contact, hub = force
    leaver = _member(session, org, contact, Role.officer)
    sergeant = _member(session, org, hub, Role.sergeant)
    episode = _child_report(session, leaver)
    session.commit()
    sign_in(client, sergeant.username)
    page = client.get("/casework/unowned")
    assert page.status_code == 200 and "Move someone's open casework" in page.text
    token = csrf_from(page.text)
    refused = client.post("/casework/reassign", data={"csrf_token": token, "to_id": "queue"})
    assert refused.status_code == 422 and "Choose whose open casework moves" in refused.text
    done = client.post(
        "/casework/reassign",
        data={"csrf_token": token, "from_id": str(leaver.id), "to_id": "queue", "reason": "Left"},
    )
    assert done.status_code == 303
    board = client.get(done.headers["location"]).text
    assert "Casework moved: 1 episode and 0 tasks." in board
    assert f'href="/episodes/{episode.id}"' in board
