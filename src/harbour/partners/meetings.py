"""Strategy meetings and MACE panels as records: when, who chaired, who came for which
organisation, the children discussed, what each agency shared, what was decided (a section 47
enquiry, a safety plan, a disruption plan, an NRM referral) and the actions given, each a task
with its owner and due date.

The force sees its meetings. A partner sees a meeting through the children its agreements share
for meetings (`MeetingChild`, field `meetings`): those children by name and the decisions about
them; the information shared and the minutes only when its agreements share every child
discussed, since they speak of all of them. Each view by a partner is a disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import agreements
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth import service as auth
from harbour.errors import NotFound, ValidationFailed
from harbour.partners import service
from harbour.partners.models import (
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingChild,
    MeetingDecision,
    MeetingKind,
)
from harbour.people.models import Person
from harbour.tasks import service as tasks
from harbour.tasks.models import Task
from harbour.validation import Input, needed, one_of

SUBJECT = "meeting"
DECISIONS = {
    "s47": "Section 47 enquiry (Children Act 1989)",
    "safety_plan": "Safety plan",
    "disruption": "Disruption plan",
    "nrm": "Referral to the National Referral Mechanism",
    "cawn": "Child Abduction Warning Notice",
    "no_further_action": "No further action",
    "other": "Other",
}
ROWS = 3  # decision and action rows the form offers


class Attendee(Input):
    name: Annotated[str, needed("Enter the attendee's name"), Field(max_length=200)]
    role: Annotated[str | None, Field(max_length=200)] = None
    organisation: Annotated[str | None, Field(max_length=200)] = None


class Decision(Input):
    kind: Annotated[str, one_of(DECISIONS, "Select what was decided")]
    person_id: int | None = None
    text: Annotated[str, needed("Say what was decided"), Field(max_length=5000)]


class Action(Input):
    title: Annotated[str, needed("Say what is to be done"), Field(max_length=200)]
    person_id: int | None = None
    owner_id: Annotated[int, needed("Select who owns the action")]
    due_on: date | None = None


class MeetingInput(Input):
    """A meeting as its record is written after it."""

    summary = "Check the meeting"

    kind: Annotated[str, one_of([k.value for k in MeetingKind], "Select the kind of meeting")]
    held_at: Annotated[datetime, needed("Enter when the meeting was held")]
    chair: Annotated[str, needed("Enter who chaired the meeting"), Field(max_length=200)]
    location: Annotated[str | None, Field(max_length=200)] = None
    attendees: list[Attendee] = []
    child_ids: list[int] = []
    information: Annotated[str, needed("Enter what each agency shared"), Field(max_length=20_000)]
    decisions: list[Decision] = []
    actions: list[Action] = []
    minutes: Annotated[str | None, Field(max_length=50_000)] = None


def _organisations(session: Session) -> dict[str, int]:
    return {o.name.casefold(): o.id for o in auth.organisations(session)}


def record(session: Session, actor: Actor, data: MeetingInput) -> Meeting:
    """Record a meeting with its attendees, children, decisions and actions (tasks)."""
    access.require(actor, "meeting.record")
    assert actor.organisation_id is not None
    errors: dict[str, str] = {}
    children: list[Person] = []
    for person_id in dict.fromkeys(data.child_ids):
        person = session.get(Person, person_id)
        if person is None or not access.can(actor, "person.view", person):
            errors["child_ids"] = f"There is no person {person_id} that you can see"
        else:
            children.append(person)
    if not children:
        errors.setdefault("child_ids", "Enter the record number of each child discussed")
    known = {c.id for c in children}
    about = [d.person_id for d in data.decisions] + [a.person_id for a in data.actions]
    if any(p is not None and p not in known for p in about):
        errors["child_ids"] = (
            "A decision or action about a child needs the child among those discussed"
        )
    owners = {u.id for u in tasks.colleagues(session, actor)}
    for n, action in enumerate(data.actions, start=1):
        if action.owner_id not in owners:
            errors[f"action_{n}_owner"] = "Choose the owner from the list"
    if data.held_at > clock.now():
        errors["held_at"] = "Record a meeting after it is held"
    if errors:
        raise ValidationFailed(MeetingInput.summary, field_errors=errors)
    meeting = Meeting(
        organisation_id=actor.organisation_id,
        kind=MeetingKind(data.kind),
        held_at=data.held_at,
        chair=data.chair,
        location=data.location,
        information=data.information,
        minutes=data.minutes,
        recorded_by_id=actor.id,
        recorded_by_name=actor.display_name,
    )
    session.add(meeting)
    session.flush()
    names = _organisations(session)
    for attendee in data.attendees:
        org = names.get((attendee.organisation or "").casefold())
        session.add(
            MeetingAttendee(
                meeting_id=meeting.id,
                name=attendee.name,
                role=attendee.role,
                organisation_id=org,
                organisation_text=None if org else attendee.organisation,
            )
        )
    for child in children:
        session.add(
            MeetingChild(
                meeting_id=meeting.id, person_id=child.id, organisation_id=meeting.organisation_id
            )
        )
    for decision in data.decisions:
        session.add(
            MeetingDecision(
                meeting_id=meeting.id,
                person_id=decision.person_id,
                kind=decision.kind,
                text=decision.text,
            )
        )
    when = timefmt.absolute(data.held_at)
    kind = MeetingKind(data.kind).label.split(" (")[0]
    for action in data.actions:
        task = tasks.open_task(
            session,
            actor,
            organisation_id=meeting.organisation_id,
            team_id=actor.team_id,
            kind="meeting_action",
            title=action.title,
            person_id=action.person_id,
            details=f"From the {kind.lower()} of {when}",
            owner_id=action.owner_id,
            due_at=timefmt.local_noon(action.due_on) if action.due_on else None,
            trigger=f"Action from the {kind.lower()} of {when} (meeting {meeting.id})",
        )
        session.add(MeetingAction(meeting_id=meeting.id, task_id=task.id))
    if meeting.kind is MeetingKind.strategy:
        for child in children:  # the strategy meeting a trigger asked for is now held
            owed = tasks.open_task_of_kind(session, child.id, "strategy_meeting")
            if owed is not None and access.can(actor, "task.update", owed):
                tasks.complete(session, actor, owed, f"Held: meeting {meeting.id}", owed.version)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        meeting.id,
        after={
            "kind": data.kind,
            "held_at": data.held_at.isoformat(),
            "children": [c.id for c in children],
            "decisions": [d.kind for d in data.decisions],
            "actions": len(data.actions),
        },
    )
    return meeting


def _shared_children(session: Session, actor: Actor) -> Any:
    return select(MeetingChild.meeting_id).where(access.visible(actor, MeetingChild, shared=True))


def listed(session: Session, actor: Actor, *, limit: int = 100) -> list[Meeting]:
    """The meetings the actor may see, newest first (a partner's: through shared children)."""
    access.require(actor, "meeting.view")
    where = access.visible(actor, Meeting) | Meeting.id.in_(_shared_children(session, actor))
    return list(
        session.scalars(select(Meeting).where(where).order_by(Meeting.held_at.desc()).limit(limit))
    )


@dataclass(frozen=True)
class Shown:
    """A meeting as the actor may see it."""

    meeting: Meeting
    attendees: list[tuple[MeetingAttendee, str]]
    children: list[Person]  # the children the actor may see
    others: int  # children discussed whom the actor's agreements do not share
    decisions: list[MeetingDecision]
    actions: list[Task]
    whole: bool  # the information shared and the minutes may be shown


def show(session: Session, actor: Actor, meeting_id: int, reason: str | None = None) -> Shown:
    """The meeting for the actor, or not found; a partner's view is logged as a disclosure."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("There is no meeting with that number.")
    discussed = select(MeetingChild.person_id).where(MeetingChild.meeting_id == meeting.id)
    everyone = set(session.scalars(discussed))
    force = access.can(actor, "meeting.view", meeting)
    seen = (
        everyone
        if force
        else set(session.scalars(discussed.where(access.visible(actor, MeetingChild, shared=True))))
    )
    if not seen:
        raise NotFound("The record you asked for does not exist or is not yours to see.")
    children = [session.get(Person, i) for i in sorted(seen)]
    names = service.organisation_names(session)
    attendees = [
        (a, names.get(a.organisation_id or 0) or a.organisation_text or "")
        for a in session.scalars(
            select(MeetingAttendee)
            .where(MeetingAttendee.meeting_id == meeting.id)
            .order_by(MeetingAttendee.id)
        )
    ]
    whole = force or seen == everyone
    decisions = [
        d
        for d in session.scalars(
            select(MeetingDecision)
            .where(MeetingDecision.meeting_id == meeting.id)
            .order_by(MeetingDecision.id)
        )
        if (d.person_id in seen) or (d.person_id is None and whole)
    ]
    actions = list(
        session.scalars(
            select(Task)
            .join(MeetingAction, MeetingAction.task_id == Task.id)
            .where(MeetingAction.meeting_id == meeting.id)
            .order_by(Task.id)
        )
    )
    if not force:
        actions = [t for t in actions if t.person_id in seen]
        under = sorted(
            {ref for i in seen for ref in agreements.cover(session, actor, i).references}
        )
        audit.record(
            session,
            actor,
            "disclose",
            SUBJECT,
            meeting.id,
            after={
                "agreements": under,
                "recipient": actor.organisation_id,
                "recipient_user": actor.username,
                "children": sorted(seen),
                "minutes": whole,
            },
            justification=reason or "Meeting about a child shared with this organisation",
        )
    else:
        audit.record(session, actor, "view", SUBJECT, meeting.id, justification=reason)
    return Shown(
        meeting,
        attendees,
        [c for c in children if c is not None],
        len(everyone - seen),
        decisions,
        actions,
        whole,
    )
