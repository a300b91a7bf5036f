"""Calls from record to decision: the RCRP rules, the decision log, re-THRIVE, the s136 clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent, ViewJustification
from harbour.auth.models import User
from harbour.calls import boards, decisions
from harbour.calls import records as calls
from harbour.calls.models import Call, CallStatus, DecisionKind
from harbour.calls.schemas import TriageAnswers
from harbour.episodes import service as episodes
from harbour.episodes.models import Episode, EpisodeInformation, EpisodeStatus
from harbour.errors import Conflict, Forbidden, NotFound, ValidationFailed
from harbour.people.models import Person
from harbour.tasks.models import Notification
from tests.factories import actor_of, make_call, make_person, make_team, make_user

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
WALKOUT = (
    "Charge nurse on Willow Ward reports that an informal patient left the ward at 14:00 and has "
    "not come back. No immediate risk, not suicidal, he has capacity."
)
NOT_HOME = "Mother says Leo, 13, has not come home since school. Not seen since 15:30."
ADVICE = "Caller asks for advice: her daughter keeps staying out late. She is at a friend's house."
S136 = "Officers have detained a man under section 136 and are at the hospital place of safety."


def _child(session: Session, owner: User, years: int = 13, **fields: Any) -> Person:
    today = clock.now().date()
    born = date(today.year - years, 1, 1) if today.month > 1 else date(today.year - years - 1, 1, 1)
    return make_person(session, owner, date_of_birth=born, **fields)


def _input(call: Call, **changes: Any) -> decisions.DecisionInput:
    base: dict[str, Any] = {
        "crime": False,
        "risk_to_life": False,
        "child": None,
        "category": "health_walkout",
        "outcome": "refer_partner",
        "partner": "nhs_mental_health",
        "information": "Informal patient left Willow Ward at 14:00",
        "threat": "None stated",
        "harm": "Low: has capacity",
        "risk": "Low; not present and ongoing",
        "investigation": "None by police",
        "vulnerability": "Mental health need; voluntary patient",
        "engagement": "Ward staff keep trying his phone",
        "rationale": "No crime and no real and immediate risk: the ward keeps its duty of care",
        "caller_told": "Police will not attend; call back if the risk changes",
        "version": call.version,
    }
    return decisions.DecisionInput.of(**(base | changes))


def test_recording_a_call_logs_it_and_justifies_the_handlers_view(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    assert call.status is CallStatus.awaiting_decision and not call.imported
    created = session.scalar(
        select(AuditEvent).where(AuditEvent.subject_type == "call", AuditEvent.action == "create")
    )
    assert created is not None and created.subject_id == str(call.id)
    reason = session.scalar(
        select(ViewJustification.reason).where(
            ViewJustification.subject_type == "call", ViewJustification.subject_id == str(call.id)
        )
    )
    assert reason == calls.RECORDED_REASON


def test_the_suggestion_marks_the_phrases_it_relied_on(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    text = calls.text_of(session, call)
    unanswered = calls.suggestion_for(call, None, text)
    assert unanswered.outcome.value == "missing_person_report"  # missing until answered (A2)
    answers = TriageAnswers(crime=False, risk_to_life=False)
    found = calls.suggestion_for(call, None, text, answers)
    assert (found.category.value, found.outcome.value) == ("health_walkout", "refer_partner")
    marked = [s for s in calls.segments(text, found.highlights) if s.highlight]
    assert "".join(s.text for s in calls.segments(text, found.highlights)) == text
    assert any("suicidal" in s.text for s in marked)
    read = calls.answers_read(call, None, text)
    assert read.crime is False and read.risk_to_life is False


def test_a_walk_out_handed_to_the_nhs_is_decided_and_logged(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    accepted = clock.now() - timedelta(minutes=5)
    decision = decisions.decide(
        session,
        actor_of(handler),
        call,
        _input(
            call, partner_accepted_by="Dana Reeve, nurse in charge", partner_accepted_at=accepted
        ),
    )
    assert call.status is CallStatus.decided and call.outcome == "refer_partner"
    assert call.handed_over_at == accepted and call.handover_due_at is None
    assert decision.kind is DecisionKind.decision and not decision.against_suggestion
    assert decision.suggested["outcome"] == "refer_partner"
    assert decision.decided_by_role == "call_handler"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "decide"))
    assert event is not None and event.after and event.after["outcome"] == "refer_partner"


def test_a_missing_person_outcome_always_opens_a_missing_episode(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    leo = _child(session, handler, given_name="Leo")
    call = make_call(session, handler, leo, narrative=NOT_HOME, caller_type="family")
    decision = decisions.decide(
        session,
        actor_of(handler),
        call,
        _input(call, category="missing_person", outcome="missing_person_report", partner=None),
    )
    episode = session.get(Episode, call.episode_id)
    assert episode is not None and decision.episode_id == episode.id
    assert episode.person_id == leo.id and episode.status is EpisodeStatus.missing
    assert episode.reporter_name == "Jo Example" and "Not seen since 15:30" in (
        episode.circumstances or ""
    )
    # A second call about him adds to the open episode instead of opening another.
    again = make_call(session, handler, leo, narrative="Leo's friend says he was at the park.")
    decisions.decide(
        session,
        actor_of(handler),
        again,
        _input(again, category="missing_person", outcome="missing_person_report", partner=None),
    )
    assert again.episode_id == episode.id
    items = session.scalars(
        select(EpisodeInformation.text).where(EpisodeInformation.episode_id == episode.id)
    ).all()
    assert any("at the park" in text for text in items)
    assert (
        session.scalar(
            select(Episode.id).where(Episode.id != episode.id, Episode.person_id == leo.id)
        )
        is None
    )


def test_a_missing_person_is_never_deflected(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=NOT_HOME)
    with pytest.raises(ValidationFailed) as refused:
        decisions.decide(session, actor_of(handler), call, _input(call, category="missing_person"))
    assert "never deflected" in refused.value.field_errors["outcome"]
    # Without a person to report missing, the report cannot be made: the handler must link one.
    with pytest.raises(ValidationFailed) as no_person:
        decisions.decide(
            session,
            actor_of(handler),
            call,
            _input(call, category="missing_person", outcome="missing_person_report"),
        )
    assert "person" in no_person.value.field_errors
    assert call.status is CallStatus.awaiting_decision and call.episode_id is None


@pytest.mark.parametrize("answer", ["crime", "risk_to_life"])
def test_a_yes_to_either_rcrp_question_means_police_attend(session: Session, answer: str) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    with pytest.raises(ValidationFailed) as refused:
        decisions.decide(session, actor_of(handler), call, _input(call, **{answer: True}))
    assert "RCRP test says police attend" in refused.value.field_errors["outcome"]
    with pytest.raises(ValidationFailed) as no_grade:
        decisions.decide(
            session,
            actor_of(handler),
            call,
            _input(call, outcome="police_attend", **{answer: True}),
        )
    assert "response_grade" in no_grade.value.field_errors
    decision = decisions.decide(
        session,
        actor_of(handler),
        call,
        _input(call, outcome="police_attend", response_grade="immediate", **{answer: True}),
    )
    assert decision.partner is None and decision.response_grade == "immediate"
    assert not decision.against_suggestion  # with the handler's yes, Harbour suggests police
    assert decision.suggested_outcome == "police_attend"
    assert getattr(decision, f"read_{answer}") is False  # the narrative alone read no


def test_every_step_of_the_assessment_is_required(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler)
    blank = dict.fromkeys(
        ("information", *decisions.THRIVE, "rationale", "caller_told", "crime", "risk_to_life")
    )
    with pytest.raises(ValidationFailed) as refused:
        decisions.decide(session, actor_of(handler), call, _input(call, partner=None, **blank))
    assert set(blank) | {"partner"} <= set(refused.value.field_errors)
    # Given every step, the service still refuses what the rules rule out.
    with pytest.raises(ValidationFailed) as refused:
        decisions.decide(session, actor_of(handler), call, _input(call, partner=None))
    assert set(refused.value.field_errors) == {"partner"}


def test_a_childs_call_closed_as_advice_only_waits_for_a_supervisor(session: Session) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    sergeant = make_user(session, Role.sergeant, team=team)
    amy = _child(session, handler, years=15, given_name="Amy")
    call = make_call(session, handler, amy, narrative=ADVICE, caller_type="family")
    # The handler's "no" does not make a 15-year-old an adult: the record decides.
    advice = _input(
        call, category="concern_for_welfare", outcome="advice_only", partner=None, child=False
    )
    decision = decisions.decide(session, actor_of(handler), call, advice)
    assert decision.needs_supervisor and decision.child
    assert call.status is CallStatus.awaiting_supervisor and call.decided_at is None
    told = session.scalars(
        select(Notification.user_id).where(Notification.link == f"/calls/{call.id}")
    )
    assert sergeant.id in set(told)
    with pytest.raises(Forbidden):
        decisions.confirm(session, actor_of(handler), call, "I agree with myself", call.version)
    with pytest.raises(ValidationFailed):
        decisions.confirm(session, actor_of(sergeant), call, None, call.version)
    agreed = decisions.confirm(
        session, actor_of(sergeant), call, "Safe at a friend's; mother advised", call.version
    )
    assert agreed.kind is DecisionKind.supervisor and agreed.outcome == "advice_only"
    assert call.status is CallStatus.decided and call.decided_at is not None
    assert [d.kind for d in calls.decisions(session, call)] == [
        DecisionKind.supervisor,
        DecisionKind.decision,
    ]
    with pytest.raises(Conflict):
        decisions.confirm(session, actor_of(sergeant), call, "Again", call.version)


def test_a_handlers_child_answer_counts_and_a_supervisor_decides_at_once(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=ADVICE, caller_type="family")
    advice = {"category": "concern_for_welfare", "outcome": "advice_only", "partner": None}
    decision = decisions.decide(
        session, actor_of(handler), call, _input(call, child=True, **advice)
    )
    assert decision.needs_supervisor
    sergeant = make_user(session, Role.sergeant)
    other = make_call(session, sergeant, narrative=ADVICE, caller_type="family")
    own = decisions.decide(session, actor_of(sergeant), other, _input(other, child=True, **advice))
    assert not own.needs_supervisor and other.status is CallStatus.decided


def test_re_thrive_adds_a_row_and_reads_the_update(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    first = decisions.decide(session, actor_of(handler), call, _input(call))
    with pytest.raises(ValidationFailed) as refused:
        decisions.decide(session, actor_of(handler), call, _input(call))
    assert "update_text" in refused.value.field_errors
    update = "He has phoned his sister saying he has a knife and wants to end his life."
    found = calls.suggestion_for(call, None, calls.text_of(session, call, update))
    assert found.outcome.value == "police_attend"
    second = decisions.decide(
        session,
        actor_of(handler),
        call,
        _input(
            call,
            update_text=update,
            risk_to_life=True,
            outcome="police_attend",
            response_grade="immediate",
            partner=None,
        ),
    )
    assert second.kind is DecisionKind.reassessment and second.id != first.id
    assert calls.latest_decision(session, call) is second
    assert first.outcome == "refer_partner"  # the first row is never changed
    assert update in calls.text_of(session, call)
    assert call.outcome == "police_attend" and call.partner is None


def test_the_s136_handover_clock(session: Session) -> None:
    handler = make_user(session, Role.officer)
    with clock.frozen(T0) as advance:
        call = make_call(session, handler, narrative=S136, caller_type="police")
        s136 = {"category": "s136_handover", "partner": "nhs_mental_health"}
        with pytest.raises(ValidationFailed) as refused:
            decisions.decide(session, actor_of(handler), call, _input(call, **s136))
        assert "arrived_at" in refused.value.field_errors
        arrived = T0 - timedelta(minutes=10)
        decisions.decide(session, actor_of(handler), call, _input(call, arrived_at=arrived, **s136))
        assert call.handover_due_at == arrived + timedelta(hours=1)
        assert not calls.handover_overdue(call)
        waiting = boards.handovers_waiting(session, actor_of(handler))
        assert [row.call.id for row in waiting] == [call.id]
        advance(timedelta(minutes=51))
        assert calls.handover_overdue(call)
        with pytest.raises(ValidationFailed):
            decisions.record_handover(
                session,
                actor_of(handler),
                call,
                decisions.HandoverInput.of(
                    accepted_by=None,
                    accepted_at=None,
                    reference=None,
                    version=call.version,
                ),
            )
        row = decisions.record_handover(
            session,
            actor_of(handler),
            call,
            decisions.HandoverInput.of(
                accepted_by="Dr Ama Mensah, duty psychiatrist",
                accepted_at=clock.now(),
                reference="POS-123",
                version=call.version,
            ),
        )
        assert row.kind is DecisionKind.handover and row.arrived_at == arrived
        assert call.handed_over_at is not None and calls.handover_overdue(call)  # late
        assert boards.handovers_waiting(session, actor_of(handler)) == []
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "handover"))
        assert event is not None and event.after and event.after["late"] is True
        with pytest.raises(Conflict):
            decisions.record_handover(
                session,
                actor_of(handler),
                call,
                decisions.HandoverInput.of(
                    accepted_by="Again",
                    accepted_at=clock.now(),
                    reference=None,
                    version=call.version,
                ),
            )


def test_a_stale_version_is_refused(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    seen = call.version
    decisions.decide(session, actor_of(handler), call, _input(call))
    assert call.version == seen + 1
    with pytest.raises(Conflict, match="Someone else changed this call"):
        decisions.decide(
            session, actor_of(handler), call, _input(call, version=seen, update_text="More")
        )
    with pytest.raises(Conflict):
        calls.link_person(session, actor_of(handler), call, seen, person_id=None)


def test_repeat_calls_about_a_person_are_linked_within_scope(session: Session) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    maya = make_person(session, handler, given_name="Maya")
    first = make_call(session, handler, maya)
    later = make_call(session, handler, narrative="Another call with no person yet.")
    calls.link_person(session, actor_of(handler), later, later.version, person_id=maya.id)
    assert [c.id for c in calls.earlier_calls(session, actor_of(handler), later)] == [first.id]
    outsider = make_user(session, Role.call_handler)
    with pytest.raises(NotFound):
        calls.find(session, actor_of(outsider), later.id)


def test_imported_calls_are_history_and_cannot_be_decided(session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    call = Call(
        organisation_id=handler.organisation_id,
        received_at=T0,
        narrative="Imported narrative",
        imported=True,
    )
    session.add(call)
    session.flush()
    with pytest.raises(Conflict, match="imported"):
        decisions.decide(session, actor_of(handler), call, _input(call))
    assert not calls.permissions(actor_of(handler), call)["decide"]


def test_outcomes_count_the_deflections_for_supervisors(session: Session) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    inspector = make_user(session, Role.inspector, team=team)
    walkout = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    decisions.decide(session, actor_of(handler), walkout, _input(walkout))
    # Harbour suggests police for a missing child; the handler hands it to social care instead.
    child_call = make_call(session, handler, narrative=NOT_HOME, caller_type="family")
    decisions.decide(
        session,
        actor_of(handler),
        child_call,
        _input(
            child_call,
            category="concern_for_welfare",
            partner="childrens_social_care",
            rationale="Known to social care; they will visit",
        ),
    )
    # Keeping police away against the suggestion waits for a supervisor, who agrees here.
    assert child_call.status is CallStatus.awaiting_supervisor
    decisions.confirm(
        session, actor_of(inspector), child_call, "Social care have her", child_call.version
    )
    # The narrative reads a risk to life; the handler answers no and hands it on: an override.
    risky = make_call(
        session,
        handler,
        narrative=WALKOUT.replace("No immediate risk, not suicidal", "He said he wants to die"),
        caller_type="mental_health_unit",
    )
    decisions.decide(session, actor_of(handler), risky, _input(risky))
    since, until = boards.period(7)
    with pytest.raises(Forbidden):
        boards.outcomes(session, actor_of(handler), since, until)
    lines = {
        line.category: line for line in boards.outcomes(session, actor_of(inspector), since, until)
    }
    assert lines["health_walkout"].counts == {"refer_partner": 2}
    assert (lines["health_walkout"].against, lines["health_walkout"].overridden) == (0, 1)
    assert lines["concern_for_welfare"].not_police == 1
    assert lines["concern_for_welfare"].against == 1
    rows, total = boards.decided(
        session,
        actor_of(inspector),
        since,
        until,
        category=None,
        outcome="not_police",
        page=1,
        per_page=1,
    )
    assert total == 3 and len(rows) == 1
    assert rows[0].call.id == risky.id  # newest first
    nothing, none = boards.decided(
        session,
        actor_of(inspector),
        since,
        until,
        category=None,
        outcome="police_attend",
        page=1,
        per_page=5,
    )
    assert (nothing, none) == ([], 0)


def test_the_awaiting_board_pages_oldest_first(session: Session) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    with clock.frozen(T0) as advance:
        made = []
        for _ in range(3):
            made.append(make_call(session, handler))
            advance(timedelta(minutes=5))
    rows, total = boards.awaiting(session, actor_of(handler), page=2, per_page=2)
    assert total == 3 and [row.call.id for row in rows] == [made[2].id]
    rows, _ = boards.awaiting(session, actor_of(handler), page=1, per_page=2)
    assert [row.call.id for row in rows] == [made[0].id, made[1].id]
    analyst = make_user(session, Role.analyst, team=team)
    with pytest.raises(Forbidden):
        boards.awaiting(session, actor_of(analyst))


def test_a_new_person_can_be_recorded_with_the_call(session: Session) -> None:
    from harbour.people.schemas import PersonCreate

    handler = make_user(session, Role.call_handler)
    call = calls.record_call(
        session,
        actor_of(handler),
        calls.CallInput(
            caller="Sam",
            caller_type=None,
            caller_relationship=None,
            caller_contact=None,
            location_text=None,
            narrative=NOT_HOME,
        ),
        new_person=PersonCreate(
            given_name="Leo", family_name="Fairweather", date_of_birth=date(2013, 5, 1)
        ),
    )
    person = calls.person_of(session, call)
    assert person is not None and person.family_name == "Fairweather"
    assert episodes.open_episode_of(session, person.id) is None


def test_a_supervisor_may_decide_differently_instead_of_agreeing(session: Session) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    sergeant = make_user(session, Role.sergeant, team=team)
    call = make_call(session, handler, narrative=ADVICE, caller_type="family")
    advice = {"category": "concern_for_welfare", "outcome": "advice_only", "partner": None}
    decisions.decide(session, actor_of(handler), call, _input(call, child=True, **advice))
    instead = _input(
        call,
        child=True,
        category="concern_for_welfare",
        partner="childrens_social_care",
        rationale="Third call this month: children's social care should know",
    )
    decision = decisions.decide(session, actor_of(sergeant), call, instead)
    assert decision.kind is DecisionKind.reassessment and decision.update_text is None
    assert call.status is CallStatus.decided and call.partner == "childrens_social_care"


def test_keeping_police_away_against_the_suggestion_waits_for_a_supervisor(
    session: Session,
) -> None:
    """A deflection by any route (here: the category changed) needs a supervisor."""
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    sergeant = make_user(session, Role.sergeant, team=team)
    adult = make_person(session, handler, date_of_birth=date(1960, 1, 1))
    call = make_call(
        session, handler, adult, narrative="Nobody knows where my dad is, he went out this morning."
    )
    suggested = calls.suggestion_for(call, adult, calls.text_of(session, call))
    assert suggested.outcome.value == "missing_person_report"
    decision = decisions.decide(
        session,
        actor_of(handler),
        call,
        _input(call, category="concern_for_welfare", outcome="advice_only", partner=None),
    )
    assert decision.needs_supervisor and call.status is CallStatus.awaiting_supervisor
    agreed = decisions.decide(
        session,
        actor_of(sergeant),
        call,
        _input(
            call,
            category="concern_for_welfare",
            outcome="advice_only",
            partner=None,
            update_text="Spoke to him: he is at his brother's",
        ),
    )
    assert not agreed.needs_supervisor  # a supervisor's own decision needs no one else
