"""People pages: the justification gate, forms with errors, and the edit conflict."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.actor import Role
from tests.factories import csrf_from, make_org, make_person, make_team, make_user, sign_in


def test_opening_a_record_asks_why_once_per_session(client: TestClient, session: Session) -> None:
    user = make_user(session)
    person = make_person(session, user, given_name="Juno", family_name="Quill")
    session.commit()
    sign_in(client, user.username)
    first = client.get(f"/people/{person.id}")
    assert first.status_code == 200
    assert "Why are you viewing this record?" in first.text
    assert "Juno" not in first.text
    token = csrf_from(first.text)
    missing = client.post(f"/people/{person.id}/justify", data={"csrf_token": token})
    assert missing.status_code == 422
    assert "Select why you need to view this record" in missing.text
    other = client.post(
        f"/people/{person.id}/justify", data={"csrf_token": token, "reason": "other"}
    )
    assert "Explain why" in other.text
    done = client.post(
        f"/people/{person.id}/justify",
        data={"csrf_token": token, "reason": "safeguarding", "details": "strategy meeting"},
    )
    assert done.status_code == 303
    page = client.get(f"/people/{person.id}")
    assert "QUILL, Juno" in page.text
    again = client.get(f"/people/{person.id}")
    assert "Why are you viewing" not in again.text


def test_record_of_another_organisation_is_not_found(client: TestClient, session: Session) -> None:
    person = make_person(session)
    outsider = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    session.commit()
    sign_in(client, outsider.username)
    assert client.get(f"/people/{person.id}").status_code == 404
    assert client.get("/people/999999").status_code == 404


def test_a_new_person_form_reports_each_problem(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    token = csrf_from(client.get("/people/new").text)
    response = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "given_name": "",
            "dob_day": "31",
            "dob_month": "2",
            "dob_year": "2012",
        },
    )
    assert response.status_code == 422
    assert "Date of birth must be a real date" in response.text
    saved = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "given_name": "Nova",
            "family_name": "Keel",
            "sex": "female",
            "dob_day": "1",
            "dob_month": "6",
            "dob_year": "2012",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("?saved=1")


def test_a_stale_edit_is_refused_with_an_explanation(client: TestClient, session: Session) -> None:
    user = make_user(session)
    person = make_person(session, user, given_name="Stale")
    session.commit()
    sign_in(client, user.username)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/people/{person.id}/justify", data={"csrf_token": token, "reason": "risk_assessment"}
    )
    form = {
        "csrf_token": token,
        "given_name": "Edited",
        "sex": "unknown",
        "version": str(person.version),
    }
    assert client.post(f"/people/{person.id}/edit", data=form).status_code == 303
    stale = client.post(f"/people/{person.id}/edit", data=form | {"given_name": "Overwrite"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text


def test_api_round_trip_with_version_conflict(client: TestClient, session: Session) -> None:
    from tests.factories import api_token

    user = make_user(session, Role.hub_officer)
    token = api_token(session, user)
    headers = {"Authorization": f"Bearer {token}", "X-Justification": "api test"}
    created = client.post(
        "/api/v1/people", json={"given_name": "Api", "family_name": "Made"}, headers=headers
    )
    assert created.status_code == 201
    body = created.json()
    read = client.get(f"/api/v1/people/{body['id']}", headers=headers)
    assert read.json()["family_name"] == "Made"
    no_reason = client.get(
        f"/api/v1/people/{body['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert no_reason.status_code == 400, no_reason.text
    assert "X-Justification" in no_reason.json()["detail"]
    patch = {"given_name": "Changed", "version": body["version"]}
    assert (
        client.patch(f"/api/v1/people/{body['id']}", json=patch, headers=headers).status_code == 200
    )
    conflict = client.patch(f"/api/v1/people/{body['id']}", json=patch, headers=headers)
    assert conflict.status_code == 409
    assert "Someone else changed" in conflict.json()["detail"]
    bad = client.post("/api/v1/people", json={"sex": "dragon"}, headers=headers)
    assert bad.status_code == 422
