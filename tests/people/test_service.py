"""People: recording, viewing with a justification, optimistic locking, search and scope."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Channel, Role
from harbour.audit.models import AuditEvent
from harbour.errors import Conflict, JustificationRequired, NotFound
from harbour.people import service as people
from harbour.people.schemas import PersonCreate, PersonUpdate
from tests.factories import actor_of, make_org, make_person, make_team, make_user


def _last_event(session: Session) -> AuditEvent:
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


def test_recording_a_person_is_owned_by_the_team_and_audited(session: Session) -> None:
    user = make_user(session)
    person = people.create_person(
        session, actor_of(user), PersonCreate(given_name="  Lily  ", family_name="Noone")
    )
    assert person.given_name == "Lily"
    assert person.team_id == user.team_id
    assert person.organisation_id == user.organisation_id
    event = _last_event(session)
    assert (event.action, event.subject_id) == ("create", str(person.id))
    assert event.after is not None and event.after["family_name"] == "Noone"


def test_a_person_needs_a_name_and_a_believable_birth_date() -> None:
    with pytest.raises(ValidationError, match="given name or a family name"):
        PersonCreate(given_name=" ", family_name=None)
    with pytest.raises(ValidationError, match="past"):
        PersonCreate(given_name="Future", date_of_birth=date(2999, 1, 1))


def test_viewing_needs_a_justification_and_is_logged_with_it(session: Session) -> None:
    user = make_user(session)
    person = make_person(session, user)
    actor = actor_of(user)
    with pytest.raises(JustificationRequired):
        people.view_person(session, actor, person.id, None)
    people.view_person(session, actor, person.id, "Risk review for report 123")
    event = _last_event(session)
    assert event.action == "view"
    assert event.justification == "Risk review for report 123"
    assert event.actor_role == "hub_officer"


def test_out_of_scope_is_not_found_even_before_a_justification(session: Session) -> None:
    person = make_person(session)
    stranger = actor_of(make_user(session, team=make_team(session, make_org(session))))
    with pytest.raises(NotFound):
        people.view_person(session, stranger, person.id, None)


def test_two_officers_cannot_silently_overwrite_each_other(session: Session) -> None:
    team = make_team(session)
    first, second = make_user(session, team=team), make_user(session, team=team)
    person = make_person(session, first, given_name="Original")
    seen = person.version
    people.update_person(
        session,
        actor_of(first),
        person.id,
        PersonUpdate(given_name="First edit", version=seen),
        "correcting spelling",
    )
    with pytest.raises(Conflict, match="Someone else changed"):
        people.update_person(
            session,
            actor_of(second),
            person.id,
            PersonUpdate(given_name="Second edit", version=seen),
            "correcting spelling",
        )
    assert person.given_name == "First edit"
    assert person.version == seen + 1
    event = _last_event(session)
    assert event.before is not None
    assert event.before["given_name"] == "Original"


def test_search_finds_by_part_of_either_name_within_scope(session: Session) -> None:
    team = make_team(session)
    user = make_user(session, team=team)
    make_person(session, user, given_name="Rosalind", family_name="Quayle")
    make_person(session, user, given_name="Quentin", family_name="Rose")
    make_person(
        session, make_user(session, team=make_team(session, make_org(session))), given_name="Rosa"
    )
    rows, total = people.list_people(session, actor_of(user), query="ros", page=1, per_page=10)
    assert total == 2
    assert {p.given_name for p in rows} == {"Rosalind", "Quentin"}


def test_api_lists_need_a_justification(session: Session) -> None:
    user = make_user(session)
    make_person(session, user)
    api_actor = actor_of(user, channel=Channel.api)
    with pytest.raises(JustificationRequired):
        people.list_people(session, api_actor, query=None, page=1, per_page=10)
    rows, _ = people.list_people(
        session, api_actor, query=None, page=1, per_page=10, justification="weekly return"
    )
    assert rows
    assert _last_event(session).justification == "weekly return"


def test_paging_returns_every_person_once(session: Session) -> None:
    user = make_user(session)
    made = {make_person(session, user, family_name=f"Pager{i:02d}").id for i in range(7)}
    seen: list[int] = []
    for page in (1, 2, 3):
        rows, total = people.list_people(
            session, actor_of(user), query="pager", page=page, per_page=3
        )
        seen += [p.id for p in rows]
    assert total == 7
    assert sorted(seen) == sorted(made)


def test_administrators_do_not_read_people(session: Session) -> None:
    team = make_team(session)
    person = make_person(session, make_user(session, team=team))
    admin = actor_of(make_user(session, Role.administrator, team=team))
    with pytest.raises(NotFound):
        people.view_person(session, admin, person.id, "curious")
