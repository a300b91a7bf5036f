"""In Chromium: the local authority's practitioner is told a child is back, records the return
home interview with an adult and a place the child named, and the hub officer sees it on the
episode and in the child's network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from harbour import clock, db
from harbour.access.agreements import Agreement
from harbour.actor import Channel, system_actor
from harbour.episodes import service as episodes
from harbour.partners import service as partners
from harbour.partners.schemas import NamedCaseInput
from harbour.risk.grades import RiskGrade
from tests.browser.conftest import (
    demo_user,
    fill_when,
    justify,
    serious_violations,
    server_in_thread,
    set_up_demo,
    signed_in,
)
from tests.factories import actor_of, make_episode, make_person

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[tuple[str, int, int]]:
    set_up_demo()
    with db.unit_of_work() as session:
        hub = demo_user(session, "hub_officer")
        now = clock.now()
        child = make_person(
            session,
            hub,
            given_name="Rosa",
            family_name="Penhallow",
            date_of_birth=(now - timedelta(days=int(14.2 * 365.25))).date(),
        )
        agreement = session.scalar(select(Agreement).where(Agreement.reference == "ISA-DEMO-001"))
        assert agreement is not None
        partners.name_case(
            session,
            system_actor(Channel.cli, name="browser test"),
            agreement.id,
            NamedCaseInput(person_id=child.id, reason="Open to the Front Door"),
        )
        episode = make_episode(
            session, hub, child, grade=RiskGrade.medium, last_seen_at=now - timedelta(hours=20)
        )
        episodes.record_found(
            session,
            actor_of(hub),
            episode,
            episodes.FoundInput(
                found_at=now - timedelta(minutes=30),
                found_text="Walked back into the placement",
                found_by="Returned of her own accord",
                outcome="found_safe",  # type: ignore[arg-type]
                version=episode.version,
            ),
        )
        child_id, episode_id = child.id, episode.id
    with server_in_thread() as base:
        yield base, child_id, episode_id


def test_the_authority_records_the_interview_and_the_hub_sees_who_and_where(
    browser: Browser, live: tuple[str, int, int]
) -> None:
    base, child_id, episode_id = live
    context, page = signed_in(browser, base, "partner_practitioner")
    # Told at once: the notification, and the board of interviews due on the home page.
    expect(page.get_by_test_id("interviews-due")).to_contain_text("PENHALLOW, Rosa")
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("link", name="A child your agreement covers is back").click()
    justify(page)
    expect(page.get_by_role("heading", name="PENHALLOW, Rosa")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Held", exact=True).check()
    fill_when(page, "offered_at", 20)
    fill_when(page, "held_at", 10)
    page.get_by_label("Held by").fill("Jo Ward, Front Door social worker")
    page.get_by_role("group", name="Was it face to face?").get_by_label("Yes").check()
    page.get_by_label("The child's account").fill(
        "She stayed two nights at a flat with an older man who bought her a phone."
    )
    page.get_by_label("Pull factors: what drew them away").fill("Gifts, a phone and cannabis")
    person = page.get_by_role("group", name="Person 1")
    person.get_by_label("Given name").fill("Conrad")
    person.get_by_label("Family name").fill("Vellacott")
    person.get_by_label("Who they are to the child").fill("Older man, about 30, drives a grey car")
    place = page.get_by_role("group", name="Place 1")
    place.get_by_label("Name").fill("Flat above the launderette")
    place.get_by_label("Postcode").fill("E3 2AA")
    page.get_by_role("button", name="Save the return home interview").click()
    expect(
        page.get_by_text("The return home interview is saved on the police record")
    ).to_be_visible()
    page.goto("/")
    expect(page.get_by_test_id("interviews-due")).to_have_count(0)
    context.close()

    # The hub officer sees the interview on the episode, and the adult and place in the network.
    context, page = signed_in(browser, base, "hub_officer")
    page.goto(f"/episodes/{episode_id}")
    justify(page)
    interview = page.get_by_test_id("rhi")
    expect(interview).to_contain_text("Gifts, a phone and cannabis")
    expect(interview).to_contain_text("Riverside Children's Services (demo)")
    expect(page.get_by_text("VELLACOTT, Conrad").first).to_be_visible()
    page.goto(f"/people/{child_id}/intelligence")
    links = page.get_by_test_id("links")
    expect(links).to_contain_text("VELLACOTT, Conrad")
    expect(links).to_contain_text("Named at the return home interview")
    expect(links).to_contain_text("Flat above the launderette")
    graph = page.request.get(f"/network/graph?person={child_id}")
    assert graph.ok, graph.text()
    assert "VELLACOTT" in graph.text() and "launderette" in graph.text()
    context.close()
