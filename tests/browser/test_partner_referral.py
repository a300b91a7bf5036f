"""In Chromium: a call handler hands a mental-health walk-out to the NHS trust as a referral, the
trust's practitioner accepts it in Harbour (the call's handover), and a hand-off nobody accepts
escalates back to the force when its clock runs out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from harbour import db
from harbour.auth.models import Organisation
from harbour.calls import decisions
from harbour.cli.reviews import run_clocks
from harbour.partners import referrals
from harbour.partners.referrals import ReferralInput
from harbour.settings import get_settings
from tests.browser.conftest import (
    Live,
    demo_user,
    frozen_server,
    serious_violations,
    signed_in,
)
from tests.calls.test_calls import WALKOUT, _input
from tests.factories import actor_of, make_call

pytestmark = pytest.mark.browser
TRUST = "Northgate NHS Trust (demo)"
ASSESSMENT = {
    "Information": "Informal patient, walked out of Willow Ward at 14:00",
    "Threat": "None stated",
    "Harm": "Low: he has capacity and is not suicidal",
    "Risk": "Low: no immediate risk",
    "Investigation": "None by police",
    "Vulnerability": "Mental health need; a voluntary patient",
    "Engagement": "The ward keeps trying his phone",
}


def _seed() -> None:
    """A second walk-out, already handed to the trust, that nobody will accept."""
    with db.unit_of_work() as session:
        handler = demo_user(session, "call_handler")
        trust = session.scalar(select(Organisation).where(Organisation.name == TRUST))
        assert trust is not None
        call = make_call(
            session, handler, narrative=WALKOUT, caller_type="mental_health_unit", caller="Ward B"
        )
        decisions.decide(session, actor_of(handler), call, _input(call))
        referrals.refer_call(
            session,
            actor_of(handler),
            call,
            ReferralInput(
                to_organisation_id=trust.id,
                summary_text="Unanswered walk-out",
                consent="not_sought",
                consent_note="He left before he could be asked",
            ),
        )


@pytest.fixture(scope="module")
def live(engine: Engine) -> Iterator[Live]:
    with frozen_server(_seed) as running:
        yield running


def test_the_trust_accepts_a_hand_off_and_an_unaccepted_one_escalates_back(
    browser: Browser, live: Live
) -> None:
    handler, page = signed_in(browser, live.base, "call_handler")
    page.get_by_role("link", name="Calls", exact=True).click()
    page.get_by_role("link", name="Record a call").click()
    page.get_by_label("Caller's name").fill("Dana Reeve")
    page.get_by_label("Who is calling").select_option("mental_health_unit")
    page.get_by_label("Relationship or organisation").fill("Nurse in charge, Willow Ward")
    page.get_by_label("Caller's contact details").fill("Willow Ward, extension 4410")
    page.get_by_label("Where", exact=True).fill("Willow Ward, Northgate Hospital")
    page.get_by_label("What the caller says").fill(
        "An informal patient left the ward at 14:00 and has not come back. No immediate risk, "
        "not suicidal, he has capacity."
    )
    page.get_by_role("button", name="Record the call and see the suggestion").click()
    page.get_by_role("group", name="Has a crime happened, or is one happening?").get_by_label(
        "No"
    ).check()
    page.get_by_role(
        "group", name="Is there a real and immediate risk to someone's life"
    ).get_by_label("No").check()
    page.get_by_label("Hand to a partner").check()
    page.get_by_label("NHS mental health services").check()
    for label, text in ASSESSMENT.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Rationale").fill("No crime and no real and immediate risk (RCRP)")
    page.get_by_label("What you told the caller").fill("The trust will take it on")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    call_url = page.url.split("?")[0]

    # The hand-off as a referral the trust must accept (the panel loads with HTMX).
    panel = page.get_by_test_id("referral-panel")
    panel.get_by_label(TRUST).check()
    panel.get_by_label("Not sought: an emergency").check()
    panel.get_by_label("If consent was not sought: why").fill("He left before he was asked")
    panel.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent. The partner must accept it")).to_be_visible()
    sent = page.get_by_test_id("call-referral")
    expect(sent).to_contain_text("Waiting for acceptance")
    referral_url = sent.get_by_role("link").first.get_attribute("href")
    assert referral_url is not None
    assert serious_violations(page) == []

    # The trust's practitioner is told at once, sees it on the home page, and accepts it.
    trust, theirs = signed_in(browser, live.base, "health_practitioner")
    expect(theirs.get_by_test_id("referrals-waiting").get_by_role("link")).to_have_count(2)
    theirs.get_by_role("link", name="Notifications").click()
    expect(theirs.get_by_role("link", name="waiting for you to accept it")).to_have_count(2)
    theirs.goto(referral_url)
    expect(theirs.get_by_test_id("referral")).to_contain_text("An informal patient left the ward")
    assert serious_violations(theirs) == []
    theirs.get_by_label("Accept: the duty of care passes to us now").check()
    theirs.get_by_label("Your reference (optional)").fill("MH-7781")
    theirs.get_by_role("button", name="Send your answer").click()
    expect(theirs.get_by_text("Referral accepted.")).to_be_visible()
    expect(theirs.get_by_test_id("referral-status")).to_have_text("Accepted")
    trust.close()

    # The handler's call is handed over: accepted in Harbour by the trust.
    page.goto(call_url)
    expect(page.get_by_test_id("call-referral")).to_contain_text("Accepted")
    expect(page.get_by_test_id("decision-log")).to_contain_text("Northgate NHS Trust (demo)")

    # The other hand-off is never accepted: when its clock runs out it escalates back.
    live.advance(timedelta(minutes=get_settings().referral_accept_minutes + 1))
    assert run_clocks()[0] >= 1  # this referral (and anything else the shared database owes)
    handler.close()  # an hour idle signs anyone out: the handler signs in again
    handler, page = signed_in(browser, live.base, "call_handler")
    page.get_by_role("link", name="Notifications").click()
    told = page.get_by_role("link", name="Not accepted in time by Northgate NHS Trust (demo)")
    told.click()
    # A new sign-in says why it opens the call.
    expect(page.get_by_role("heading", name="Why are you viewing this call?")).to_be_visible()
    page.get_by_label("Risk assessment or review").check()
    page.get_by_role("button", name="Continue to the record").click()
    expect(page.get_by_test_id("referral-escalated")).to_be_visible()
    handler.close()
