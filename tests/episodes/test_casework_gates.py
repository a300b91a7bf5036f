"""Casework that cannot be ticked through (issue 15): the clocks that run while someone is
missing, the escalation ladder, notifications that end, and the gates before an episode closes.
Each test fails if its gate or clock is removed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Channel, Role, system_actor
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.episodes import service
from harbour.episodes.models import Episode, Review
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person, Place
from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import RiskAnswers
from harbour.tasks import service as tasks
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_colleague,
    make_episode,
    make_person,
    make_task,
    make_user,
    sign_in,
)

T0 = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
JOB = system_actor(Channel.job, name="escalation")


def _child(session: Session, owner: User) -> Person:
    return make_person(session, owner, date_of_birth=date(2012, 3, 1))


def _adult(session: Session, owner: User) -> Person:
    return make_person(session, owner, date_of_birth=date(1970, 3, 1))


def _found(
    session: Session, user: User, episode: Episode, at: datetime, **extra: object
) -> Episode:
    fields: dict[str, object] = {
        "found_at": at,
        "found_text": "A flat",
        "found_with_text": None,
        "found_by": "PC 1",
        "condition": None,
        "outcome": "found_safe",
        "version": episode.version,
    } | extra
    return service.record_found(session, actor_of(user), episode, service.FoundInput(**fields))  # type: ignore[arg-type]


def _check(
    session: Session, user: User, episode: Episode, at: datetime, **extra: object
) -> Episode:
    fields: dict[str, object] = {
        "held_at": at,
        "held_by": "PC 1",
        "face_to_face": "yes",
        "where_they_were": "A friend's",
        "version": episode.version,
    } | extra
    data = service.SafeWellInput(**fields)  # type: ignore[arg-type]
    return service.record_safe_and_well(session, actor_of(user), episode, data)


def _review(
    session: Session, user: User, episode: Episode, review: Review, **extra: object
) -> Review:
    fields: dict[str, object] = {
        "decision": "confirmed",
        "plan": "Plan",
        "reporter_contact": "Spoke to the carer",
        "version": episode.version,
    } | extra
    person = service.person_of(session, episode)
    data = service.ReviewInput(**fields)  # type: ignore[arg-type]
    return service.record_review(session, actor_of(user), episode, person, review, data)


def _open_kinds(session: Session, episode: Episode) -> list[str]:
    return [r.kind for r in service.open_reviews(session, episode)]


# -- times -----------------------------------------------------------------------------------


def test_found_and_checks_cannot_be_in_the_future(session: Session, hub: User) -> None:
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        with pytest.raises(ValidationFailed) as caught:
            _found(session, hub, episode, T0 + timedelta(hours=2))
        assert caught.value.field_errors["found_at"] == (
            "The time they were found cannot be in the future"
        )
        _found(session, hub, episode, T0 + timedelta(minutes=2))  # a fast clock is allowed
        with pytest.raises(ValidationFailed) as caught:
            _check(session, hub, episode, T0 + timedelta(days=1))
        assert caught.value.field_errors["held_at"] == "The check cannot be in the future"


# -- the clocks while missing ----------------------------------------------------------------


def test_an_ungraded_report_is_due_and_climbs_the_ladder_until_graded(
    session: Session, hub: User
) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    inspector = make_colleague(session, hub, Role.inspector)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _adult(session, hub))
        (grading,) = service.open_reviews(session, episode)
        assert grading.kind == "grading" and grading.due_at == T0 + timedelta(minutes=30)
        assert service.escalate_overdue(session, JOB) == 0
        advance(timedelta(minutes=31))
        assert service.escalate_overdue(session, JOB) == 1
        assert service.escalate_overdue(session, JOB) == 0  # each rung once
        told = tasks.notifications(session, actor_of(sergeant))
        assert len(told) == 1 and told[0].text.startswith("Overdue: the first grade of")
        assert tasks.notifications(session, actor_of(inspector)) == []
        advance(timedelta(minutes=60))  # 61 minutes overdue: the next rung
        assert service.escalate_overdue(session, JOB) == 1
        assert len(tasks.notifications(session, actor_of(inspector))) == 1
        rows, _ = service.review_board(session, actor_of(inspector))
        row = next(r for r in rows if r.episode.id == episode.id)
        assert row.overdue and row.rank_now is Role.inspector
        person = service.person_of(session, episode)
        service.grade(
            session,
            actor_of(hub),
            episode,
            person,
            service.GradingInput(
                answers=RiskAnswers(), grade=RiskGrade.low, rationale="r", version=episode.version
            ),
        )
    assert grading.done_at == T0 + timedelta(minutes=91) and grading.done_by_id == hub.id
    # The reminders end with the grade: nobody is still counting them as unread.
    assert tasks.unread_count(session, actor_of(sergeant)) == 0
    assert tasks.unread_count(session, actor_of(inspector)) == 0
    assert "grading" not in _open_kinds(session, episode)


def test_an_overdue_review_climbs_one_rank_at_each_step(session: Session, hub: User) -> None:
    inspector = make_colleague(session, hub, Role.inspector)
    superintendent = make_colleague(session, hub, Role.superintendent)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _adult(session, hub), grade=RiskGrade.medium)
        first = next(r for r in service.open_reviews(session, episode) if r.kind == "first")
        assert first.rank == "sergeant" and first.due_at == T0 + timedelta(hours=4)
        advance(timedelta(hours=4, minutes=1))
        assert service.escalate_overdue(session, JOB) >= 1
        assert len(tasks.notifications(session, actor_of(inspector))) == 1
        assert tasks.notifications(session, actor_of(superintendent)) == []
        advance(timedelta(minutes=30))
        service.escalate_overdue(session, JOB)
        assert tasks.notifications(session, actor_of(superintendent)) == []  # not yet
        advance(timedelta(minutes=30))  # 61 minutes overdue
        service.escalate_overdue(session, JOB)
        told = tasks.notifications(session, actor_of(superintendent))
        assert len(told) == 1 and "escalated to you (Superintendent)" in told[0].text
    assert first.escalation_level == 2
    climbs = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "escalate", AuditEvent.subject_id == str(episode.id)
        )
    ).all()
    assert [e.after["level"] for e in climbs if e.after["review"] == first.id] == [1, 2]


def test_an_inspectors_downgrade_goes_above_the_inspector_and_is_not_overdue_at_once(
    session: Session, hub: User
) -> None:
    inspector = make_colleague(session, hub, Role.inspector)
    with clock.frozen(T0):
        episode = make_episode(session, hub, _adult(session, hub))
        person = service.person_of(session, episode)
        answers = RiskAnswers(suicide_self_harm_risk=True, mental_health_concern=True)
        suggested = service.suggestion_for(person, episode, answers).grade
        assert suggested is not RiskGrade.very_low
        service.grade(
            session,
            actor_of(inspector),
            episode,
            person,
            service.GradingInput(
                answers=answers,
                grade=RiskGrade.very_low,
                rationale="Seen and well",
                below_reason="Spoke to him myself",
                version=episode.version,
            ),
        )
        (below,) = [r for r in service.open_reviews(session, episode) if "below" in r.kind]
    assert below.rank == "superintendent"
    assert below.due_at == T0 + timedelta(hours=1)


def test_a_child_still_missing_is_prompted_to_regrade_at_24_and_48_hours(
    session: Session, hub: User
) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        person = service.person_of(session, episode)
        advance(timedelta(hours=23))
        assert service.long_absences(session, JOB) == 0
        assert tasks.open_task_of_kind(session, person.id, "strategy_meeting") is None
        advance(timedelta(hours=2))
        assert service.long_absences(session, JOB) == 1
        assert service.long_absences(session, JOB) == 0  # once a step
        assert "absence_24" in _open_kinds(session, episode)
        meeting = tasks.open_task_of_kind(session, person.id, "strategy_meeting")
        assert meeting is not None and meeting.trigger == "Still missing after 24 hours"
        assert meeting.owner_id == hub.id
        told = tasks.notifications(session, actor_of(sergeant))
        assert any("missing for 24 hours: regrade" in n.text for n in told)
        advance(timedelta(hours=24))
        assert service.long_absences(session, JOB) == 1
        kinds = _open_kinds(session, episode)
        # The 24-hour prompt gives way to the 48-hour one.
        assert "absence_48" in kinds and "absence_24" not in kinds
        regrade = next(r for r in service.open_reviews(session, episode) if r.kind == "absence_48")
        assert regrade.rank == "sergeant"
        assert regrade.due_at == T0 + timedelta(hours=50)
        _found(session, hub, episode, clock.now())
    assert not any(k.startswith("absence") for k in _open_kinds(session, episode))


def test_a_missed_step_is_caught_up_once_and_an_adult_gets_no_strategy_meeting(
    session: Session, hub: User
) -> None:
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _adult(session, hub), grade=RiskGrade.low)
        advance(timedelta(hours=75))
        assert service.long_absences(session, JOB) == 1
        assert [k for k in _open_kinds(session, episode) if k.startswith("absence")] == [
            "absence_72"
        ]
        assert service.long_absences(session, JOB) == 0
    assert tasks.open_task_of_kind(session, episode.person_id, "strategy_meeting") is None


def test_a_senior_review_is_on_the_superintendents_board(session: Session, hub: User) -> None:
    superintendent = make_colleague(session, hub, Role.superintendent)
    with clock.frozen(T0):
        episode = make_episode(session, hub, _adult(session, hub), grade=RiskGrade.high)
        rows, _ = service.review_board(session, actor_of(superintendent))
    ranks = {r.review.rank for r in rows if r.review and r.episode.id == episode.id}
    assert {"inspector", "superintendent"} <= ranks


def test_the_missing_notification_ends_when_the_child_is_found(session: Session, hub: User) -> None:
    inspector = make_colleague(session, hub, Role.inspector)
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.high)
        assert tasks.unread_count(session, actor_of(inspector)) == 1
        _found(session, hub, episode, T0)
    assert tasks.unread_count(session, actor_of(inspector)) == 0
    (message,) = tasks.notifications(session, actor_of(inspector))
    assert message.text.startswith("High risk:") and message.resolved_at is not None


# -- found anywhere --------------------------------------------------------------------------


def test_a_child_found_in_another_forces_area_opens_a_screening(
    session: Session, hub: User
) -> None:
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        with pytest.raises(ValidationFailed) as caught:
            _found(session, hub, episode, T0, force="Thames Valley Police")
        assert "town" in caught.value.field_errors
        with pytest.raises(ValidationFailed) as caught:
            _found(session, hub, episode, T0, force="Gotham Police", town="Gotham")
        assert caught.value.field_errors["force"] == "Choose the force from the list"
        _found(session, hub, episode, T0, force="Thames Valley Police", town="Slough")
    place = session.get(Place, episode.found_place_id)
    assert place is not None and place.force == "Thames Valley Police"
    assert place.borough == "Slough"
    screening = tasks.open_task_of_kind(session, episode.person_id, "exploitation_screening")
    assert screening is not None
    assert screening.trigger == "Found in Slough (Thames Valley Police), outside the force"


# -- the gates before closing ----------------------------------------------------------------


def test_a_check_not_face_to_face_needs_a_reason_and_a_supervisors_agreement(
    session: Session, hub: User
) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        person = service.person_of(session, episode)
        _found(session, hub, episode, T0)
        advance(timedelta(hours=1))
        with pytest.raises(ValidationFailed) as caught:
            _check(session, hub, episode, clock.now(), face_to_face="no")
        assert "not_face_to_face_reason" in caught.value.field_errors
        _check(
            session,
            hub,
            episode,
            clock.now(),
            face_to_face="no",
            not_face_to_face_reason="She would only speak by phone",
        )
        episode.rhi = {"status": "declined", "reason": "Declined"}
        blockers = service.closure_blockers(session, episode, person)
        assert any("not face to face" in b for b in blockers)
        (returned,) = service.open_reviews(session, episode)
        with pytest.raises(ValidationFailed) as caught:
            _review(session, sergeant, episode, returned)
        assert "remote_agreed" in caught.value.field_errors
        _review(session, sergeant, episode, returned, remote_agreed="yes")
    assert episode.prevention_interview is not None
    assert episode.prevention_interview["remote_agreed_by"] == sergeant.display_name
    assert service.closure_blockers(session, episode, person) == []


def test_the_return_interview_is_late_after_72_hours(session: Session, hub: User) -> None:
    def interview(status: str, held_after: float | None) -> bool:
        episode.rhi = {
            "status": status,
            "held_at": (T0 + timedelta(hours=held_after)).isoformat() if held_after else None,
        }
        return service.interview_is_late(episode, clock.now())

    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        _found(session, hub, episode, T0)
        assert not service.interview_is_late(episode, clock.now())
        advance(timedelta(hours=73))
        assert service.interview_is_late(episode, clock.now())  # not held yet, and overdue
        assert interview("offered", None)
        assert not interview("held", 72)  # on time: within 72 hours of the return
        assert interview("held", 72.5)
        assert not interview("declined", None)  # a decision recorded, not a late interview
        service.record_return_interview(
            session,
            actor_of(hub),
            episode,
            service.ReturnInterviewInput(
                status="held",
                offered_at=T0 + timedelta(hours=2),
                held_at=T0 + timedelta(hours=73),
                by="RHI service",
                version=episode.version,
            ),
        )
    assert service.interview_is_late(episode, T0 + timedelta(hours=73))


def test_the_page_shows_a_late_return_interview(
    client: TestClient, session: Session, hub: User
) -> None:
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        _found(session, hub, episode, T0)
        session.commit()
        advance(timedelta(hours=80))
        sign_in(client, hub.username)
        url = f"/episodes/{episode.id}"
        justify(client, episode.person_id, url)
        page = client.get(url).text
    assert 'data-testid="rhi-late">Late' in page


def test_a_return_review_cannot_change_the_grade_or_come_before_the_check(
    session: Session, hub: User
) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        _found(session, hub, episode, T0)
        (returned,) = service.open_reviews(session, episode)
        assert returned.kind == "return" and returned.rank == "sergeant"
        with pytest.raises(ValidationFailed) as caught:
            _review(session, sergeant, episode, returned)
        assert "safe-and-well check" in caught.value.field_errors["decision"]
        _check(session, hub, episode, T0)
        with pytest.raises(ValidationFailed) as caught:
            _review(session, sergeant, episode, returned, decision="changed", new_grade="high")
        assert "cannot change it" in caught.value.field_errors["decision"]


def test_carrying_a_task_over_is_audited(session: Session, hub: User) -> None:
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        task = make_task(session, hub, episode, kind="strategy_meeting")
        tasks.carry_over(session, actor_of(hub), task, "Meeting on Monday", task.version)
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "carry", AuditEvent.subject_id == str(task.id)
        )
    ).one()
    assert event.before == {"episode": episode.id}
    assert event.after == {"episode": None, "carried_reason": "Meeting on Monday"}


# -- named on return -------------------------------------------------------------------------


def _named(episode: Episode, **extra: object) -> service.NamedInput:
    fields: dict[str, object] = {"step": "found_with", "version": episode.version} | extra
    return service.NamedInput(**fields)  # type: ignore[arg-type]


def test_a_person_named_on_return_becomes_a_record_linked_to_the_child(
    session: Session, hub: User
) -> None:
    from harbour.episodes.models import EpisodeCompanion
    from harbour.people.models import Association, AssociationType

    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        with pytest.raises(Conflict):
            service.name_on_return(session, actor_of(hub), episode, _named(episode))
        _found(session, hub, episode, T0)
        with pytest.raises(ValidationFailed) as caught:
            service.name_on_return(session, actor_of(hub), episode, _named(episode))
        assert "given_name" in caught.value.field_errors
        adult = service.name_on_return(
            session,
            actor_of(hub),
            episode,
            _named(
                episode,
                given_name="Dean",
                family_name="Marsh",
                phone="07700 900123",
                details="Drove her to Slough",
            ),
        )
    links = session.scalars(
        select(Association).where(Association.source_episode_id == episode.id)
    ).all()
    to_adult = [a for a in links if a.object_person_id == adult.id]
    assert len(to_adult) == 1 and to_adult[0].subject_id == episode.person_id
    assert to_adult[0].type is AssociationType.associate
    assert to_adult[0].source_text == "Found with them: Drove her to Slough"
    phone = [a for a in links if a.object_phone]
    assert phone[0].subject_id == adult.id and phone[0].object_phone == "+447700900123"
    assert session.scalar(
        select(EpisodeCompanion.id).where(
            EpisodeCompanion.episode_id == episode.id, EpisodeCompanion.person_id == adult.id
        )
    )
    shown = service.named_on_return(session, actor_of(hub), episode)
    assert [(n.person_id, n.step) for n in shown] == [(adult.id, "Found with them")]


def test_a_named_record_number_out_of_scope_is_refused_like_none(
    session: Session, hub: User
) -> None:
    stranger = make_user(session, Role.hub_officer)  # another organisation
    theirs = make_person(session, stranger)
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        _found(session, hub, episode, T0)
        messages = []
        for number in (theirs.id, 2_000_000):
            with pytest.raises(ValidationFailed) as caught:
                service.name_on_return(
                    session, actor_of(hub), episode, _named(episode, record_number=number)
                )
            messages.append(caught.value.field_errors)
    assert messages[0] == messages[1]


def test_the_episode_page_names_a_person_on_return(
    client: TestClient, session: Session, hub: User
) -> None:
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.medium)
        _found(session, hub, episode, T0)
        # A check with disclosures on the page too (its list once hid the people named).
        _check(session, hub, episode, T0, disclosures=["older_associates"])
        session.commit()
        sign_in(client, hub.username)
        url = f"/episodes/{episode.id}"
        justify(client, episode.person_id, url)
        page = client.get(url).text
        token = csrf_from(page)
        form = {"csrf_token": token, "version": str(episode.version), "named_step": "found_with"}
        refused = client.post(f"{url}/named", data=form)
        assert refused.status_code == 422
        assert "Enter a record number, or the name they gave" in refused.text
        done = client.post(f"{url}/named", data=form | {"named_family_name": "Marsh"})
        assert done.status_code == 303
        page = client.get(url).text
    assert 'data-testid="named"' in page and "MARSH" in page.upper()
    assert 'href="/people/"' not in page


def test_imported_history_starts_the_clocks_and_the_triggers(session: Session, hub: User) -> None:
    from harbour.episodes.models import EpisodeStatus

    child = _child(session, hub)
    with clock.frozen(T0):
        rows = [
            Episode(
                person_id=child.id,
                organisation_id=hub.organisation_id,
                status=EpisodeStatus.closed if days else EpisodeStatus.missing,
                reported_at=T0 - timedelta(days=days, hours=3),
                imported=True,
            )
            for days in (40, 20, 0)
        ]
        session.add_all(rows)
        session.flush()
        assert service.start_imported_clocks(session, JOB) == 1
    (grading,) = service.open_reviews(session, rows[2])
    assert grading.kind == "grading" and grading.due_at < T0  # an old report: overdue at once
    meeting = tasks.open_task_of_kind(session, child.id, "strategy_meeting")
    assert meeting is not None and meeting.trigger == "3 episodes in 90 days"
    assert meeting.episode_id == rows[2].id and meeting.owner_id is None


def test_a_reviewer_rules_on_the_language_flagged_in_the_rationale(
    session: Session, hub: User
) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    with clock.frozen(T0):
        episode = make_episode(session, hub, _child(session, hub))
        person = service.person_of(session, episode)
        service.grade(
            session,
            actor_of(hub),
            episode,
            person,
            service.GradingInput(
                answers=RiskAnswers(),
                grade=RiskGrade.medium,
                rationale="She is mature for her age; she has missed school twice.",
                version=episode.version,
            ),
        )
        first = next(r for r in service.open_reviews(session, episode) if r.kind == "first")
        with pytest.raises(ValidationFailed) as caught:
            _review(session, sergeant, episode, first)
        assert caught.value.field_errors["language_1"].startswith("Say whether")
        with pytest.raises(ValidationFailed) as caught:
            _review(session, sergeant, episode, first, language={"language_1": "fair"})
        assert "language_1_note" in caught.value.field_errors
        _review(session, sergeant, episode, first, language={"language_1": "challenge"})
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "review", AuditEvent.subject_id == str(episode.id)
        )
    ).one()
    (phrase,) = event.after["language"]["phrases"]
    assert phrase["verdict"] == "challenge" and "mature for" in phrase["phrase"]


def test_the_local_authority_is_to_be_told_of_a_childs_return_at_once(
    session: Session, hub: User
) -> None:
    child = _child(session, hub)
    child.local_authority = "Riverside"
    with clock.frozen(T0):
        episode = make_episode(session, hub, child, grade=RiskGrade.medium)
        _found(session, hub, episode, T0)
        told = tasks.open_task_of_kind(
            session, child.id, "enquiry", title="Tell the local authority of the return"
        )
        assert told is not None and told.due_at == T0 and told.owner_id == hub.id
        assert told.trigger is not None and "tell Riverside" in told.trigger
        service.record_action(
            session,
            actor_of(hub),
            episode,
            service.ActionInput(
                kind="out_of_hours_told", details="Rang the EDT", version=episode.version
            ),
        )
    assert told.done_at == T0
    assert told.result == "Recorded: The council's out-of-hours team told"
