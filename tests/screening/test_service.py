"""Screenings, NRM referrals and CAWNs through the service: rules, locking, audit, access."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.errors import Conflict, Forbidden, NotFound, ValidationFailed
from harbour.links.models import Association, AssociationType
from harbour.people.models import Person
from harbour.screening import notices, referrals, service
from harbour.tasks import service as tasks
from tests.factories import actor_of, make_episode, make_person, make_user

# Wednesday 23 December 2026, 15:00 in London: Christmas and New Year fall in the RG clock.
T0 = datetime(2026, 12, 23, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def advance() -> Iterator[Callable[[timedelta], None]]:
    """Hold Harbour's clock at T0; the test may move it on."""
    with clock.frozen(T0) as move:
        yield move


def _child(session: Session, owner: User, age: int, **fields: object) -> Person:
    born = date(T0.year - age, 6, 1)  # `age` on T0
    person = make_person(session, owner, date_of_birth=born)
    for name, value in fields.items():
        setattr(person, name, value)
    session.flush()
    return person


def _events(session: Session, subject: str, record_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject, AuditEvent.subject_id == str(record_id))
            .order_by(AuditEvent.seq)
        )
    )


# -- screening --------------------------------------------------------------------------------


def test_a_screening_completes_the_open_screening_task_and_is_audited(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    investigator = make_user(session, Role.exploitation_investigator, team=None)
    episode = make_episode(session, hub)
    person = session.get(Person, episode.person_id)
    assert person is not None
    task = tasks.open_task(
        session,
        actor_of(hub),
        organisation_id=episode.organisation_id,
        team_id=episode.team_id,
        kind="exploitation_screening",
        title="Exploitation screening: found out of area",
        person_id=person.id,
        episode_id=episode.id,
        owner_id=hub.id,
    )
    # An investigator of another team of the same force may screen (organisation scope).
    investigator.organisation_id = hub.organisation_id
    session.flush()
    screening = service.record_screening(
        session,
        actor_of(investigator),
        person,
        service.ScreeningInput(
            indicators=["older_associates", "multiple_phones", "not_an_indicator"],
            outcome="cce",
            rationale="Two phones and an older male collecting him from school",
            next_steps=["mash_referral", "nrm"],
            episode_id=episode.id,
        ),
    )
    assert screening.indicators == ["older_associates", "multiple_phones"]
    assert screening.screened_by_name == investigator.display_name
    assert screening.screened_at == T0
    assert task.done_at == T0 and task.result is not None and "(CCE)" in task.result
    assert screening.task_id == task.id
    [event] = _events(session, "screening", screening.id)
    assert event.action == "create" and event.after is not None
    assert event.after["outcome"] == "cce" and event.after["task_completed"] == task.id


def test_a_screening_needs_an_outcome_a_rationale_and_next_steps_for_concerns(
    session: Session,
) -> None:
    officer = make_user(session, Role.officer)
    person = _child(session, officer, 14)
    actor = actor_of(officer)
    with pytest.raises(ValidationFailed) as no_outcome:
        service.record_screening(session, actor, person, service.ScreeningInput([], None, "x"))
    assert no_outcome.value.field_errors == {"outcome": "Select the outcome of the screening"}
    with pytest.raises(ValidationFailed) as no_steps:
        service.record_screening(
            session, actor, person, service.ScreeningInput(["drugs"], "cse", "Seen with adults")
        )
    assert "Select the next steps" in no_steps.value.field_errors["next_steps"]
    fine = service.record_screening(
        session, actor, person, service.ScreeningInput([], "no_concerns", "Nothing found")
    )
    assert fine.task_id is None  # no task was open


def test_a_screening_cannot_name_someone_else_s_episode(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    person = _child(session, hub, 14)
    other = make_episode(session, hub)  # a different child's
    with pytest.raises(ValidationFailed) as refused:
        service.record_screening(
            session,
            actor_of(hub),
            person,
            service.ScreeningInput([], "no_concerns", "Nothing", episode_id=other.id),
        )
    assert "episode_id" in refused.value.field_errors


def test_analysts_read_but_do_not_record_and_other_forces_see_nothing(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    person = _child(session, hub, 14)
    analyst = make_user(session, Role.analyst, team=None)
    analyst.organisation_id = hub.organisation_id
    session.flush()
    with pytest.raises(Forbidden):
        service.find_person(session, actor_of(analyst), person.id, "screening.record")
    assert service.find_person(session, actor_of(analyst), person.id, "person.view") is person
    outsider = make_user(session, Role.exploitation_investigator)  # another force
    with pytest.raises(NotFound):
        service.find_person(session, actor_of(outsider), person.id, "nrm.refer")
    referral = referrals.refer(
        session, actor_of(hub), person, referrals.ReferralInput(["criminal"], "Thamesmouth Police")
    )
    with pytest.raises(NotFound):
        referrals.find_referral(session, actor_of(outsider), referral.id)
    assert referrals.referrals_of(session, actor_of(outsider), person) == []
    assert [r for r, _ in referrals.referrals_of(session, actor_of(analyst), person)] == [referral]


# -- NRM --------------------------------------------------------------------------------------


def test_a_child_is_referred_without_consent_and_the_clocks_run(
    session: Session, advance: Callable[[timedelta], None]
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = _child(session, hub, 15)
    actor = actor_of(hub)
    referral = referrals.refer(
        session,
        actor,
        child,
        referrals.ReferralInput(["criminal", "sexual"], "Thamesmouth Police", reference="NRM-1"),
    )
    assert referral.consent == "not_needed_child"
    # Referred Wednesday 23 December: Christmas, Boxing Day (Monday 28th) and New Year's Day
    # do not count, so the decision is due on Monday 4 January.
    assert referral.rg_due_on == date(2027, 1, 4)
    [event] = _events(session, "nrm_referral", referral.id)
    assert event.after is not None and event.after["rg_due_on"] == "2027-01-04"

    advance(timedelta(days=14))
    [(_, state)] = referrals.referrals_of(session, actor, child)
    assert state.overdue and "due on 4 January 2027" in state.label
    with pytest.raises(ValidationFailed) as early:
        referrals.record_reasonable_grounds(
            session, actor, referral, "positive", date(2026, 12, 22), referral.version
        )
    assert "cannot be before the referral" in early.value.field_errors["decided_on"]
    referrals.record_reasonable_grounds(
        session, actor, referral, "positive", date(2027, 1, 5), referral.version
    )
    assert referral.cg_earliest_on == date(2027, 2, 4)
    with pytest.raises(Conflict, match="already recorded"):
        referrals.record_reasonable_grounds(
            session, actor, referral, "negative", date(2027, 1, 5), referral.version
        )
    advance(timedelta(days=60))
    with pytest.raises(ValidationFailed) as too_soon:
        referrals.record_conclusive_grounds(
            session, actor, referral, "positive", date(2027, 2, 3), referral.version
        )
    assert "4 February 2027 or later" in too_soon.value.field_errors["decided_on"]
    stale = referral.version - 1
    with pytest.raises(Conflict, match="Someone else changed this referral"):
        referrals.record_conclusive_grounds(
            session, actor, referral, "positive", date(2027, 2, 10), stale
        )
    referrals.record_conclusive_grounds(
        session, actor, referral, "positive", date(2027, 2, 10), referral.version
    )
    assert referral.cg_decision == "positive"
    actions = [e.action for e in _events(session, "nrm_referral", referral.id)]
    assert actions == ["create", "reasonable_grounds", "conclusive_grounds"]


def test_no_conclusive_grounds_after_a_negative_reasonable_grounds_decision(
    session: Session,
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = _child(session, hub, 15)
    actor = actor_of(hub)
    referral = referrals.refer(session, actor, child, referrals.ReferralInput(["labour"], "Police"))
    referrals.record_reasonable_grounds(
        session, actor, referral, "negative", date(2026, 12, 23), referral.version
    )
    assert referral.cg_earliest_on is None
    with pytest.raises(Conflict, match="follows only a positive"):
        referrals.record_conclusive_grounds(
            session, actor, referral, "positive", date(2027, 3, 1), referral.version
        )


def test_an_adult_must_consent_and_unknown_ages_are_treated_as_children(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    actor = actor_of(hub)
    adult = _child(session, hub, 19)
    with pytest.raises(ValidationFailed) as refused:
        referrals.refer(session, actor, adult, referrals.ReferralInput(["labour"], "Police"))
    assert "must agree to be referred" in refused.value.field_errors["consent"]
    given = referrals.refer(
        session, actor, adult, referrals.ReferralInput(["labour"], "Police", consent="yes")
    )
    assert given.consent == "given"
    unknown = make_person(session, hub)
    referral = referrals.refer(
        session, actor, unknown, referrals.ReferralInput(["sexual"], "Police")
    )
    assert referral.consent == "not_needed_age_unknown"


def test_a_referral_needs_a_type_and_other_needs_details(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    child = _child(session, hub, 15)
    with pytest.raises(ValidationFailed) as no_type:
        referrals.refer(session, actor_of(hub), child, referrals.ReferralInput([], "Police"))
    assert no_type.value.field_errors == {"exploitation_types": "Select the type of exploitation"}
    with pytest.raises(ValidationFailed) as other:
        referrals.refer(session, actor_of(hub), child, referrals.ReferralInput(["other"], "Police"))
    assert "nrm_details" in other.value.field_errors


# -- CAWNs ------------------------------------------------------------------------------------


def test_a_cawn_for_a_15_year_old_is_issued_served_and_shared(session: Session) -> None:
    officer = make_user(session, Role.officer)
    child = _child(session, officer, 15)
    adult = _child(session, officer, 32)
    actor = actor_of(officer)
    notice = notices.issue_cawn(
        session, actor, child, notices.CawnInput(adult.id, "Collects her from school at night")
    )
    assert notice.expires_on == date(2027, 6, 1)  # her 16th birthday
    assert notice.child_age == 15 and notice.looked_after is False
    with pytest.raises(ValidationFailed) as early:
        notices.record_served(
            session,
            actor,
            notice,
            served_at=T0 - timedelta(hours=1),
            served_by="PC 123 Jones",
            notes=None,
            version=notice.version,
        )
    assert "cannot be before the notice was issued" in early.value.field_errors["served_at"]
    notices.record_served(
        session,
        actor,
        notice,
        served_at=T0,
        served_by="PC 123 Jones",
        notes="At his address",
        version=notice.version,
    )
    with pytest.raises(Conflict, match="Someone else changed this notice"):
        notices.record_shared(
            session, actor, notice, shared_at=T0, shared_with="MASH", version=notice.version - 1
        )
    notices.record_shared(
        session,
        actor,
        notice,
        shared_at=T0,
        shared_with="J Smith, Front Door",
        version=notice.version,
    )
    actions = [e.action for e in _events(session, "cawn", notice.id)]
    assert actions == ["issue", "served", "shared"]
    with pytest.raises(ValidationFailed) as twice:
        notices.issue_cawn(session, actor, child, notices.CawnInput(adult.id, "Again"))
    assert "already in force until 1 June 2027" in twice.value.field_errors["adult_id"]


def test_a_16_year_old_not_in_care_is_refused_and_17_in_care_is_not(session: Session) -> None:
    officer = make_user(session, Role.officer)
    adult = _child(session, officer, 40)
    actor = actor_of(officer)
    sixteen = _child(session, officer, 16, looked_after=False)
    with pytest.raises(ValidationFailed) as refused:
        notices.issue_cawn(session, actor, sixteen, notices.CawnInput(adult.id, "Grooming"))
    message = refused.value.field_errors["eligibility"]
    assert "is 16 and not recorded as in care" in message
    seventeen = _child(session, officer, 17, looked_after=True)
    notice = notices.issue_cawn(session, actor, seventeen, notices.CawnInput(adult.id, "Grooming"))
    assert notice.expires_on == date(2027, 6, 1)  # the 18th birthday
    assert notice.looked_after is True


def test_the_adult_must_be_someone_else_an_adult_and_in_view(session: Session) -> None:
    officer = make_user(session, Role.officer)
    child = _child(session, officer, 13)
    actor = actor_of(officer)
    teenager = _child(session, officer, 17)
    elsewhere = _child(session, make_user(session, Role.officer), 30)  # another force's record
    cases = {
        None: "Choose the adult",
        child.id: "not to the child",
        teenager.id: "is 17: a warning notice is given to an adult",
        elsewhere.id: "no person with that number that you can see",
    }
    for adult_id, expected in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            notices.issue_cawn(session, actor, child, notices.CawnInput(adult_id, "Grounds"))
        assert expected in refused.value.field_errors["adult_id"]


def test_the_page_offers_the_child_s_adult_associates(session: Session) -> None:
    officer = make_user(session, Role.officer)
    child = _child(session, officer, 13)
    adult = _child(session, officer, 30)
    friend = _child(session, officer, 14)
    for other in (adult, friend):
        session.add(
            Association(
                organisation_id=child.organisation_id,
                subject_id=child.id,
                object_person_id=other.id,
                type=AssociationType.associate,
            )
        )
    session.flush()
    assert notices.associates_of(session, actor_of(officer), child) == [adult]
    check = notices.eligibility(child, service.today())
    assert check.eligible and check.expires_on == date(2029, 6, 1)
