"""Calls in Chromium: a walk-out handed to the NHS; a missing 13-year-old becomes an episode.

A call handler records a walk-out from a mental health unit with no immediate risk; Harbour marks
the phrases it read and suggests handing it to NHS mental health services; the handler records
the handover and their assessment. Then a mother calls about her son, 13, not home since school:
the handler finds him, Harbour suggests a missing-person report, and deciding it opens a missing
episode. A sergeant sees the outcomes on the calls board.

The server runs in this process (uvicorn in a thread), like the missing-episode browser test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from harbour import clock, db
from tests.browser.conftest import (
    demo_user,
    fill_when,
    serious_violations,
    server_in_thread,
    set_up_demo,
    signed_in,
)
from tests.factories import make_person

pytestmark = pytest.mark.browser

ASSESSMENT = {
    "Information": "Informal patient, walked out of Willow Ward at 14:00; staff cannot reach him",
    "Threat": "None stated: no threats to himself or others",
    "Harm": "Low: he has capacity and is not suicidal",
    "Risk": "Low: no immediate risk, not present and ongoing",
    "Investigation": "None by police",
    "Vulnerability": "Mental health need; a voluntary patient",
    "Engagement": "The ward keeps trying his phone and his family",
}


def _seed() -> None:
    """Demo users, and a 13-year-old boy the handler will find."""
    set_up_demo()
    with db.unit_of_work() as session:
        hub = demo_user(session, "hub_officer")
        today = clock.now().date()
        make_person(
            session,
            hub,
            given_name="Leo",
            family_name="Fairweather",
            date_of_birth=today - timedelta(days=int(13.3 * 365.25)),
        )


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[str]:
    _seed()
    with server_in_thread() as base:
        yield base


def _assess(page: Page, rationale: str, told: str) -> None:
    for label, text in ASSESSMENT.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_label("What you told the caller").fill(told)


def test_a_walk_out_goes_to_the_nhs_and_a_missing_child_becomes_an_episode(
    browser: Browser, live: str
) -> None:
    handler, page = signed_in(browser, live, "call_handler")

    # A walk-out from a mental health unit, with no immediate risk.
    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.get_by_role("heading", name="Calls", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Record a call").click()
    assert serious_violations(page) == []
    page.get_by_label("Caller's name").fill("Dana Reeve")
    page.get_by_label("Who is calling").select_option("mental_health_unit")
    page.get_by_label("Relationship or organisation").fill("Nurse in charge, Willow Ward")
    page.get_by_label("Caller's contact details").fill("Willow Ward, extension 4410")
    page.get_by_label("Where", exact=True).fill("Willow Ward, Northgate Hospital")
    page.get_by_label("What the caller says").fill(
        "An informal patient left the ward at 14:00 and has not come back. No immediate risk, "
        "not suicidal, he has capacity. Staff are trying his phone."
    )
    page.get_by_role("button", name="Record the call and see the suggestion").click()
    expect(page.get_by_text("Call recorded.")).to_be_visible()
    narrative = page.get_by_test_id("narrative")
    expect(narrative.locator("mark").filter(has_text="suicidal")).to_be_visible()
    suggestion = page.get_by_test_id("call-suggestion")
    expect(suggestion).to_contain_text("Walk-out or AWOL from a health setting")
    # Until the handler answers the RCRP questions, a patient not back is missing (A2).
    expect(suggestion).to_contain_text("Missing-person report")
    assert serious_violations(page) == []
    crime = page.get_by_role("group", name="Has a crime happened, or is one happening?")
    crime.get_by_label("Yes").check()  # the answers change: the suggestion follows (HTMX)
    crime.get_by_label("No").check()
    updated = page.locator("#suggestion")
    expect(updated).to_contain_text("Hand to a partner")  # the handler's answers, via HTMX
    expect(updated).to_contain_text("NHS mental health services")
    page.get_by_label("Hand to a partner").check()
    page.get_by_label("NHS mental health services").check()
    page.get_by_label("Who at the partner accepted it").fill("Dana Reeve, nurse in charge")
    fill_when(page, "partner_accepted_at", 1)
    _assess(
        page,
        "No crime and no real and immediate risk; the ward keeps its duty of care (RCRP).",
        "Police will not attend; the ward will keep looking for him. Call 999 if the risk changes.",
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    expect(page.get_by_test_id("call-status")).to_have_text("Decided")
    log = page.get_by_test_id("decision-log")
    expect(log).to_contain_text("Decision: Hand to a partner (NHS mental health services)")
    expect(log).to_contain_text("Accepted by Dana Reeve, nurse in charge")
    assert serious_violations(page) == []

    # A 13-year-old not home since school: found on record, reported missing through the call.
    page.get_by_role("link", name="Calls", exact=True).click()
    page.get_by_role("link", name="Record a call").click()
    page.get_by_label("Name of the person the call is about").fill("leo fair")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Choose FAIRWEATHER, Leo").click()
    expect(page.get_by_test_id("chosen-person")).to_contain_text("FAIRWEATHER, Leo, age 13")
    page.get_by_label("Caller's name").fill("Priya Fairweather")
    page.get_by_label("Who is calling").select_option("family")
    page.get_by_label("Relationship or organisation").fill("mother")
    page.get_by_label("Caller's contact details").fill("07700 900456")
    page.get_by_label("Where", exact=True).fill("Walked home from Riverside Academy")
    page.get_by_label("What the caller says").fill(
        "My son Leo has not come home since school. Not seen since 15:30 and his phone is off."
    )
    page.get_by_role("button", name="Record the call and see the suggestion").click()
    expect(page.get_by_text("Call recorded.")).to_be_visible()
    expect(page.get_by_text("Age 13 (child)")).to_be_visible()
    suggestion = page.get_by_test_id("call-suggestion")
    expect(suggestion).to_contain_text("Missing-person report")
    expect(suggestion).to_contain_text("the person the call is about was 13")
    expect(page.get_by_label("Missing-person report (police attend)")).to_be_checked()
    for question in (
        "Has a crime happened, or is one happening?",
        "Is there a real and immediate risk to someone's life, or of them suffering serious harm?",
    ):
        page.get_by_role("group", name=question).get_by_label("No").check()
    _assess(
        page,
        "A child of 13 whose whereabouts are unknown: a missing-person report.",
        "Police will take a missing report now; an officer will call you back.",
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("the missing-person report is on a missing episode")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=re.compile(r"Go to missing episode \d+")).click()
    expect(page.get_by_role("heading", name="Why are you viewing this record?")).to_be_visible()
    page.get_by_label("Active missing person investigation").check()
    page.get_by_role("button", name="Continue to the record").click()
    expect(page.get_by_role("heading", name=re.compile(r"Missing episode \d+"))).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Missing")
    expect(page.get_by_test_id("information")).to_contain_text("not come home since school")
    handler.close()

    # A sergeant sees both outcomes on the calls board.
    sergeant, page = signed_in(browser, live, "sergeant")
    page.get_by_role("link", name="Calls", exact=True).click()
    table = page.get_by_test_id("outcomes-table")
    expect(table.get_by_role("row").filter(has_text="Missing person")).to_contain_text("1")
    expect(table.get_by_role("row").filter(has_text="Walk-out")).to_contain_text("1")
    expect(page.get_by_test_id("outcomes-chart")).to_be_visible()
    assert serious_violations(page) == []
    sergeant.close()
