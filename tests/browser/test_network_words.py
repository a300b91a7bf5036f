"""In Chromium: an investigator opens an alert, reads its evidence by child in words, expands
the network two steps with the keyboard in the table view, finds the path from a child to an
adult, and records a warning notice in the disruption ledger of the adult the alert is about
(issue 19's acceptance, end to end)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from harbour import db
from harbour.people.models import Association, AssociationType, Place, PlaceType
from tests.browser.conftest import justify, serious_violations, server_in_thread
from tests.factories import PASSWORD, make_person
from tests.network.worlds import HOTEL, HOTEL_ADDRESS, make_world

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[tuple[str, dict[str, object]]]:
    """The hand-made world, and one step beyond it: Finn, an adult seen in Dean's car, who
    frequents a flat (two steps from what the alert's network first shows)."""
    session = db.session_factory()()
    try:
        w = make_world(session)
        finn = make_person(
            session, w.investigator, given_name="Finn", family_name="Hart", date_of_birth=None
        )
        flat = Place(type=PlaceType.other, name="Flat 3", address="Mill Road",
                     organisation_id=w.hotel.organisation_id)  # fmt: skip
        session.add(flat)
        session.flush()
        for fields in (
            {"object_vehicle_id": w.car.id, "type": AssociationType.in_vehicle},
            {"object_place_id": flat.id, "type": AssociationType.frequents},
        ):
            session.add(
                Association(subject_id=finn.id, organisation_id=flat.organisation_id, **fields)
            )
        session.commit()
        ids: dict[str, object] = {
            "user": w.investigator.username, "alert": w.alert.id, "amy": w.amy.id,
            "cara": w.cara.id, "finn": finn.id, "episode": w.episodes[0],
            "amy_name": w.amy.display_name,
        }  # fmt: skip
    finally:
        session.close()
    with server_in_thread() as base:
        yield base, ids


def test_an_investigator_reads_the_evidence_expands_the_network_and_finds_a_path(
    browser: Browser, live: tuple[str, dict[str, object]]
) -> None:
    base, ids = live
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(str(ids["user"]))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/network/alerts")
    subject = page.get_by_test_id("subject").first
    expect(subject).to_contain_text("MARSH, Dean (born 20 January 1985")
    page.locator(f'a[href="/network/alerts/{ids["alert"]}"]').click()
    expect(page.get_by_role("heading", name="Why are you viewing this alert?")).to_be_visible()
    page.get_by_label("Safeguarding or exploitation enquiry").check()
    page.get_by_role("button", name="Continue").click()

    # The evidence by child, in words, each line linked to its record.
    evidence = page.get_by_test_id("evidence")
    amy = evidence.get_by_test_id("evidence-group").first
    expect(amy).to_contain_text("WARD, Amy (born 3 May 2011")
    expect(amy).to_contain_text(
        f"Found at {HOTEL}, {HOTEL_ADDRESS} (hotel) in 3 episodes, last on 18 March 2026"
    )
    expect(amy.get_by_role("link", name=f"episode {ids['episode']}")).to_be_visible()
    more = page.get_by_test_id("more-evidence")
    expect(more.get_by_text("Links between the others")).to_be_hidden()
    more.locator("summary").click()
    expect(more.get_by_text("Links between the others")).to_be_visible()

    # The network in the table view, expanded two steps with the keyboard only.
    nodes = page.get_by_test_id("network-nodes")
    expect(nodes).to_contain_text("AB12CDE")
    expect(page.get_by_test_id("network")).to_have_attribute("data-layout", "fcose")
    expect(nodes).not_to_contain_text("HART, Finn")
    car = nodes.get_by_role("button", name="Expand AB12CDE")
    car.focus()
    page.keyboard.press("Enter")
    expect(nodes).to_contain_text("HART, Finn")
    expect(nodes.get_by_role("button", name="Expand again AB12CDE")).to_be_focused()
    expect(page.locator("#network-status")).to_contain_text("added")
    expect(nodes).not_to_contain_text("Flat 3")
    nodes.get_by_role("button", name="Expand HART, Finn").focus()
    page.keyboard.press("Space")
    expect(nodes).to_contain_text("Flat 3, Mill Road")
    assert serious_violations(page) == []

    # The path from a child to an adult.
    page.get_by_role("link", name="How are two records connected?").click()
    expect(page.get_by_role("heading", name="How are these two connected?")).to_be_visible()
    page.get_by_label("From").fill(f"person {ids['cara']}")
    page.get_by_label("To").fill(f"person {ids['finn']}")
    page.get_by_role("button", name="Find the connection").click()
    found = page.get_by_test_id("path")
    expect(found).to_contain_text("2 steps from LEE, Cara")
    expect(found).to_contain_text("to HART, Finn")
    expect(page.get_by_test_id("path-steps")).to_contain_text("seen in vehicle AB12CDE")
    assert serious_violations(page) == []
    # A mistake is explained, and focus goes to the error summary.
    page.get_by_label("From").fill("12")
    page.get_by_role("button", name="Find the connection").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what 12 is")

    # Back on the alert: the adult it is about gets a warning notice, kept in their ledger.
    page.goto(f"/network/alerts/{ids['alert']}")
    page.get_by_test_id("disruption-link").get_by_role("link").click()
    justify(page)
    expect(page.get_by_role("heading", name="Disruption ledger", exact=True)).to_be_visible()
    amy = str(ids["amy_name"])
    page.get_by_role("link", name=f"Issue a warning notice about {amy}").click()
    justify(page)
    page.get_by_label("Why the notice is needed").fill(
        "Found with him at the hotel on three episodes; he drives the car she was seen in"
    )
    page.get_by_role("button", name="Issue the notice").click()
    expect(page.get_by_text("Child Abduction Warning Notice issued.")).to_be_visible()
    entry = page.get_by_test_id("ledger-timeline").locator(".moj-timeline__item").first
    expect(entry).to_contain_text("Child Abduction Warning Notice")
    expect(entry.get_by_role("link", name=amy, exact=True)).to_be_visible()
    assert serious_violations(page) == []
    context.close()
