"""The missing-report intake in Chromium: what the call handler types never goes in a URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_typing_a_description_posts_it_as_the_call_handler_types(page: Page) -> None:
    sign_in(page, "call_handler")
    page.goto("/episodes/new")
    with page.expect_response(lambda r: "/partials/person-matches" in r.url) as answer:
        page.get_by_label("Given name").fill("Qzxwv")
        page.get_by_label("Family name").fill("Nonesuch")
    response = answer.value
    assert response.request.method == "POST" and response.status == 200
    assert "Qzxwv" in (response.request.post_data or "")
    assert "Qzxwv" not in response.request.url
    matches = page.locator("#likely-matches")
    expect(matches).not_to_be_empty()
    # Without JavaScript's help (the button), the page posts too: nothing typed in the address.
    page.get_by_role("button", name="Look for them").click()
    expect(page.get_by_label("Given name")).to_have_value("Qzxwv")
    assert "Qzxwv" not in page.url and "given_name" not in page.url
