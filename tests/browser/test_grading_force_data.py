"""Grading with what the force holds, in Chromium: a CCE flag on the record and an open
exploitation-network alert are on the grading screen and make the suggestion high; setting them
aside needs a reason, and the reviewing supervisor sees it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from harbour import clock, db
from harbour.network.models import NetworkAlert
from tests.browser.conftest import (
    demo_user,
    serious_violations,
    server_in_thread,
    set_up_demo,
    signed_in,
)
from tests.factories import make_episode, make_person

pytestmark = pytest.mark.browser


def _seed() -> int:
    """A looked-after 15-year-old flagged for CCE, missing, in an open common-associate alert."""
    set_up_demo()
    with db.unit_of_work() as session:
        hub = demo_user(session, "hub_officer")
        today = clock.now().date()
        ava = make_person(
            session, hub, given_name="Ava", family_name="Stonebridge",
            date_of_birth=today - timedelta(days=int(15.4 * 365.25)),
        )  # fmt: skip
        ava.flags, ava.looked_after = ["cce_risk"], True
        adult = make_person(session, hub, given_name="Dean", family_name="Marsh")
        alert = NetworkAlert(
            kind="common_associate", subject_type="person", subject_key=str(adult.id),
            subject_person_id=adult.id, score=0.91, reason="Linked to 4 children",
            described={"evidence": []}, evidence_count=4, organisation_id=hub.organisation_id,
        )  # fmt: skip
        alert.child_ids = [ava.id]
        alert.member_keys = [f"person:{adult.id}"]
        session.add(alert)
        episode = make_episode(session, hub, ava, last_seen_text="Outside the station")
        return episode.id


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[tuple[str, int]]:
    episode_id = _seed()
    with server_in_thread() as base:
        yield base, episode_id


def _justify(page: Page) -> None:
    page.get_by_label("Active missing person investigation").check()
    page.get_by_role("button", name="Continue to the record").click()


def test_force_data_makes_it_high_and_setting_it_aside_is_seen_at_review(
    browser: Browser, live: tuple[str, int]
) -> None:
    base, episode_id = live
    hub, page = signed_in(browser, base, "hub_officer")
    page.goto(f"/episodes/{episode_id}/grade")
    _justify(page)
    panel = page.get_by_test_id("force-data")
    expect(panel).to_contain_text("Risk of child criminal exploitation")
    expect(page.get_by_test_id("force-facts")).to_contain_text("Common associate alert")
    assert serious_violations(page) == []
    suggestion = page.get_by_test_id("suggestion")
    expect(suggestion).to_contain_text("High")
    suggestion.get_by_text("Why (").click()
    expect(suggestion).to_contain_text("risk of child criminal exploitation")
    expect(suggestion).to_contain_text("Linked to an open exploitation-network alert")

    # The grader sets the flag and the alert aside and grades medium: a reason is needed.
    page.get_by_role("group", name="Flags on the person's record").get_by_label(
        "Risk of child criminal exploitation"
    ).uncheck()
    page.get_by_label("Open exploitation-network alerts that touch them").fill("0")
    page.locator("#grade-medium").check()
    page.get_by_label("Rationale").fill("Seen at school this morning by her teacher.")
    page.get_by_label("If your grade is lower than the suggestion: why").fill(
        "Seen at school this morning."
    )
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why you set aside what the force holds")
    page.get_by_role("group", name="Flags on the person's record").get_by_label(
        "Risk of child criminal exploitation"
    ).uncheck()
    page.get_by_label("Open exploitation-network alerts that touch them").fill("0")
    page.locator("#grade-medium").check()
    page.get_by_label(
        "If you set aside what the force holds (a flag, an alert, a referral): why"
    ).fill(
        "The CCE flag dates from 2019 and social care closed it; the alert is about her brother."
    )
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_text("Grade saved.")).to_be_visible()
    hub.close()

    # The reviewing sergeant sees why the force's data was set aside.
    sergeant, page = signed_in(browser, base, "sergeant")
    page.goto(f"/episodes/{episode_id}")
    _justify(page)
    page.get_by_test_id("reviews-due").get_by_role("link", name="Do this review").first.click()
    expect(page.get_by_test_id("override-reason")).to_contain_text("social care closed it")
    assert serious_violations(page) == []
    sergeant.close()
