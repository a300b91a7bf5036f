"""Referrals both ways: a call handed to a partner becomes a referral it accepts in Harbour (the
duty of care passing only then), an unaccepted one escalates back to the force on its clock, and
a partner refers a concern to the force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Channel, Role, system_actor
from harbour.auth.models import OrganisationKind, User
from harbour.calls import decisions
from harbour.calls.models import Call, CallDecision, DecisionKind
from harbour.errors import Conflict, Forbidden, ValidationFailed
from harbour.partners import referrals
from harbour.partners.models import ReferralStatus
from harbour.partners.referrals import DecisionInput, ReferralInput
from harbour.settings import get_settings
from harbour.tasks.models import Notification
from tests.calls.test_calls import WALKOUT, _input
from tests.factories import actor_of, make_call, make_colleague, make_partner, make_user


def _trust(session: Session) -> User:
    return make_partner(session, OrganisationKind.nhs_trust)


def _handed(session: Session, handler: User) -> Call:
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    decisions.decide(session, actor_of(handler), call, _input(call))
    return call


def _send(session: Session, handler: User, call: Call, to: int, **extra: str) -> referrals.Referral:
    data = {"to_organisation_id": to, "summary_text": "Informal patient left the ward"} | {
        "consent": "not_sought",
        "consent_note": "He left before it could be asked",
    }
    return referrals.refer_call(session, actor_of(handler), call, ReferralInput(**(data | extra)))  # type: ignore[arg-type]


def _notes(session: Session, user: User) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_the_trust_accepts_the_call_and_the_duty_of_care_passes_then(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    trust = _trust(session)
    call = _handed(session, handler)
    assert call.handed_over_at is None
    referral = _send(session, handler, call, trust.organisation_id)
    assert referral.due_at == referral.sent_at + timedelta(
        minutes=get_settings().referral_accept_minutes
    )
    assert [n.link for n in _notes(session, trust)] == [f"/referrals/{referral.id}"]
    assert referrals.waiting_for(session, actor_of(trust)) == [referral]
    with pytest.raises(Conflict):  # one open referral a call
        _send(session, handler, call, trust.organisation_id)
    with pytest.raises(Forbidden):  # the sender cannot accept its own referral
        referrals.answer(
            session, actor_of(handler), referral, DecisionInput(decision="accept", version=1)
        )
    referrals.answer(
        session,
        actor_of(trust),
        referral,
        DecisionInput(decision="accept", reference="MH-2231", version=referral.version),
    )
    assert referral.status is ReferralStatus.accepted
    assert call.handed_over_at is not None
    handover = session.scalar(
        select(CallDecision).where(
            CallDecision.call_id == call.id, CallDecision.kind == DecisionKind.handover
        )
    )
    assert handover is not None and handover.partner_reference == "MH-2231"
    assert trust.display_name in (handover.partner_accepted_by or "")
    assert any("accepted your referral" in n.text for n in _notes(session, handler))
    assert all(n.resolved_at is not None for n in _notes(session, trust))
    job = system_actor(Channel.job, name="test")
    with clock.frozen(clock.now() + timedelta(hours=3)):
        assert referrals.escalate_overdue(session, job) == 0  # accepted: nothing to escalate


def test_an_unaccepted_referral_escalates_back_once(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    sergeant = make_colleague(session, handler, Role.sergeant)
    trust = _trust(session)
    call = _handed(session, handler)
    referral = _send(session, handler, call, trust.organisation_id)
    job = system_actor(Channel.job, name="test")
    assert referrals.escalate_overdue(session, job) == 0
    minutes = get_settings().referral_accept_minutes
    with clock.frozen(referral.due_at + timedelta(minutes=1)):
        assert referrals.escalate_overdue(session, job) == 1
        assert referrals.escalate_overdue(session, job) == 0  # told once
    assert referral.escalated_at is not None and minutes > 0
    for user in (handler, sergeant):
        told = [n for n in _notes(session, user) if "Not accepted in time" in n.text]
        assert len(told) == 1 and told[0].link == f"/calls/{call.id}"
    assert call.handed_over_at is None  # the duty of care stays with the force


def test_refusing_consent_needs_the_permission_and_a_reason(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    trust = _trust(session)
    call = _handed(session, handler)
    with pytest.raises(ValidationFailed) as refused:
        _send(session, handler, call, trust.organisation_id, consent="refused")
    assert "ask your supervisor" in refused.value.field_errors["consent"]
    sergeant = make_colleague(session, handler, Role.sergeant)
    with pytest.raises(ValidationFailed) as unexplained:
        _send(session, sergeant, call, trust.organisation_id, consent="refused")
    assert "consent_override_reason" in unexplained.value.field_errors
    made = _send(
        session,
        sergeant,
        call,
        trust.organisation_id,
        consent="refused",
        consent_override_reason="He has walked onto the railway line before",
    )
    assert made.consent_overridden_by == actor_of(sergeant).display_name


def test_a_partner_refers_a_concern_to_the_force_and_the_hub_answers(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    worker = make_partner(session, OrganisationKind.charity)
    receivers = referrals.receivers(session, actor_of(worker))
    assert hub.organisation_id in {o.id for o in receivers}
    assert all(o.kind is OrganisationKind.force for o in receivers)
    with pytest.raises(ValidationFailed):  # who it is about, in words
        referrals.refer(
            session,
            actor_of(worker),
            ReferralInput(
                to_organisation_id=hub.organisation_id, summary_text="x", consent="not_needed"
            ),
        )
    made = referrals.refer(
        session,
        actor_of(worker),
        ReferralInput(
            to_organisation_id=hub.organisation_id,
            summary_text="She says an older man collects her from the hostel at night",
            consent="not_needed",
            person_text="Mia, about 15, staying at the Riverside hostel",
        ),
    )
    assert referrals.waiting_for(session, actor_of(hub)) == [made]
    with pytest.raises(ValidationFailed):  # a rejection needs its reason
        referrals.answer(
            session, actor_of(hub), made, DecisionInput(decision="reject", version=made.version)
        )
    referrals.answer(
        session, actor_of(hub), made, DecisionInput(decision="accept", version=made.version)
    )
    with pytest.raises(Conflict):  # too late to revoke
        referrals.answer(
            session,
            actor_of(worker),
            made,
            DecisionInput(decision="revoke", reason="sent twice", version=made.version),
        )
    referrals.answer(
        session, actor_of(hub), made, DecisionInput(decision="done", version=made.version)
    )
    assert made.status is ReferralStatus.done and made.done_at is not None
