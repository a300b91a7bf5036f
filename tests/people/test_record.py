"""The person record kept in Harbour: markers with review dates, the looked-after status with its
legal basis, local authority and social worker, other names, ethnicity and phones; every change
versioned, audited with before and after, and shown in the record's history."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.people import service
from harbour.people.models import CareBasis, Person
from harbour.people.schemas import CareUpdate, MarkersUpdate, PersonUpdate
from harbour.validation import messages
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)


def _today() -> date:
    return timefmt.local(clock.now()).date()


def _last_event(session: Session, person: Person) -> AuditEvent:
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "person", AuditEvent.subject_id == str(person.id))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).one()
    return event


# -- markers ----------------------------------------------------------------------------------


def test_markers_are_kept_with_review_dates_versioned_and_audited(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    person.flags = ["drugs"]
    session.flush()
    seen = person.version
    review = _today() + timedelta(days=90)
    data = MarkersUpdate.of(version=seen, markers={"cse_risk": review, "weapons": review})
    service.update_markers(session, actor_of(officer), person.id, data, "safeguarding")
    assert person.flags == ["cse_risk", "weapons"]  # drugs removed, in the vocabulary's order
    assert [(m.code, m.review_on) for m in person.markers] == [
        ("cse_risk", review),
        ("weapons", review),
    ]
    assert person.version == seen + 1
    event = _last_event(session, person)
    assert event.action == "update_markers" and event.justification == "safeguarding"
    assert event.before == {"markers": {"drugs": None}}
    assert event.after == {
        "markers": {"cse_risk": review.isoformat(), "weapons": review.isoformat()}
    }


def test_a_marker_needs_a_review_date_not_in_the_past(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    yesterday = _today() - timedelta(days=1)
    data = MarkersUpdate.of(version=person.version, markers={"weapons": None, "drugs": yesterday})
    with pytest.raises(ValidationFailed) as refused:
        service.update_markers(session, actor_of(officer), person.id, data, None)
    assert refused.value.field_errors == {
        "review_weapons": "Enter a review date for weapons warning",
        "review_drugs": "The review date for drugs must be today or in the future",
    }
    with pytest.raises(ValidationFailed, match="Check the warning markers"):
        MarkersUpdate.of(version=1, markers={"not_a_flag": _today()})


def test_a_stale_markers_change_is_refused(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    data = MarkersUpdate.of(version=person.version + 1, markers={"drugs": _today()})
    with pytest.raises(Conflict, match="Someone else changed this record"):
        service.update_markers(session, actor_of(officer), person.id, data, None)


def test_a_marker_past_its_review_date_shows_as_due(session: Session) -> None:
    person = make_person(session)
    person.flags = ["weapons"]
    person.flag_reviews = {"weapons": (_today() - timedelta(days=1)).isoformat()}
    assert person.markers[0].review_due


# -- looked-after status ------------------------------------------------------------------------


def test_looked_after_needs_a_legal_basis_and_local_authority(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    data = CareUpdate.of(version=person.version, looked_after=True)
    with pytest.raises(ValidationFailed) as refused:
        service.update_care(session, actor_of(officer), person.id, data, None)
    assert refused.value.field_errors == {
        "care_basis": "Select the legal basis on which they are looked after",
        "local_authority": "Enter the local authority responsible for them",
    }


def test_the_looked_after_status_is_kept_and_audited(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    seen = person.version
    data = CareUpdate.of(
        version=seen,
        looked_after=True,
        care_basis="interim_care_order",
        local_authority="  Riverside   Council ",
        social_worker_name="Pat Jones",
        social_worker_phone="07700 900123",
        social_worker_email="pat.jones@riverside.example",
    )
    service.update_care(session, actor_of(officer), person.id, data, "strategy meeting")
    assert person.care_basis is CareBasis.interim_care_order and person.in_care
    assert person.local_authority == "Riverside Council"
    assert person.social_worker_phone == "+447700900123"
    assert person.version == seen + 1
    event = _last_event(session, person)
    assert event.action == "update_care"
    assert event.before is not None and event.before["looked_after"] is None
    assert event.after is not None and event.after["care_basis"] == "interim_care_order"
    # No longer looked after: the legal basis goes with it; the social worker stays.
    stop = CareUpdate.of(
        version=person.version,
        looked_after=False,
        care_basis="interim_care_order",
        local_authority="Riverside Council",
        social_worker_name="Pat Jones",
        social_worker_phone="07700 900123",
        social_worker_email="pat.jones@riverside.example",
    )
    service.update_care(session, actor_of(officer), person.id, stop, None)
    assert person.care_basis is None and not person.in_care
    assert person.social_worker_name == "Pat Jones"
    assert _last_event(session, person).after == {"looked_after": False, "care_basis": None}


def test_care_details_that_are_not_right_are_explained() -> None:
    with pytest.raises(ValidationFailed) as refused:
        CareUpdate.of(
            version=1,
            looked_after=True,
            care_basis="adopted",
            local_authority="Riverside Council",
            social_worker_phone="12",
            social_worker_email="pat at riverside",
        )
    assert refused.value.field_errors == {
        "care_basis": "Choose the legal basis from the list",
        "social_worker_phone": (
            "Enter the social worker's phone number: 6 to 15 digits, counting a country code"
        ),
        "social_worker_email": (
            "Enter the social worker's email address, like name@council.gov.uk"
        ),
    }


# -- details: other names, ethnicity, phones ------------------------------------------------------


def test_other_names_ethnicity_and_phones_are_kept_and_audited(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    seen = person.version
    data = PersonUpdate(
        version=seen,
        aliases=["Mimi", " mimi ", "", "Shorty"],
        ethnicity="black_caribbean",
        observed_ethnicity="mixed_white_black_caribbean",
        phones=["07700 900123", "+44 7700 900123", "07700 900456"],
    )
    service.update_person(session, actor_of(officer), person.id, data, "update")
    assert person.aliases == ["Mimi", "Shorty"]
    assert person.ethnicity == "black_caribbean"
    assert service.phones_of(session, person.id) == ["+447700900123", "+447700900456"]
    assert person.version == seen + 1
    event = _last_event(session, person)
    assert event.before is not None and event.before["phones"] == []
    assert event.after is not None and event.after["phones"] == ["+447700900123", "+447700900456"]
    # A change of phones alone still moves the version on and is audited.
    only_phones = PersonUpdate(version=person.version, phones=["07700 900456"])
    service.update_person(session, actor_of(officer), person.id, only_phones, None)
    assert service.phones_of(session, person.id) == ["+447700900456"]
    assert person.version == seen + 2
    assert _last_event(session, person).after == {"phones": ["+447700900456"]}


def test_details_that_are_not_right_are_explained() -> None:
    with pytest.raises(ValidationFailed) as refused:
        _build({"version": 1, "ethnicity": "martian", "phones": ["123"]})
    assert refused.value.field_errors == {
        "ethnicity": "Choose an ethnic group from the list (the 2021 Census groups)",
        "phones": "123 is not a phone number: enter 6 to 15 digits, counting a country code",
    }


def _build(values: dict[str, object]) -> PersonUpdate:
    try:
        return PersonUpdate(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationFailed("Check", field_errors=messages(exc)) from exc


def test_another_team_s_officer_cannot_change_the_record(session: Session) -> None:
    person = make_person(session, make_user(session, Role.officer))
    outsider = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    data = CareUpdate.of(version=person.version, looked_after=False)
    with pytest.raises(NotFound):
        service.update_care(session, actor_of(outsider), person.id, data, None)


# -- history ------------------------------------------------------------------------------------


def test_the_history_says_what_changed_from_what_to_what(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    actor = actor_of(officer)
    care = CareUpdate.of(
        version=person.version,
        looked_after=True,
        care_basis="s20_accommodation",
        local_authority="Riverside Council",
    )
    service.update_care(session, actor, person.id, care, None)
    entries = service.history(session, person.id)
    newest = entries[0]
    assert newest.action == "Looked-after status changed"
    assert [(c.label, c.before, c.after) for c in newest.changes] == [
        ("Looked after", "Not recorded", "Yes"),
        ("Legal basis", "Not recorded", "Accommodated by agreement (section 20)"),
        ("Responsible local authority", "Not recorded", "Riverside Council"),
    ]
    assert entries[-1].action == "Record created"


# -- pages --------------------------------------------------------------------------------------


def _signed_in(client: TestClient, session: Session, **fields: object) -> Person:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer, given_name="Leah", family_name="Marsh", **fields)
    session.commit()
    sign_in(client, officer.username)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/people/{person.id}/justify", data={"csrf_token": token, "reason": "risk_assessment"}
    )
    return person


@pytest.mark.parametrize("page", ["markers", "care"])
def test_the_markers_and_care_pages_ask_why_then_come_back(
    client: TestClient, session: Session, page: str
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    session.commit()
    sign_in(client, officer.username)
    here = f"/people/{person.id}/{page}"
    asked = client.get(here)
    assert f'name="next" value="{here}"' in asked.text
    justify(client, person.id, here)  # back on the page that asked, not the record's summary
    assert client.get(here).status_code == 200


def test_an_officer_records_markers_and_care_on_the_pages(
    client: TestClient, session: Session
) -> None:
    person = _signed_in(client, session, date_of_birth=date(2011, 4, 5))
    form = client.get(f"/people/{person.id}/markers")
    assert form.status_code == 200 and "Warning markers and flags" in form.text
    token = csrf_from(form.text)
    review = _today() + timedelta(days=30)
    blank = client.post(
        f"/people/{person.id}/markers",
        data={"csrf_token": token, "version": str(person.version), "marker": "cse_risk"},
    )
    assert blank.status_code == 422
    assert "Enter a review date for risk of child sexual exploitation" in blank.text
    assert 'href="#review_cse_risk_day"' in blank.text
    saved = client.post(
        f"/people/{person.id}/markers",
        data={
            "csrf_token": token,
            "version": str(person.version),
            "marker": ["cse_risk", "missing_from_care"],
            "review_cse_risk_day": str(review.day),
            "review_cse_risk_month": str(review.month),
            "review_cse_risk_year": str(review.year),
            "review_missing_from_care_day": str(review.day),
            "review_missing_from_care_month": str(review.month),
            "review_missing_from_care_year": str(review.year),
        },
    )
    assert saved.status_code == 303, saved.text[:300]
    care = client.get(f"/people/{person.id}/care")
    version = re.search(r'name="version" value="(\d+)"', care.text)
    assert version
    no_basis = client.post(
        f"/people/{person.id}/care",
        data={"csrf_token": token, "version": version.group(1), "looked_after": "yes"},
    )
    assert no_basis.status_code == 422
    assert "Select the legal basis on which they are looked after" in no_basis.text
    done = client.post(
        f"/people/{person.id}/care",
        data={
            "csrf_token": token,
            "version": version.group(1),
            "looked_after": "yes",
            "care_basis": "care_order",
            "local_authority": "Riverside Council",
            "social_worker_name": "Pat Jones",
        },
    )
    assert done.status_code == 303
    page = client.get(f"/people/{person.id}").text
    assert "Care order (section 31, Children Act 1989)" in page
    assert f"Review by {review.strftime('%-d %B %Y')}" in page
    assert "Looked-after status changed" in page and "Warning markers changed" in page
    assert "Pat Jones" in page
    stale = client.post(
        f"/people/{person.id}/care",
        data={"csrf_token": token, "version": version.group(1), "looked_after": "no"},
    )
    assert stale.status_code == 409 and "Someone else changed this record" in stale.text


def test_the_edit_form_keeps_other_names_ethnicity_and_phones(
    client: TestClient, session: Session
) -> None:
    person = _signed_in(client, session)
    form = client.get(f"/people/{person.id}/edit")
    token = csrf_from(form.text)
    base = {
        "csrf_token": token,
        "version": str(person.version),
        "given_name": "Leah",
        "family_name": "Marsh",
        "sex": "female",
    }
    wrong = client.post(f"/people/{person.id}/edit", data=base | {"phones": "07700 900123\n12"})
    assert wrong.status_code == 422
    assert "12 is not a phone number" in wrong.text and "07700 900123" in wrong.text
    saved = client.post(
        f"/people/{person.id}/edit",
        data=base
        | {
            "aliases": "Lee\nLeah M",
            "ethnicity": "white_roma",
            "observed_ethnicity": "white_other",
            "phones": "07700 900123",
        },
    )
    assert saved.status_code == 303
    page = client.get(f"/people/{person.id}").text
    assert "Lee, Leah M" in page and "White: Roma" in page and "+447700900123" in page
    assert "Details changed" in page
