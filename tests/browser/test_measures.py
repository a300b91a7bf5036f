"""The measures dashboard in Chromium: an inspector opens it, filters to one borough, reads a
chart's data table and downloads its CSV; the charts are drawn and the page passes axe."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from harbour import clock, db
from harbour.auth.models import Organisation
from harbour.people.models import Sex
from harbour.risk.grades import RiskGrade
from tests.browser.conftest import (
    demo_user,
    serious_violations,
    server_in_thread,
    set_up_demo,
    signed_in,
)
from tests.measures.world import World

pytestmark = pytest.mark.browser


def _seed() -> None:
    """Camden: two children graded, one in 10 minutes and one in 2 hours, the same day.
    Hackney: one child graded in 5 minutes. Ten days ago, so inside the default 90 days."""
    set_up_demo()
    with db.unit_of_work() as session:
        org = session.get(Organisation, demo_user(session, "inspector").organisation_id)
        assert org is not None
        world = World(session, org)
        day = clock.now().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=10)
        born = clock.now().date() - timedelta(days=15 * 366)
        for name, borough, minutes in (("Ada", "Camden", 10), ("Bea", "Camden", 120),
                                       ("Cy", "Hackney", 5)):  # fmt: skip
            child = world.person(name, borough, date_of_birth=born, sex=Sex.female)
            episode = world.episode(child, day)
            world.grading(episode, day + timedelta(minutes=minutes), RiskGrade.medium, True)


@pytest.fixture(scope="module")
def base(engine: Engine) -> Iterator[str]:
    _seed()
    with server_in_thread() as url:
        yield url


def test_an_inspector_filters_to_a_borough_and_downloads_a_table(
    browser: Browser, base: str, tmp_path: Path
) -> None:
    context, page = signed_in(browser, base, "inspector")
    page.get_by_role("link", name="Measures").click()
    expect(page.get_by_role("heading", name="Inspection measures")).to_be_visible()
    expect(page.locator("canvas[data-drawn='true']").first).to_be_attached()
    assert serious_violations(page) == []

    page.get_by_label("Borough (where the person lives)").select_option("Camden")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("people living in Camden")).to_be_visible()
    headline = page.get_by_test_id("headline-1")
    row = headline.get_by_role("row").filter(has_text="First graded within the target time")
    expect(row).to_contain_text("50.0%")
    expect(row).to_contain_text("1 of 2")

    trend = page.get_by_test_id("trend-graded_within_target")
    trend.get_by_text("Show the data").click()
    week = trend.get_by_role("row").filter(has_text="1 of 2")
    expect(week).to_contain_text("50.0%")
    expect(week).to_contain_text("Week from")
    with page.expect_download() as download:
        trend.get_by_role("link", name="Download this table (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))
    assert saved.name.startswith("measures-trend-graded_within_target-")
    counted = [r for r in rows if r["denominator"] not in ("", "0")]
    assert [(r["numerator"], r["denominator"], r["value"]) for r in counted] == [("1", "2", "0.5")]
    context.close()
