"""`harbour measures` and the dashboard give the figures the service counts, on the small world
of test_by_hand, with clear refusals of a bad period."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour import clock
from harbour.actor import Role
from harbour.cli import app
from tests.factories import make_user, sign_in
from tests.measures.world import NOW

runner = CliRunner()
PERIOD = ["--from", "2026-06-01", "--to", "2026-06-30"]


def _run(*args: str) -> Any:
    with clock.frozen(NOW):
        return runner.invoke(app, ["measures", *PERIOD, *args])


def test_the_command_prints_every_measure_as_json(session: Session, world: Any) -> None:
    session.commit()  # the command reads in a session of its own
    result = _run()
    assert result.exit_code == 0, result.output
    rows = {r["measure"]: r for r in json.loads(result.output)}
    assert rows["graded_within_target"] == {
        "measure": "graded_within_target",
        "group": "all",
        "numerator": 3,
        "denominator": 5,
        "value": 0.6,
        "suppressed": False,
    }
    assert rows["return_interviews_on_time"]["value"] == 0.25


def test_the_command_breaks_down_suppresses_and_writes_csv(session: Session, world: Any) -> None:
    session.commit()
    result = _run("--by", "borough", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    camden = next(
        r for r in rows if r["measure"] == "graded_within_target" and r["group"] == "Camden"
    )
    # Three counted in Camden: fewer than five, so withheld.
    assert camden == {
        "measure": "graded_within_target",
        "group": "Camden",
        "numerator": "",
        "denominator": "3",
        "value": "",
        "suppressed": "True",
    }
    hackney = _run("--borough", "Hackney")
    seen = next(r for r in json.loads(hackney.output) if r["measure"] == "children_seen_in_person")
    assert (seen["numerator"], seen["denominator"]) == (1, 2)


def test_the_command_refuses_a_bad_period_in_words(connection: Any) -> None:
    with clock.frozen(NOW):
        backwards = runner.invoke(app, ["measures", "--from", "2026-06-30", "--to", "2026-06-01"])
        typo = runner.invoke(app, ["measures", "--from", "2026-13-01", "--to", "2026-06-01"])
        unknown = runner.invoke(app, ["measures", *PERIOD, "--by", "height"])
    assert backwards.exit_code == 1 and "on or after its start" in backwards.output
    assert typo.exit_code == 1 and "--from must be a date as YYYY-MM-DD" in typo.output
    assert unknown.exit_code == 1 and "Choose one of borough" in unknown.output


def test_the_dashboard_shows_the_figures_and_downloads_them(
    client: TestClient, session: Session, world: Any
) -> None:
    _, actor = world
    user = make_user(session, Role.analyst)
    user.organisation_id, user.team_id = actor.organisation_id, actor.team_id
    session.commit()
    sign_in(client, user.username)
    query = "from=2026-06-01&to=2026-06-30"
    with clock.frozen(NOW):
        page = client.get(f"/measures?{query}&borough=Hackney&by=sex&measure=found_harmed")
        figures = client.get(f"/measures/figures.csv?{query}")
        breakdown = client.get(f"/measures/breakdown.csv?{query}&by=borough&measure=found_harmed")
        ratios = client.get(f"/measures/disproportionality.csv?{query}")
        quality = client.get(f"/measures/quality.csv?{query}")
        bad = client.get("/measures?from=2026-06-30&to=2026-06-01")
    assert page.status_code == 200
    assert "people living in Hackney" in page.text
    assert "Found harmed by sex" in page.text
    assert figures.headers["content-type"].startswith("text/csv")
    assert "attachment" in figures.headers["content-disposition"]
    lines = {r["measure"]: r for r in csv.DictReader(io.StringIO(figures.text))}
    assert (
        lines["graded_within_target"]["numerator"],
        lines["graded_within_target"]["denominator"],
    ) == ("3", "5")
    groups = {r["group"]: r for r in csv.DictReader(io.StringIO(breakdown.text))}
    assert set(groups) == {"Camden", "Hackney", "unknown"}
    assert "rate_ratio" in ratios.text.splitlines()[0]
    by_grade = {r["grade"]: r for r in csv.DictReader(io.StringIO(quality.text))}
    assert (by_grade["medium"]["episodes"], by_grade["medium"]["below"]) == ("2", "1")
    assert bad.status_code == 422
    assert "The end of the period must be on or after its start" in bad.text
