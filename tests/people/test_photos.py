"""Photos of the person: checked as an episode's are, kept on the record, the newest the current
photo on the identity bar; each upload audited, each look at one logged with its reason."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.audit import service as audit
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.episodes import service as episodes
from harbour.errors import Conflict, Forbidden, NotFound, ValidationFailed
from harbour.people import photos
from harbour.people import service as people
from harbour.people.models import Person, PersonPhoto
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_episode,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def _add(
    session: Session, user: User, person: Person, data: bytes = PNG, **values: object
) -> PersonPhoto:
    given = {"description": None, "taken_on": None, "justification": None} | values
    return photos.add_photo(
        session, actor_of(user), person.id, data, version=person.version, **given
    )


def _events(session: Session, person: Person) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "person", AuditEvent.subject_id == str(person.id))
            .order_by(AuditEvent.seq)
        )
    )


def test_one_photo_check_for_people_and_episodes() -> None:
    # The episode's photographs are checked by the person's rule, not a copy of it.
    assert episodes.photo_type is photos.photo_type
    assert episodes.PHOTO_MAX_BYTES == photos.PHOTO_MAX_BYTES == 5 * 1024 * 1024
    assert photos.photo_type(JPEG) == "image/jpeg"
    assert photos.photo_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert photos.photo_type(b"GIF89a") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose a photograph to upload"),
        (b"%PDF-1.7 not an image", "The photograph must be a JPEG, PNG or WebP image"),
        (PNG + b"\x00" * photos.PHOTO_MAX_BYTES, "The photograph must be 5 MB or smaller"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(session: Session, data: bytes, message: str) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    with pytest.raises(ValidationFailed) as refused:
        _add(session, officer, person, data)
    assert refused.value.field_errors == {"photo": message}
    assert photos.photos_of(session, person.id) == []


def test_the_newest_photo_is_current_and_each_upload_is_versioned_and_audited(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    seen = person.version
    first = _add(session, officer, person, JPEG, description="School photo")
    assert person.version == seen + 1
    second = _add(session, officer, person, taken_on=date(2026, 1, 2), justification="search")
    assert [p.id for p in photos.photos_of(session, person.id)] == [second.id, first.id]
    current = people.current_photo(session, person.id)
    assert current is not None and current.id == second.id
    assert first.content_type == "image/jpeg" and second.content_type == "image/png"
    event = _events(session, person)[-1]
    assert event.action == "add_photo" and event.justification == "search"
    assert event.after == {
        "photo": {
            "id": second.id,
            "bytes": len(PNG),
            "type": "image/png",
            "description": None,
            "taken_on": "2026-01-02",
        }
    }
    newest = people.history(session, person.id)[0]
    assert newest.action == "Photo added"
    assert [(c.label, c.after) for c in newest.changes] == [("Photo", f"Photo {second.id}")]


def test_a_stale_upload_a_future_date_and_another_force_s_record_are_refused(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    with pytest.raises(Conflict):
        photos.add_photo(
            session,
            actor_of(officer),
            person.id,
            PNG,
            description=None,
            taken_on=None,
            version=person.version + 1,
            justification=None,
        )
    with pytest.raises(ValidationFailed) as refused:
        _add(session, officer, person, taken_on=date.today() + timedelta(days=2))
    assert refused.value.field_errors == {
        "taken_on": "The date it was taken must be today or in the past"
    }
    outsider = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    with pytest.raises(NotFound):
        _add(session, outsider, person)


def test_a_photo_is_shown_only_after_the_reason_and_each_look_is_logged(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    photo = _add(session, officer, person)
    actor = actor_of(officer, session_id="photo-session")
    with pytest.raises(Forbidden):
        photos.view_photo(session, actor, person.id, photo.id)
    audit.give_justification(session, actor, "person", person.id, "Active investigation")
    shown = photos.view_photo(session, actor, person.id, photo.id)
    assert shown.data == PNG
    event = _events(session, person)[-1]
    assert event.action == "view" and event.after == {"photo": photo.id}
    assert event.justification == "Active investigation"
    other = make_person(session, officer)
    audit.give_justification(session, actor, "person", other.id, "Active investigation")
    with pytest.raises(NotFound):
        photos.view_photo(session, actor, other.id, photo.id)  # not this record's photo


def test_an_episode_photo_is_not_the_person_s(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    episode = make_episode(session, officer)
    episodes.add_photo(
        session, actor_of(officer), episode, PNG, given_by=None, version=episode.version
    )
    assert photos.photos_of(session, episode.person_id) == []


# -- pages --------------------------------------------------------------------------------------


def test_an_officer_adds_a_photo_that_heads_the_record(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer, given_name="Mira", family_name="Okoro")
    session.commit()
    sign_in(client, officer.username)
    justify(client, person.id, f"/people/{person.id}/photos")
    page = client.get(f"/people/{person.id}/photos")
    assert (
        'data-testid="no-photos"' in page.text and 'data-testid="identity-photo"' not in page.text
    )
    token = csrf_from(page.text)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    form = {"csrf_token": token, "version": version.group(1), "description": "With glasses"}
    wrong = client.post(
        f"/people/{person.id}/photos",
        data=form,
        files={"photo": ("notes.txt", b"not a photo", "image/png")},
    )
    assert wrong.status_code == 422
    assert "The photograph must be a JPEG, PNG or WebP image" in wrong.text
    assert 'class="govuk-error-summary"' in wrong.text
    added = client.post(
        f"/people/{person.id}/photos", data=form, files={"photo": ("m.png", PNG, "image/png")}
    )
    assert added.status_code == 303
    photo = people.current_photo(session, person.id)
    assert photo is not None and photo.description == "With glasses"
    listed = client.get(added.headers["location"]).text
    assert "Current photo" in listed and "With glasses" in listed
    summary = client.get(f"/people/{person.id}").text
    assert f'src="/people/{person.id}/photos/{photo.id}"' in summary  # on the identity bar
    assert "Photo added" in summary
    shown = client.get(f"/people/{person.id}/photos/{photo.id}")
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["cache-control"] == "private, no-store"
