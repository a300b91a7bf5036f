"""The Philomena and Herbert profiles kept in Harbour: validated, versioned, reviewed, audited with
before and after and shown in the history; imported profiles of any shape still load."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Channel, Role, system_actor
from harbour.audit.models import AuditEvent
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.interop import importer
from harbour.people import addresses, photos, profiles
from harbour.people import service as people
from harbour.people.models import Person
from harbour.people.profile_schemas import (
    Herbert,
    HerbertUpdate,
    Philomena,
    PhilomenaUpdate,
    from_import,
)
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_colleague,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _today() -> date:
    return timefmt.local(clock.now()).date()


def _last_event(session: Session, person: Person) -> AuditEvent:
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "person", AuditEvent.subject_id == str(person.id))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).one()


def _consent(**overrides: object) -> dict[str, object]:
    return {
        "consent": "best_interests",
        "consent_by": "Ann Lee (daughter)",
        "consent_on": _today() - timedelta(days=3),
        "consent_basis": "Cannot decide for herself; her daughter and GP were consulted",
    } | overrides


# -- the shapes -------------------------------------------------------------------------------


def test_an_imported_profile_of_any_shape_loads_and_keeps_what_the_form_does_not_know() -> None:
    imported = {
        "part1_completed_at": "2024-01-01",
        "description": "slim build, braided hair",
        "places_frequented": ["Brixton library", "Chicken Cottage"],
        "places_she_goes": ["Brixton library", "The skate park"],
        "nickname": "Mira",
        "phones": ["12"],  # not a phone: kept as imported, not lost
        "carers": {"name": "Pat"},
    }
    profile = Philomena.load(imported)
    assert profile is not None
    assert profile.completed_on == date(2024, 1, 1)
    assert profile.places_they_may_go == ["Brixton library", "Chicken Cottage", "The skate park"]
    assert profile.phones == []
    assert profile.imported == {
        "nickname": "Mira",
        "carers": '{"name": "Pat"}',
        "phones_as_imported": ["12"],
    }
    assert from_import("herbert", {"completed_at": "2026-01-05", "likely_destinations": ["x"]}) == {
        "completed_on": "2026-01-05",
        "places_they_may_go": ["x"],
    }
    assert Philomena.load(None) is None and from_import("philomena", {}) is None


def test_the_form_s_lists_are_one_a_line_and_phones_are_phones() -> None:
    data = PhilomenaUpdate.of(
        version=1,
        description="Tall",
        associates="Jay, friend, 07700 900001\n\n jay,  friend, 07700 900001\nKez",
        phones="07700 900123\n+44 7700 900123",
    )
    assert data.associates == ["Jay, friend, 07700 900001", "Kez"]
    assert data.phones == ["+447700900123"]
    with pytest.raises(ValidationFailed) as refused:
        PhilomenaUpdate.of(version=1, description="Tall", phones="12", social_media="x" * 201)
    assert refused.value.field_errors == {
        "phones": "12 is not a phone number: enter 6 to 15 digits, counting a country code",
        "social_media": "Each line must be 200 characters or fewer",
    }


# -- Philomena ----------------------------------------------------------------------------------


def test_a_philomena_profile_is_kept_versioned_audited_and_in_the_history(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    person.philomena = {"part1_completed_at": "2024-01-01", "nickname": "Mira"}  # as imported
    session.flush()
    seen = person.version
    data = PhilomenaUpdate.of(
        version=seen,
        completed_on=date(2024, 1, 1),
        description="Slim build, braided hair",
        places_they_may_go="Brixton library\nStockwell skate park",
        agreed_search_steps="Ring her phone\nCheck the library",
        social_media="Snapchat: mira_22",
    )
    profiles.update_philomena(session, actor_of(officer), person.id, data, "safeguarding")
    assert person.version == seen + 1
    assert person.philomena == {
        "completed_on": "2024-01-01",
        "description": "Slim build, braided hair",
        "social_media": ["Snapchat: mira_22"],
        "places_they_may_go": ["Brixton library", "Stockwell skate park"],
        "agreed_search_steps": ["Ring her phone", "Check the library"],
        "nickname": "Mira",  # the import's own field, kept
    }
    event = _last_event(session, person)
    assert event.action == "update_philomena" and event.justification == "safeguarding"
    assert event.before == {"philomena": {"part1_completed_at": "2024-01-01", "nickname": "Mira"}}
    assert event.after == {"philomena": person.philomena}
    newest = people.history(session, person.id)[0]
    assert newest.action == "Philomena profile changed"
    changes = {c.label: (c.before, c.after) for c in newest.changes}
    assert changes["Philomena profile, description"] == ("Not recorded", "Slim build, braided hair")
    assert changes["Philomena profile, pre-agreed search steps"] == (
        "Not recorded",
        "Ring her phone, Check the library",
    )
    assert "Philomena profile, nickname" not in changes  # unchanged


def test_a_review_is_recorded_by_whoever_made_it_today_with_the_next_date(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    later = _today() + timedelta(days=180)
    data = PhilomenaUpdate.of(
        version=person.version, description="Tall", reviewed=True, next_review_on=later
    )
    profiles.update_philomena(session, actor_of(officer), person.id, data, None)
    held = profiles.profile_of(person, "philomena")
    assert held is not None
    assert (held.reviewed_on, held.reviewed_by, held.next_review_on) == (
        _today(),
        officer.display_name,
        later,
    )
    assert not held.review_due
    # A change that is not a review keeps the last review as it was.
    again = PhilomenaUpdate.of(version=person.version, description="Taller now")
    profiles.update_philomena(session, actor_of(officer), person.id, again, None)
    kept = profiles.profile_of(person, "philomena")
    assert kept is not None and kept.next_review_on == later and kept.reviewed_on == _today()
    assert Philomena(next_review_on=_today()).review_due


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"reviewed": True}, {"next_review_on": "Enter the date of the next review"}),
        (
            {"reviewed": True, "next_review_on": date(2020, 1, 1)},
            {"next_review_on": "The next review must be after today"},
        ),
        (
            {"next_review_on": date(2099, 1, 1)},
            {"reviewed": "Select that you have reviewed it, or leave the next review date blank"},
        ),
        ({"description": " "}, {"description": "Enter a description of them"}),
        (
            {"completed_on": date(2099, 1, 1)},
            {"completed_on": "The date it was completed must be today or in the past"},
        ),
    ],
)
def test_a_profile_that_is_not_right_is_refused_with_the_reason(
    session: Session, values: dict[str, object], errors: dict[str, str]
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    data = PhilomenaUpdate.of(**({"version": person.version, "description": "Tall"} | values))
    with pytest.raises(ValidationFailed) as refused:
        profiles.update_philomena(session, actor_of(officer), person.id, data, None)
    assert refused.value.field_errors == errors
    assert person.philomena is None


def test_a_stale_or_out_of_scope_change_is_refused(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    stale = PhilomenaUpdate.of(version=person.version + 1, description="Tall")
    with pytest.raises(Conflict, match="Someone else changed this record"):
        profiles.update_philomena(session, actor_of(officer), person.id, stale, None)
    outsider = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    data = PhilomenaUpdate.of(version=person.version, description="Tall")
    with pytest.raises(NotFound):
        profiles.update_philomena(session, actor_of(outsider), person.id, data, None)


def test_the_photo_of_a_profile_is_one_of_the_person_s_own(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    actor = actor_of(officer)
    person = make_person(session, officer)
    other = make_person(session, officer)
    theirs = photos.add_photo(
        session,
        actor,
        other.id,
        PNG,
        description=None,
        taken_on=None,
        version=other.version,
        justification=None,
    )
    data = PhilomenaUpdate.of(version=person.version, description="Tall", photo_id=theirs.id)
    with pytest.raises(ValidationFailed) as refused:
        profiles.update_philomena(session, actor, person.id, data, None)
    assert refused.value.field_errors == {
        "photo_id": "Choose one of the photos on this person's record"
    }
    own = photos.add_photo(
        session,
        actor,
        person.id,
        PNG,
        description=None,
        taken_on=None,
        version=person.version,
        justification=None,
    )
    data = PhilomenaUpdate.of(version=person.version, description="Tall", photo_id=own.id)
    profiles.update_philomena(session, actor, person.id, data, None)
    assert person.philomena is not None and person.philomena["photo_id"] == own.id


# -- Herbert ------------------------------------------------------------------------------------


def test_a_herbert_profile_needs_its_consent_or_best_interests_record(session: Session) -> None:
    officer = make_user(session, Role.officer)
    person = make_person(session, officer, date_of_birth=date(1940, 3, 1))
    bare = HerbertUpdate.of(version=person.version, description="Walks with a stick")
    with pytest.raises(ValidationFailed) as refused:
        profiles.update_herbert(session, actor_of(officer), person.id, bare, None)
    assert set(refused.value.field_errors or {}) == {
        "consent",
        "consent_by",
        "consent_on",
        "consent_basis",
    }
    future = HerbertUpdate.of(
        version=person.version,
        description="Walks with a stick",
        **_consent(consent_on=_today() + timedelta(days=1)),
    )
    with pytest.raises(ValidationFailed) as refused:
        profiles.update_herbert(session, actor_of(officer), person.id, future, None)
    assert refused.value.field_errors == {
        "consent_on": "The date of the consent or decision must be today or in the past"
    }
    with pytest.raises(ValidationFailed, match="Check the Herbert profile"):
        HerbertUpdate.of(version=1, description="x", **_consent(consent="asked nicely"))


def test_a_herbert_profile_is_kept_with_its_consent_record_and_audited(session: Session) -> None:
    officer = make_user(session, Role.officer)
    person = make_person(session, officer, date_of_birth=date(1940, 3, 1))
    person.herbert = {"completed_at": "2026-01-05", "likely_destinations": ["Former home"]}
    session.flush()
    data = HerbertUpdate.of(
        version=person.version,
        description="Walks with a stick",
        routines="Walks to the paper shop at 7",
        places_they_may_go="Former home\nBus stops on the 38",
        contacts="Ann Lee, daughter, 07700 900555",
        **_consent(),
    )
    profiles.update_herbert(session, actor_of(officer), person.id, data, "dementia: review")
    held = Herbert.load(person.herbert)
    assert held is not None
    assert held.places_they_may_go == ["Former home", "Bus stops on the 38"]
    assert held.consent == "best_interests" and held.consent_by == "Ann Lee (daughter)"
    assert held.completed_on is None  # the form sent none: the officer cleared it
    event = _last_event(session, person)
    assert event.action == "update_herbert"
    assert event.before == {
        "herbert": {"completed_at": "2026-01-05", "likely_destinations": ["Former home"]}
    }
    newest = people.history(session, person.id)[0]
    changes = {c.label: c.after for c in newest.changes}
    assert newest.action == "Herbert profile changed"
    assert changes["Herbert profile, consent or best interests"] == (
        "Decided in their best interests (Mental Capacity Act 2005, section 4)"
    )


# -- pages --------------------------------------------------------------------------------------


def _signed_in(client: TestClient, session: Session, role: Role = Role.hub_officer) -> Person:
    officer = make_user(session, role)
    person = make_person(session, officer, given_name="Mira", family_name="Okoro")
    session.commit()
    sign_in(client, officer.username)
    justify(client, person.id, f"/people/{person.id}")
    return person


@pytest.mark.parametrize(
    "page", ["philomena", "philomena/edit", "herbert", "herbert/edit", "photos", "addresses"]
)
def test_the_new_pages_ask_why_then_come_back(
    client: TestClient, session: Session, page: str
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    session.commit()
    sign_in(client, officer.username)
    here = f"/people/{person.id}/{page}"
    asked = client.get(here)
    assert f'name="next" value="{here}"' in asked.text
    justify(client, person.id, here)
    shown = client.get(here)
    assert shown.status_code == 200 and 'data-testid="record-nav"' in shown.text


def test_an_officer_records_a_philomena_profile_on_its_pages(
    client: TestClient, session: Session
) -> None:
    person = _signed_in(client, session)
    empty = client.get(f"/people/{person.id}/philomena")
    assert 'data-testid="no-profile"' in empty.text and "Record a Philomena profile" in empty.text
    form = client.get(f"/people/{person.id}/philomena/edit")
    assert 'data-testid="no-photos"' in form.text
    token = csrf_from(form.text)
    version = re.search(r'name="version" value="(\d+)"', form.text)
    assert version
    base = {"csrf_token": token, "version": version.group(1)}
    wrong = client.post(
        f"/people/{person.id}/philomena/edit",
        data=base | {"reviewed": "yes", "phones": "12"},
    )
    assert wrong.status_code == 422
    assert 'class="govuk-error-summary"' in wrong.text
    assert "Enter a description of them" in wrong.text
    assert 'href="#next_review_on_day"' in wrong.text
    later = _today() + timedelta(days=90)
    saved = client.post(
        f"/people/{person.id}/philomena/edit",
        data=base
        | {
            "description": "Slim, braided hair",
            "places_they_may_go": "Brixton library\nStockwell skate park",
            "reviewed": "yes",
            "next_review_on_day": str(later.day),
            "next_review_on_month": str(later.month),
            "next_review_on_year": str(later.year),
        },
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("/philomena?saved=1")
    page = client.get(saved.headers["location"]).text
    assert "Slim, braided hair" in page and "Stockwell skate park" in page
    assert later.strftime("%-d %B %Y") in page and "Success" in page
    summary = client.get(f"/people/{person.id}").text
    assert "Philomena profile changed" in summary
    stale = client.post(
        f"/people/{person.id}/philomena/edit", data=base | {"description": "Another"}
    )
    assert stale.status_code == 409 and "Someone else changed this record" in stale.text


def test_an_officer_records_a_herbert_profile_with_its_consent(
    client: TestClient, session: Session
) -> None:
    person = _signed_in(client, session, Role.officer)
    form = client.get(f"/people/{person.id}/herbert/edit")
    token = csrf_from(form.text)
    version = re.search(r'name="version" value="(\d+)"', form.text)
    assert version and "Consent or best interests" in form.text
    base = {"csrf_token": token, "version": version.group(1), "description": "Walks with a stick"}
    refused = client.post(f"/people/{person.id}/herbert/edit", data=base)
    assert refused.status_code == 422
    assert "Select whether they consented or it was decided in their best interests" in refused.text
    day = _today() - timedelta(days=2)
    saved = client.post(
        f"/people/{person.id}/herbert/edit",
        data=base
        | {
            "consent": "consent",
            "consent_by": "Edna herself",
            "consent_on_day": str(day.day),
            "consent_on_month": str(day.month),
            "consent_on_year": str(day.year),
            "consent_basis": "Has capacity and agreed",
            "routines": "Paper shop at 7",
        },
    )
    assert saved.status_code == 303, saved.text[:400]
    page = client.get(f"/people/{person.id}/herbert").text
    assert "Edna herself" in page and "Paper shop at 7" in page
    assert "They consented (or their attorney under a lasting power of attorney did)" in page


def test_an_analyst_reads_a_profile_but_cannot_change_it(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    person.philomena = {"description": "Tall", "nickname": "Mira"}  # as an import left it
    reader = make_colleague(session, officer, Role.analyst)
    session.commit()
    sign_in(client, reader.username)
    justify(client, person.id, f"/people/{person.id}/philomena")
    page = client.get(f"/people/{person.id}/philomena").text
    assert "Tall" in page and "Mira" in page and 'data-testid="imported"' in page
    assert f"/people/{person.id}/philomena/edit" not in page
    assert client.get(f"/people/{person.id}/philomena/edit").status_code == 403


def test_an_import_in_the_old_shape_loads_in_the_form_s_shape(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    lines = [
        {"kind": "place", "id": "h1", "type": "care_home", "name": "Oak House"},
        {
            "kind": "person",
            "id": "p1",
            "given_name": "Mia",
            "home": "h1",
            "philomena": {
                "part1_completed_at": "2024-01-01",
                "description": "slim build",
                "places_frequented": ["Brixton library"],
                "nickname": "Mimi",
            },
            "herbert": {"completed_at": "2025-05-05", "likely_destinations": ["Former home"]},
        },
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    summary = importer.run_import(path, system_actor(Channel.cli, name="t"), organisation_id=org.id)
    assert summary.rejected == []
    person = session.scalars(select(Person).where(Person.given_name == "Mia")).one()
    assert person.philomena == {
        "completed_on": "2024-01-01",
        "description": "slim build",
        "places_they_may_go": ["Brixton library"],
        "nickname": "Mimi",
    }
    assert person.herbert == {"completed_on": "2025-05-05", "places_they_may_go": ["Former home"]}
    shown = addresses.addresses_of(session, person)  # the imported home is the current address
    assert [(a.label, a.current, a.imported) for a in shown] == [("Oak House", True, True)]
