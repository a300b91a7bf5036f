"""Referrals both ways between the force and its partner organisations, modelled on Primero's
transitions: sent and waiting for acceptance, accepted, rejected, revoked by the sender, done.

A call the handler hands to a partner under Right Care Right Person becomes a referral to the
organisation chosen. The duty of care passes only when that organisation accepts it in Harbour
(the acceptance is recorded on the call as its handover); one not accepted in time escalates
back to the force, whose sender and supervisors are told (`escalate_overdue`, run by the
clocks). A partner refers someone to the force the same way, in words, since it cannot search
the force's records.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.access.policy import roles_with
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import Organisation, OrganisationKind
from harbour.calls import decisions
from harbour.calls.models import Call, CallStatus
from harbour.calls.schemas import HandoverInput, Outcome
from harbour.errors import Conflict, Forbidden, ValidationFailed
from harbour.partners.models import Referral, ReferralStatus
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from harbour.validation import Input, needed, one_of

SUBJECT = "referral"
STALE = "Someone else changed this referral after you opened it. Reload it and try again."
REASONS = {
    "rcrp_handoff": "Right Care Right Person: a call handed to your organisation",
    "safeguarding": "Safeguarding concern",
}
CONSENT = {
    "given": "Given",
    "not_sought": "Not sought: an emergency, or they cannot decide now (say why)",
    "not_needed": "Not needed: a child's safeguarding, where consent is not the basis",
    "refused": "Refused: the referral goes ahead without it (needs a reason and the permission)",
}


class ReferralInput(Input):
    """A referral, as the sender writes it."""

    summary = "Check the referral"

    to_organisation_id: Annotated[int, needed("Select the organisation you are referring to")]
    summary_text: Annotated[
        str, needed("Say what the receiver needs to know to act"), Field(max_length=5000)
    ]
    consent: Annotated[str, one_of(CONSENT, "Select whether the person consented")]
    consent_note: Annotated[str | None, Field(max_length=2000)] = None
    consent_override_reason: Annotated[str | None, Field(max_length=2000)] = None
    person_text: Annotated[str | None, Field(max_length=1000)] = None


class DecisionInput(Input):
    """The receiver's answer, or the sender's revocation, with its reason."""

    summary = "Check your answer"

    decision: Annotated[str, one_of(("accept", "reject", "done", "revoke"), "Select an answer")]
    reason: Annotated[str | None, Field(max_length=2000)] = None
    reference: Annotated[str | None, Field(max_length=100)] = None
    version: int


def _organisation(session: Session, organisation_id: int | None) -> Organisation | None:
    return session.get(Organisation, organisation_id) if organisation_id else None


def receivers(session: Session, actor: Actor) -> list[Organisation]:
    """Whom the actor's organisation can refer to: partners for the force, the force for a
    partner."""
    mine = _organisation(session, actor.organisation_id)
    to_force = mine is not None and mine.kind is not OrganisationKind.force
    kind = Organisation.kind == OrganisationKind.force
    return list(
        session.scalars(
            select(Organisation)
            .where(kind if to_force else ~kind, Organisation.id != actor.organisation_id)
            .order_by(Organisation.name)
        )
    )


def _check(session: Session, actor: Actor, data: ReferralInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.to_organisation_id not in {o.id for o in receivers(session, actor)}:
        errors["to_organisation_id"] = "Select an organisation from the list"
    if data.consent == "not_sought" and not data.consent_note:
        errors["consent_note"] = "Say why consent was not sought"
    if data.consent == "refused":
        if not access.can(actor, "referral.override_consent"):
            errors["consent"] = (
                "Your role cannot refer someone who refused consent: ask your supervisor"
            )
        elif not data.consent_override_reason:
            errors["consent_override_reason"] = "Give the reason to refer without consent"
    return errors


def _send(
    session: Session,
    actor: Actor,
    data: ReferralInput,
    reason: str,
    *,
    call: Call | None = None,
) -> Referral:
    errors = _check(session, actor, data)
    if errors:
        raise ValidationFailed(ReferralInput.summary, field_errors=errors)
    assert actor.organisation_id is not None
    now = clock.now()
    referral = Referral(
        organisation_id=actor.organisation_id,
        to_organisation_id=data.to_organisation_id,
        person_id=call.person_id if call else None,
        person_text=data.person_text,
        call_id=call.id if call else None,
        reason=reason,
        summary=data.summary_text,
        status=ReferralStatus.in_progress,
        due_at=now + timedelta(minutes=get_settings().referral_accept_minutes),
        consent=data.consent,
        consent_note=data.consent_note,
        consent_override_reason=data.consent_override_reason if data.consent == "refused" else None,
        consent_overridden_by=actor.display_name if data.consent == "refused" else None,
        sent_at=now,
        sent_by_id=actor.id,
        sent_by_name=actor.display_name,
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        referral.id,
        after={
            "to": data.to_organisation_id,
            "call": referral.call_id,
            "person": referral.person_id,
            "reason": reason,
            "consent": data.consent,
            "due_at": referral.due_at.isoformat(),
        },
    )
    sender = _organisation(session, actor.organisation_id)
    tasks.notify(
        session,
        tasks.users_with_roles(session, data.to_organisation_id, roles_with("referral.decide")),
        f"A referral from {sender.name if sender else 'another organisation'} is waiting for "
        "you to accept it",
        f"/referrals/{referral.id}",
        topic=topic(referral),
    )
    return referral


def topic(referral: Referral) -> str:
    return f"referral:{referral.id}"


def refer_call(session: Session, actor: Actor, call: Call, data: ReferralInput) -> Referral:
    """Hand a call to a partner organisation as a referral it must accept."""
    access.require(actor, "referral.send")
    access.require(actor, "call.decide", call)
    if call.status is not CallStatus.decided or call.outcome != Outcome.refer_partner.value:
        raise Conflict("Decide to hand the call to a partner before you refer it.")
    if call.handed_over_at is not None:
        raise Conflict("The partner has already accepted this call.")
    if open_referral(session, call) is not None:
        raise Conflict("This call is already referred: revoke that referral to send another.")
    return _send(session, actor, data, "rcrp_handoff", call=call)


def refer(session: Session, actor: Actor, data: ReferralInput) -> Referral:
    """Refer someone to another organisation with no call behind it (a partner to the force)."""
    access.require(actor, "referral.send")
    if not data.person_text:
        raise ValidationFailed(
            ReferralInput.summary,
            field_errors={"person_text": "Say who the referral is about: name, age, address"},
        )
    return _send(session, actor, data, "safeguarding")


def open_referral(session: Session, call: Call) -> Referral | None:
    """The call's referral waiting for acceptance or accepted, if there is one."""
    return session.scalar(
        select(Referral)
        .where(
            Referral.call_id == call.id,
            Referral.status.in_([ReferralStatus.in_progress, ReferralStatus.accepted]),
        )
        .order_by(Referral.id.desc())
    )


def of_call(session: Session, call: Call) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral).where(Referral.call_id == call.id).order_by(Referral.id.desc())
        )
    )


def find(session: Session, actor: Actor, referral_id: int) -> Referral:
    return access.fetch(session, actor, Referral, referral_id, "referral.view")


def listed(session: Session, actor: Actor, *, limit: int = 100) -> list[Referral]:
    """The referrals the actor's organisation sent or received, waiting ones first."""
    access.require(actor, "referral.view")
    waiting = Referral.status == ReferralStatus.in_progress
    return list(
        session.scalars(
            select(Referral)
            .where(access.visible(actor, Referral))
            .order_by(waiting.desc(), Referral.sent_at.desc())
            .limit(limit)
        )
    )


def waiting_for(session: Session, actor: Actor, *, limit: int = 20) -> list[Referral]:
    """Referrals sent to the actor's organisation that wait for its answer, oldest first."""
    if not access.can(actor, "referral.decide"):
        return []
    return list(
        session.scalars(
            select(Referral)
            .where(
                Referral.to_organisation_id == actor.organisation_id,
                Referral.status.in_([ReferralStatus.in_progress, ReferralStatus.accepted]),
            )
            .order_by(Referral.due_at)
            .limit(limit)
        )
    )


def answer(session: Session, actor: Actor, referral: Referral, data: DecisionInput) -> Referral:
    """Accept, reject or finish a referral (the receiver), or revoke it (the sender)."""
    if data.version != referral.version:
        raise Conflict(STALE)
    receiving = referral.to_organisation_id == actor.organisation_id
    if data.decision == "revoke":
        access.require(actor, "referral.send", referral)
        if receiving:
            raise Forbidden("Only the organisation that sent a referral can revoke it.")
    else:
        access.require(actor, "referral.decide", referral)
        if not receiving:
            raise Forbidden("Only the organisation a referral was sent to can answer it.")
    allowed = {
        "accept": ReferralStatus.in_progress,
        "reject": ReferralStatus.in_progress,
        "revoke": ReferralStatus.in_progress,
        "done": ReferralStatus.accepted,
    }[data.decision]
    if referral.status is not allowed:
        raise Conflict(
            f"This referral is {referral.status.label.lower()}: it cannot be changed so."
        )
    if data.decision in ("reject", "revoke") and not data.reason:
        raise ValidationFailed(DecisionInput.summary, field_errors={"reason": "Give the reason"})
    now = clock.now()
    before = referral.status
    referral.status = {
        "accept": ReferralStatus.accepted,
        "reject": ReferralStatus.rejected,
        "revoke": ReferralStatus.revoked,
        "done": ReferralStatus.done,
    }[data.decision]
    if data.decision in ("accept", "reject"):
        referral.decided_at, referral.decided_by_name = now, actor.display_name
        referral.decision_reason = data.reason
        referral.partner_reference = data.reference
        referral.receiver_owner_id = actor.id
    if data.decision == "done":
        referral.done_at = now
    session.flush()
    if data.decision == "accept" and referral.call_id is not None:
        _hand_over(session, actor, referral, now)
    tasks.resolve(session, topic(referral))
    audit.record(
        session,
        actor,
        data.decision,
        SUBJECT,
        referral.id,
        before={"status": before.value},
        after={"status": referral.status.value, "reason": data.reason},
    )
    if data.decision in ("accept", "reject"):
        receiver = _organisation(session, actor.organisation_id)
        text = (
            f"{receiver.name if receiver else 'The partner'} "
            f"{'accepted' if data.decision == 'accept' else 'rejected'} your referral"
        )
        tasks.notify(session, [referral.sent_by_id], text, f"/referrals/{referral.id}")
    return referral


def _hand_over(session: Session, actor: Actor, referral: Referral, now: datetime) -> None:
    """The acceptance is the call's handover: the duty of care passes now."""
    call = session.get(Call, referral.call_id)
    if call is None or call.handed_over_at is not None:
        return
    receiver = _organisation(session, actor.organisation_id)
    decisions.record_handover(
        session,
        actor,
        call,
        HandoverInput(
            accepted_by=f"{actor.display_name}, {receiver.name if receiver else 'partner'}",
            accepted_at=now,
            reference=referral.partner_reference,
            version=call.version,
        ),
        authority=("referral.decide", referral),
    )


def escalate_overdue(session: Session, job: Actor) -> int:
    """Escalate every referral not accepted in time back to the force that sent it: its sender
    and the force's supervisors are told, once. Return how many escalated."""
    now = clock.now()
    late = list(
        session.scalars(
            select(Referral)
            .where(
                Referral.status == ReferralStatus.in_progress,
                Referral.due_at <= now,
                Referral.escalated_at.is_(None),
            )
            .with_for_update(skip_locked=True)
        )
    )
    for referral in late:
        referral.escalated_at = now
        receiver = _organisation(session, referral.to_organisation_id)
        users = [
            referral.sent_by_id,
            *tasks.users_with_roles(
                session, referral.organisation_id, roles_with("referral.escalated")
            ),
        ]
        tasks.notify(
            session,
            users,
            f"Not accepted in time by {receiver.name if receiver else 'the partner'}: the duty "
            "of care stays with the force. Decide again or chase the partner.",
            f"/calls/{referral.call_id}" if referral.call_id else f"/referrals/{referral.id}",
            topic=f"referral:{referral.id}:escalated",
        )
        audit.record(
            session,
            job,
            "escalate",
            SUBJECT,
            referral.id,
            after={"due_at": referral.due_at.isoformat()},
        )
    session.flush()
    return len(late)


def facts(referral: Referral) -> dict[str, Any]:
    """What the referral page shows besides the record: the labels."""
    return {
        "reason_label": REASONS.get(referral.reason, referral.reason),
        "consent_label": CONSENT.get(referral.consent, referral.consent),
    }
