"""In Chromium: an exploitation investigator opens an adult's disruption ledger from the adult's
record, issues a warning notice about a child linked to them and records a Sexual Risk Order,
and sees both in the ledger with the child."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from harbour import clock, db, timefmt
from harbour.people.models import Association, AssociationType
from tests.browser.conftest import (
    demo_user,
    justify,
    serious_violations,
    server_in_thread,
    set_up_demo,
    signed_in,
)
from tests.factories import make_person

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[tuple[str, int, str]]:
    set_up_demo()
    with db.unit_of_work() as session:
        hub = demo_user(session, "hub_officer")
        today = clock.now().date()
        adult = make_person(
            session,
            hub,
            given_name="Dale",
            family_name="Marchbank",
            date_of_birth=today - timedelta(days=int(34.5 * 365.25)),
        )
        child = make_person(
            session,
            hub,
            given_name="Kim",
            family_name="Ashdown",
            date_of_birth=today - timedelta(days=int(13.4 * 365.25)),
        )
        session.add(
            Association(
                organisation_id=adult.organisation_id,
                subject_id=child.id,
                object_person_id=adult.id,
                type=AssociationType.associate,
                source_text="Seen collecting her from school",
            )
        )
        session.flush()
        adult_id, child_name = adult.id, child.display_name
    with server_in_thread() as base:
        yield base, adult_id, child_name


def test_an_investigator_records_a_cawn_and_an_order_in_the_adult_s_ledger(
    browser: Browser, live: tuple[str, int, str]
) -> None:
    base, adult_id, child_name = live
    context, page = signed_in(browser, base, "exploitation_investigator")
    page.goto(f"/people/{adult_id}")
    justify(page)
    page.get_by_role("link", name="Disruption ledger").click()
    expect(page.get_by_role("heading", name="Disruption ledger", exact=True)).to_be_visible()
    expect(page.get_by_test_id("ledger-empty")).to_be_visible()
    assert serious_violations(page) == []

    # A warning notice about the child, on the notice's own form with the adult filled in.
    page.get_by_role("link", name=f"Issue a warning notice about {child_name}").click()
    justify(page)  # the notice is about the child: this sign-in says why it needs her record
    expect(
        page.get_by_role("heading", name="Issue a Child Abduction Warning Notice")
    ).to_be_visible()
    expect(page.get_by_test_id("cawn-eligibility")).to_contain_text("would protect")
    page.get_by_label("Why the notice is needed").fill(
        "Seen collecting her from school and she was found at his flat after going missing"
    )
    page.get_by_role("button", name="Issue the notice").click()

    expect(page.get_by_text("Child Abduction Warning Notice issued.")).to_be_visible()
    timeline = page.get_by_test_id("ledger-timeline")
    entry = timeline.locator(".moj-timeline__item").first
    expect(entry).to_contain_text("Child Abduction Warning Notice")
    expect(entry.get_by_role("link", name=child_name, exact=True)).to_be_visible()
    row = page.get_by_test_id("ledger-children").get_by_role("row", name=child_name)
    expect(row.get_by_test_id("before")).to_have_text("0")
    expect(row.get_by_test_id("since")).to_have_text("0")

    # A Sexual Risk Order, made today for two years, protecting the same child.
    page.get_by_label("Sexual Risk Order").check()
    today = timefmt.local(clock.now()).date()
    page.locator("#starts_on_day").fill(str(today.day))
    page.locator("#starts_on_month").fill(str(today.month))
    page.locator("#starts_on_year").fill(str(today.year))
    page.locator("#ends_on_day").fill(str(today.day))
    page.locator("#ends_on_month").fill(str(today.month))
    page.locator("#ends_on_year").fill(str(today.year - 1))
    page.get_by_role("group", name="The children it protects").get_by_label(child_name).check()
    page.get_by_role("button", name="Record the disruption").click()
    # Ends before it starts: said in words, in the error summary, focus moved there.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end date must be on or after the day it started")
    page.locator("#ends_on_year").fill(str(today.year + 2))
    page.get_by_role("button", name="Record the disruption").click()
    expect(page.get_by_text("Disruption recorded.")).to_be_visible()
    orders = timeline.locator(".moj-timeline__item", has_text="Sexual Risk Order")
    expect(orders).to_have_count(1)
    expect(orders.get_by_role("link", name=child_name, exact=True)).to_be_visible()
    expect(orders).to_contain_text("In force")
    expect(timeline.locator(".moj-timeline__item").first).to_contain_text("Sexual Risk Order")
    assert serious_violations(page) == []
    context.close()
