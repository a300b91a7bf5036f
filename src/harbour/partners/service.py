"""Draw up, name cases on, suspend, resume and end information-sharing agreements; and show a
partner what its agreements share about a person, and nothing more.

Every change to an agreement is audited with what changed. Suspending or ending one takes effect
on the next query anyone makes: the access policy reads the agreement tables as they stand
(`harbour.access.agreements`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import agreements
from harbour.access import service as access
from harbour.access.agreements import (
    FIELDS,
    Agreement,
    AgreementField,
    AgreementPerson,
    Cover,
)
from harbour.access.policy import roles_with
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth import service as auth
from harbour.auth.models import Organisation, OrganisationKind
from harbour.episodes.models import Episode
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.partners.schemas import AgreementInput, ChangeInput, NamedCaseInput, ReviewInput
from harbour.people import service as people
from harbour.people.models import CARE_BASES, ETHNICITIES, Person, PersonPhoto
from harbour.tasks import service as tasks
from harbour.tasks.models import Notification

SUBJECT = "agreement"
STALE = "Someone else changed this agreement after you opened it. Reload it and try again."


def _facts(agreement: Agreement, fields: list[str]) -> dict[str, Any]:
    return {
        "reference": agreement.reference,
        "title": agreement.title,
        "partner_id": agreement.partner_id,
        "purpose": agreement.purpose,
        "condition": agreement.condition.value,
        "area": agreement.area,
        "covers": agreement.covers(),
        "fields": fields,
        "starts_on": agreement.starts_on.isoformat(),
        "review_on": agreement.review_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else None,
    }


def organisation_names(session: Session) -> dict[int, str]:
    """Every organisation's name by its id, for pages that name the parties."""
    return {o.id: o.name for o in auth.organisations(session)}


def partner_organisations(session: Session) -> list[Organisation]:
    """The organisations a force can share with: every one that is not a police force."""
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind != OrganisationKind.force)
            .order_by(Organisation.name)
        )
    )


def _force_of(session: Session, actor: Actor) -> int:
    if actor.organisation_id is not None:
        return actor.organisation_id
    force = session.scalar(
        select(Organisation.id)
        .where(Organisation.kind == OrganisationKind.force)
        .order_by(Organisation.id)
    )
    if force is None:
        raise Conflict("There is no police force in Harbour to share from")
    return force


def create_agreement(session: Session, actor: Actor, data: AgreementInput) -> Agreement:
    """Draw up an agreement between the actor's force and a partner organisation."""
    access.require(actor, "agreement.manage")
    errors = AgreementInput.rules(data.model_dump())
    partner = session.get(Organisation, data.partner_id)
    if partner is None or partner.kind is OrganisationKind.force:
        errors["partner_id"] = "Select a partner organisation from the list"
    reference = data.reference.strip()
    if session.scalar(select(Agreement.id).where(Agreement.reference == reference)):
        errors["reference"] = "An agreement with this reference exists: give another reference"
    if errors:
        raise ValidationFailed(AgreementInput.summary, field_errors=errors)
    values = data.model_dump(exclude={"covers", "fields", "reference", "condition"})
    agreement = Agreement(
        **values,
        condition=agreements.Condition(data.condition),
        **{cover: cover in data.covers for cover in agreements.COVERS},
        reference=reference,
        force_id=_force_of(session, actor),
        created_by_id=actor.id,
    )
    agreement.area = (data.area or "").strip() or None
    session.add(agreement)
    session.flush()
    session.add_all(AgreementField(agreement_id=agreement.id, field=f) for f in data.fields)
    audit.record(
        session, actor, "create", SUBJECT, agreement.id, after=_facts(agreement, data.fields)
    )
    return agreement


def list_agreements(session: Session, actor: Actor) -> list[Agreement]:
    """Every agreement, newest first."""
    access.require(actor, "agreement.view")
    return list(
        session.scalars(select(Agreement).order_by(Agreement.starts_on.desc(), Agreement.id))
    )


def get_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    access.require(actor, "agreement.view")
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound("There is no agreement with that number.")
    return agreement


def fields_of(session: Session, agreement_id: int) -> list[str]:
    held = set(
        session.scalars(
            select(AgreementField.field).where(AgreementField.agreement_id == agreement_id)
        )
    )
    return [f for f in FIELDS if f in held]


@dataclass(frozen=True)
class NamedCase:
    person_id: int
    name: str
    reason: str
    added_at: Any


def named_cases(session: Session, agreement_id: int) -> list[NamedCase]:
    rows = session.execute(
        select(AgreementPerson, Person)
        .join(Person, Person.id == AgreementPerson.person_id)
        .where(AgreementPerson.agreement_id == agreement_id)
        .order_by(AgreementPerson.added_at)
    )
    return [NamedCase(p.id, p.display_name, n.reason, n.added_at) for n, p in rows]


def covered_count(session: Session, agreement: Agreement) -> int:
    """How many people the agreement covers today (its partner's view of it)."""
    viewer = Actor(None, "count", "count", None, agreement.partner_id, None)
    ids = agreements.people_shared(viewer, agreements.IDENTITY, agreement.id).subquery()
    return session.scalar(select(func.count()).select_from(ids)) or 0


def name_case(session: Session, actor: Actor, agreement_id: int, data: NamedCaseInput) -> None:
    """Name a person on the agreement (shared while it is in force and covers named cases)."""
    access.require(actor, "agreement.manage")
    agreement = get_agreement(session, actor, agreement_id)
    if not agreement.named_cases:
        raise Conflict("This agreement does not cover named cases: change who it covers first")
    if session.get(Person, data.person_id) is None:
        raise ValidationFailed(
            NamedCaseInput.summary,
            field_errors={"person_id": "There is no person with that record number"},
        )
    named = select(AgreementPerson.id).where(
        AgreementPerson.agreement_id == agreement_id, AgreementPerson.person_id == data.person_id
    )
    if session.scalar(named) is not None:
        raise ValidationFailed(
            NamedCaseInput.summary,
            field_errors={"person_id": "This person is already named on the agreement"},
        )
    session.add(
        AgreementPerson(
            agreement_id=agreement_id,
            person_id=data.person_id,
            reason=data.reason.strip(),
            added_by_id=actor.id,
        )
    )
    audit.record(
        session,
        actor,
        "name_case",
        SUBJECT,
        agreement_id,
        after={"person_id": data.person_id, "reason": data.reason.strip()},
    )


def remove_case(session: Session, actor: Actor, agreement_id: int, person_id: int) -> None:
    access.require(actor, "agreement.manage")
    get_agreement(session, actor, agreement_id)
    gone = session.execute(
        delete(AgreementPerson).where(
            AgreementPerson.agreement_id == agreement_id, AgreementPerson.person_id == person_id
        )
    )
    if not getattr(gone, "rowcount", 0):
        raise NotFound("That person is not named on this agreement.")
    audit.record(
        session, actor, "remove_case", SUBJECT, agreement_id, before={"person_id": person_id}
    )


def change(
    session: Session, actor: Actor, agreement_id: int, what: str, data: ChangeInput
) -> Agreement:
    """Suspend, resume or end an agreement early; effective at once."""
    access.require(actor, "agreement.manage")
    agreement = get_agreement(session, actor, agreement_id)
    if data.version != agreement.version:
        raise Conflict(STALE)
    now = clock.now()
    before = {"suspended_at": agreement.suspended_at, "ended_at": agreement.ended_at}
    if agreement.ended_at is not None:
        raise Conflict("This agreement has ended; draw up a new one to share again")
    if what == "suspend":
        if agreement.suspended_at is not None:
            raise Conflict("This agreement is already suspended")
        agreement.suspended_at, agreement.suspended_reason = now, data.reason.strip()
    elif what == "resume":
        if agreement.suspended_at is None:
            raise Conflict("This agreement is not suspended")
        agreement.suspended_at = agreement.suspended_reason = None
    elif what == "end":
        agreement.ended_at, agreement.ended_reason = now, data.reason.strip()
    else:
        raise NotFound("There is no such change to an agreement.")
    session.flush()
    audit.record(
        session,
        actor,
        what,
        SUBJECT,
        agreement.id,
        before={k: v.isoformat() if v else None for k, v in before.items()},
        after={"reason": data.reason.strip()},
    )
    return agreement


def record_review(
    session: Session, actor: Actor, agreement_id: int, data: ReviewInput
) -> Agreement:
    """Record that the agreement was reviewed, and when it is reviewed next."""
    access.require(actor, "agreement.manage")
    agreement = get_agreement(session, actor, agreement_id)
    if data.version != agreement.version:
        raise Conflict(STALE)
    if agreement.ended_at is not None:
        raise Conflict("This agreement has ended; it is not reviewed any more")
    if data.next_review <= agreements.today():
        raise ValidationFailed(
            ReviewInput.summary,
            field_errors={"next_review": "The next review must be after today"},
        )
    before = agreement.review_on
    agreement.review_on = data.next_review
    session.flush()
    audit.record(
        session,
        actor,
        "review",
        SUBJECT,
        agreement.id,
        before={"review_on": before.isoformat()},
        after={"review_on": data.next_review.isoformat(), "note": data.note.strip()},
    )
    return agreement


def remind_reviews(session: Session) -> int:
    """Tell the administrators of each agreement's force, once, that its review day has come
    (run by the clocks). Return how many agreements they were told of."""
    today = agreements.today()
    due = session.scalars(
        select(Agreement).where(
            Agreement.suspended_at.is_(None),
            Agreement.ended_at.is_(None),
            Agreement.review_on <= today,
        )
    )
    told = 0
    for agreement in due:
        topic = f"agreement:{agreement.id}:review:{agreement.review_on.isoformat()}"
        if session.scalar(select(Notification.id).where(Notification.topic == topic).limit(1)):
            continue
        users = tasks.users_with_roles(session, agreement.force_id, roles_with("agreement.manage"))
        tasks.notify(
            session,
            users,
            f"Information-sharing agreement {agreement.reference} is due for review",
            f"/agreements/{agreement.id}",
            topic=topic,
        )
        told += 1
    return told


# -- what a partner sees ---------------------------------------------------------------------


def shared_record(session: Session, actor: Actor, person: Person, reason: str) -> dict[str, Any]:
    """The parts of a person's record the actor's agreements share, the view logged as a
    disclosure. A field no agreement shares is never read."""
    cover: Cover = people.disclose(session, actor, person.id, reason)
    return shared_context(session, actor, person, cover, reason)


def shared_context(
    session: Session, actor: Actor, person: Person, cover: Cover, reason: str
) -> dict[str, Any]:
    """What `cover` shares of the person, read field by field (for the page and the exports)."""
    shown = cover.fields
    context: dict[str, Any] = {
        "person": person,
        "reason": reason,
        "cover": cover,
        "shared_agreements": [session.get(Agreement, i) for i, _ in cover.agreements],
        "withheld": [label for f, label in FIELDS.items() if f not in shown],
        "shown": shown,
        "labels": FIELDS,
        "ethnicities": ETHNICITIES,
        "bases": CARE_BASES,
    }
    if "phones" in shown:
        context["phones"] = people.phones_of(session, person.id)
    if "address" in shown:
        context["address"] = people.current_address(session, person)
    if "photo" in shown:
        context["photo"] = people.current_photo(session, person.id)
    if "episodes" in shown:
        context["episodes"] = list(
            session.scalars(
                select(Episode)
                .where(
                    Episode.person_id == person.id,
                    access.visible(actor, Episode, shared=True),
                )
                .order_by(Episode.reported_at.desc())
            )
        )
    for profile in ("philomena", "herbert"):
        if profile in shown:
            context[profile] = getattr(person, profile) or {}
    return context


def shared_photo(session: Session, actor: Actor, person_id: int) -> tuple[bytes, str]:
    """The current photo of a person whose agreements share it with the actor, for a sign-in
    that said why it needs the record; each one shown is a disclosure."""
    person = people.find_for_view(session, actor, person_id, shared=True)
    if (
        not access.shared_only(actor, person)
        or "photo" not in agreements.cover(session, actor, person_id).fields
    ):
        raise NotFound("The record you asked for does not exist or is not yours to see.")
    reason = audit.require_justification(
        session, actor, people.SUBJECT, person_id, f"/people/{person_id}"
    )
    people.disclose(session, actor, person_id, reason, export="photo")
    current = people.current_photo(session, person_id)
    photo = session.get(PersonPhoto, current.id) if current else None
    if photo is None:
        raise NotFound("There is no photo on this record.")
    return photo.data, photo.content_type
