"""Strategy meetings and MACE panels: recorded with their decisions and actions (tasks), seen by
partners through the children their agreements share for meetings, the minutes only when every
child discussed is shared."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import agreements
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.errors import NotFound, ValidationFailed
from harbour.partners import meetings
from harbour.partners.meetings import Action, Decision, MeetingInput
from harbour.people.models import Person
from harbour.tasks import service as tasks
from harbour.tasks.models import Task
from tests.factories import (
    actor_of,
    make_agreement,
    make_colleague,
    make_partner,
    make_person,
    make_user,
    sign_in,
)

MINUTES = "Both girls are collected by the same grey car near the chicken shop."


def _partner(session: Session, named: list[Person], fields: list[str]) -> User:
    partner = make_partner(session)
    make_agreement(
        session,
        partner.organisation_id,
        named=named,
        fields=fields,
        reference=f"ISA-M-{partner.organisation_id}",
    )
    return partner


def _meeting(session: Session, hub: User, first: Person, second: Person) -> meetings.Meeting:
    colleague = make_colleague(session, hub, Role.exploitation_investigator)
    return meetings.record(
        session,
        actor_of(hub),
        MeetingInput(
            kind="strategy",
            held_at=clock.now() - timedelta(hours=1),
            chair="Team manager, children's social care",
            location="Beth's school",
            attendees=[meetings.Attendee(name="Mum of Beth", role="parent")],
            child_ids=[first.id, second.id],
            information="Police: both found at the same flat. School: absent on Fridays.",
            decisions=[
                Decision(kind="s47", person_id=first.id, text="Section 47 enquiry for Amy"),
                Decision(kind="disruption", text="Disruption plan for the flat"),
            ],
            actions=[
                Action(
                    title="Visit the flat with licensing",
                    person_id=first.id,
                    owner_id=colleague.id,
                    due_on=agreements.today() + timedelta(days=3),
                )
            ],
            minutes=MINUTES,
        ),
    )


def test_a_meeting_is_recorded_with_its_actions_as_tasks(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    amy, beth = make_person(session, hub), make_person(session, hub)
    owed = tasks.open_task(
        session,
        actor_of(hub),
        organisation_id=hub.organisation_id,
        team_id=hub.team_id,
        kind="strategy_meeting",
        title="Hold a strategy meeting",
        person_id=amy.id,
    )
    meeting = _meeting(session, hub, amy, beth)
    task = session.scalar(select(Task).where(Task.kind == "meeting_action"))
    assert task is not None and task.person_id == amy.id and task.owner_id is not None
    assert task.due_at is not None and f"meeting {meeting.id}" in (task.trigger or "")
    assert owed.done_at is not None and owed.result == f"Held: meeting {meeting.id}"
    shown = meetings.show(session, actor_of(hub), meeting.id)
    assert shown.whole and shown.others == 0 and len(shown.decisions) == 2
    assert [t.id for t in shown.actions] == [task.id]


def test_a_meeting_needs_a_child_and_a_known_owner(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    with pytest.raises(ValidationFailed) as caught:
        meetings.record(
            session,
            actor_of(hub),
            MeetingInput(
                kind="mace",
                held_at=clock.now(),
                chair="DI Example",
                information="x",
                actions=[Action(title="Visit", owner_id=999_999)],
            ),
        )
    assert set(caught.value.field_errors) == {"child_ids", "action_1_owner"}


def test_a_partner_sees_only_its_children_and_not_the_minutes_of_others(
    session: Session,
) -> None:
    hub = make_user(session, Role.hub_officer)
    amy, beth = make_person(session, hub), make_person(session, hub)
    meeting = _meeting(session, hub, amy, beth)
    partner = _partner(session, [amy], ["meetings"])
    assert [m.id for m in meetings.listed(session, actor_of(partner))] == [meeting.id]
    shown = meetings.show(session, actor_of(partner), meeting.id)
    assert [c.id for c in shown.children] == [amy.id] and shown.others == 1
    assert not shown.whole
    assert [d.kind for d in shown.decisions] == ["s47"]  # not the one about all of them
    assert len(shown.actions) == 1
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.subject_type == "meeting", AuditEvent.action == "disclose"
        )
    )
    assert event is not None and event.after == {
        "agreements": [f"ISA-M-{partner.organisation_id}"],
        "recipient": partner.organisation_id,
        "recipient_user": partner.username,
        "children": [amy.id],
        "minutes": False,
    }
    both = _partner(session, [amy, beth], ["meetings"])
    assert meetings.show(session, actor_of(both), meeting.id).whole
    without = _partner(session, [amy, beth], ["episodes"])
    assert meetings.listed(session, actor_of(without)) == []
    with pytest.raises(NotFound):
        meetings.show(session, actor_of(without), meeting.id)


def test_the_partner_page_withholds_the_minutes(client: TestClient, session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    amy, beth = make_person(session, hub), make_person(session, hub)
    meeting = _meeting(session, hub, amy, beth)
    partner = _partner(session, [amy], ["meetings"])
    session.commit()
    sign_in(client, partner.username)
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200
    assert MINUTES not in page.text and "Withheld: the minutes speak" in page.text
    assert "Mum of Beth" not in page.text and "Beth's school" not in page.text
    assert amy.display_name in page.text and beth.display_name not in page.text
    home = client.get("/")
    assert f"/meetings/{meeting.id}" in home.text
