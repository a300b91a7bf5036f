"""The child's timeline page through HTTP: screen, refer to the NRM, issue and serve a CAWN."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Role
from harbour.people.models import Person
from harbour.screening.models import Cawn, NrmReferral
from harbour.tasks import service as tasks
from harbour.tasks.models import Task
from tests.factories import actor_of, csrf_from, make_episode, make_person, make_user, sign_in


def _justify(client: TestClient, person_id: int, next_url: str) -> None:
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/people/{person_id}/justify",
        data={"reason": "safeguarding", "next": next_url, "csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["location"] == next_url


def _today() -> date:
    return timefmt.local(clock.now()).date()


def _born(age: int) -> date:
    """A date of birth that makes someone `age` today (born on 1 January)."""
    return date(_today().year - age, 1, 1)


def _version(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}"') :]
    found = re.search(r'name="version" value="(\d+)"', form)
    assert found
    return found.group(1)


def test_an_investigator_screens_refers_and_warns_from_the_child_s_page(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    investigator = make_user(session, Role.exploitation_investigator, org=None)
    investigator.organisation_id = hub.organisation_id
    episode = make_episode(session, hub)
    child = session.get(Person, episode.person_id)
    assert child is not None
    adult = make_person(
        session, hub, given_name="Dee", family_name="Older", date_of_birth=_born(30)
    )
    task = tasks.open_task(
        session,
        actor_of(hub),
        organisation_id=episode.organisation_id,
        team_id=episode.team_id,
        kind="exploitation_screening",
        title="Exploitation screening: disclosure on return",
        person_id=child.id,
        episode_id=episode.id,
        owner_id=hub.id,
    )
    session.commit()
    sign_in(client, investigator.username)
    here = f"/people/{child.id}/episodes"
    assert "Why are you viewing this record?" in client.get(here).text
    # A form posted before giving a reason for this sign-in asks for it first.
    token = csrf_from(client.get("/").text)
    asked = client.post(f"/people/{child.id}/screenings", data={"csrf_token": token})
    assert asked.status_code == 200 and "Why are you viewing this record?" in asked.text
    _justify(client, child.id, here)
    page = client.get(here).text
    assert "No screening recorded." in page and "No NRM referral recorded." in page
    assert 'data-testid="screening-form"' in page and 'data-testid="cawn-form"' in page
    token = csrf_from(page)

    refused = client.post(
        f"/people/{child.id}/screenings",
        data={"csrf_token": token, "indicators": "drugs", "rationale": "Found with cannabis"},
    )
    assert refused.status_code == 422
    assert "govuk-error-summary" in refused.text and "Select the outcome" in refused.text
    assert "Found with cannabis" in refused.text  # what was typed comes back
    assert 'value="drugs" checked' in refused.text
    saved = client.post(
        f"/people/{child.id}/screenings",
        data={
            "csrf_token": token,
            "indicators": ["drugs", "older_associates"],
            "outcome": "cce",
            "rationale": "Found with cannabis and an older male",
            "next_steps": ["strategy_discussion", "nrm"],
            "episode_id": str(episode.id),
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{here}?saved=screening#screenings"
    page = client.get(saved.headers["location"]).text
    assert "Exploitation screening recorded." in page
    assert "Older or controlling associates" in page and "Ask for a strategy discussion" in page
    session.expire_all()
    done = session.get(Task, task.id)
    assert done is not None and done.done_at is not None

    referred = client.post(
        f"/people/{child.id}/nrm-referrals",
        data={"csrf_token": token, "exploitation_types": "criminal", "first_responder": "Police"},
    )
    assert referred.status_code == 303
    page = client.get(here).text
    assert "Reasonable-grounds decision due" in page
    assert "Not needed: a child (under 18) at referral" in page
    referral = session.scalar(select(NrmReferral).where(NrmReferral.person_id == child.id))
    assert referral is not None
    today = _today()
    action = f"/nrm-referrals/{referral.id}/reasonable-grounds"
    prefix = f"rg{referral.id}_"
    decided = client.post(
        action,
        data={
            "csrf_token": token,
            "version": _version(page, action),
            f"{prefix}decision": "positive",
            f"{prefix}decided_on_day": str(today.day),
            f"{prefix}decided_on_month": str(today.month),
            f"{prefix}decided_on_year": str(today.year),
        },
    )
    assert decided.status_code == 303, decided.text[:500]
    page = client.get(here).text
    assert "Recovery period: no conclusive-grounds decision before" in page

    bad_date = client.post(
        f"/nrm-referrals/{referral.id}/conclusive-grounds",
        data={
            "csrf_token": token,
            "version": _version(page, f"/nrm-referrals/{referral.id}/conclusive-grounds"),
            f"cg{referral.id}_decided_on_day": "31",
            f"cg{referral.id}_decided_on_month": "2",
            f"cg{referral.id}_decided_on_year": "2027",
        },
    )
    assert bad_date.status_code == 422
    assert "The date of the decision must be a real date" in bad_date.text
    assert f'href="#cg{referral.id}_decided_on"' in bad_date.text

    issued = client.post(
        f"/people/{child.id}/cawns",
        data={"csrf_token": token, "adult_number": str(adult.id), "grounds": "Picks her up late"},
    )
    assert issued.status_code == 303, issued.text[:500]
    page = client.get(here).text
    assert "Notice to" in page and "OLDER, Dee" in page and "Not served yet" in page
    notice = session.scalar(select(Cawn).where(Cawn.person_id == child.id))
    assert notice is not None
    action = f"/cawns/{notice.id}/served"
    served = client.post(
        action,
        data={
            "csrf_token": token,
            "version": _version(page, action),
            f"served{notice.id}_served_at_day": str(today.day),
            f"served{notice.id}_served_at_month": str(today.month),
            f"served{notice.id}_served_at_year": str(today.year),
            f"served{notice.id}_served_at_time": "00:00",
            f"served{notice.id}_served_by": "PC 123 Jones",
        },
    )
    # Midnight today is before the notice was issued a moment ago: refused, and said so.
    assert served.status_code == 422
    assert "Service cannot be before the notice was issued" in served.text


def test_a_16_year_old_not_in_care_cannot_have_a_notice(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.officer)
    child = make_person(
        session, officer, given_name="Sam", family_name="Sixteen", date_of_birth=_born(16)
    )
    adult = make_person(
        session, officer, given_name="Pat", family_name="Adult", date_of_birth=_born(40)
    )
    session.commit()
    sign_in(client, officer.username)
    here = f"/people/{child.id}/episodes"
    _justify(client, child.id, here)
    page = client.get(here).text
    assert "No warning notice can be issued now" in page
    assert "SIXTEEN, Sam is 16 and not recorded as in care" in page
    assert 'data-testid="cawn-form"' not in page
    refused = client.post(
        f"/people/{child.id}/cawns",
        data={"csrf_token": csrf_from(page), "adult_number": str(adult.id), "grounds": "Grooming"},
    )
    assert refused.status_code == 422
    assert 'href="#eligibility"' in refused.text and "under 18 if they are in care" in refused.text
