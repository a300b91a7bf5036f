"""The identity bar on every page of a person: name, record number, birth and age, markers and
the looked-after status, so an officer finds the record number where the forms say it is."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour import timefmt
from harbour.actor import Role
from tests.factories import csrf_from, make_episode, make_person, make_user, sign_in


def _justify(client: TestClient, person_id: int) -> None:
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/people/{person_id}/justify",
        data={"reason": "risk_assessment", "csrf_token": token},
    )
    assert response.status_code == 303


def _bar(html: str) -> str:
    match = re.search(
        r'<div class="moj-identity-bar[^"]*" data-testid="identity-bar">(.*?)</main', html, re.S
    )
    assert match, "the page has no identity bar"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_every_page_of_a_looked_after_child_shows_who_she_is(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.hub_officer)
    born = date(2012, 1, 2)
    child = make_person(
        session, officer, given_name="Mia", family_name="Harrow", date_of_birth=born
    )
    child.flags = ["cse_risk", "missing_from_care"]
    child.looked_after = True
    child.local_authority = "Riverside Council"
    episode = make_episode(session, officer, child)
    session.commit()
    sign_in(client, officer.username)
    _justify(client, child.id)
    pages = [
        f"/people/{child.id}",
        f"/people/{child.id}/episodes",
        f"/people/{child.id}/edit",
        f"/people/{child.id}/merges",
        f"/people/{child.id}/intelligence",
        f"/episodes/{episode.id}",
        f"/episodes/{episode.id}/grade",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        bar = _bar(response.text)
        assert "HARROW, Mia" in bar, url
        assert f"Record number {child.id}" in bar, url
        assert f"Born 2 January {born.year}, age {timefmt.age(born)} (child)" in bar, url
        assert "Risk of child sexual exploitation" in bar and "Missing from care" in bar, url
        assert "Looked after" in bar and "Riverside Council" in bar, url


def test_a_child_with_nothing_recorded_says_so(client: TestClient, session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    child = make_person(session, officer, given_name="Ned", date_of_birth=date(2015, 5, 5))
    session.commit()
    sign_in(client, officer.username)
    _justify(client, child.id)
    bar = _bar(client.get(f"/people/{child.id}").text)
    assert "Looked-after status not recorded" in bar
    assert "No warning markers" in bar


def test_the_record_s_flags_are_the_codes_risk_grading_reads() -> None:
    from typing import get_args

    from harbour.people.models import FLAGS
    from harbour.risk.schemas import ForceFlag

    assert set(FLAGS) == set(get_args(ForceFlag))
