"""Enquiries, handovers, notifications, PNC circulation and the repeat-missing triggers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.auth.models import User
from harbour.episodes import service
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person, Place, PlaceType
from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import RiskAnswers
from harbour.tasks import service as tasks
from tests.factories import (
    actor_of,
    make_colleague,
    make_episode,
    make_person,
    make_user,
    sign_in,
)

T0 = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def _child(session: Session, owner: User) -> Person:
    return make_person(session, owner, date_of_birth=date(2012, 6, 1))


def _found(session: Session, owner: User, episode: Episode, at: datetime) -> None:
    service.record_found(
        session,
        actor_of(owner),
        episode,
        service.FoundInput(
            found_at=at,
            found_text="A park",
            found_with_text=None,
            found_by="PC 1",
            condition=None,
            outcome="found_safe",
            version=episode.version,
        ),
    )


def test_a_call_handlers_report_goes_to_the_hub_and_a_high_grade_to_the_inspectors(
    session: Session,
) -> None:
    handler = make_user(session, Role.call_handler)
    hub = make_colleague(session, handler, Role.hub_officer)
    inspector = make_colleague(session, handler, Role.inspector)
    sergeant = make_colleague(session, handler, Role.sergeant)
    episode = make_episode(session, handler, _child(session, handler))
    person = service.person_of(session, episode)
    # A call handler does not grade, so the report has no owner yet and the hub is told.
    assert episode.owner_id is None
    told = tasks.notifications(session, actor_of(hub))
    assert [n.text for n in told] == [
        f"New missing report: {person.display_name} needs grading and an owner."
    ]
    service.grade(
        session,
        actor_of(hub),
        episode,
        person,
        service.GradingInput(
            answers=RiskAnswers(suicide_self_harm_risk=True),
            grade=RiskGrade.high,
            rationale="Threatened to harm herself",
            below_reason=None,
            cra_decision="Considered; not met",
            version=episode.version,
        ),
    )
    counts = {
        u.id: tasks.unread_count(session, actor_of(u)) for u in (handler, inspector, sergeant)
    }
    assert counts == {handler.id: 0, inspector.id: 1, sergeant.id: 0}
    message = tasks.notifications(session, actor_of(inspector))[0]
    assert message.text.startswith(f"High risk: {person.display_name} is missing")
    assert message.link == f"/episodes/{episode.id}"


def test_a_handover_changes_the_owner_and_tells_them(client: TestClient, session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    other = make_colleague(session, hub, Role.officer)
    episode = make_episode(session, hub)
    service.hand_over(session, actor_of(hub), episode, other, episode.version)
    assert episode.owner_id == other.id
    assert [a.kind for a in service.actions(session, episode)] == ["handover"]
    session.commit()
    sign_in(client, other.username)
    header = client.get("/").text
    assert (
        'data-testid="notifications-link">Notifications <strong class="harbour-count">1' in header
    )
    listed = client.get("/notifications").text
    assert "handed you the missing episode of" in listed


def test_an_enquiry_is_set_handed_over_and_completed(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    officer = make_colleague(session, hub, Role.officer)
    sergeant = make_colleague(session, hub, Role.sergeant)
    episode = make_episode(session, hub)
    with clock.frozen(T0):
        task = service.open_enquiry(
            session,
            actor_of(hub),
            episode,
            title="Collect CCTV",
            details="Station Road",
            owner_id=officer.id,
            due_at=T0 + timedelta(hours=4),
        )
    assert tasks.my_tasks(session, actor_of(officer)) == [task]
    assert tasks.unread_count(session, actor_of(officer)) == 1
    read = task.version
    tasks.hand_over(session, actor_of(sergeant), task, hub, read)
    with pytest.raises(Conflict):
        tasks.complete(session, actor_of(officer), task, "Nothing on camera", read)
    with pytest.raises(ValidationFailed):
        tasks.complete(session, actor_of(hub), task, "  ", task.version)
    tasks.complete(session, actor_of(hub), task, "Seen on camera at 17:02", task.version)
    assert task.done_at is not None and tasks.my_tasks(session, actor_of(hub)) == []


def test_a_pnc_circulation_must_be_removed_before_closing(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    actor = actor_of(hub)
    person = make_person(session, hub, date_of_birth=date(1970, 1, 1))
    episode = make_episode(session, hub, person, grade=RiskGrade.medium)

    def act(kind: str, reference: str | None = None) -> None:
        data = service.ActionInput.of(kind=kind, reference=reference, version=episode.version)
        service.record_action(session, actor, episode, data)

    with pytest.raises(ValidationFailed, match="Check what was done"):
        act("pnc_circulated")  # needs its reference
    with pytest.raises(ValidationFailed):
        act("pnc_removed")  # nothing to remove yet
    act("pnc_circulated", "26/123456A")
    now = clock.now()
    _found(session, hub, episode, now)
    service.record_safe_and_well(
        session,
        actor,
        episode,
        service.SafeWellInput(
            held_at=now,
            held_by="PC 1",
            face_to_face="yes",
            where_they_were="Park",
            why=None,
            harm=None,
            disclosures=[],
            named_people=None,
            named_places=None,
            referrals=None,
            version=episode.version,
        ),
    )
    assert service.closure_blockers(session, episode, person) == [
        "Remove the PNC circulation (26/123456A)."
    ]
    act("pnc_removed")
    assert service.closure_blockers(session, episode, person) == []


def test_three_episodes_in_ninety_days_open_one_strategy_meeting(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    child = _child(session, hub)
    with clock.frozen(T0) as advance:
        for _ in range(2):
            episode = make_episode(session, hub, child)
            _found(session, hub, episode, clock.now())
            episode.status = EpisodeStatus.closed
            advance(timedelta(days=20))
        assert tasks.open_task_of_kind(session, child.id, "strategy_meeting") is None
        third = make_episode(session, hub, child)
    task = tasks.open_task_of_kind(session, child.id, "strategy_meeting")
    assert task is not None and task.trigger == "3 episodes in 90 days"
    assert task.episode_id == third.id and task.owner_id == hub.id
    with clock.frozen(T0 + timedelta(days=40)):
        _found(session, hub, third, T0 + timedelta(days=40))
    fourth_due = [
        t
        for t in tasks.tasks_of(session, actor_of(hub), person_id=child.id)
        if t.kind == "strategy_meeting"
    ]
    assert len(fourth_due) == 1  # still open: no second task for the same person


def test_an_adult_opens_no_childrens_tasks(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    adult = make_person(session, hub, date_of_birth=date(1950, 1, 1))
    with clock.frozen(T0) as advance:
        for _ in range(3):
            episode = make_episode(session, hub, adult)
            _found(session, hub, episode, clock.now())
            episode.status = EpisodeStatus.closed
            advance(timedelta(days=1))
    assert tasks.tasks_of(session, actor_of(hub), person_id=adult.id) == []


def test_a_long_absence_found_out_of_area_and_a_disclosure_open_tasks(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    child = _child(session, hub)
    org = hub.organisation_id
    home = Place(type=PlaceType.home, name="Home", borough="Lambeth", organisation_id=org)
    away = Place(type=PlaceType.hotel, name="Hotel", borough="Kent", organisation_id=org)
    session.add_all([home, away])
    session.flush()
    child.home_place_id = home.id
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, child)
        advance(timedelta(hours=30))
        _found(session, hub, episode, clock.now())
    kinds = {t.kind: t.trigger for t in tasks.tasks_of(session, actor_of(hub), person_id=child.id)}
    assert kinds == {
        "strategy_meeting": "Missing for 30 hours",
        # A child's return is told to the local authority at once.
        "enquiry": "A child has returned: tell the local authority (the social worker or "
        "out-of-hours team)",
    }
    episode.found_place_id = away.id
    service.record_safe_and_well(
        session,
        actor_of(hub),
        episode,
        service.SafeWellInput(
            held_at=clock.now(),
            held_by="PC 1",
            face_to_face="yes",
            where_they_were="Kent",
            why=None,
            harm=None,
            disclosures=["multiple_phones"],
            named_people=None,
            named_places=None,
            referrals=None,
            version=episode.version,
        ),
    )
    screening = tasks.open_task_of_kind(session, child.id, "exploitation_screening")
    assert screening is not None
    assert screening.trigger == "Found in Kent; lives in Lambeth"


def test_the_force_data_panel_shows_open_screenings(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    child = _child(session, hub)
    episode = make_episode(session, hub, child)
    now = clock.now()
    _found(session, hub, episode, now)
    service.record_safe_and_well(
        session,
        actor_of(hub),
        episode,
        service.SafeWellInput(
            held_at=now,
            held_by="PC 1",
            face_to_face="yes",
            where_they_were="A flat",
            why=None,
            harm=None,
            disclosures=["weapons"],
            named_people=None,
            named_places=None,
            referrals=None,
            version=episode.version,
        ),
    )
    data = service.force_data(session, actor_of(hub), child)
    assert [(t.kind, t.trigger) for t in data.screenings] == [
        ("exploitation_screening", "Disclosed: Carrying or linked to weapons")
    ]


def test_a_closed_episode_takes_nothing_more_and_tasks_name_their_person(
    session: Session,
) -> None:
    hub = make_user(session, Role.hub_officer)
    officer = make_colleague(session, hub, Role.officer)
    adult = make_person(session, hub, date_of_birth=date(1970, 1, 1))
    episode = make_episode(session, hub, adult, grade=RiskGrade.low)
    service.open_enquiry(
        session,
        actor_of(hub),
        episode,
        title="Check hospitals",
        details=None,
        owner_id=officer.id,
        due_at=None,
    )
    assert tasks.notifications(session, actor_of(officer))[0].text == (
        f"New task for you: Check hospitals ({adult.display_name})"
    )
    now = clock.now()
    _found(session, hub, episode, now)
    service.record_safe_and_well(
        session,
        actor_of(hub),
        episode,
        service.SafeWellInput(
            held_at=now,
            held_by="PC 1",
            face_to_face="yes",
            where_they_were="Home",
            why=None,
            harm=None,
            disclosures=[],
            named_people=None,
            named_places=None,
            referrals=None,
            version=episode.version,
        ),
    )
    service.close(session, actor_of(hub), episode, adult, episode.version)
    with pytest.raises(Conflict, match="closed"):
        service.add_information(
            session,
            actor_of(hub),
            episode,
            topic="other",
            text="Late call",
            given_by="A friend",
            contact=None,
            given_at=now,
            version=episode.version,
        )
    with pytest.raises(Conflict, match="closed"):
        service.open_enquiry(
            session,
            actor_of(hub),
            episode,
            title="CCTV",
            details=None,
            owner_id=None,
            due_at=None,
        )
