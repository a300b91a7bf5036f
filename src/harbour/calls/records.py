"""Calls for service: record a call, link the person it is about, read it and its suggestion.

The decisions on a call (RCRP, THRIVE, the National Decision Model) are in `decisions`, the
boards in `boards`. Every function takes the actor and checks the access table; every view and
change is audited. A call is personal data, so its page asks for a justification (kept per
sign-in, like a person's); the handler who records a call has given theirs by taking it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.calls.models import Call, CallDecision, CallStatus
from harbour.calls.policy import read_answers, suggest
from harbour.calls.rules import current_rules
from harbour.calls.schemas import (
    POLICE_OUTCOMES,
    CallerType,
    CallInput,
    Category,
    Highlight,
    Outcome,
    TriageAnswers,
    TriageSuggestion,
)
from harbour.errors import Conflict, NotFound
from harbour.people import service as people
from harbour.people.models import FLAGS, Person
from harbour.people.schemas import PersonCreate

SUBJECT = "call"
RECORDED_REASON = "Taking the call (recorded it)"
STALE = (
    "Someone else changed this call after you opened it. Reload it to see their change, "
    "then make yours again."
)
CALLER_TYPES = {
    CallerType.family: "Family or friend",
    CallerType.public: "Member of the public",
    CallerType.care_home: "Care home",
    CallerType.foster_carer: "Foster carer",
    CallerType.school: "School",
    CallerType.mental_health_unit: "NHS mental health unit",
    CallerType.hospital: "Hospital",
    CallerType.gp_surgery: "GP surgery",
    CallerType.ambulance: "Ambulance service",
    CallerType.social_care: "Social care",
    CallerType.housing: "Housing provider",
    CallerType.police: "Police (an officer or another force)",
    CallerType.other: "Other",
}
CATEGORIES = {
    Category.missing_person: "Missing person",
    Category.concern_for_welfare: "Concern for welfare",
    Category.health_walkout: "Walk-out or AWOL from a health setting",
    Category.transport: "Transport or conveyance",
    Category.s136_handover: "Section 136 handover",
    Category.crime: "Crime",
    Category.other: "Other",
}
OUTCOMES = {
    Outcome.police_attend: "Police attend",
    Outcome.missing_person_report: "Missing-person report (police attend)",
    Outcome.refer_partner: "Hand to a partner",
    Outcome.advice_only: "Advice only",
}
STATUSES = {
    CallStatus.awaiting_decision: "Awaiting decision",
    CallStatus.awaiting_supervisor: "Awaiting a supervisor",
    CallStatus.decided: "Decided",
}
WAITING = (CallStatus.awaiting_decision, CallStatus.awaiting_supervisor)
NOT_POLICE = tuple(o.value for o in Outcome if o not in POLICE_OUTCOMES)


def partners() -> dict[str, str]:
    """The partner agencies a call can be handed to, as the triage rules name them."""
    return dict(current_rules().partners)


def flush(session: Session) -> None:
    """Flush a call's change; a lost race is the "someone else changed this call" conflict
    (db.flush_or_conflict, which leaves the session usable for the page that says so)."""
    db.flush_or_conflict(session, STALE)


def check_version(call: Call, version: int) -> None:
    if version != call.version:
        raise Conflict(STALE)


# -- recording --------------------------------------------------------------------------------


def check_can_record(actor: Actor) -> None:
    access.require(actor, "call.record")


def record_call(
    session: Session,
    actor: Actor,
    data: CallInput,
    *,
    person_id: int | None = None,
    new_person: PersonCreate | None = None,
) -> Call:
    """Record a call as it comes in, about a known person, a new one or nobody yet."""
    access.require(actor, "call.record")
    if actor.organisation_id is None:
        raise Conflict("Only a member of an organisation can record a call")
    person = _person_to_link(session, actor, person_id, new_person)
    call = Call(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        received_at=data.received_at or clock.now(),
        narrative=data.narrative,
        caller=data.caller,
        caller_type=data.caller_type.value if data.caller_type else None,
        caller_relationship=data.caller_relationship,
        caller_contact=data.caller_contact,
        location_text=data.location_text,
        reference=data.reference,
        person_id=person.id if person else None,
        status=CallStatus.awaiting_decision,
        imported=False,
        recorded_by_id=actor.id,
    )
    session.add(call)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        call.id,
        after={
            "received_at": call.received_at.isoformat(),
            "caller_type": call.caller_type,
            "person_id": call.person_id,
            "reference": call.reference,
        },
    )
    if actor.session_id:
        audit.give_justification(session, actor, SUBJECT, call.id, RECORDED_REASON)
    return call


def _person_to_link(
    session: Session, actor: Actor, person_id: int | None, new_person: PersonCreate | None
) -> Person | None:
    if new_person is not None:
        return people.create_person(session, actor, new_person)
    if person_id is not None:
        return people.find_for_view(session, actor, person_id)
    return None


def link_person(
    session: Session,
    actor: Actor,
    call: Call,
    version: int,
    *,
    person_id: int | None = None,
    new_person: PersonCreate | None = None,
) -> Person:
    """Say who the call is about: someone on record, or a person recorded now."""
    access.require(actor, "call.record", call)
    check_live(call)
    check_version(call, version)
    person = _person_to_link(session, actor, person_id, new_person)
    if person is None:
        raise NotFound("Choose the person the call is about.")
    before = call.person_id
    call.person_id = person.id
    call.updated_at = clock.now()
    flush(session)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        call.id,
        before={"person_id": before},
        after={"person_id": person.id},
    )
    return person


def check_live(call: Call) -> None:
    if call.status is None:
        raise Conflict("This is an imported record of a past call: it cannot be changed.")


# -- reading ----------------------------------------------------------------------------------


def find(session: Session, actor: Actor, call_id: int, action: str = "person.view") -> Call:
    """Load a call the actor may see (404 out of scope), checking `action` on it."""
    return access.fetch(session, actor, Call, call_id, action)


def justification_for(session: Session, actor: Actor, call: Call) -> str | None:
    """The reason this sign-in gave for viewing the call, if it gave one."""
    return audit.justification_for(session, actor.session_id, SUBJECT, call.id)


def justify(session: Session, actor: Actor, call: Call, code: str | None, text: str | None) -> str:
    """Record why this sign-in is viewing the call (refused without a reason)."""
    reason = audit.compose_reason(code, text)
    audit.give_justification(session, actor, SUBJECT, call.id, reason)
    return reason


def record_view(session: Session, actor: Actor, call: Call, justification: str) -> None:
    """Log a view of the call and of the person it is about, with the reason given."""
    audit.record(session, actor, "view", SUBJECT, call.id, justification=justification)
    if call.person_id is not None:
        audit.record(
            session,
            actor,
            "view",
            people.SUBJECT,
            call.person_id,
            justification=f"{justification} (call {call.id})",
        )


def person_of(session: Session, call: Call) -> Person | None:
    return session.get(Person, call.person_id) if call.person_id else None


def age_at_call(person: Person | None, call: Call) -> int | None:
    if person is None:
        return None
    return timefmt.age(person.date_of_birth, timefmt.local(call.received_at).date())


def is_child(person: Person | None, call: Call) -> bool:
    """Tell whether the person the call is about was under 18 when it came in."""
    age = age_at_call(person, call)
    return age is not None and age < current_rules().child_age


def flags_of(person: Person | None) -> list[str]:
    return [FLAGS.get(f, f) for f in (person.flags or [])] if person else []


def decisions(session: Session, call: Call) -> list[CallDecision]:
    """The call's decision log, newest first."""
    return list(
        session.scalars(
            select(CallDecision)
            .where(CallDecision.call_id == call.id)
            .order_by(CallDecision.decided_at.desc(), CallDecision.id.desc())
        )
    )


def latest_decision(session: Session, call: Call) -> CallDecision | None:
    return session.scalar(
        select(CallDecision)
        .where(CallDecision.call_id == call.id)
        .order_by(CallDecision.id.desc())
        .limit(1)
    )


def text_of(session: Session, call: Call, update: str | None = None) -> str:
    """The narrative and every update given at a re-assessment (and `update`), as one text."""
    parts: list[str | None] = [call.narrative]
    parts += session.scalars(
        select(CallDecision.update_text)
        .where(CallDecision.call_id == call.id, CallDecision.update_text.is_not(None))
        .order_by(CallDecision.id)
    ).all()
    if update:
        parts.append(update)
    # End each part with a full stop, so that a cue in one never reaches a phrase in the next.
    return "\n\n".join(p.rstrip() + ("" if p.rstrip()[-1:] in ".!?" else ".") for p in parts if p)


def known_answers(person: Person | None, call: Call, answers: TriageAnswers) -> TriageAnswers:
    """Add what the record knows: a linked person under 18 makes the call about a child."""
    if is_child(person, call):
        return answers.model_copy(update={"child": True})
    return answers


def suggestion_for(
    call: Call, person: Person | None, text: str, answers: TriageAnswers | None = None
) -> TriageSuggestion:
    """The rules' suggestion for the call's text, with the handler's answers overriding it."""
    caller_type = CallerType(call.caller_type) if call.caller_type else None
    answers = answers or TriageAnswers()
    found = suggest(current_rules(), text, caller_type, known_answers(person, call, answers))
    if is_child(person, call) and answers.child is not True:
        # The record, not the handler, says so: give its reason instead of "the handler's answer".
        said = "About a child: yes (the handler's answer)"
        age = age_at_call(person, call)
        ours = f"About a child: yes \u2014 the person the call is about was {age}"
        found.reasons = [ours if reason == said else reason for reason in found.reasons]
    return found


def answers_read(call: Call, person: Person | None, text: str) -> TriageAnswers:
    """The RCRP answers as the narrative reads, to pre-fill the decision form."""
    caller_type = CallerType(call.caller_type) if call.caller_type else None
    return read_answers(
        current_rules(), text, caller_type, known_answers(person, call, TriageAnswers())
    )


@dataclass
class Segment:
    text: str
    highlight: Highlight | None
    number: int | None


def segments(text: str, highlights: list[Highlight]) -> list[Segment]:
    """Split the text into plain runs and highlighted phrases (numbered), for <mark>."""
    out: list[Segment] = []
    at = 0
    number = 0
    for h in sorted(highlights, key=lambda h: (h.start, -h.end)):
        if h.start < at or h.end > len(text):
            continue  # overlaps one already shown
        if h.start > at:
            out.append(Segment(text[at : h.start], None, None))
        number += 1
        out.append(Segment(text[h.start : h.end], h, number))
        at = h.end
    if at < len(text):
        out.append(Segment(text[at:], None, None))
    return out


def earlier_calls(session: Session, actor: Actor, call: Call, *, limit: int = 20) -> list[Call]:
    """Other calls about the same person or incident that the actor may see, newest first."""
    same = []
    if call.person_id is not None:
        same.append(Call.person_id == call.person_id)
    if call.reference:
        same.append(Call.reference == call.reference)
    if not same:
        return []
    return list(
        session.scalars(
            select(Call)
            .where(access.visible(actor, Call), Call.id != call.id, or_(*same))
            .order_by(Call.received_at.desc())
            .limit(limit)
        )
    )


def handover_overdue(call: Call, now: datetime | None = None) -> bool:
    """Tell whether the s136 handover is past its due time without being accepted."""
    if call.handover_due_at is None:
        return False
    done = call.handed_over_at
    return (done or now or clock.now()) > call.handover_due_at


def permissions(actor: Actor, call: Call | None = None) -> dict[str, bool]:
    """What the actor may do on a call's page (or on the boards, without a call)."""
    live = call is None or call.status is not None
    return {
        "record": live and access.can(actor, "call.record", call),
        "decide": live and access.can(actor, "call.decide", call),
        "confirm": live and access.can(actor, "call.close_child_advice_only", call),
        "outcomes": access.can(actor, "call.outcomes"),
    }
