"""Referrals to the National Referral Mechanism and the decisions that come back.

A child's referral needs no consent; an adult's does [M3][M4]. The reasonable-grounds decision is
due 5 working days after the referral, the conclusive-grounds decision no sooner than the end of
the 30-day recovery period that a positive one starts [M1] (`rules`, `workdays`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import Organisation
from harbour.errors import Conflict
from harbour.people.models import Person
from harbour.screening import rules
from harbour.screening.models import NrmReferral
from harbour.screening.service import exact_birth, invalid, local_day, today

REFERRAL = "nrm_referral"
STALE_REFERRAL = (
    "Someone else changed this referral after you opened the page. Reload it to see their "
    "change, then make yours again."
)


def find_referral(session: Session, actor: Actor, referral_id: int) -> NrmReferral:
    return access.fetch(session, actor, NrmReferral, referral_id, "nrm.refer")


@dataclass
class ReferralInput:
    exploitation_types: list[str]
    first_responder: str | None
    referred_at: datetime | None = None
    reference: str | None = None
    consent: str | None = None  # "yes" from an adult; not asked for a child
    details: str | None = None


def consent_basis(person: Person, on: date) -> str | None:
    """Why consent is not needed (a child, or age unknown), or None when an adult must agree."""
    if person.date_of_birth is None or not exact_birth(person):
        return "not_needed_age_unknown"  # presumption of age: Modern Slavery Act 2015 s51
    if rules.age_on(person.date_of_birth, on) < rules.ADULT_AGE:
        return "not_needed_child"
    return None


def first_responder_name(session: Session, actor: Actor) -> str:
    """The actor's organisation, the usual first responder."""
    org = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    return org.name if org else ""


def refer(session: Session, actor: Actor, person: Person, data: ReferralInput) -> NrmReferral:
    """Record a referral to the NRM and start the reasonable-grounds clock."""
    access.require(actor, "nrm.refer", person)
    types = [t for t in data.exploitation_types if t in rules.EXPLOITATION_TYPES]
    if not types:
        raise invalid("exploitation_types", "Select the type of exploitation")
    if "other" in types and not data.details:
        raise invalid("nrm_details", "Say which other type of exploitation it is")
    if not data.first_responder:
        raise invalid("first_responder", "Enter the first responder organisation making it")
    referred_at = data.referred_at or clock.now()
    referred_on = local_day(referred_at)
    consent = consent_basis(person, referred_on)
    if consent is None:
        if data.consent != "yes":
            raise invalid(
                "consent",
                f"{person.display_name} is an adult: they must agree to be referred. Without "
                "their agreement, notify the Home Office under the duty to notify (Modern "
                "Slavery Act 2015, section 52) instead.",
            )
        consent = "given"
    referral = NrmReferral(
        person_id=person.id,
        organisation_id=person.organisation_id,
        team_id=person.team_id,
        referred_at=referred_at,
        referred_by_id=actor.id,
        referred_by_name=actor.display_name,
        exploitation_types=types,
        first_responder=data.first_responder,
        reference=data.reference,
        consent=consent,
        details=data.details,
        rg_due_on=rules.rg_due(referred_on),
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        REFERRAL,
        referral.id,
        after={
            "person": person.id,
            "types": types,
            "first_responder": referral.first_responder,
            "consent": consent,
            "rg_due_on": referral.rg_due_on.isoformat(),
        },
    )
    return referral


def _decision(decision: str | None, decided_on: date | None) -> tuple[str, date]:
    if decision not in rules.DECISIONS:
        raise invalid("decision", "Select whether the decision was positive or negative")
    if decided_on is None:
        raise invalid("decided_on", "Enter the date of the decision")
    if decided_on > today():
        raise invalid("decided_on", "The date of the decision must be today or in the past")
    return decision, decided_on


def record_reasonable_grounds(
    session: Session,
    actor: Actor,
    referral: NrmReferral,
    decision: str | None,
    decided_on: date | None,
    version: int,
) -> NrmReferral:
    """Record the reasonable-grounds decision; a positive one starts the recovery period."""
    access.require(actor, "nrm.refer", referral)
    if version != referral.version:
        raise Conflict(STALE_REFERRAL)
    if referral.rg_decision is not None:
        raise Conflict("The reasonable-grounds decision is already recorded on this referral.")
    decision, decided_on = _decision(decision, decided_on)
    referred_on = local_day(referral.referred_at)
    if decided_on < referred_on:
        raise invalid(
            "decided_on",
            f"The decision cannot be before the referral ({rules.long_date(referred_on)})",
        )
    referral.rg_decision = decision
    referral.rg_decided_on = decided_on
    referral.cg_earliest_on = rules.cg_earliest(decided_on) if decision == "positive" else None
    db.flush_or_conflict(session, STALE_REFERRAL)
    audit.record(
        session,
        actor,
        "reasonable_grounds",
        REFERRAL,
        referral.id,
        after={
            "decision": decision,
            "decided_on": decided_on.isoformat(),
            "cg_earliest_on": referral.cg_earliest_on.isoformat()
            if referral.cg_earliest_on
            else None,
        },
    )
    return referral


def record_conclusive_grounds(
    session: Session,
    actor: Actor,
    referral: NrmReferral,
    decision: str | None,
    decided_on: date | None,
    version: int,
) -> NrmReferral:
    """Record the conclusive-grounds decision, which follows a positive reasonable-grounds one
    and the 30-day recovery period."""
    access.require(actor, "nrm.refer", referral)
    if version != referral.version:
        raise Conflict(STALE_REFERRAL)
    if referral.rg_decision != "positive" or referral.cg_earliest_on is None:
        raise Conflict(
            "A conclusive-grounds decision follows only a positive reasonable-grounds decision."
        )
    if referral.cg_decision is not None:
        raise Conflict("The conclusive-grounds decision is already recorded on this referral.")
    decision, decided_on = _decision(decision, decided_on)
    if decided_on < referral.cg_earliest_on:
        raise invalid(
            "decided_on",
            "A conclusive-grounds decision comes after the 30-day recovery period: the date "
            f"must be {rules.long_date(referral.cg_earliest_on)} or later",
        )
    referral.cg_decision = decision
    referral.cg_decided_on = decided_on
    db.flush_or_conflict(session, STALE_REFERRAL)
    audit.record(
        session,
        actor,
        "conclusive_grounds",
        REFERRAL,
        referral.id,
        after={"decision": decision, "decided_on": decided_on.isoformat()},
    )
    return referral


def referrals_of(
    session: Session, actor: Actor, person: Person
) -> list[tuple[NrmReferral, rules.NrmClock]]:
    """The person's referrals the actor may see, newest first, each with where it stands."""
    found = session.scalars(
        select(NrmReferral)
        .where(NrmReferral.person_id == person.id, access.visible(actor, NrmReferral))
        .order_by(NrmReferral.referred_at.desc(), NrmReferral.id.desc())
    )
    now = today()
    return [(r, referral_clock(r, now)) for r in found]


def referral_clock(referral: NrmReferral, on: date) -> rules.NrmClock:
    return rules.nrm_clock(
        rg_due_on=referral.rg_due_on,
        rg_decision=referral.rg_decision,
        cg_earliest_on=referral.cg_earliest_on,
        cg_decision=referral.cg_decision,
        today=on,
    )
