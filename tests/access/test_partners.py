"""The partner battery: every route of the matrix, as a partner practitioner, for a person an
agreement shares, a person it does not, and after the agreement ends.

The shared person's record holds a distinctive value in each field the agreement does not
share; the person outside it holds one in every field. A test fails if any of those values
appears in any response, whatever the route. The matrix (`test_matrix.MATRIX`) lists every
route, so a route added later is tried here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.episodes.models import Episode
from harbour.partners import service as partners
from harbour.partners.models import Meeting, MeetingChild
from harbour.partners.schemas import ChangeInput
from harbour.people.models import Person
from tests.access.test_matrix import MATRIX, PUBLIC, World, _build_world, _call
from tests.factories import (
    ADMIN,
    api_token,
    justify,
    make_agreement,
    make_partner,
    sign_in,
)

R = Role
# In the shared person's record, outside the agreement's field list.
WITHHELD = {
    "aliases": "Quillonbyrne",
    "social worker": "Marisol Thackeray",
    "address": "2 Matrix Street",
    "circumstances": "Zanzibarcircumstance",
    "meeting": "Quarantinedminutes",
}
SHARED_FIELDS = ["identity", "episodes"]


@dataclass
class Partnered:
    world: World
    partner: User
    agreement_id: int
    shared: Person
    outside: Person


def _canaries(session: Session, person_id: int) -> None:
    """Put the withheld values on a person's record and their episodes."""
    person = session.get(Person, person_id)
    assert person is not None
    person.social_worker_name = WITHHELD["social worker"]
    person.aliases = [WITHHELD["aliases"]]
    for episode in session.scalars(select(Episode).where(Episode.person_id == person_id)):
        episode.circumstances = WITHHELD["circumstances"]
    discussed = select(MeetingChild.meeting_id).where(MeetingChild.person_id == person_id)
    for meeting in session.scalars(select(Meeting).where(Meeting.id.in_(discussed))):
        meeting.information = meeting.minutes = WITHHELD["meeting"]
    session.flush()


def _partnered(session: Session) -> Partnered:
    world = _build_world(session)
    episode = session.get(Episode, world.ids["episode_id"])
    assert episode is not None
    for person_id in (world.ids["person_id"], episode.person_id):
        _canaries(session, person_id)
    outside_episode = session.get(Episode, world.other_ids["episode_id"])
    assert outside_episode is not None
    partner = make_partner(session)
    named = [session.get(Person, i) for i in {world.ids["person_id"], episode.person_id}]
    agreement = make_agreement(
        session,
        partner.organisation_id,
        named=[n for n in named if n is not None],
        fields=SHARED_FIELDS,
        reference=f"ISA-T-{partner.organisation_id}",
    )
    session.commit()
    shared = session.get(Person, world.ids["person_id"])
    outside = session.get(Person, outside_episode.person_id)
    assert shared is not None and outside is not None
    return Partnered(world, partner, agreement.id, shared, outside)


def _sweep(
    client: TestClient, session: Session, p: Partnered, ids: dict[str, int], banned: list[str]
) -> list[str]:
    """Every route as the partner; the routes whose response shows a banned value, or that
    changed something (a write answered with success)."""
    bearer = api_token(session, p.partner)
    leaks: list[str] = []
    for (method, path), case in sorted(MATRIX.items()):
        if case.permitted == PUBLIC or "token_id" in path:
            continue
        if method != "GET" and "{" not in path:
            continue  # signing out, marking notifications read: nothing of a record's

        response = _call(client, method, path, case, ids, bearer=bearer)
        body = response.text
        if response.headers.get("location", "").startswith("/sign-in"):
            leaks.append(f"{method} {path}: signed the partner out, so the sweep stopped")
            break
        found = [b for b in banned if b in body]
        if found:
            leaks.append(f"{method} {path}: {response.status_code} shows {found}")
        changing = method != "GET" and "{" in path and "justify" not in path
        if changing and response.status_code < 400:
            leaks.append(f"{method} {path}: {response.status_code} (a change was accepted)")
    return leaks


@pytest.fixture
def partnered(session: Session) -> Partnered:
    return _partnered(session)


def test_a_partner_sees_the_shared_person_by_the_field_list_and_nothing_withheld(
    client: TestClient, session: Session, partnered: Partnered
) -> None:
    p = partnered
    sign_in(client, p.partner.username)
    justify(client, p.shared.id, f"/people/{p.shared.id}")
    page = client.get(f"/people/{p.shared.id}")
    assert page.status_code == 200
    assert p.shared.family_name and p.shared.family_name in page.text
    assert "Not shared with you" in page.text and "Current address" in page.text
    episode = session.get(Episode, p.world.ids["episode_id"])
    assert episode is not None
    justify(client, episode.person_id, f"/people/{episode.person_id}")
    assert "Missing episodes" in client.get(f"/people/{episode.person_id}").text
    leaks = _sweep(client, session, p, p.world.ids, list(WITHHELD.values()))
    assert not leaks, "\n".join(leaks)
    # The view was a disclosure naming the agreement, the recipient and what was shared.
    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "disclose", AuditEvent.subject_id == str(p.shared.id))
        .order_by(AuditEvent.id.desc())
    )
    assert event is not None and event.after is not None
    assert event.after["agreements"] == [f"ISA-T-{p.partner.organisation_id}"]
    assert event.after["fields"] == sorted(SHARED_FIELDS)
    assert event.after["recipient_user"] == p.partner.username


def test_a_person_outside_every_agreement_is_not_found_anywhere(
    client: TestClient, session: Session, partnered: Partnered
) -> None:
    p = partnered
    _canaries(session, p.outside.id)
    session.commit()
    sign_in(client, p.partner.username)
    assert client.get(f"/people/{p.outside.id}").status_code == 404
    assert p.outside.family_name is not None
    banned = [p.outside.family_name, *WITHHELD.values()]
    leaks = _sweep(client, session, p, p.world.other_ids, banned)
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("change", ["end", "suspend"])
def test_ending_or_suspending_stops_access_on_the_next_request(
    client: TestClient, session: Session, partnered: Partnered, change: str
) -> None:
    p = partnered
    sign_in(client, p.partner.username)
    justify(client, p.shared.id, f"/people/{p.shared.id}")
    assert client.get(f"/people/{p.shared.id}").status_code == 200
    assert (
        client.get(
            f"/api/v1/people/{p.shared.id}",
            headers={
                "Authorization": f"Bearer {api_token(session, p.partner)}",
                "X-Justification": "battery test",
            },
        ).status_code
        == 200
    )
    agreement = partners.get_agreement(session, ADMIN, p.agreement_id)
    partners.change(
        session, ADMIN, p.agreement_id, change, ChangeInput(version=agreement.version, reason="x")
    )
    session.commit()
    assert client.get(f"/people/{p.shared.id}").status_code == 404
    people_list = client.get("/people")
    assert p.shared.family_name is not None
    assert p.shared.family_name not in people_list.text
    banned = [p.shared.family_name, *WITHHELD.values()]
    leaks = _sweep(client, session, p, p.world.ids, banned)
    assert not leaks, "\n".join(leaks)
