"""The open-episodes board on the home page: who is missing now, within the viewer's scope."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.actor import Channel, Role, system_actor
from harbour.interop import importer
from tests.factories import make_org, make_team, make_user, sign_in

LINES = [
    {"kind": "person", "id": "p1", "given_name": "Still", "family_name": "Missing"},
    {"kind": "person", "id": "p2", "given_name": "Back", "family_name": "Home"},
    {
        "kind": "episode",
        "id": "e1",
        "person": "p1",
        "reported_at": "2026-01-05T22:10",
        "risk_grade": "high",
    },
    {
        "kind": "episode",
        "id": "e2",
        "person": "p2",
        "reported_at": "2026-01-04T20:00",
        "found_at": "2026-01-05T08:00",
        "outcome": "returned",
    },
]


def test_the_board_lists_who_is_missing_now(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    team = make_team(session, org)
    officer = make_user(session, Role.hub_officer, team=team)
    outsider = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    importer.run_import(batch, system_actor(Channel.cli), organisation_id=org.id)
    session.commit()
    sign_in(client, officer.username)
    page = client.get("/").text
    assert "MISSING, Still" in page
    assert "HOME, Back" not in page
    assert "govuk-tag--red" in page
    assert "1 open" in page
    client.cookies.clear()
    sign_in(client, outsider.username)
    other = client.get("/").text
    assert "MISSING, Still" not in other
    assert "No one you can see is missing at the moment." in other
