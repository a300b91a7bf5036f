"""The whole missing-episode path in Chromium, with Harbour's clock set by the test.

A call handler reports a missing 14-year-old; the force-data panel shows her earlier episodes; a
hub officer grades her high; an inspector's review appears due and then overdue; she is found;
the safe-and-well check and return interview are recorded; the episode closes.

The server runs in this process (uvicorn in a thread) so that `clock.frozen` moves its clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from harbour import clock, db
from harbour.episodes import service as episodes
from harbour.episodes.models import EpisodeStatus
from tests.browser.conftest import (
    Live,
    demo_user,
    fill_when,
    frozen_server,
    justify,
    serious_violations,
    sign_in,
    signed_in,
)
from tests.factories import actor_of, make_episode, make_person

pytestmark = pytest.mark.browser


def _seed() -> None:
    """A 14-year-old with two earlier episodes the grader must see."""
    with db.unit_of_work() as session:
        hub = demo_user(session, "hub_officer")
        today = clock.now().date()
        maya = make_person(
            session,
            hub,
            given_name="Maya",
            family_name="Brightwater",
            date_of_birth=today - timedelta(days=int(14.5 * 365.25)),
        )
        for days_ago in (60, 20):
            earlier = make_episode(session, hub, maya, last_seen_text="Home")
            earlier.reported_at = clock.now() - timedelta(days=days_ago)
            episodes.record_found(
                session,
                actor_of(hub),
                earlier,
                episodes.FoundInput(
                    found_at=clock.now(),
                    found_text="Chicken shop on Station Road",
                    found_with_text="An older male known as T",
                    found_by="PC 201",
                    condition=None,
                    outcome="found_safe",
                    version=earlier.version,
                ),
            )
            earlier.status = EpisodeStatus.closed


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[Live]:
    with frozen_server(_seed) as running:
        yield running


def test_report_grade_review_find_and_close(browser: Browser, live: Live) -> None:
    # A call handler takes the report.
    handler, page = signed_in(browser, live.base, "call_handler")
    page.get_by_role("link", name="Report missing").click()
    page.get_by_label("Name", exact=True).fill("maya bright")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Report missing BRIGHTWATER, Maya").click()
    justify(page)
    expect(page.get_by_role("heading", name="Missing report")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Reporter's name").fill("Sam Okafor")
    page.get_by_label("Relationship to the missing person").fill("foster carer")
    page.get_by_label("Reporter's phone").fill("07700 900321")
    page.get_by_label("Where they were last seen").fill("Leaving school at 15:30")
    page.get_by_label("What they were wearing").fill("Black puffer jacket, grey tracksuit")
    page.get_by_role("button", name="Save the report and grade the risk").click()
    expect(page.get_by_text("Missing report saved")).to_be_visible()
    episode_url = page.url.split("?")[0]
    handler.close()

    # A hub officer grades her, with everything the force holds in front of them.
    hub, page = signed_in(browser, live.base, "hub_officer")
    page.goto(episode_url)
    justify(page)
    page.get_by_role("link", name="Grade the risk").click()
    panel = page.get_by_test_id("force-data")
    expect(panel).to_contain_text("2 before this one")
    expect(panel).to_contain_text("Chicken shop on Station Road")
    expect(panel).to_contain_text("An older male known as T")
    assert serious_violations(page) == []
    page.get_by_label("Older or controlling associates").check()  # high by itself
    expect(page.get_by_test_id("suggestion")).to_contain_text("High")  # via HTMX
    page.locator("#grade-high").check()
    page.get_by_label("Rationale").fill("Older male again; found with him twice before.")
    page.get_by_label("Child Rescue Alert (needed if you grade high)").fill(
        "Considered: criteria not met, no evidence of abduction."
    )
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_text("Grade saved.")).to_be_visible()
    expect(page.get_by_test_id("reviews-due")).to_contain_text("Inspector: first review")
    hub.close()

    # The inspector sees the review due, then overdue once an hour has passed.
    inspector, page = signed_in(browser, live.base, "inspector")
    page.get_by_role("link", name="Reviews", exact=True).click()
    row = (
        page.get_by_role("row").filter(has_text="BRIGHTWATER, Maya").filter(has_text="first review")
    )
    expect(row).to_contain_text("Inspector")
    expect(row).not_to_contain_text("Overdue")
    assert serious_violations(page) == []
    live.advance(timedelta(minutes=61))
    sign_in(page, "inspector")  # the idle sign-in has expired meanwhile
    page.goto("/reviews")
    row = (
        page.get_by_role("row").filter(has_text="BRIGHTWATER, Maya").filter(has_text="first review")
    )
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text("Superintendent (escalated from inspector)")
    inspector.close()

    # She is found; the check and the return interview are recorded; the episode closes.
    live.advance(timedelta(minutes=30))
    hub, page = signed_in(browser, live.base, "hub_officer")
    page.goto(episode_url)
    justify(page)
    page.get_by_text("Record that they were found or came back").click()
    fill_when(page, "found_at", 20)
    page.get_by_label("Where", exact=True).fill("Station Road, outside the chicken shop")
    page.get_by_label("Who they were with").fill("The older male known as T")
    page.get_by_label("Found by").fill("PC 201")
    page.get_by_label("Found safe").check()
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text("Return recorded.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Found")

    fill_when(page, "held_at", 5)
    page.get_by_label("Done by").fill("PC 201")
    page.locator("#face_to_face").check()
    page.get_by_label("Where they were", exact=True).fill("A flat above the chicken shop")
    page.get_by_label("Unexplained money, clothes or phones").first.check()
    page.get_by_role("button", name="Save the safe-and-well check").click()
    expect(page.get_by_text("Safe-and-well check recorded.")).to_be_visible()

    page.get_by_label("Offered and declined by the child").check()
    fill_when(page, "offered_at", 2)
    page.get_by_label("If declined or not held: why").fill("Did not want to talk today")
    page.get_by_role("button", name="Save the return home interview").click()
    expect(page.get_by_text("Return home interview recorded.")).to_be_visible()
    assert serious_violations(page) == []

    # Not yet: an inspector reviews a child's return, and the screening is done.
    expect(page.get_by_role("button", name="Close the episode")).to_have_count(0)
    expect(page.get_by_text("An inspector must review the return.")).to_be_visible()
    hub.close()
    inspector, page = signed_in(browser, live.base, "inspector")
    page.goto(episode_url)
    justify(page)
    page.get_by_role("link", name="Do this review").click()
    expect(page.get_by_role("heading", name="Inspector: review of the return")).to_be_visible()
    page.get_by_label("What happens next").fill("Exploitation screening with the hub today")
    page.get_by_label("Contact with the reporter").fill("Spoke to the foster carer")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    inspector.close()
    hub, page = signed_in(browser, live.base, "hub_officer")
    page.goto(episode_url)
    justify(page)
    gated = page.get_by_test_id("gated-task")
    expect(gated.filter(has_text="Exploitation screening")).to_have_count(1)
    while gated.count():  # the screening, and the repeat-missing strategy meeting
        gated.first.get_by_label("Result").fill("Done with the exploitation team")
        gated.first.get_by_role("button", name="Mark as done").click()
        expect(page.get_by_test_id("tasks")).to_be_visible()
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_text("Episode closed.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("gradings")).to_contain_text("High")
    assert re.search(r"/episodes/\d+", page.url)
    hub.close()
