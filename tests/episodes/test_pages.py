"""The episode pages through HTTP: report, grade with the force's data, review board, return."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Role
from harbour.auth.models import Organisation
from harbour.episodes import service
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.network.models import NetworkAlert
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import current_policy
from harbour.risk.schemas import RiskAnswers
from harbour.tasks import service as tasks
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_episode,
    make_person,
    make_team,
    make_user,
    sign_in,
)

T0 = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def _post(client: TestClient, url: str, data: dict[str, str], page: str = "/") -> int:
    token = csrf_from(client.get(page).text)
    return client.post(url, data=data | {"csrf_token": token}).status_code


def test_a_call_handler_finds_the_person_and_reports_them_missing(
    client: TestClient, session: Session
) -> None:
    handler = make_user(session, Role.call_handler)
    person = make_person(
        session,
        handler,
        given_name="Amira",
        family_name="Testcase",
        date_of_birth=date(2012, 3, 4),
    )
    person.philomena = {"nickname": "Mira", "places_she_goes": ["Brixton library"]}
    session.commit()
    sign_in(client, handler.username)
    found = client.get("/episodes/new", params={"q": "amira test"}).text
    assert f'href="/episodes/new/{person.id}"' in found
    # The report form shows personal data, so it asks why first; then the Philomena profile.
    asked = client.get(f"/episodes/new/{person.id}")
    assert "Why are you viewing this record?" in asked.text
    justify(client, person.id, f"/episodes/new/{person.id}")
    form = client.get(f"/episodes/new/{person.id}").text
    assert "Philomena profile on record" in form and "Brixton library" in form
    token = csrf_from(form)
    refused = client.post(
        f"/episodes/new/{person.id}",
        data={"csrf_token": token, "reporter_name": "", "last_seen_day": "40"},
    )
    assert refused.status_code == 422
    assert "Enter the reporter" in refused.text
    assert "Last seen must include a day, month and year" in refused.text
    assert "Enter where they were last seen" in refused.text
    saved = client.post(
        f"/episodes/new/{person.id}",
        data={
            "csrf_token": token,
            "reporter_name": "Jo Carer",
            "reporter_relationship": "foster carer",
            "reporter_phone": "07700 900555",
            "last_seen_text": "Leaving school",
            "clothing": "Green school jumper",
        },
    )
    assert saved.status_code == 303
    episode = session.scalar(select(Episode).where(Episode.person_id == person.id))
    assert episode is not None and episode.status is EpisodeStatus.missing
    # A call handler does not grade: the hub does, so the report lands on the episode page.
    assert saved.headers["location"] == f"/episodes/{episode.id}?saved=reported"


def test_the_grading_screen_shows_the_force_data_and_enforces_the_rules(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub, given_name="Kai", date_of_birth=date(2012, 1, 1))
    child.flags = ["cce_risk"]
    earlier = make_episode(session, hub, child)
    service.record_found(
        session,
        actor_of(hub),
        earlier,
        service.FoundInput(
            found_at=clock.now(),
            found_text="Chicken shop, Croydon",
            found_with_text="Older male called Dee",
            found_by="PC 7",
            condition=None,
            outcome="found_safe",
            version=earlier.version,
        ),
    )
    earlier.status = EpisodeStatus.closed
    episode = make_episode(session, hub, child)
    session.commit()
    sign_in(client, hub.username)
    justify(client, child.id, f"/episodes/{episode.id}/grade")
    page = client.get(f"/episodes/{episode.id}/grade").text
    panel = page[page.index('data-testid="force-data"') :]
    assert "<strong>1</strong> before this one" in panel
    assert "Chicken shop, Croydon" in panel and "Older male called Dee" in panel
    assert "Risk of child criminal exploitation" in panel
    token = csrf_from(page)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    low = client.post(
        f"/episodes/{episode.id}/grade",
        data={
            "csrf_token": token,
            "version": version.group(1),
            "grade": "low",
            "rationale": "Often goes missing",
            "below_reason": "Usual pattern",
        },
    )
    assert low.status_code == 422
    assert "cannot be graded below medium" in low.text
    assert 'value="cce_risk" checked' in page  # the record's flag, pre-filled on the form
    graded = {
        "csrf_token": token,
        "version": version.group(1),
        "grade": "high",
        "rationale": "Exploitation concerns",
        "exploitation_indicators": "older_associates",
        "cra_decision": "Considered; not met",
    }
    unticked = client.post(f"/episodes/{episode.id}/grade", data=graded)
    assert unticked.status_code == 422
    assert "Say why you set aside what the force holds (flag cce_risk)" in unticked.text
    high = client.post(f"/episodes/{episode.id}/grade", data=graded | {"force_flags": "cce_risk"})
    assert high.status_code == 303, high.text[:2000]
    session.refresh(episode)
    assert episode.risk_grade is RiskGrade.high
    latest = service.gradings(session, episode)[0]
    assert latest.suggested_grade is RiskGrade.high
    assert latest.answers["exploitation_indicators"] == ["older_associates"]
    assert latest.answers["force_flags"] == ["cce_risk"]
    assert latest.answers["previous_episodes"] == 1
    assert any(r["factor"] == "force_flags:cce_risk" for r in latest.reasons)


def test_the_suggestion_follows_the_answers(client: TestClient, session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    adult = make_person(session, hub, date_of_birth=date(1980, 1, 1))
    episode = make_episode(session, hub, adult)
    session.commit()
    sign_in(client, hub.username)
    justify(client, adult.id, f"/episodes/{episode.id}/grade")
    token = csrf_from(client.get("/").text)
    early = client.post(f"/episodes/{episode.id}/grade/suggest", data={"csrf_token": token})
    assert "Low" in early.text and "Provisional" in early.text  # nothing answered yet
    answered = dict.fromkeys(current_policy().initial_questions, "no")
    calm = client.post(
        f"/episodes/{episode.id}/grade/suggest", data={"csrf_token": token, **answered}
    )
    assert "Very low" in calm.text
    worried = client.post(
        f"/episodes/{episode.id}/grade/suggest",
        data={"csrf_token": token, "suicide_self_harm_risk": "yes"},
    )
    assert "High" in worried.text and "suicide" in worried.text.lower()


def test_the_review_board_puts_overdue_first_and_escalates(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    org = session.get(Organisation, hub.organisation_id)
    inspector = make_user(session, Role.inspector, team=make_team(session, org))
    with clock.frozen(T0) as advance:
        make_episode(session, hub, grade=RiskGrade.medium, last_seen_text="Park")
        advance(timedelta(hours=1))
        make_episode(session, hub, grade=RiskGrade.high, last_seen_text="Station")
        session.commit()
        sign_in(client, inspector.username)
        board = client.get("/reviews").text
        assert "Overdue" not in board
        advance(timedelta(hours=1, minutes=5))  # the high-risk review (1 h) is now overdue
        client.cookies.clear()  # (and the idle sign-in has expired meanwhile)
        sign_in(client, inspector.username)
        board = client.get("/partials/reviews").text
        rows = board.split('class="govuk-table__row"')[2:]
        assert "Overdue" in rows[0] and "Superintendent" in rows[0]
        assert "escalated from inspector" in rows[0]
        assert "Overdue" not in rows[1] and "Sergeant" in rows[1]


def test_a_language_check_highlights_phrases_to_challenge(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.officer)
    session.commit()
    sign_in(client, officer.username)
    token = csrf_from(client.get("/").text)
    found = client.post(
        "/partials/language",
        data={"csrf_token": token, "field": "rationale", "rationale": "She is very streetwise"},
    )
    assert "<mark>streetwise</mark>" in found.text.lower()
    quiet = client.post(
        "/partials/language",
        data={"csrf_token": token, "field": "rationale", "rationale": "She is 14 and at risk"},
    )
    assert quiet.text.strip() == ""


def test_the_episode_page_walks_from_missing_to_closed(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, grade=RiskGrade.medium, last_seen_text="Park")
        session.commit()
        sign_in(client, hub.username)
        url = f"/episodes/{episode.id}"
        justify(client, episode.person_id, url)
        page = client.get(url)
        assert page.status_code == 200
        assert "Reviews due" in page.text and "Record that they were found" in page.text
        assert "Pat Example (mother)" in page.text  # the source of what was reported
        token = csrf_from(page.text)

        def post(step: str, data: dict[str, str]) -> int:
            session.expire_all()
            current = session.get(Episode, episode.id)
            assert current is not None
            form = data | {"csrf_token": token, "version": str(current.version)}
            return client.post(f"{url}/{step}", data=form).status_code

        assert post("close", {}) == 422  # still missing
        advance(timedelta(minutes=20))
        found_at = {
            "found_at_day": "20",
            "found_at_month": "11",
            "found_at_year": "2026",
            "found_at_time": "18:10",
        }
        assert (
            post(
                "found",
                found_at | {"found_text": "Library", "found_by": "PC 4", "outcome": "found_safe"},
            )
            == 303
        )
        page = client.get(url).text
        assert "Safe-and-well check" in page and "Due by" in page
        assert "Return home interview" in page  # a child: the interview is asked for
        held = {
            "held_at_day": "20",
            "held_at_month": "11",
            "held_at_year": "2026",
            "held_at_time": "18:15",
            "held_by": "PC 4",
            "face_to_face": "yes",
            "where_they_were": "At the library",
            "disclosures": "older_associates",
        }
        assert post("safe-and-well", held) == 303
        refused = post("return-interview", {"status": "held"})
        assert refused == 422
        offered = {
            "offered_at_day": "20",
            "offered_at_month": "11",
            "offered_at_year": "2026",
            "offered_at_time": "18:16",
            "rhi_held_at_day": "20",
            "rhi_held_at_month": "11",
            "rhi_held_at_year": "2026",
            "rhi_held_at_time": "18:18",
            "by": "Lambeth RHI service",
            "findings": "Talked about school",
            "status": "held",
        }
        assert post("return-interview", offered) == 303
        # Not yet: a sergeant reviews a child's return, and the screening her disclosure
        # opened is done or carried to her record.
        assert post("close", {}) == 422
        page = client.get(url).text
        assert "A sergeant must review the return." in page
        assert "Exploitation screening: disclosure on return" in page
        session.expire_all()
        screening = tasks.open_task_of_kind(session, episode.person_id, "exploitation_screening")
        assert screening is not None
        carry = {"csrf_token": token, "version": str(screening.version)}
        refused = client.post(f"/tasks/{screening.id}/carry", data=carry)
        assert refused.status_code == 422 and "Say why the task goes on" in refused.text
        carried = client.post(
            f"/tasks/{screening.id}/carry", data=carry | {"carried_reason": "Booked for Monday"}
        )
        assert carried.status_code == 303 and carried.headers["location"].startswith(url)
        org = session.get(Organisation, hub.organisation_id)
        sergeant = make_user(session, Role.sergeant, team=make_team(session, org))
        session.commit()
        returned = next(r for r in service.open_reviews(session, episode) if r.kind == "return")
        client.cookies.clear()
        sign_in(client, sergeant.username)
        review_url = f"{url}/reviews/{returned.id}"
        justify(client, episode.person_id, review_url)
        form = client.get(review_url)
        assert form.status_code == 200 and "Sergeant: review of the return" in form.text
        session.expire_all()
        current = session.get(Episode, episode.id)
        assert current is not None
        done = client.post(
            review_url,
            data={
                "csrf_token": csrf_from(form.text),
                "version": str(current.version),
                "decision": "confirmed",
                "plan": "Screening on Monday",
                "reporter_contact": "Spoke to mum",
            },
        )
        assert done.status_code == 303
        client.cookies.clear()
        sign_in(client, hub.username)
        justify(client, episode.person_id, url)
        token = csrf_from(client.get(url).text)
        assert post("close", {}) == 303
        page = client.get(url).text
    assert 'data-testid="status">Closed' in page
    assert "Older or controlling associates" in page and "Lambeth RHI service" in page


def test_enquiries_actions_handover_and_briefing_through_the_page(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    org = session.get(Organisation, hub.organisation_id)
    officer = make_user(session, Role.officer, team=make_team(session, org))
    episode = make_episode(
        session, hub, grade=RiskGrade.medium, last_seen_text="Bus station", clothing="Blue coat"
    )
    session.commit()
    sign_in(client, hub.username)
    url = f"/episodes/{episode.id}"
    justify(client, episode.person_id, url)
    token = csrf_from(client.get(url).text)

    def post(step: str, data: dict[str, str]) -> int:
        session.expire_all()
        current = session.get(Episode, episode.id)
        assert current is not None
        form = data | {"csrf_token": token, "version": str(current.version)}
        return client.post(f"{url}/{step}", data=form).status_code

    assert post("tasks", {"title": ""}) == 422
    assert (
        post(
            "tasks",
            {"title": "Check hospitals", "task_owner_id": str(officer.id), "due_hours": "4"},
        )
        == 303
    )
    assert post("actions", {"kind": "pnc_circulated"}) == 422
    assert post("actions", {"kind": "pnc_circulated", "reference": "26/000123X"}) == 303
    assert post("handover", {"owner_id": "999999"}) == 422
    assert post("handover", {"owner_id": str(officer.id)}) == 303
    page = client.get(url).text
    assert "Check hospitals" in page and "26/000123X" in page
    assert f"Owner: {officer.display_name}" in page
    briefing = client.get(f"{url}/briefing").text
    assert "Blue coat" in briefing and "Bus station" in briefing
    assert "OFFICIAL-SENSITIVE" in briefing


def test_the_person_timeline_shows_every_episode_and_the_trigger(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub, given_name="Rio", date_of_birth=date(2011, 2, 2))
    with clock.frozen(T0) as advance:
        for _ in range(3):
            episode = make_episode(session, hub, child)
            service.record_found(
                session,
                actor_of(hub),
                episode,
                service.FoundInput(
                    found_at=clock.now(),
                    found_text="Park",
                    found_with_text=None,
                    found_by="PC 1",
                    condition=None,
                    outcome="returned",
                    version=episode.version,
                ),
            )
            advance(timedelta(days=10))
        session.commit()
        sign_in(client, hub.username)
        url = f"/people/{child.id}/episodes"
        justify(client, child.id, url)
        page = client.get(url).text
    assert page.count('class="moj-timeline__item"') == 3
    assert "Trigger: 3 episodes in 90 days" in page


def test_a_sergeant_does_a_review_through_the_page(client: TestClient, session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    org = session.get(Organisation, hub.organisation_id)
    sergeant = make_user(session, Role.sergeant, team=make_team(session, org))
    episode = make_episode(session, hub, grade=RiskGrade.medium, last_seen_text="Park")
    review = service.open_reviews(session, episode)[0]
    session.commit()
    sign_in(client, sergeant.username)
    url = f"/episodes/{episode.id}/reviews/{review.id}"
    justify(client, episode.person_id, url)
    page = client.get(url)
    assert page.status_code == 200 and "Sergeant: first review" in page.text
    token = csrf_from(page.text)
    version = str(episode.version)
    missing = client.post(url, data={"csrf_token": token, "version": version})
    assert missing.status_code == 422
    assert "Select whether you confirm or change the grade" in missing.text
    assert "Write the investigation plan" in missing.text
    done = client.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "decision": "confirmed",
            "plan": "House-to-house on the estate",
            "reporter_contact": "Spoke to mum at 19:00",
        },
    )
    assert done.status_code == 303
    session.expire_all()
    reviewed = session.get(type(review), review.id)
    assert reviewed is not None and reviewed.decision == "confirmed"
    assert reviewed.done_by_id == sergeant.id
    again = client.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "decision": "confirmed",
            "plan": "x",
            "reporter_contact": "y",
        },
    )
    assert again.status_code == 409  # the episode moved on: the stale form is refused


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the signature is what Harbour checks


def test_a_photo_is_uploaded_shown_only_with_a_reason_and_checked(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    episode = make_episode(session, hub, last_seen_text="Park")
    session.commit()
    sign_in(client, hub.username)
    url = f"/episodes/{episode.id}"
    token = csrf_from(client.get("/").text)
    early = client.post(
        f"{url}/photos",
        data={"csrf_token": token, "version": str(episode.version)},
        files={"photo": ("p.png", PNG, "image/png")},
    )
    assert "Why are you viewing this record?" in early.text  # asked why before anything else
    justify(client, episode.person_id, url)
    fake = client.post(
        f"{url}/photos",
        data={"csrf_token": token, "version": str(episode.version)},
        files={"photo": ("p.png", b"<svg onload=alert(1)>", "image/png")},
    )
    assert fake.status_code == 422 and "must be a JPEG, PNG or WebP image" in fake.text
    saved = client.post(
        f"{url}/photos",
        data={"csrf_token": token, "version": str(episode.version), "photo_given_by": "Mum"},
        files={"photo": ("p.png", PNG, "image/png")},
    )
    assert saved.status_code == 303
    page = client.get(url).text
    match = re.search(r'src="(/episodes/\d+/photos/\d+)"', page)
    assert match is not None and "Given by Mum" in page
    image = client.get(match.group(1))
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    assert image.headers["cache-control"] == "private, no-store"
    client.cookies.clear()
    other = make_user(
        session,
        Role.hub_officer,
        team=make_team(session, session.get(Organisation, hub.organisation_id)),
    )
    session.commit()
    sign_in(client, other.username)
    assert client.get(match.group(1)).status_code == 403  # no reason given in this sign-in


def test_a_report_can_carry_a_photo(client: TestClient, session: Session) -> None:
    officer = make_user(session, Role.officer)
    person = make_person(session, officer, given_name="Pip")
    session.commit()
    sign_in(client, officer.username)
    justify(client, person.id, f"/episodes/new/{person.id}")
    token = csrf_from(client.get(f"/episodes/new/{person.id}").text)
    form = {
        "csrf_token": token,
        "reporter_name": "Al",
        "reporter_relationship": "father",
        "last_seen_text": "Home",
    }
    refused = client.post(
        f"/episodes/new/{person.id}", data=form, files={"photo": ("x.gif", b"GIF89a", "image/gif")}
    )
    assert refused.status_code == 422 and "JPEG, PNG or WebP" in refused.text
    assert session.scalar(select(Episode).where(Episode.person_id == person.id)) is None
    saved = client.post(
        f"/episodes/new/{person.id}", data=form, files={"photo": ("p.png", PNG, "image/png")}
    )
    assert saved.status_code == 303
    episode = session.scalar(select(Episode).where(Episode.person_id == person.id))
    assert episode is not None
    assert [p.given_by for p in service.photos(session, episode)] == ["Al (father)"]


def test_found_out_of_area_through_the_page_opens_a_screening(
    client: TestClient, session: Session
) -> None:
    from harbour.people.models import Place, PlaceType
    from harbour.tasks import service as tasks

    hub = make_user(session, Role.hub_officer)
    org_id = hub.organisation_id
    home = Place(type=PlaceType.home, name="Home", borough="Lambeth", organisation_id=org_id)
    away = Place(type=PlaceType.park, name="Park", borough="Croydon", organisation_id=org_id)
    session.add_all([home, away])
    session.flush()
    child = make_person(session, hub, date_of_birth=date(2012, 5, 5))
    child.home_place_id = home.id
    with clock.frozen(T0) as advance:
        episode = make_episode(session, hub, child, last_seen_text="Home")
        session.commit()
        advance(timedelta(minutes=10))
        sign_in(client, hub.username)
        url = f"/episodes/{episode.id}"
        justify(client, child.id, url)
        page = client.get(url).text
        assert '<option value="Croydon">' in page
        now = timefmt.local(clock.now() - timedelta(minutes=5))
        found = client.post(
            f"{url}/found",
            data={
                "csrf_token": csrf_from(page),
                "version": str(episode.version),
                "found_at_day": str(now.day),
                "found_at_month": str(now.month),
                "found_at_year": str(now.year),
                "found_at_time": f"{now:%H:%M}",
                "found_text": "Bus garage",
                "found_by": "PC 8",
                "outcome": "found_safe",
                "found_borough": "Croydon",
            },
        )
        assert found.status_code == 303
    screening = tasks.open_task_of_kind(session, child.id, "exploitation_screening")
    assert screening is not None and screening.trigger == "Found in Croydon; lives in Lambeth"


def test_a_stale_save_shows_what_changed_and_keeps_what_was_typed(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    org = session.get(Organisation, hub.organisation_id)
    colleague = make_user(session, Role.hub_officer, team=make_team(session, org))
    episode = make_episode(session, hub, last_seen_text="Park")
    session.commit()
    sign_in(client, hub.username)
    url = f"/episodes/{episode.id}"
    justify(client, episode.person_id, url)
    page = client.get(url).text
    read = str(episode.version)
    person = service.person_of(session, episode)
    service.grade(
        session,
        actor_of(colleague),
        episode,
        person,
        service.GradingInput(
            answers=RiskAnswers(),
            grade=RiskGrade.high,
            rationale="Threats made",
            below_reason=None,
            cra_decision="Considered; not met",
            version=episode.version,
        ),
    )
    session.commit()
    stale = client.post(
        f"{url}/information",
        data={
            "csrf_token": csrf_from(page),
            "version": read,
            "topic": "other",
            "text": "Seen near the canal",
            "given_by": "A neighbour",
        },
    )
    assert stale.status_code == 409
    assert "What changed since you opened this page" in stale.text
    assert f"<strong>Grade</strong> by {colleague.display_name}" in stale.text
    assert "Seen near the canal" in stale.text  # what the officer typed is still there


def test_saved_text_marks_the_language_to_challenge_on_the_episode(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub, date_of_birth=date(2011, 6, 1))
    episode = make_episode(session, hub, child, circumstances="Streetwise, and mature for her age.")
    session.commit()
    sign_in(client, hub.username)
    justify(client, child.id, f"/episodes/{episode.id}")
    page = client.get(f"/episodes/{episode.id}").text
    assert page.count('<mark class="harbour-challenge"') >= 2
    assert "Instead: describe what is known" in page  # the alternative, with no JavaScript


def test_the_live_suggestion_needs_the_justification_and_is_audited(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub, date_of_birth=date(2012, 1, 1))
    episode = make_episode(session, hub, child)
    session.commit()
    sign_in(client, hub.username)
    token = csrf_from(client.get("/").text)
    asked = client.post(f"/episodes/{episode.id}/grade/suggest", data={"csrf_token": token})
    assert "say why you need the record" in asked.text and "Suggested grade" not in asked.text
    justify(client, child.id, f"/episodes/{episode.id}/grade")
    views = session.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'view'"))
    shown = client.post(f"/episodes/{episode.id}/grade/suggest", data={"csrf_token": token})
    assert "Suggested grade" in shown.text
    session.expire_all()
    after = session.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'view'"))
    assert after == (views or 0) + 1


def test_the_briefing_sheet_names_open_exploitation_alerts_about_the_child(
    client: TestClient, session: Session
) -> None:
    """Searching officers see what the grader sees: an open network alert touching the child."""
    hub = make_user(session, Role.hub_officer)
    episode = make_episode(session, hub, grade=RiskGrade.high, last_seen_text="Bus station")
    adult = make_person(session, hub, given_name="Dean", family_name="Marsh")
    alert = NetworkAlert(
        kind="common_associate", subject_type="person", subject_key=str(adult.id),
        subject_person_id=adult.id, score=0.91, reason="Linked to 4 children",
        described={"evidence": []}, evidence_count=4, organisation_id=hub.organisation_id,
    )  # fmt: skip
    alert.child_ids = [episode.person_id]
    alert.member_keys = [f"person:{adult.id}"]
    session.add(alert)
    session.commit()
    sign_in(client, hub.username)
    url = f"/episodes/{episode.id}"
    justify(client, episode.person_id, url)
    briefing = client.get(f"{url}/briefing").text
    assert 'data-testid="briefing-exploitation"' in briefing
    assert "Open network alert:" in briefing and "Common associate alert" in briefing
