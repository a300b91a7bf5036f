"""New intelligence while someone is still missing prompts a regrade (issue 14): an intelligence
link, a screening that finds concerns, a referral to the NRM, a network alert touching the child
and a flag added to the record each open a review of the supervising rank, once, and tell the
owner; nothing is prompted for a child already found, for a screening with no concerns, or in
another organisation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import Organisation, User
from harbour.episodes import clocks, schedule
from harbour.episodes import service as episodes
from harbour.episodes.models import Episode, Review
from harbour.exploitation import referrals, screenings
from harbour.exploitation.schemas import ReferralInput, ScreeningInput
from harbour.network import intelligence
from harbour.network.schemas import IntelligenceInput
from harbour.people.models import Person
from harbour.risk.grades import RiskGrade
from harbour.tasks.models import Notification
from tests.factories import actor_of, make_episode, make_person, make_team, make_user


def _prompts(session: Session, episode: Episode) -> list[Review]:
    return list(
        session.scalars(
            select(Review).where(
                Review.episode_id == episode.id, Review.kind == clocks.INTELLIGENCE
            )
        )
    )


def _told(session: Session, user: User) -> list[str]:
    return list(
        session.scalars(
            select(Notification.text).where(
                Notification.user_id == user.id, Notification.text.contains("New intelligence")
            )
        )
    )


def _link(session: Session, investigator: User, child: Person, adult: Person) -> None:
    intelligence.record(
        session,
        actor_of(investigator),
        child,
        IntelligenceInput(
            type="associate",
            other_person=str(adult.id),
            intel_source="2",
            intel_assessment="B",
            intel_handling="P",
            source_text="A youth worker saw her get into his car near the station",
        ),
    )


def _investigator(session: Session, hub: User) -> User:
    org = session.get_one(Organisation, hub.organisation_id)
    return make_user(session, Role.exploitation_investigator, team=make_team(session, org))


def test_an_intelligence_link_while_missing_prompts_one_regrade_and_tells_the_owner(
    session: Session, hub: User
) -> None:
    sergeant = make_user(
        session,
        Role.sergeant,
        team=make_team(session, session.get_one(Organisation, hub.organisation_id)),
    )
    episode = make_episode(session, hub, grade=RiskGrade.medium)
    child = session.get_one(Person, episode.person_id)
    adult = make_person(session, hub, given_name="Dean", family_name="Marsh")
    investigator = _investigator(session, hub)

    _link(session, investigator, child, adult)
    _link(session, investigator, child, adult)  # a second link: still one regrade owed

    (review,) = _prompts(session, episode)
    assert review.rank == clocks.rank_for(RiskGrade.medium).value
    assert review.done_at is None and review.due_at > episode.reported_at
    (text,) = _told(session, hub)
    assert child.display_name in text and "associates with" in text
    assert _told(session, sergeant), "the supervising rank is told too"
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "prompt", AuditEvent.subject_id == str(episode.id)
        )
    ).one()
    assert event.after is not None and event.after["kind"] == clocks.INTELLIGENCE


def test_the_other_person_of_a_link_is_prompted_when_they_are_the_one_missing(
    session: Session, hub: User
) -> None:
    episode = make_episode(session, hub, grade=RiskGrade.medium)
    child = session.get_one(Person, episode.person_id)
    adult = make_person(session, hub, given_name="Dean", family_name="Marsh")
    _link(session, _investigator(session, hub), adult, child)
    assert len(_prompts(session, episode)) == 1


def _found(session: Session, hub: User) -> Episode:
    """An episode whose child has been found."""
    found = make_episode(session, hub, grade=RiskGrade.medium)
    episodes.record_found(
        session, actor_of(hub), found,
        episodes.FoundInput(
            found_at=clock.now(), found_text="A park", found_by="PC 1", outcome="found_safe",
            version=found.version,
        ),
    )  # fmt: skip
    return found


def test_no_prompt_once_found_or_in_another_organisation(session: Session, hub: User) -> None:
    found = _found(session, hub)
    child = session.get_one(Person, found.person_id)
    adult = make_person(session, hub)
    _link(session, _investigator(session, hub), child, adult)
    assert _prompts(session, found) == []

    elsewhere = make_user(session, Role.hub_officer)  # another organisation's hub
    theirs = make_episode(session, elsewhere, grade=RiskGrade.medium)
    made = schedule.new_intelligence(
        session, actor_of(hub), hub.organisation_id, {theirs.person_id}, "a test"
    )
    assert made == 0 and _prompts(session, theirs) == []


def test_a_screening_with_concerns_prompts_and_one_with_none_does_not(
    session: Session, hub: User
) -> None:
    investigator = _investigator(session, hub)
    calm = make_episode(session, hub, grade=RiskGrade.medium)
    screenings.record_screening(
        session, actor_of(investigator), session.get_one(Person, calm.person_id),
        ScreeningInput(outcome="no_concerns", rationale="Nothing found at the check"),
    )  # fmt: skip
    assert _prompts(session, calm) == []

    worrying = make_episode(session, hub, grade=RiskGrade.medium)
    screenings.record_screening(
        session, actor_of(investigator), session.get_one(Person, worrying.person_id),
        ScreeningInput(
            outcome="cce", rationale="Two phones and cash", next_steps=["strategy_discussion"]
        ),
    )  # fmt: skip
    assert len(_prompts(session, worrying)) == 1


def test_a_referral_to_the_nrm_prompts_a_regrade(session: Session, hub: User) -> None:
    episode = make_episode(session, hub, grade=RiskGrade.medium)
    referrals.refer(
        session, actor_of(_investigator(session, hub)), session.get_one(Person, episode.person_id),
        ReferralInput(exploitation_types=["criminal"], first_responder="Test Police"),
    )  # fmt: skip
    assert len(_prompts(session, episode)) == 1


def test_the_supervisor_doing_the_review_ends_the_prompt_and_a_new_item_prompts_again(
    session: Session, hub: User
) -> None:
    org = session.get_one(Organisation, hub.organisation_id)
    episode = make_episode(session, hub, grade=RiskGrade.medium)
    child = session.get_one(Person, episode.person_id)
    investigator = _investigator(session, hub)
    _link(session, investigator, child, make_person(session, hub))
    (review,) = _prompts(session, episode)
    sergeant = make_user(session, Role(review.rank), team=make_team(session, org))
    episodes.record_review(
        session, actor_of(sergeant), episode, child, review,
        episodes.ReviewInput(
            decision="changed", new_grade=RiskGrade.high,
            rationale="Linked to an adult of concern while missing", version=episode.version,
            plan="Search his address", reporter_contact="Mother told",
            cra_decision="Not met: no abduction",
        ),
    )  # fmt: skip
    assert review.done_at is not None and episode.risk_grade is RiskGrade.high
    waiting = session.scalars(
        select(Notification).where(
            Notification.user_id == hub.id,
            Notification.text.contains("New intelligence"),
            Notification.resolved_at.is_(None),
        )
    ).all()
    assert waiting == [], "the reminder ends with the review"
    _link(session, investigator, child, make_person(session, hub))
    assert len([r for r in _prompts(session, episode) if r.done_at is None]) == 1


def _mark(session: Session, user: User, person: Person, *codes: str) -> None:
    from datetime import timedelta

    from harbour.people import service as people
    from harbour.people.schemas import MarkersUpdate

    review = clock.now().date() + timedelta(days=90)
    data = MarkersUpdate.of(version=person.version, markers=dict.fromkeys(codes, review))
    people.update_markers(session, actor_of(user), person.id, data, "safeguarding")
    session.flush()
    session.refresh(person)


def test_a_flag_added_to_the_record_while_missing_prompts_a_regrade(
    session: Session, hub: User
) -> None:
    episode = make_episode(session, hub, grade=RiskGrade.medium)
    child = session.get_one(Person, episode.person_id)

    _mark(session, hub, child, "cce_risk")
    (review,) = _prompts(session, episode)
    assert review.done_at is None
    (text,) = _told(session, hub)
    assert "a flag added to the record: risk of child criminal exploitation" in text

    _mark(session, hub, child, "cce_risk", "county_lines")  # one regrade owed already
    _mark(session, hub, child, "county_lines")  # a flag taken away adds nothing
    assert len(_prompts(session, episode)) == 1


def test_the_same_flags_saved_again_or_a_found_child_prompt_nothing(
    session: Session, hub: User
) -> None:
    episode = make_episode(session, hub, grade=RiskGrade.medium)
    child = session.get_one(Person, episode.person_id)
    _mark(session, hub, child)  # no flags: nothing added
    assert _prompts(session, episode) == []

    found = _found(session, hub)
    _mark(session, hub, session.get_one(Person, found.person_id), "cse_risk")
    assert _prompts(session, found) == []
