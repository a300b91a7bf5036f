"""Network alerts measured against the simulator's truth: planted adults and places are found,
decoys (schools, stations, fast food, care staff, parents, friends' homes) are not."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Channel, system_actor
from harbour.cli import app
from harbour.interop import importer
from harbour.network import service as network
from harbour.simulate.service import simulate
from tests.factories import make_org

AS_OF = date(2026, 11, 27)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("network")
    simulate(seed=1, scale="demo", years=1, as_of=AS_OF, out=out)
    return out


@pytest.fixture
def loaded(session: Session, batch: Path) -> dict[str, Any]:
    org = make_org(session)
    importer.run_import(batch, system_actor(Channel.cli), organisation_id=org.id)
    session.commit()
    truth: dict[str, Any] = json.loads((batch / "truth.json").read_text())
    return truth


def _alerts(session: Session) -> list[dict[str, Any]]:
    as_of = datetime(2026, 11, 27, tzinfo=UTC)
    return network.analyse(session, as_of=as_of).listed()


def _flagged(alerts: list[dict[str, Any]], kind: str) -> set[str]:
    return {a["subject"]["external_id"] for a in alerts if a["kind"] == kind}


def test_planted_adults_and_places_are_found_precisely(
    session: Session, loaded: dict[str, Any]
) -> None:
    alerts = _alerts(session)
    adults = {a for n in loaded["networks"] for a in n["adults"]}
    places = {p for n in loaded["networks"] for p in n["places"]}
    found = _flagged(alerts, "common_associate") | _flagged(alerts, "hotspot")
    planted = adults | places
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / len(found)
    assert recall >= 0.9, (recall, planted - found)
    assert precision >= 0.8, (precision, found - planted)
    assert len(adults & found) / len(adults) >= 0.9
    assert len(places & found) / len(places) >= 0.8


def test_decoys_are_not_among_the_alerts(session: Session, loaded: dict[str, Any]) -> None:
    alerts = _alerts(session)
    subjects = {a["subject"]["external_id"] for a in alerts}
    members = {m["external_id"] for a in alerts for m in a["members"]}
    for decoy in loaded["decoys"]:
        assert decoy.get("place") not in subjects, decoy
        if decoy["type"] in ("care_home_staff", "parents_of_siblings"):
            assert not set(decoy["adults"]) & (subjects | members), decoy


def test_every_alert_is_scored_explained_and_about_children(
    session: Session, loaded: dict[str, Any]
) -> None:
    children = set(loaded["child_episode_counts"])
    people = {record for record, child in loaded["identities"].items() if child in children}
    alerts = network.analyse(session).listed(min_score=0)
    assert alerts
    assert [a["score"] for a in alerts] == sorted((a["score"] for a in alerts), reverse=True)
    for alert in alerts:
        assert 0 <= alert["score"] <= 1
        assert alert["children"] and set(alert["children"]) <= people, alert["children"]
        assert alert["evidence"] and all(e["summary"] for e in alert["evidence"])
        assert alert["subject"]["type"] in ("person", "place", "phone", "vehicle", "cluster")
    networks = [a for a in alerts if a["kind"] == "network"]
    planted = [set(n["children"]) for n in loaded["networks"]]
    for group in planted:
        assert any(len(group & set(a["children"])) >= len(group) // 2 for a in networks), group


def test_the_command_prints_alerts_as_json(connection: Connection, loaded: dict[str, Any]) -> None:
    command = ["network", "alerts", "--format", "json", "--min-score", "0.8"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.output)
    assert alerts and all(a["score"] >= 0.8 for a in alerts)
    assert set(alerts[0]) >= {"kind", "subject", "score", "children", "members", "evidence"}
    summary = CliRunner().invoke(app, ["network", "analyse"])
    assert summary.exit_code == 0 and "common_associate" in summary.output


def test_county_lines_routes_are_the_planted_ones(session: Session, loaded: dict[str, Any]) -> None:
    alerts = [a for a in _alerts(session) if a["kind"] == "county_lines"]
    planted = [set(n["children"]) for n in loaded["networks"] if n["county_lines"]]
    assert planted, "the demo batch plants county-lines networks"
    for children in planted:
        assert any(len(children & set(a["children"])) >= len(children) // 2 for a in alerts)
    # Every route flagged carries a planted county-lines network: none made of chance finds.
    for alert in alerts:
        assert any(set(alert["children"]) & children for children in planted), alert["reason"]
        assert alert["subject"]["type"] == "cluster" and alert["evidence"]
