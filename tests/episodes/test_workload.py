"""The workload of officers and teams, counted by hand on a small force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.auth.models import Organisation
from harbour.episodes import workload
from harbour.episodes.models import EpisodeStatus
from harbour.errors import Forbidden
from harbour.risk.grades import RiskGrade
from harbour.tasks.models import Task
from tests.factories import actor_of, make_team, make_user, sign_in
from tests.measures.world import World

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)  # a Tuesday


def _force(session: Session) -> tuple[World, dict[str, object]]:
    inspector = make_user(session, Role.inspector)
    org = session.get(Organisation, inspector.organisation_id)
    assert org is not None
    east, west = make_team(session, org, "East"), make_team(session, org, "West")
    ann = make_user(session, Role.hub_officer, team=east)
    bob = make_user(session, Role.officer, team=west)
    w = World(session, org)
    child = w.person("Workload")
    ep = {}
    for key, owner, team, grade, status, reported in (
        ("ann_high", ann, east, RiskGrade.high, EpisodeStatus.missing, NOW - timedelta(days=1)),
        ("ann_medium", ann, east, RiskGrade.medium, EpisodeStatus.found, NOW - timedelta(days=9)),
        ("ann_closed", ann, east, RiskGrade.low, EpisodeStatus.closed, NOW - timedelta(days=2)),
        ("bob_low", bob, west, RiskGrade.low, EpisodeStatus.missing, NOW - timedelta(days=3)),
        ("queue", None, east, None, EpisodeStatus.missing, NOW - timedelta(hours=1)),
    ):
        ep[key] = w.episode(
            child,
            reported,
            owner_id=owner.id if owner else None,
            team_id=team.id,
            risk_grade=grade,
        )
        ep[key].status = status
    for owner, due, done in (
        (ann, NOW - timedelta(hours=2), None),  # overdue
        (ann, NOW + timedelta(hours=3), None),  # due in the next shift
        (ann, NOW + timedelta(days=3), None),  # later
        (ann, NOW - timedelta(days=1), NOW - timedelta(days=2)),  # done: not counted
        (bob, None, None),  # no due time
    ):
        w.add(
            Task(
                organisation_id=org.id,
                team_id=owner.team_id,
                episode_id=ep["ann_high"].id,
                kind="enquiry",
                title="Enquiry",
                owner_id=owner.id,
                due_at=due,
                done_at=done,
            )
        )
    w.review(ep["ann_high"], "regular", NOW - timedelta(minutes=30))  # overdue
    w.review(ep["ann_high"], "regular", NOW + timedelta(hours=4))
    w.review(ep["ann_high"], "first", NOW - timedelta(hours=5), done_at=NOW - timedelta(hours=6))
    w.review(ep["ann_closed"], "return", NOW - timedelta(days=1))  # a closed episode's
    return w, {"inspector": inspector, "ann": ann, "bob": bob, "east": east, "west": west}


def test_open_casework_by_officer_and_team_matches_a_count_by_hand(session: Session) -> None:
    _, who = _force(session)
    with clock.frozen(NOW):
        work = workload.workload(session, actor_of(who["inspector"]))  # type: ignore[arg-type]
    officers = {row.key: row for row in work.officers}
    ann = officers[who["ann"].id]  # type: ignore[attr-defined]
    assert ann.grades == {"high": 1, "medium": 1, "low": 0, "very_low": 0, "ungraded": 0}
    assert (ann.tasks_open, ann.tasks_overdue, ann.tasks_due_soon) == (3, 1, 1)
    assert (ann.reviews_open, ann.reviews_overdue) == (2, 1)
    bob = officers[who["bob"].id]  # type: ignore[attr-defined]
    assert bob.grades["low"] == 1 and bob.tasks_open == 1 and bob.tasks_overdue == 0
    assert officers[None].name == workload.NOBODY and officers[None].grades["ungraded"] == 1
    assert work.officers[0].key is not None and work.officers[0].key == ann.key  # heaviest first
    teams = {row.name: row for row in work.teams}
    assert teams["East"].episodes == 3  # Ann's two open and the queue's
    assert teams["West"].episodes == 1
    # Week beginning Monday 29 June: the queue's report (today) and Ann's high (yesterday);
    # Bob's (27 June) the week before; Ann's medium (21 June) two weeks before.
    assert work.weeks[-1].isoformat() == "2026-06-29"
    assert work.demand["East"][-1] == 2 and work.demand["West"][-2] == 1
    assert work.demand["East"][-3] == 1  # 21 June is a Sunday: the week of 15 June
    # The next shift (12 hours): the overdue review and task, the task due in 3 hours and the
    # review due in 4; not the task due in 3 days, the done ones or the closed episode's.
    assert [(d.what, d.due_at - NOW) for d in work.handover] == [
        ("task", timedelta(hours=-2)),
        ("review", timedelta(minutes=-30)),
        ("task", timedelta(hours=3)),
        ("review", timedelta(hours=4)),
    ]
    assert work.handover[1].grade == "high" and work.handover[1].owner == "Test Hub officer"


def test_workload_is_for_the_hub_and_supervisors(session: Session) -> None:
    _, who = _force(session)
    with pytest.raises(Forbidden):
        workload.workload(session, actor_of(who["bob"]))  # type: ignore[arg-type]


def test_the_workload_page(client: TestClient, session: Session) -> None:
    _, who = _force(session)
    session.commit()
    sign_in(client, who["inspector"].username)  # type: ignore[attr-defined]
    with clock.frozen(NOW):
        page = client.get("/casework/workload")
    assert page.status_code == 200
    assert "Open casework by owner" in page.text and "1 overdue" in page.text
    assert "Nobody yet (the hub" in page.text
