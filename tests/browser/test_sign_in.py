"""Sign in, use the home page and a record, sign out — in real Chromium, checked by axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from harbour.demo import DEMO_PASSWORD
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser


def _sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_home_and_sign_out(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))
    assert serious_violations(page) == []
    _sign_in(page, "hub_officer")
    expect(page).to_have_title("Home – Harbour")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harper Hub")
    expect(page.get_by_role("heading", name="Open missing episodes")).to_be_visible()
    # The HTMX panel loads its count from the server.
    expect(page.get_by_test_id("people-count")).to_have_text("5")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_wrong_password_shows_the_error_summary(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title("Error: Sign in – Harbour")
    # GOV.UK Frontend moves focus to the error summary.
    expect(summary).to_be_focused()


def test_a_record_asks_why_then_opens(page: Page) -> None:
    _sign_in(page, "sergeant")
    page.get_by_role("link", name="People").click()
    expect(page).to_have_title("People – Harbour")
    assert serious_violations(page) == []
    page.get_by_role("link", name="TESTWELL, Amara").click()
    expect(page.get_by_role("heading", name="Why are you viewing this record?")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Risk assessment or review").check()
    page.get_by_role("button", name="Continue to the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("TESTWELL, Amara")
    bar = page.get_by_test_id("identity-bar")  # the record's number, age and status
    expect(bar).to_contain_text("Record number")
    expect(bar).to_contain_text(re.compile(r"age \d+ \(child\)"))
    assert serious_violations(page) == []


def test_change_your_password_from_your_account(page: Page) -> None:
    new = "lantern-pebble-orchard-7"
    _sign_in(page, "auditor")  # no other browser test signs in as the auditor
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Change your password").click()
    expect(page).to_have_title("Change your password – Harbour")
    assert serious_violations(page) == []
    page.get_by_label("Current password", exact=True).fill("not-the-password")
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm new password", exact=True).fill(new)
    page.get_by_role("button", name="Change password").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your current password is not right")
    expect(summary).to_be_focused()
    assert serious_violations(page) == []
    page.get_by_label("Current password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm new password", exact=True).fill(new)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("auditor")
    page.get_by_label("Password").fill(new)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Home – Harbour")
