"""A person's whole record: the summary and the timeline, composed from each domain's services.

The casefile owns no data. It reads the person (people), their missing episodes (episodes), the
work opened about them (tasks), their screenings, NRM referrals and warning notices
(exploitation) and the record's change history (audit), each through that domain's service and
its access checks, so that a page of a person's record is put together in one place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.episodes import service as episodes
from harbour.exploitation import service as exploitation
from harbour.people import service as people
from harbour.people.models import ETHNICITIES, Person
from harbour.tasks import service as tasks


def summary(session: Session, actor: Actor, person_id: int, reason: str) -> dict[str, Any]:
    """The person's facts and recent changes, the view logged with the reason given."""
    person = people.view_person(session, actor, person_id, reason)
    return {
        "person": person,
        "phones": people.phones_of(session, person_id),
        "photo": people.current_photo(session, person_id),
        "address": people.current_address(session, person),
        "history": people.history(session, person_id, limit=20),
        "ethnicities": ETHNICITIES,
        "reason": reason,
        "can_edit": people.can_update(actor, person),
    }


def timeline(session: Session, actor: Actor, person: Person, reason: str) -> dict[str, Any]:
    """Every missing episode of the person, newest first, the tasks opened about them, and their
    exploitation screenings, referrals and notices; the view logged with the reason given."""
    people.view_person(session, actor, person.id, reason)
    history = episodes.episodes_of(session, actor, person)
    person_tasks = tasks.tasks_of(session, actor, person_id=person.id)
    return {
        "person": person,
        "episodes": history,
        "hours": {e.id: episodes.hours_missing(e) for e in history},
        "places": episodes.place_labels(session, [e.found_place_id for e in history]),
        "tasks": person_tasks,
        "owners": tasks.owner_names(session, person_tasks),
        "kinds": tasks.KINDS,
        "outcomes": episodes.OUTCOMES,
        "can_report": episodes.permissions_to_report(actor),
        "screening": exploitation.panel(session, actor, person),
    }
