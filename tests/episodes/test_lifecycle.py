"""The missing episode from report to closure, through the service: the rules and the clocks.

Clocks are tested by setting Harbour's clock (`clock.frozen`), never by editing rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import Team, User
from harbour.episodes import service
from harbour.episodes.models import EpisodeStatus, Review
from harbour.errors import Conflict, Forbidden, ValidationFailed
from harbour.people.models import Association, AssociationType, Person, Place, PlaceType
from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import RiskAnswers
from harbour.tasks import service as tasks
from tests.factories import (
    actor_of,
    make_colleague,
    make_episode,
    make_person,
    make_user,
)

T0 = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def _grading(grade: RiskGrade | None, version: int, **extra: object) -> service.GradingInput:
    fields: dict[str, object] = {
        "answers": RiskAnswers(),
        "grade": grade,
        "rationale": "Weighed the history",
        "below_reason": None,
        "cra_decision": None,
        "version": version,
    } | extra
    return service.GradingInput.of(**fields)


def _child(session: Session, owner: User, age: int = 14) -> Person:
    today = clock.now().date()
    return make_person(session, owner, date_of_birth=date(today.year - age, 1, 1))


def _adult(session: Session, owner: User) -> Person:
    return make_person(session, owner, date_of_birth=date(1960, 5, 5))


def test_a_report_keeps_every_item_with_its_source(session: Session, hub: User) -> None:
    with clock.frozen(T0):
        episode = make_episode(
            session,
            hub,
            reporter_phone="07700 900123",
            last_seen_text="Bus stop on the high road",
            clothing="Red coat",
            last_seen_at=T0 - timedelta(hours=3),
        )
    items = service.information(session, episode)
    assert {i.topic for i in items} == {"last_seen", "clothing"}
    assert all(i.given_by == "Pat Example (mother)" for i in items)
    assert all(i.given_by_contact == "07700 900123" and i.given_at == T0 for i in items)
    assert episode.status is EpisodeStatus.missing
    assert service.hours_missing(episode, T0 + timedelta(hours=1)) == 4.0
    created = session.scalar(
        select(AuditEvent).where(
            AuditEvent.subject_type == "episode", AuditEvent.subject_id == str(episode.id)
        )
    )
    assert created is not None and created.action == "create"


def test_a_person_already_missing_cannot_be_reported_twice(session: Session, hub: User) -> None:
    episode = make_episode(session, hub)
    person = service.person_of(session, episode)
    with pytest.raises(Conflict, match="already recorded as missing"):
        make_episode(session, hub, person)


def test_a_child_cannot_be_graded_below_the_minimum(session: Session, hub: User) -> None:
    episode = make_episode(session, hub, _child(session, hub))
    person = service.person_of(session, episode)
    with pytest.raises(ValidationFailed) as caught:
        service.grade(
            session,
            actor_of(hub),
            episode,
            person,
            _grading(RiskGrade.low, episode.version, below_reason="seems fine"),
        )
    assert "cannot be graded below medium" in caught.value.field_errors["grade"]


def test_an_adult_may_be_graded_low_and_needs_a_rationale(session: Session, hub: User) -> None:
    episode = make_episode(session, hub, _adult(session, hub))
    person = service.person_of(session, episode)
    with pytest.raises(ValidationFailed) as caught:
        service.grade(
            session,
            actor_of(hub),
            episode,
            person,
            _grading(RiskGrade.low, episode.version, rationale=None),
        )
    assert caught.value.field_errors == {"rationale": "Write why you chose this grade"}
    service.grade(session, actor_of(hub), episode, person, _grading(RiskGrade.low, episode.version))
    assert episode.risk_grade is RiskGrade.low


def test_a_grade_below_the_suggestion_needs_a_reason_and_goes_to_a_supervisor(
    session: Session, hub: User
) -> None:
    episode = make_episode(session, hub, _adult(session, hub))
    person = service.person_of(session, episode)
    answers = RiskAnswers(suicide_self_harm_risk=True)
    with pytest.raises(ValidationFailed) as caught:
        service.grade(
            session,
            actor_of(hub),
            episode,
            person,
            _grading(RiskGrade.medium, episode.version, answers=answers),
        )
    assert "lower than the suggested high" in caught.value.field_errors["below_reason"]
    with clock.frozen(T0):
        grading = service.grade(
            session,
            actor_of(hub),
            episode,
            person,
            _grading(
                RiskGrade.medium,
                episode.version,
                answers=answers,
                below_reason="Spoke to her; no current intent",
            ),
        )
    assert grading.suggested_grade is RiskGrade.high and grading.grade is RiskGrade.medium
    urgent = [r for r in service.open_reviews(session, episode) if r.kind == "below_suggestion"]
    # Due within the hour (HARBOUR_BELOW_SUGGESTION_REVIEW_HOURS), not overdue the moment it
    # is made, so that it does not escalate past the rank that should do it.
    assert urgent[0].due_at == T0 + timedelta(hours=1)
    assert len(urgent) == 1 and urgent[0].rank == "sergeant"


def test_a_child_graded_high_needs_the_child_rescue_alert_decision(
    session: Session, hub: User
) -> None:
    episode = make_episode(session, hub, _child(session, hub))
    person = service.person_of(session, episode)
    with pytest.raises(ValidationFailed) as caught:
        service.grade(session, actor_of(hub), episode, person, _grading(RiskGrade.high, 1))
    assert "Child Rescue Alert" in caught.value.field_errors["cra_decision"]


def test_every_grading_is_kept(session: Session, hub: User) -> None:
    episode = make_episode(session, hub, _adult(session, hub))
    person = service.person_of(session, episode)
    actor = actor_of(hub)
    with clock.frozen(T0) as advance:
        service.grade(session, actor, episode, person, _grading(RiskGrade.low, episode.version))
        advance(timedelta(hours=2))
        service.grade(session, actor, episode, person, _grading(RiskGrade.high, episode.version))
    history = service.gradings(session, episode)
    assert [g.grade for g in history] == [RiskGrade.high, RiskGrade.low]
    assert history[0].graded_at == T0 + timedelta(hours=2)


def test_two_officers_never_silently_overwrite_each_other(session: Session, hub: User) -> None:
    episode = make_episode(session, hub, _adult(session, hub))
    person = service.person_of(session, episode)
    read = episode.version
    other = make_colleague(session, hub, Role.hub_officer)
    service.grade(session, actor_of(other), episode, person, _grading(RiskGrade.medium, read))
    with pytest.raises(Conflict, match="Someone else changed this episode"):
        service.grade(session, actor_of(hub), episode, person, _grading(RiskGrade.low, read))
    assert episode.risk_grade is RiskGrade.medium


def test_high_risk_clocks_fall_due_escalate_and_are_reviewed(session: Session, hub: User) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    inspector = make_colleague(session, hub, Role.inspector)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _adult(session, hub))
        person = service.person_of(session, episode)
        service.grade(session, actor_of(hub), episode, person, _grading(RiskGrade.high, 1))
        due = {r.kind: r for r in service.open_reviews(session, episode)}
        assert due["first"].rank == "inspector" and due["first"].due_at == T0 + timedelta(hours=1)
        assert due["senior"].rank == "superintendent"
        assert due["senior"].due_at == T0 + timedelta(hours=24)

        rows, _ = service.review_board(session, actor_of(inspector))
        row = next(r for r in rows if r.episode.id == episode.id)
        assert row.review is due["first"] and not row.overdue and row.rank_now is Role.inspector

        advance(timedelta(minutes=61))
        rows, _ = service.review_board(session, actor_of(inspector))
        row = next(r for r in rows if r.episode.id == episode.id)
        assert row.overdue and row.rank_now is Role.superintendent  # escalated

        review = due["first"]
        plan = service.ReviewInput(
            decision="confirmed",
            new_grade=None,
            rationale=None,
            plan="Search the park",
            reporter_contact="Called mum",
            cra_decision=None,
            version=episode.version,
        )
        with pytest.raises(Forbidden):
            service.record_review(session, actor_of(sergeant), episode, person, review, plan)
        service.record_review(session, actor_of(inspector), episode, person, review, plan)
    assert review.done_at == T0 + timedelta(minutes=61) and review.decision == "confirmed"
    following = [r for r in service.open_reviews(session, episode) if r.kind == "regular"]
    assert [r.due_at for r in following] == [T0 + timedelta(minutes=61 + 240)]
    assert following[0].rank == "inspector"


def test_a_review_that_changes_the_grade_replans_the_clocks(session: Session, hub: User) -> None:
    sergeant = make_colleague(session, hub, Role.sergeant)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _adult(session, hub))
        person = service.person_of(session, episode)
        service.grade(session, actor_of(hub), episode, person, _grading(RiskGrade.low, 1))
        first = service.open_reviews(session, episode)[0]
        assert first.rank == "sergeant" and first.due_at == T0 + timedelta(hours=24)
        advance(timedelta(hours=2))
        change = service.ReviewInput(
            decision="changed",
            new_grade=RiskGrade.high,
            rationale="New information: threats made",
            plan="Urgent search",
            reporter_contact="Called dad",
            cra_decision=None,
            version=episode.version,
        )
        service.record_review(session, actor_of(sergeant), episode, person, first, change)
    assert episode.risk_grade is RiskGrade.high
    assert first.grade_after is RiskGrade.high and first.done_at is not None
    due = {r.kind: r for r in service.open_reviews(session, episode)}
    assert due["first"].rank == "inspector"
    assert due["first"].due_at == T0 + timedelta(hours=3)
    assert due["senior"].due_at == T0 + timedelta(hours=24)  # still timed from the report


def test_a_child_closes_only_after_the_check_and_the_return_interview(
    session: Session, hub: User
) -> None:
    actor = actor_of(hub)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _child(session, hub), grade=RiskGrade.high)
        person = service.person_of(session, episode)
        with pytest.raises(ValidationFailed, match="found or came back"):
            service.close(session, actor, episode, person, episode.version)
        advance(timedelta(hours=5))
        service.record_found(
            session,
            actor,
            episode,
            service.FoundInput(
                found_at=T0 + timedelta(hours=4),
                found_text="A friend's flat",
                found_with_text="Two older males",
                found_by="PC 123",
                condition="Tired",
                outcome="found_safe",
                version=episode.version,
            ),
        )
        assert episode.status is EpisodeStatus.found
        # The search's clocks stop on return; a child's return waits for the grade's rank.
        waiting = service.open_reviews(session, episode)
        assert [(r.kind, r.rank) for r in waiting] == [("return", "inspector")]
        with pytest.raises(ValidationFailed) as caught:
            service.close(session, actor, episode, person, episode.version)
        assert "safe-and-well" in caught.value.message
        assert "return home interview" in caught.value.message
        assert "An inspector must review the return." in caught.value.message
        service.record_safe_and_well(
            session,
            actor,
            episode,
            service.SafeWellInput(
                held_at=T0 + timedelta(hours=5),
                held_by="PC 123",
                face_to_face="yes",
                where_they_were="A flat in Croydon",
                why="Argument at home",
                harm=None,
                disclosures=["older_associates"],
                named_people="Two men",
                named_places="Flat 3",
                referrals=None,
                version=episode.version,
            ),
        )
        with pytest.raises(ValidationFailed, match="return home interview"):
            service.close(session, actor, episode, person, episode.version)
        with pytest.raises(ValidationFailed) as refused:
            service.record_return_interview(
                session,
                actor,
                episode,
                service.ReturnInterviewInput(
                    status="declined",
                    offered_at=T0 + timedelta(hours=4, minutes=30),
                    held_at=None,
                    by=None,
                    findings=None,
                    reason=None,
                    disclosures=[],
                    version=episode.version,
                ),
            )
        assert refused.value.field_errors == {"reason": "Give the reason it was not held"}
        service.record_return_interview(
            session,
            actor,
            episode,
            service.ReturnInterviewInput(
                status="declined",
                offered_at=T0 + timedelta(hours=4, minutes=30),
                held_at=None,
                by=None,
                findings=None,
                reason="Did not want to talk",
                disclosures=[],
                version=episode.version,
            ),
        )
        # The disclosure opened an exploitation screening: it must be done or carried over.
        screening = tasks.open_task_of_kind(session, person.id, "exploitation_screening")
        assert screening is not None and screening.episode_id == episode.id
        with pytest.raises(ValidationFailed) as caught:
            service.close(session, actor, episode, person, episode.version)
        assert "An inspector must review the return." in caught.value.message
        assert "Exploitation screening: disclosure on return" in caught.value.message
        inspector = make_user(
            session, Role.inspector, team=session.get(Team, hub.team_id) if hub.team_id else None
        )
        service.record_review(
            session,
            actor_of(inspector),
            episode,
            person,
            waiting[0],
            service.ReviewInput(
                decision="confirmed",
                plan="Screening with the exploitation team",
                reporter_contact="Spoke to her carer",
                version=episode.version,
            ),
        )
        with pytest.raises(ValidationFailed) as caught:
            service.close(session, actor, episode, person, episode.version)
        assert "review the return" not in caught.value.message
        assert "Exploitation screening" in caught.value.message
        with pytest.raises(ValidationFailed):
            tasks.carry_over(session, actor, screening, "  ", screening.version)
        tasks.carry_over(session, actor, screening, "Screening booked", screening.version)
        assert screening.episode_id is None and screening.done_at is None
        service.close(session, actor, episode, person, episode.version)
    assert episode.status is EpisodeStatus.closed and episode.closed_at == T0 + timedelta(hours=5)
    # The screening goes on, on her record.
    assert tasks.open_task_of_kind(session, person.id, "exploitation_screening") is screening


def test_an_adult_closes_without_a_return_home_interview(session: Session, hub: User) -> None:
    actor = actor_of(hub)
    episode = make_episode(session, hub, _adult(session, hub), grade=RiskGrade.low)
    person = service.person_of(session, episode)
    now = clock.now()
    service.record_found(
        session,
        actor,
        episode,
        service.FoundInput(
            found_at=now,
            found_text="Home",
            found_with_text=None,
            found_by="Returned of own accord",
            condition=None,
            outcome="returned",
            version=episode.version,
        ),
    )
    service.record_safe_and_well(
        session,
        actor,
        episode,
        service.SafeWellInput(
            held_at=now,
            held_by="PC 9",
            face_to_face="no",
            not_face_to_face_reason="He moved away; spoke by video",
            where_they_were="Walking",
            why=None,
            harm=None,
            disclosures=[],
            named_people=None,
            named_places=None,
            referrals=None,
            version=episode.version,
        ),
    )
    assert service.closure_blockers(session, episode, person) == []
    service.close(session, actor, episode, person, episode.version)
    assert episode.status is EpisodeStatus.closed


def test_found_cannot_be_before_last_seen(session: Session, hub: User) -> None:
    with clock.frozen(T0):
        episode = make_episode(session, hub, last_seen_at=T0 - timedelta(hours=1))
        with pytest.raises(ValidationFailed) as caught:
            service.record_found(
                session,
                actor_of(hub),
                episode,
                service.FoundInput(
                    found_at=T0 - timedelta(hours=2),
                    found_text="Park",
                    found_with_text=None,
                    found_by="PC 1",
                    condition=None,
                    outcome="found_safe",
                    version=episode.version,
                ),
            )
    assert "when last seen" in caught.value.field_errors["found_at"]


def test_the_force_data_panel_gathers_history_and_links(session: Session, hub: User) -> None:
    actor = actor_of(hub)
    person = _child(session, hub)
    org = hub.organisation_id
    home = Place(type=PlaceType.care_home, name="Oak House", borough="Lambeth", organisation_id=org)
    away = Place(type=PlaceType.hotel, name="Station Hotel", borough="Croydon", organisation_id=org)
    session.add_all([home, away])
    session.flush()
    person.home_place_id = home.id
    person.flags = ["cse_risk"]
    adult = make_person(session, hub, given_name="Dean", family_name="Older")
    session.add(
        Association(
            organisation_id=org,
            subject_id=person.id,
            object_person_id=adult.id,
            type=AssociationType.associate,
            source_text="RHI disclosure",
        )
    )
    with clock.frozen(T0) as advance:
        for days_ago in (200, 40, 10):
            advance(timedelta(days=-days_ago))
            past = make_episode(session, hub, person)
            service.record_found(
                session,
                actor,
                past,
                service.FoundInput(
                    found_at=clock.now(),
                    found_text="Hotel",
                    found_with_text="Dean",
                    found_by="PC 5",
                    condition=None,
                    outcome="found_safe",
                    version=past.version,
                ),
            )
            past.found_place_id = away.id
            past.status = EpisodeStatus.closed
            advance(timedelta(days=days_ago))
        current = make_episode(session, hub, person)
        data = service.force_data(session, actor, person, exclude=current.id)
        answers = service.prefilled_answers(person, current, data, None)
    assert data.previous_count == 3 and data.previous_90d == 2
    assert data.previous[0].found_where == "Station Hotel (hotel)"
    assert data.previous[0].found_with == ["Dean"]
    assert data.found_out_of_area is True
    assert data.flags == ["Risk of child sexual exploitation"]
    assert [a.what for a in data.associates] == ["OLDER, Dean"]
    assert answers["previous_episodes"] == 3 and answers["previous_episodes_90d"] == 2
    assert answers["found_out_of_area_before"] is True


def test_reviews_are_due_at_data_so_overdue_is_a_query(session: Session, hub: User) -> None:
    with clock.frozen(T0):
        episode = make_episode(session, hub, _adult(session, hub), grade=RiskGrade.medium)
    overdue = select(Review).where(
        Review.episode_id == episode.id,
        Review.done_at.is_(None),
        Review.cancelled_at.is_(None),
        Review.due_at < T0 + timedelta(hours=5),
    )
    assert len(session.scalars(overdue).all()) == 1


def test_an_overdue_review_is_escalated_once_to_the_next_rank(session: Session, hub: User) -> None:
    from harbour.actor import Channel, system_actor
    from harbour.tasks import service as tasks

    superintendent = make_colleague(session, hub, Role.superintendent)
    job = system_actor(Channel.job, name="escalation")
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, _adult(session, hub))
        person = service.person_of(session, episode)
        service.grade(session, actor_of(hub), episode, person, _grading(RiskGrade.high, 1))
        assert service.escalate_overdue(session, job) == 0  # nothing is overdue yet
        advance(timedelta(minutes=61))
        assert service.escalate_overdue(session, job) == 1
        assert service.escalate_overdue(session, job) == 0  # once only
    told = tasks.notifications(session, actor_of(superintendent))
    assert len(told) == 1 and "it is escalated to you (Superintendent)" in told[0].text
    assert told[0].text.startswith(f"Overdue: the inspector first review of {person.display_name}")
