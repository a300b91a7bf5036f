"""The call pages through HTTP: record, read the suggestion, decide, supervise, the boards."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.calls import decisions
from harbour.calls.models import Call, CallStatus
from harbour.episodes.models import Episode, EpisodeStatus
from tests.calls.test_calls import ADVICE, NOT_HOME, WALKOUT, _input
from tests.factories import (
    actor_of,
    csrf_from,
    make_call,
    make_person,
    make_team,
    make_user,
    sign_in,
)

ASSESSMENT = {
    "information": "Informal patient left Willow Ward at 14:00",
    "threat": "None stated",
    "harm": "Low",
    "risk": "Low: not present and ongoing",
    "investigation": "None by police",
    "vulnerability": "Voluntary patient with capacity",
    "engagement": "Ward staff",
    "rationale": "No crime, no real and immediate risk: the ward keeps its duty of care",
    "caller_told": "Police will not attend. Call 999 if the risk changes.",
}


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found is not None
    return found.group(1)


def _justify(client: TestClient, call_id: int) -> None:
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/calls/{call_id}/justify", data={"reason": "risk_assessment", "csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == f"/calls/{call_id}"


def test_a_handler_records_a_call_and_sees_the_suggestion(
    client: TestClient, session: Session
) -> None:
    handler = make_user(session, Role.call_handler)
    session.commit()
    sign_in(client, handler.username)
    form = client.get("/calls/new").text
    token = csrf_from(form)
    refused = client.post("/calls/new", data={"csrf_token": token, "caller_type": "martian"})
    assert refused.status_code == 422
    assert "Enter the caller" in refused.text and "Enter what the caller says" in refused.text
    assert "Choose who is calling from the options given" in refused.text
    saved = client.post(
        "/calls/new",
        data={
            "csrf_token": token,
            "caller": "Dana Reeve",
            "caller_type": "mental_health_unit",
            "caller_relationship": "Nurse in charge, Willow Ward",
            "narrative": WALKOUT,
        },
    )
    assert saved.status_code == 303
    call = session.scalar(select(Call).where(Call.caller == "Dana Reeve"))
    assert call is not None
    assert saved.headers["location"] == f"/calls/{call.id}?saved=recorded"
    # The recorder gave their reason by taking the call: no justification page.
    page = client.get(saved.headers["location"]).text
    assert "Call recorded." in page
    assert "<mark" in page and "suicidal</mark>" in page
    assert "Walk-out or AWOL from a health setting" in page
    assert "no risk and no crime: the mental health service keeps its duty of care" in page
    # The decision form is pre-filled from the suggestion.
    # Until the handler answers the RCRP questions, a patient not back is missing (A2).
    assert 'value="missing_person_report" checked' in page
    assert "is missing (A2)" in page
    assert re.search(r'name="risk_to_life" type="radio" value="no" checked', page)
    viewed = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "view",
            AuditEvent.subject_type == "call",
            AuditEvent.subject_id == str(call.id),
        )
    )
    assert viewed is not None and viewed.justification == "Taking the call (recorded it)"


def test_deciding_through_the_page(client: TestClient, session: Session) -> None:
    team = make_team(session)
    recorder = make_user(session, Role.call_handler, team=team)
    handler = make_user(session, Role.call_handler, team=team)
    call = make_call(session, recorder, narrative=WALKOUT, caller_type="mental_health_unit")
    session.commit()
    sign_in(client, handler.username)
    assert "Why are you viewing this call?" in client.get(f"/calls/{call.id}").text
    _justify(client, call.id)
    page = client.get(f"/calls/{call.id}").text
    token, version = csrf_from(page), _version(page)
    no_csrf = client.post(f"/calls/{call.id}/decide", data={"version": version})
    assert no_csrf.status_code == 403
    # The handler's yes to a risk to life turns the suggestion to police (HTMX).
    partial = client.post(
        f"/calls/{call.id}/suggest",
        data={"csrf_token": token, "risk_to_life": "yes", "crime": "no"},
    ).text
    assert "Police attend" in partial and "(the handler&#39;s answer)" in partial
    refused = client.post(
        f"/calls/{call.id}/decide",
        data={"csrf_token": token, "version": version, "risk_to_life": "yes", "crime": "no"}
        | {"category": "health_walkout", "outcome": "advice_only"},
    )
    assert refused.status_code == 422
    assert "The RCRP test says police attend" in refused.text
    assert "Enter the threat step of your assessment" in refused.text
    decided = client.post(
        f"/calls/{call.id}/decide",
        data={"csrf_token": token, "version": version, "risk_to_life": "no", "crime": "no"}
        | {"category": "health_walkout", "outcome": "refer_partner"}
        | {"partner": "nhs_mental_health", "partner_accepted_by": "Dana Reeve"}
        | {"partner_accepted_at_day": "", "partner_accepted_at_time": ""}
        | ASSESSMENT,
    )
    assert decided.status_code == 422
    assert "Enter both who accepted the handover and when" in decided.text
    decided = client.post(
        f"/calls/{call.id}/decide",
        data={"csrf_token": token, "version": version, "risk_to_life": "no", "crime": "no"}
        | {"category": "health_walkout", "outcome": "refer_partner"}
        | {"partner": "nhs_mental_health"}
        | ASSESSMENT,
    )
    assert decided.status_code == 303
    assert decided.headers["location"] == f"/calls/{call.id}?saved=decided"
    page = client.get(decided.headers["location"]).text
    assert "Decision saved." in page and 'data-testid="decision-log"' in page
    assert "Re-assess the call (re-THRIVE)" in page
    assert "Record that NHS mental health services accepted the handover" in page
    # The same stale page cannot decide again.
    stale = client.post(
        f"/calls/{call.id}/decide",
        data={"csrf_token": token, "version": version, "update_text": "More"} | ASSESSMENT,
    )
    assert stale.status_code == 409 and "Someone else changed this call" in stale.text
    handed = client.post(
        f"/calls/{call.id}/handover",
        data={"csrf_token": token, "version": _version(page), "accepted_by": "Dana Reeve"}
        | _now("accepted_at"),
    )
    assert handed.status_code == 303
    session.expire_all()
    stored = session.get(Call, call.id)
    assert stored is not None and stored.handed_over_at is not None
    # The ward rings back: re-THRIVE with what has changed.
    page = client.get(f"/calls/{call.id}").text
    assert "The call has changed: re-assess it" in page
    update = "The ward says he has been found on the railway bridge and says he will jump."
    partial = client.post(
        f"/calls/{call.id}/suggest", data={"csrf_token": token, "update_text": update}
    ).text
    assert "Police attend" in partial
    again = client.post(
        f"/calls/{call.id}/decide",
        data={"csrf_token": token, "version": _version(page), "update_text": update}
        | {"risk_to_life": "yes", "crime": "no", "category": "health_walkout"}
        | {"outcome": "police_attend", "response_grade": "immediate"}
        | ASSESSMENT,
    )
    assert again.headers["location"] == f"/calls/{call.id}?saved=reassessed"
    page = client.get(again.headers["location"]).text
    assert "Re-assessment (re-THRIVE): Police attend" in page and "railway bridge" in page


def _now(name: str) -> dict[str, str]:
    from harbour import timefmt

    return {f"{name}_{k}": v for k, v in timefmt.local_parts(clock.now()).items()}


def test_a_missing_child_call_becomes_an_episode(client: TestClient, session: Session) -> None:
    handler = make_user(session, Role.call_handler)
    session.commit()
    sign_in(client, handler.username)
    token = csrf_from(client.get("/calls/new").text)
    saved = client.post(
        "/calls/new",
        data={
            "csrf_token": token,
            "caller": "Priya Fairweather",
            "caller_type": "family",
            "caller_relationship": "mother",
            "narrative": NOT_HOME,
        },
    )
    call_url = saved.headers["location"].split("?")[0]
    call_id = int(call_url.rsplit("/", 1)[1])
    page = client.get(call_url).text
    assert 'value="missing_person_report" checked' in page
    decide = {"csrf_token": token, "version": _version(page), "crime": "no", "risk_to_life": "no"}
    decide |= {"category": "missing_person", "outcome": "missing_person_report"} | ASSESSMENT
    refused = client.post(f"/calls/{call_id}/decide", data=decide)
    assert refused.status_code == 422 and "Say who is missing" in refused.text
    linked = client.post(
        f"/calls/{call_id}/person",
        data={"csrf_token": token, "version": _version(page), "new_given_name": "Leo"}
        | {"new_family_name": "Fairweather", "new_dob_day": "4", "new_dob_month": "3"}
        | {"new_dob_year": str(clock.now().year - 13)},
    )
    assert linked.status_code == 303
    page = client.get(f"/calls/{call_id}").text
    assert "FAIRWEATHER, Leo" in page and "(child)" in page
    decided = client.post(f"/calls/{call_id}/decide", data=decide | {"version": _version(page)})
    assert decided.headers["location"] == f"/calls/{call_id}?saved=episode"
    page = client.get(decided.headers["location"]).text
    episode = session.scalar(select(Episode).join(Call, Call.episode_id == Episode.id))
    assert episode is not None and episode.status is EpisodeStatus.missing
    assert f'href="/episodes/{episode.id}"' in page


def test_a_supervisor_agrees_a_childs_advice_only_call(
    client: TestClient, session: Session
) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    sergeant = make_user(session, Role.sergeant, team=team)
    amy = make_person(session, handler, given_name="Amy", date_of_birth=date(2011, 6, 1))
    call = make_call(session, handler, amy, narrative=ADVICE, caller_type="family")
    decisions.decide(
        session,
        actor_of(handler),
        call,
        _input(call, category="concern_for_welfare", outcome="advice_only", partner=None),
    )
    session.commit()
    sign_in(client, sergeant.username)
    board = client.get("/calls").text
    assert f'href="/calls/{call.id}"' in board and "Awaiting a supervisor" in board
    _justify(client, call.id)
    page = client.get(f"/calls/{call.id}").text
    assert "Agree: close as advice only" in page
    token = csrf_from(page)
    refused = client.post(
        f"/calls/{call.id}/confirm", data={"csrf_token": token, "version": _version(page)}
    )
    assert refused.status_code == 422 and "Say why advice only is right" in refused.text
    agreed = client.post(
        f"/calls/{call.id}/confirm",
        data={"csrf_token": token, "version": _version(page), "note": "Safe with a friend"},
    )
    assert agreed.headers["location"] == f"/calls/{call.id}?saved=confirmed"
    session.expire_all()
    stored = session.get(Call, call.id)
    assert stored is not None and stored.status is CallStatus.decided


def test_the_board_shows_outcomes_to_supervisors_only(client: TestClient, session: Session) -> None:
    team = make_team(session)
    handler = make_user(session, Role.call_handler, team=team)
    inspector = make_user(session, Role.inspector, team=team)
    walkout = make_call(session, handler, narrative=WALKOUT, caller_type="mental_health_unit")
    decisions.decide(session, actor_of(handler), walkout, _input(walkout))
    waiting = make_call(session, handler, narrative="Caller reports a burglary in progress.")
    session.commit()
    sign_in(client, handler.username)
    board = client.get("/calls").text
    awaiting = board[board.index('id="calls-awaiting"') : board.index('id="handovers-title"')]
    assert (
        f'href="/calls/{waiting.id}"' in awaiting and f'href="/calls/{walkout.id}"' not in awaiting
    )
    # The walk-out's handover has not been accepted yet: it waits on the handover board.
    assert f'href="/calls/{walkout.id}"' in board[board.index('id="handovers-title"') :]
    assert "Right Care Right Person outcomes" not in board
    home = client.get("/").text
    assert "Calls awaiting a decision" in home and f'href="/calls/{waiting.id}"' in home
    assert client.get("/calls/decided").status_code == 403
    assert f'href="/calls/{waiting.id}"' in client.get("/partials/calls").text
    client.cookies.clear()
    sign_in(client, inspector.username)
    board = client.get("/calls", params={"days": "7"}).text
    assert 'data-testid="outcomes-chart"' in board and "<rect" in board
    table = board[board.index('data-testid="outcomes-table"') :]
    assert "Walk-out or AWOL from a health setting" in table
    listed = client.get("/calls/decided", params={"days": "7"}).text
    assert f'href="/calls/{walkout.id}"' in listed and "NHS mental health services" in listed
    police = client.get("/calls/decided", params={"days": "7", "outcome": "police_attend"}).text
    assert "No calls match." in police
