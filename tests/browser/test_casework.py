"""The casework archetype in Chromium, first call to closure (issue 15), with Harbour's clock set
by the test and the supervision clocks' job run as cron would run it.

A call handler reports a looked-after 14-year-old; the report waits in the hub's queue and is
allocated; it is graded; at 24 and 48 hours missing the regrade prompts and escalations happen;
she is found in another force's area with an adult she names, who becomes a record linked to
her; the check is face to face; the return interview is late and shown so; closure is refused
until a supervisor reviews the return and the open tasks are done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from harbour import clock, db
from harbour.actor import Channel, system_actor
from harbour.episodes import service as episodes
from tests.browser.conftest import (
    Live,
    demo_user,
    fill_when,
    frozen_server,
    justify,
    serious_violations,
    signed_in,
)
from tests.factories import make_person

pytestmark = pytest.mark.browser


def _seed() -> None:
    with db.unit_of_work() as session:
        hub = demo_user(session, "hub_officer")
        today = clock.now().date()
        leah = make_person(
            session,
            hub,
            given_name="Leah",
            family_name="Stonebridge",
            date_of_birth=today - timedelta(days=int(14.3 * 365.25)),
        )
        leah.looked_after = True
        leah.local_authority = "Riverside"


def _run_clocks() -> None:
    """What `harbour reviews escalate` does every minute."""
    job = system_actor(Channel.job, name="escalation")
    with db.unit_of_work() as session:
        episodes.long_absences(session, job)
    with db.unit_of_work() as session:
        episodes.escalate_overdue(session, job)


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[Live]:
    with frozen_server(_seed) as running:
        yield running


def _open(browser: Browser, live: Live, username: str, url: str) -> tuple[object, Page]:
    context, page = signed_in(browser, live.base, username)
    page.goto(url)
    justify(page)
    return context, page


def test_a_looked_after_child_from_first_call_to_closure(browser: Browser, live: Live) -> None:
    # A call handler takes the report: nobody owns it yet, so it waits in the hub's queue.
    handler, page = signed_in(browser, live.base, "call_handler")
    page.get_by_role("link", name="Report missing").click()
    page.get_by_label("Name", exact=True).fill("leah stonebridge")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Report missing STONEBRIDGE, Leah").click()
    justify(page)
    page.get_by_label("Reporter's name").fill("Jo Adebayo")
    page.get_by_label("Relationship to the missing person").fill("residential care worker")
    page.get_by_label("Where they were last seen").fill("Leaving the children's home at 19:00")
    page.get_by_role("button", name="Save the report and grade the risk").click()
    expect(page.get_by_text("Missing report saved")).to_be_visible()
    episode_url = page.url.split("?")[0]
    handler.close()  # type: ignore[attr-defined]

    sergeant, page = signed_in(browser, live.base, "sergeant")
    page.get_by_role("link", name="Unowned work").click()
    row = (
        page.get_by_test_id("unowned-episodes")
        .get_by_role("row")
        .filter(has_text="STONEBRIDGE, Leah")
    )
    expect(row).to_contain_text("Central Vulnerability Hub")
    expect(row).to_contain_text("Not graded")
    assert serious_violations(page) == []
    sergeant.close()  # type: ignore[attr-defined]

    # A hub officer takes it on, and grades her.
    hub, page = _open(browser, live, "hub_officer", episode_url)
    page.get_by_text("Hand over the episode").click()
    page.get_by_label("New owner").select_option(label="Harper Hub (Hub officer)")
    page.get_by_role("button", name="Hand over and tell them").click()
    expect(page.get_by_text("Handed over.")).to_be_visible()
    page.goto("/casework/unowned")
    expect(page.get_by_text("STONEBRIDGE, Leah")).to_have_count(0)
    page.goto(episode_url)
    page.get_by_role("link", name="Grade the risk").click()
    page.locator("#grade-high").check()
    page.get_by_label("Rationale").fill("Looked after, out late with no contact; risk of CSE.")
    page.get_by_label("Child Rescue Alert (needed if you grade high)").fill(
        "Considered: no evidence of abduction."
    )
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_text("Grade saved.")).to_be_visible()
    hub.close()  # type: ignore[attr-defined]

    # 24 hours on, still missing: a regrade is prompted, a strategy meeting opens, and the
    # inspector's first review (due an hour after the report) has climbed to the superintendent.
    live.advance(timedelta(hours=24, minutes=1))
    _run_clocks()
    hub, page = _open(browser, live, "hub_officer", episode_url)
    expect(page.get_by_test_id("reviews-due")).to_contain_text(
        "Inspector: regrade after 24 hours missing"
    )
    expect(page.get_by_test_id("tasks")).to_contain_text("Strategy meeting: long absence")
    hub.close()  # type: ignore[attr-defined]
    superintendent, page = signed_in(browser, live.base, "superintendent")
    page.goto("/notifications")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "Overdue: the inspector first review"
    )
    superintendent.close()  # type: ignore[attr-defined]

    # 48 hours: the next prompt replaces the first.
    live.advance(timedelta(hours=24))
    _run_clocks()
    inspector, page = _open(browser, live, "inspector", episode_url)
    due = page.get_by_test_id("reviews-due")
    expect(due).to_contain_text("Inspector: regrade after 48 hours missing")
    expect(due).not_to_contain_text("after 24 hours")
    page.goto("/notifications")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "has been missing for 48 hours: regrade"
    )
    inspector.close()  # type: ignore[attr-defined]

    # Found in another force's area, with an adult she names: he becomes a record linked to her.
    hub, page = _open(browser, live, "hub_officer", episode_url)
    page.get_by_text("Record that they were found or came back").click()
    fill_when(page, "found_at", 30)
    page.get_by_label("Where", exact=True).fill("Slough bus station")
    page.get_by_label("Found in another force's area").select_option("Thames Valley Police")
    page.get_by_label("Town or place in that force's area").fill("Slough")
    page.get_by_label("Who they were with").fill("A man she calls Dean")
    page.get_by_label("Found by").fill("PC 314 (Thames Valley)")
    page.get_by_label("Found safe").check()
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text("Return recorded.")).to_be_visible()
    expect(page.get_by_test_id("tasks")).to_contain_text(
        "Found in Slough (Thames Valley Police), outside the force"
    )

    page.get_by_text("Add someone they were with or named").click()
    page.get_by_label("Found with them").check()
    page.get_by_label("Given name (a new person)").fill("Dean")
    page.get_by_label("Family name (a new person)").fill("Marsh")
    page.get_by_label("Phone number they gave, if any").fill("07700 900777")
    page.get_by_label("What was said about them").fill("Drove her to Slough; gave her a phone")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_text("Person named on return recorded and linked.")).to_be_visible()
    expect(page.get_by_test_id("named")).to_contain_text("MARSH, Dean")
    expect(page.get_by_test_id("named")).to_contain_text("Found with them")

    # The check, face to face.
    fill_when(page, "held_at", 10)
    page.get_by_label("Done by").fill("PC 201")
    page.locator("#face_to_face").check()
    page.get_by_label("Where they were", exact=True).fill("A flat in Slough with Dean")
    page.get_by_role("button", name="Save the safe-and-well check").click()
    expect(page.get_by_text("Safe-and-well check recorded.")).to_be_visible()
    expect(page.get_by_test_id("safe-and-well")).to_contain_text("(face to face)")
    hub.close()  # type: ignore[attr-defined]

    # The return interview is held four days later: late, and shown so.
    live.advance(timedelta(hours=80))
    hub, page = _open(browser, live, "hub_officer", episode_url)
    expect(page.get_by_test_id("rhi-late")).to_be_visible()
    page.get_by_label("Held", exact=True).check()
    fill_when(page, "offered_at", 60 * 70)
    fill_when(page, "rhi_held_at", 5)
    page.get_by_label("Held by").fill("Riverside return interview service")
    page.get_by_label("Findings").fill("Talked about Dean and the phone")
    page.get_by_role("button", name="Save the return home interview").click()
    expect(page.get_by_text("Return home interview recorded.")).to_be_visible()
    expect(page.get_by_test_id("rhi-late")).to_be_visible()

    # Closure is refused until a supervisor reviews the return and the open tasks are done.
    expect(page.get_by_role("button", name="Close the episode")).to_have_count(0)
    expect(page.get_by_text("An inspector must review the return.")).to_be_visible()
    expect(page.get_by_text("Exploitation screening: found out of area").first).to_be_visible()
    assert serious_violations(page) == []
    hub.close()  # type: ignore[attr-defined]

    inspector, page = _open(browser, live, "inspector", episode_url)
    page.get_by_role("link", name="Do this review").click()
    page.get_by_label("What happens next").fill("Screening and a strategy meeting this week")
    page.get_by_label("Contact with the reporter").fill("Spoke to the home's manager")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    inspector.close()  # type: ignore[attr-defined]

    hub, page = _open(browser, live, "hub_officer", episode_url)
    expect(page.get_by_text("An inspector must review the return.")).to_have_count(0)
    expect(page.get_by_role("button", name="Close the episode")).to_have_count(0)
    gated = page.get_by_test_id("gated-task")
    expect(gated.filter(has_text="Exploitation screening")).to_have_count(1)
    while gated.count():
        gated.first.get_by_label("Result").fill("Held with children's social care")
        gated.first.get_by_role("button", name="Mark as done").click()
        expect(page.get_by_test_id("tasks")).to_be_visible()
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_text("Episode closed.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    hub.close()  # type: ignore[attr-defined]
