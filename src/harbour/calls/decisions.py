"""Decide a call: the RCRP test, THRIVE and the National Decision Model, one log row each time.

The rules for live calls (imported history is not decided):
- the handler answers the two RCRP questions (a crime that has happened or is happening; a real
  and immediate risk to life or of serious harm); a yes to either means police attend (R2);
- a missing person is always a missing-person report, which opens a missing episode through the
  episode service (or adds the call to the person's open one): never deflected;
- a call about a child (the linked person under 18, or the handler's answer) closed as advice only
  waits for a supervisor (`call.close_child_advice_only`) unless the decider is one;
- police attendance needs a response grade; a handover names the partner; an s136 handover
  records the arrival at the health setting, which starts the one-hour clock (R4);
- a re-assessment ("re-THRIVE") says what has changed, and its text joins the narrative.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.access.policy import scope_for
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.calls import records as calls
from harbour.calls.models import Call, CallDecision, CallStatus, DecisionKind
from harbour.calls.schemas import (
    POLICE_OUTCOMES,
    CallerType,
    Category,
    DecisionInput,
    HandoverInput,
    Outcome,
    TriageAnswers,
    TriageSuggestion,
)
from harbour.episodes import service as episodes
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person
from harbour.settings import get_settings
from harbour.tasks import service as tasks

SUPERVISOR_ACTION = "call.close_child_advice_only"
INFORMATION = ("information", "Information", "What you know: who, what, where, when")
THRIVE = {
    "threat": ("Threat", "What threat is there, and from whom or what?"),
    "harm": ("Harm", "What harm could come of it, and how serious would it be?"),
    "risk": ("Risk", "How likely is the harm, and how soon? Is the risk present and ongoing?"),
    "investigation": ("Investigation", "What needs finding out or investigating, and by whom?"),
    "vulnerability": (
        "Vulnerability",
        "Who is vulnerable, and can they protect themselves from harm or exploitation?",
    ),
    "engagement": ("Engagement", "Who needs to be involved: the caller, family, partners?"),
}
NDM = {
    "powers_policy": (
        "Powers and policy",
        "The law, guidance and local agreements that apply (for example the RCRP National "
        "Partnership Agreement, the Mental Health Act, the missing persons APP)",
    ),
    "options": ("Options", "The options you considered"),
    "action_taken": ("Action and review", "What will be done, by whom, and when to review it"),
}
KIND_LABELS = {
    DecisionKind.decision: "Decision",
    DecisionKind.reassessment: "Re-assessment (re-THRIVE)",
    DecisionKind.supervisor: "Supervisor agreed",
    DecisionKind.handover: "Handover accepted",
}


def response_grades() -> dict[str, str]:
    return dict(get_settings().call_response_grades)


def _problems(
    data: DecisionInput, call: Call, previous: CallDecision | None, person: Person | None
) -> dict[str, str]:
    """The RCRP rules the decision breaks (the schema's), and what the call itself needs."""
    errors = data.rules(data.model_dump())
    # A decision waiting for a supervisor may be replaced without anything new having happened.
    pending = call.status is CallStatus.awaiting_supervisor
    if previous is not None and not pending and not data.update_text:
        errors.setdefault("update_text", "Say what has changed since the last assessment")
    if data.outcome == Outcome.missing_person_report and person is None:
        errors["person"] = (
            "Say who is missing (link the person below): the report opens a missing episode "
            "for them"
        )
    return errors


def decide(session: Session, actor: Actor, call: Call, data: DecisionInput) -> CallDecision:
    """Record a decision on a call (a re-assessment if it has one), applying the rules above."""
    access.require(actor, "call.decide", call)
    calls.check_live(call)
    calls.check_version(call, data.version)
    previous = calls.latest_decision(session, call)
    person = calls.person_of(session, call)
    text = calls.text_of(session, call, data.update_text)
    suggestion = calls.suggestion_for(call, person, text, data.answers())
    read = calls.answers_read(call, person, text)
    errors = _problems(data, call, previous, person)
    if errors:
        raise ValidationFailed(data.summary, field_errors=errors)
    outcome = data.outcome
    child = calls.is_child(person, call) or bool(data.child)
    # A decision that keeps police away where the suggestion sent them (by any route: a changed
    # answer, a changed category) is a deflection, and waits for a supervisor's agreement.
    deflected = suggestion.outcome in POLICE_OUTCOMES and outcome not in POLICE_OUTCOMES
    child_advice = outcome is Outcome.advice_only and child
    needs_supervisor = (child_advice or deflected) and not access.can(
        actor, SUPERVISOR_ACTION, call
    )
    episode: Episode | None = None
    if outcome is Outcome.missing_person_report:
        assert person is not None
        episode = _missing_episode(session, actor, call, person, text)
    refer = outcome is Outcome.refer_partner
    decision = CallDecision(
        call_id=call.id,
        kind=DecisionKind.reassessment if previous else DecisionKind.decision,
        update_text=data.update_text,
        information=data.information,
        threat=data.threat,
        harm=data.harm,
        risk=data.risk,
        investigation=data.investigation,
        vulnerability=data.vulnerability,
        engagement=data.engagement,
        powers_policy=data.powers_policy,
        options=data.options,
        action_taken=data.action_taken,
        crime=bool(data.crime),
        risk_to_life=bool(data.risk_to_life),
        child=child,
        category=data.category,
        outcome=outcome.value,
        partner=data.partner if refer else None,
        partner_accepted_by=data.partner_accepted_by if refer else None,
        partner_accepted_at=data.partner_accepted_at if refer else None,
        partner_reference=data.partner_reference if refer else None,
        arrived_at=data.arrived_at if data.category == Category.s136_handover else None,
        response_grade=data.response_grade if outcome is Outcome.police_attend else None,
        rationale=data.rationale,
        caller_told=data.caller_told,
        read_crime=bool(read.crime),
        read_risk_to_life=bool(read.risk_to_life),
        suggested_outcome=suggestion.outcome.value,
        suggested=_suggested(suggestion),
        against_suggestion=outcome is not suggestion.outcome,
        needs_supervisor=needs_supervisor,
        episode_id=episode.id if episode else None,
        **_decider(actor),
    )
    session.add(decision)
    before = {"status": _value(call.status), "outcome": call.outcome}
    _apply(call, decision, episode)
    calls.flush(session)
    audit.record(
        session,
        actor,
        "decide",
        calls.SUBJECT,
        call.id,
        before=before,
        after={
            "decision": decision.id,
            "kind": decision.kind.value,
            "category": decision.category,
            "outcome": decision.outcome,
            "partner": decision.partner,
            "suggested": suggestion.outcome.value,
            "against_suggestion": decision.against_suggestion,
            "status": _value(call.status),
            "episode_id": call.episode_id,
        },
    )
    if needs_supervisor:
        _ask_supervisors(session, actor, call, deflected=deflected)
    return decision


def _value(status: CallStatus | None) -> str | None:
    return status.value if status else None


def _decider(actor: Actor) -> dict[str, Any]:
    return {
        "decided_by_id": actor.id,
        "decided_by_name": actor.display_name,
        "decided_by_role": actor.role.value if actor.role else "system",
        "decided_at": clock.now(),
    }


def _suggested(suggestion: TriageSuggestion) -> dict[str, Any]:
    return {
        "category": suggestion.category.value,
        "outcome": suggestion.outcome.value,
        "partner": suggestion.partner,
        "reasons": suggestion.reasons,
        "rules_version": suggestion.rules_version,
    }


def _apply(call: Call, decision: CallDecision, episode: Episode | None) -> None:
    """Copy the decision's outcome onto the call, and set or stop the s136 clock."""
    now = clock.now()
    call.status = (
        CallStatus.awaiting_supervisor if decision.needs_supervisor else CallStatus.decided
    )
    call.decided_at = None if decision.needs_supervisor else now
    call.category = decision.category
    call.outcome = decision.outcome
    call.partner = decision.partner
    if episode is not None:
        call.episode_id = episode.id
    minutes = get_settings().s136_handover_minutes
    arrived = decision.arrived_at
    call.handover_due_at = arrived + timedelta(minutes=minutes) if arrived else None
    call.handed_over_at = decision.partner_accepted_at
    call.updated_at = now


def _missing_episode(
    session: Session, actor: Actor, call: Call, person: Person, text: str
) -> Episode:
    """Open the missing episode the call reports, or add the call to the one already open."""
    source = call.caller or "The caller"
    kind = CallerType(call.caller_type) if call.caller_type else None
    relationship = call.caller_relationship or (calls.CALLER_TYPES[kind] if kind else "caller")
    contact = call.caller_contact
    ref = f", reference {call.reference}" if call.reference else ""
    circumstances = f"From call {call.id}{ref}: {text}"[:10_000]
    current = episodes.open_episode_of(session, person.id)
    if current is not None and current.status is EpisodeStatus.missing:
        episodes.add_information(
            session,
            actor,
            current,
            topic="circumstances",
            text=circumstances,
            given_by=f"{source} ({relationship})"[:200],
            contact=contact,
            given_at=call.received_at,
            version=current.version,
        )
        return current
    return episodes.report(
        session,
        actor,
        person,
        episodes.ReportInput(
            reporter_name=source[:200],
            reporter_relationship=relationship[:100],
            reporter_phone=contact if contact and len(contact) <= 30 else None,
            last_seen_text=call.location_text,
            circumstances=circumstances,
        ),
    )


def _supervisor_roles() -> list[Role]:
    return [role for role in Role if scope_for(role, SUPERVISOR_ACTION) is not None]


def _ask_supervisors(session: Session, actor: Actor, call: Call, *, deflected: bool) -> None:
    ids = tasks.users_with_roles(session, call.organisation_id, _supervisor_roles())
    if deflected:
        text = (
            f"{actor.display_name} asks a supervisor to agree keeping police away from call "
            f"{call.id}, against the suggestion that police attend."
        )
    else:
        text = (
            f"{actor.display_name} asks a supervisor to agree closing call {call.id}, about a "
            "child, as advice only."
        )
    tasks.notify(session, [i for i in ids if i != actor.id], text, f"/calls/{call.id}")


# Every field a log row repeats from the latest decision when it only adds to it.
_COPIED = (
    "information", "threat", "harm", "risk", "investigation", "vulnerability", "engagement",
    "powers_policy", "options", "action_taken", "crime", "risk_to_life", "child", "category",
    "outcome", "partner", "partner_accepted_by", "partner_accepted_at", "partner_reference",
    "arrived_at", "response_grade", "rationale", "caller_told", "read_crime", "read_risk_to_life",
    "suggested_outcome", "suggested", "against_suggestion", "episode_id",
)  # fmt: skip


def _copy(latest: CallDecision, actor: Actor, kind: DecisionKind, **changes: Any) -> CallDecision:
    """A new log row that repeats the latest decision with some changes (rows are never edited)."""
    values = {name: getattr(latest, name) for name in _COPIED} | changes
    return CallDecision(
        call_id=latest.call_id, kind=kind, needs_supervisor=False, **values, **_decider(actor)
    )


def confirm(
    session: Session, actor: Actor, call: Call, note: str | None, version: int
) -> CallDecision:
    """Agree, as a supervisor, to a decision that waits for one: a call about a child closed
    with advice only, or police kept away against the suggestion."""
    access.require(actor, SUPERVISOR_ACTION, call)
    calls.check_live(call)
    calls.check_version(call, version)
    latest = calls.latest_decision(session, call)
    if call.status is not CallStatus.awaiting_supervisor or latest is None:
        raise Conflict("This call is not waiting for a supervisor.")
    if not note:
        raise ValidationFailed(
            "Check your decision",
            field_errors={
                "note": "Say why advice only is right for this child"
                if latest.child and latest.outcome == Outcome.advice_only.value
                else "Say why you agree that police need not attend"
            },
        )
    row = _copy(latest, actor, DecisionKind.supervisor, rationale=note)
    session.add(row)
    call.status = CallStatus.decided
    call.decided_at = clock.now()
    call.updated_at = clock.now()
    calls.flush(session)
    audit.record(
        session,
        actor,
        "confirm",
        calls.SUBJECT,
        call.id,
        before={"status": CallStatus.awaiting_supervisor.value},
        after={"status": CallStatus.decided.value, "decision": row.id, "outcome": row.outcome},
    )
    text = f"{actor.display_name} agreed the decision on call {call.id}: advice only."
    tasks.notify(session, [latest.decided_by_id], text, f"/calls/{call.id}")
    return row


def record_handover(
    session: Session,
    actor: Actor,
    call: Call,
    data: HandoverInput,
    *,
    authority: tuple[str, object] | None = None,
) -> CallDecision:
    """Record that the partner accepted the call (which stops an s136 clock): by the call
    handler who heard them accept, or by the partner accepting a referral of the call in
    Harbour (`authority`: the action and record that allow it, `referral.decide` on the
    referral), which the partner's practitioner may take without seeing the call itself."""
    action, record = authority or ("call.decide", call)
    access.require(actor, action, record)
    calls.check_live(call)
    calls.check_version(call, data.version)
    latest = calls.latest_decision(session, call)
    if latest is None or call.outcome != Outcome.refer_partner.value:
        raise Conflict("This call was not handed to a partner.")
    if call.handed_over_at is not None:
        raise Conflict("The handover has already been recorded.")
    accepted_by, accepted_at, reference = data.accepted_by, data.accepted_at, data.reference
    row = _copy(
        latest,
        actor,
        DecisionKind.handover,
        partner_accepted_by=accepted_by,
        partner_accepted_at=accepted_at,
        partner_reference=reference or latest.partner_reference,
    )
    session.add(row)
    call.handed_over_at = accepted_at
    call.updated_at = clock.now()
    calls.flush(session)
    audit.record(
        session,
        actor,
        "handover",
        calls.SUBJECT,
        call.id,
        after={
            "decision": row.id,
            "partner": row.partner,
            "accepted_at": accepted_at.isoformat() if accepted_at else None,
            "late": calls.handover_overdue(call),
        },
    )
    return row


# -- the form ---------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "") if value is not None else ""


def form_values(
    call: Call,
    person: Person | None,
    latest: CallDecision | None,
    suggestion: TriageSuggestion,
    read: TriageAnswers,
) -> dict[str, str]:
    """Fill the decision form: from the latest decision, else from the suggestion."""
    if latest is not None:
        values = {
            name: _yes_no(value) if isinstance(value, bool) else (value or "")
            for name in _COPIED
            if not isinstance(value := getattr(latest, name), dict | datetime)
        }
        for name in ("against_suggestion", "episode_id", "read_crime", "read_risk_to_life"):
            values.pop(name, None)
        values.pop("suggested_outcome", None)
        for name in ("arrived_at", "partner_accepted_at"):
            for part, text in timefmt.local_parts(getattr(latest, name)).items():
                values[f"{name}_{part}"] = text
        return values
    child = True if calls.is_child(person, call) else read.child
    return {
        "category": suggestion.category.value,
        "outcome": suggestion.outcome.value,
        "partner": suggestion.partner or "",
        "crime": _yes_no(read.crime),
        "risk_to_life": _yes_no(read.risk_to_life),
        "child": _yes_no(child),
    }
