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
    assert stale.status_code == 409, stale.text[stale.text.find("govuk-error-summary__list") :][
        :400
    ]
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


def test_an_api_patch_changes_only_what_it_sends(client: TestClient, session: Session) -> None:
    from datetime import date

    from tests.factories import api_token

    user = make_user(session, Role.hub_officer)
    person = make_person(
        session, user, given_name="Keep", family_name="Intact", date_of_birth=date(2010, 1, 30)
    )
    token = api_token(session, user)
    headers = {"Authorization": f"Bearer {token}", "X-Justification": "api test"}
    patched = client.patch(
        f"/api/v1/people/{person.id}",
        json={"sex": "male", "version": person.version},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["given_name"], body["family_name"], body["date_of_birth"], body["sex"]) == (
        "Keep",
        "Intact",
        "2010-01-30",
        "male",
    )
    emptied = client.patch(
        f"/api/v1/people/{person.id}",
        json={"given_name": None, "family_name": "", "version": body["version"]},
        headers=headers,
    )
    assert emptied.status_code == 422
    assert "given name or a family name" in emptied.json()["detail"]


def test_a_team_scoped_partner_cannot_open_another_teams_record(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    mine, theirs = make_team(session, org), make_team(session, org)
    owner = make_user(session, Role.partner_practitioner, team=theirs)
    person = make_person(session, owner)
    partner = make_user(session, Role.partner_practitioner, team=mine)
    session.commit()
    sign_in(client, partner.username)
    assert client.get(f"/people/{person.id}").status_code == 404
    assert client.get(f"/people/{person.id}/edit").status_code == 404
    listing = client.get("/people")
    assert person.family_name not in listing.text


def test_opening_the_edit_form_is_an_audited_view(client: TestClient, session: Session) -> None:
    from sqlalchemy import select

    from harbour.audit.models import AuditEvent

    user = make_user(session)
    person = make_person(session, user)
    session.commit()
    sign_in(client, user.username)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/people/{person.id}/justify",
        data={
            "csrf_token": token,
            "reason": "risk_assessment",
            "next": f"/people/{person.id}/edit",
        },
    )
    before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert client.get(f"/people/{person.id}/edit").status_code == 200
    views = session.scalars(
        select(AuditEvent).where(
            AuditEvent.seq > before,
            AuditEvent.action == "view",
            AuditEvent.subject_id == str(person.id),
        )
    ).all()
    assert len(views) == 1
    assert views[0].justification == "Risk assessment or review"


def test_search_treats_wildcards_as_text(client: TestClient, session: Session) -> None:
    user = make_user(session)
    make_person(session, user, given_name="Plain", family_name="Name")
    session.commit()
    sign_in(client, user.username)
    assert "NAME, Plain" not in client.get("/people", params={"q": "%"}).text
    assert "NAME, Plain" in client.get("/people", params={"q": "lai"}).text
