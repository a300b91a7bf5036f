"""Information-sharing agreements: what the force shares with a partner organisation, about whom.

An agreement names its parties (the force and one partner), its purpose and lawful basis, which
people it covers (residents of an area, children looked after by the authority, children open to
it, and cases named on the agreement), which fields and record types it shares, and its dates.
It is in force from its start day to its end day inclusive, unless it is suspended or ended
early; either takes effect at once, because every check below is a query of the tables as they
stand, never a cached copy.

The access table gives partner roles the scope `agreement` (`harbour.access.policy`); this module
is what that scope means. A record type takes part by naming, in `__scope_columns__`, the column
that holds the person it is about (`"person"`) and, in `__shared_field__`, the field an agreement
must share for the record to be shown. The people are found with plain table clauses, so that the
access floor needs nothing from the floors above it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Enum,
    ForeignKey,
    Select,
    String,
    Text,
    UniqueConstraint,
    and_,
    column,
    exists,
    func,
    or_,
    select,
    table,
    union,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from harbour import clock, timefmt
from harbour.actor import Actor
from harbour.db import Base, Timestamps


class Condition(enum.StrEnum):
    """The condition of the Data Protection Act 2018 under which the force shares (Part 3 is the
    force's regime; Schedule 8 gives the condition for sensitive processing)."""

    safeguarding = "safeguarding"
    vital_interests = "vital_interests"

    @property
    def label(self) -> str:
        return CONDITIONS[self]


FORCE_REGIME = "Data Protection Act 2018 Part 3 (law enforcement processing)"
CONDITIONS: dict[Condition, str] = {
    Condition.safeguarding: (
        "Schedule 8 paragraph 4: safeguarding of children and of individuals at risk"
    ),
    Condition.vital_interests: "Schedule 8 paragraph 3: protecting an individual's vital interests",
}

# What an agreement may share, by field. `identity` is always shared: without the name, date of
# birth and sex a partner cannot tell whom a record is about.
IDENTITY = "identity"
FIELDS: dict[str, str] = {
    IDENTITY: "Name, date of birth and sex",
    "aliases": "Other names",
    "ethnicity": "Ethnicity",
    "phones": "Phone numbers",
    "address": "Current address",
    "photo": "Current photo",
    "markers": "Warning markers and flags",
    "care": "Looked-after status, responsible authority and social worker",
    "philomena": "Philomena profile (a looked-after child's risks and contacts)",
    "herbert": "Herbert profile (a vulnerable adult's routines and places)",
    "episodes": "Missing episodes: when reported, risk grade, and when found",
    "meetings": (
        "Strategy meetings and MACE panels: minutes and decisions about the children it shares"
    ),
    "return_interviews": (
        "Return home interviews: told when a child is back, and the interview recorded by the "
        "partner"
    ),
}

# Who an agreement covers, as the form asks it.
COVERS: dict[str, str] = {
    "residents": "Everyone whose current address is in the area",
    "looked_after": "Children looked after by the area's authority",
    "open_cases": "People open to the area's social care (a social worker is recorded)",
    "named_cases": "People named on the agreement",
}


class Agreement(Timestamps, Base):
    """An information-sharing agreement between the force and one partner organisation."""

    __tablename__ = "sharing_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    force_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    condition: Mapped[Condition] = mapped_column(
        Enum(Condition, name="sharing_condition", native_enum=False, length=30)
    )
    # The area the covers below refer to: a borough (addresses) and its authority (care).
    area: Mapped[str | None] = mapped_column(String(100))
    residents: Mapped[bool] = mapped_column(Boolean, default=False)
    looked_after: Mapped[bool] = mapped_column(Boolean, default=False)
    open_cases: Mapped[bool] = mapped_column(Boolean, default=False)
    named_cases: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_on: Mapped[date]
    review_on: Mapped[date]
    ends_on: Mapped[date | None]
    suspended_at: Mapped[datetime | None]
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def status(self, today: date) -> str:
        """In force, suspended, ended, not yet started or expired, on `today`."""
        if self.ended_at is not None:
            return "ended"
        if self.suspended_at is not None:
            return "suspended"
        if today < self.starts_on:
            return "not started"
        if self.ends_on is not None and today > self.ends_on:
            return "expired"
        return "in force"

    def covers(self) -> list[str]:
        return [key for key in COVERS if getattr(self, key)]


class AgreementField(Base):
    """One field or record type an agreement shares."""

    __tablename__ = "sharing_agreement_field"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("sharing_agreement.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)


class AgreementPerson(Base):
    """A person named on an agreement, with who named them and why."""

    __tablename__ = "sharing_agreement_person"
    __table_args__ = (UniqueConstraint("agreement_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("sharing_agreement.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=clock.now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# The people and places, as plain table clauses (their models live on the floors above).
_person = table(
    "person",
    column("id"),
    column("home_place_id"),
    column("looked_after"),
    column("local_authority"),
    column("social_worker_name"),
    column("organisation_id"),
    column("merged_into_id"),
)
_place = table("place", column("id"), column("borough"))


def today() -> date:
    """Today in UK local time: the day agreements' dates are read against."""
    return timefmt.local(clock.now()).date()


def in_force(organisation_id: int | None, day: date | None = None) -> ColumnElement[bool]:
    """The agreements in force today whose partner is this organisation."""
    on = day or today()
    a = Agreement
    return and_(
        a.partner_id == (organisation_id if organisation_id is not None else -1),
        a.suspended_at.is_(None),
        a.ended_at.is_(None),
        a.starts_on <= on,
        or_(a.ends_on.is_(None), a.ends_on >= on),
    )


def _sharing(field: str) -> ColumnElement[bool]:
    return exists().where(
        AgreementField.agreement_id == Agreement.id, AgreementField.field == field
    )


def _same(left: Any, right: Any) -> ColumnElement[bool]:
    return func.lower(func.trim(left)) == func.lower(func.trim(right))


def _authority(recorded: Any, area: Any) -> ColumnElement[bool]:
    """A responsible authority recorded as the area's name or as "NAME Council"."""
    return or_(_same(recorded, area), _same(recorded, area.concat(" Council")))


def people_shared(actor: Actor, field: str, agreement_id: int | None = None) -> Select[Any]:
    """The ids of the people whose `field` an agreement in force shares with the actor's
    organisation (only agreement `agreement_id`, when given)."""
    a = Agreement
    # Only the records of the force that is party to the agreement, and none merged away: a
    # record another partner (or force) holds is not the force's to share.
    where = [
        in_force(actor.organisation_id),
        _sharing(field),
        _person.c.organisation_id == a.force_id,
        _person.c.merged_into_id.is_(None),
    ]
    if agreement_id is not None:
        where.append(a.id == agreement_id)
    named = (
        select(_person.c.id.label("person_id"))
        .join(AgreementPerson, AgreementPerson.person_id == _person.c.id)
        .join(a, a.id == AgreementPerson.agreement_id)
        .where(a.named_cases.is_(True), *where)
    )
    looked_after = (
        select(_person.c.id.label("person_id"))
        .join(a, _authority(_person.c.local_authority, a.area))
        .where(a.looked_after.is_(True), _person.c.looked_after.is_(True), *where)
    )
    open_cases = (
        select(_person.c.id.label("person_id"))
        .join(a, _authority(_person.c.local_authority, a.area))
        .where(a.open_cases.is_(True), _person.c.social_worker_name.is_not(None), *where)
    )
    residents = (
        select(_person.c.id.label("person_id"))
        .join(_place, _place.c.id == _person.c.home_place_id)
        .join(a, _same(_place.c.borough, a.area))
        .where(a.residents.is_(True), *where)
    )
    return select(union(named, looked_after, open_cases, residents).subquery().c.person_id)


@dataclass(frozen=True)
class Cover:
    """What the agreements in force share about one person with the actor's organisation."""

    agreements: tuple[tuple[int, str], ...]  # (id, reference), in reference order
    fields: frozenset[str]

    @property
    def references(self) -> list[str]:
        return [ref for _, ref in self.agreements]


def cover(session: Session, actor: Actor, person_id: int) -> Cover:
    """Which agreements in force cover this person for the actor, and the fields they share."""
    rows = session.execute(
        select(Agreement.id, Agreement.reference)
        .where(in_force(actor.organisation_id))
        .order_by(Agreement.reference)
    ).all()
    agreements: list[tuple[int, str]] = []
    fields: set[str] = set()
    for agreement_id, reference in rows:
        shared = people_shared(actor, IDENTITY, agreement_id).subquery()
        if session.scalar(select(exists().where(shared.c.person_id == person_id))):
            agreements.append((agreement_id, reference))
            fields.update(
                session.scalars(
                    select(AgreementField.field).where(AgreementField.agreement_id == agreement_id)
                )
            )
    return Cover(tuple(agreements), frozenset(fields))


def partners_sharing(session: Session, person_id: int, field: str) -> list[int]:
    """The partner organisations that an agreement in force shares this person's `field` with."""
    found: list[int] = []
    partners = session.scalars(
        select(Agreement.partner_id)
        .where(Agreement.suspended_at.is_(None), Agreement.ended_at.is_(None))
        .distinct()
    )
    for partner_id in sorted(set(partners)):
        viewer = Actor(None, "sharing", "sharing", None, partner_id, None)
        ids = people_shared(viewer, field).subquery()
        if session.scalar(select(exists().where(ids.c.person_id == person_id))):
            found.append(partner_id)
    return found
