"""In Chromium: an exploitation investigator opens an alert, sees the network and the evidence,
and assigns it to themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from harbour import db, demo
from harbour.actor import Channel, system_actor
from harbour.auth.models import User
from harbour.interop import importer
from harbour.network import alerts
from harbour.network import service as network
from harbour.network.models import NetworkAlert
from harbour.simulate.service import simulate
from tests.browser.conftest import serious_violations, server_in_thread, signed_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out: Path = tmp_path_factory.mktemp("network-browser")
    simulate(seed=1, scale="demo", years=1, as_of=date(2026, 11, 27), out=out)
    cli = system_actor(Channel.cli, name="browser test")
    with db.unit_of_work() as session:
        demo.set_up(session, cli)
    with db.unit_of_work() as session:
        org = session.scalar(select(User.organisation_id).where(User.username == "hub_officer"))
    assert org is not None
    importer.run_import(out, cli, organisation_id=org)  # its own transactions
    with db.unit_of_work() as session:
        alerts.store(session, network.analyse(session))
    with server_in_thread() as base:
        yield base


def test_an_investigator_opens_an_alert_sees_the_network_and_assigns_it(
    browser: Browser, live: str
) -> None:
    context, page = signed_in(browser, live, "exploitation_investigator")
    page.get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", name="Exploitation alerts")).to_be_visible()
    with db.unit_of_work() as session:
        top = session.scalars(
            select(NetworkAlert)
            .where(NetworkAlert.kind == "common_associate")
            .order_by(NetworkAlert.score.desc())
        ).first()
        assert top is not None
        alert_id, first_evidence = top.id, top.described["evidence"][0]["summary"]
    page.locator(f'a[href="/network/alerts/{alert_id}"]').click()
    # Personal data: the investigator says why first.
    expect(page.get_by_role("heading", name="Why are you viewing this alert?")).to_be_visible()
    page.get_by_label("Safeguarding or exploitation enquiry").check()
    page.get_by_role("button", name="Continue").click()
    # The evidence in words, and the network drawn by Cytoscape.js from the graph endpoint.
    expect(page.get_by_test_id("evidence")).to_contain_text(first_evidence)
    network_box = page.get_by_test_id("network")
    expect(network_box).to_have_attribute("data-loaded", re.compile(r"^([2-9]|\d{2,})$"))
    expect(network_box.locator("canvas").first).to_be_visible()
    expect(page.locator("#network-status")).to_contain_text("links")
    assert serious_violations(page) == []
    with db.unit_of_work() as session:
        me = session.scalar(select(User.id).where(User.username == "exploitation_investigator"))
    page.get_by_label("Assign to").select_option(value=str(me))
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("The alert has been updated.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text("Assigned")
    page.get_by_role("link", name="Back to the alerts").click()
    page.get_by_role("link", name="Assigned to you").click()
    expect(page.locator(f'a[href="/network/alerts/{alert_id}"]')).to_be_visible()
    context.close()
