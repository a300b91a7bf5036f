"""The open-episodes board on the home page: who is missing now, within the viewer's scope."""

from __future__ import annotations

import json
from datetime import timedelta
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


def test_an_imported_open_episode_gets_its_review_clock(session: Session, tmp_path: Path) -> None:
    from sqlalchemy import select

    from harbour.episodes.models import Episode, Review
    from harbour.people.models import ImportRef

    org = make_org(session)
    session.commit()
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    importer.run_import(batch, system_actor(Channel.cli), organisation_id=org.id)
    importer.run_import(batch, system_actor(Channel.cli), organisation_id=org.id)  # again
    open_id = session.scalar(
        select(ImportRef.record_id).where(
            ImportRef.kind == "episode", ImportRef.external_id == "e1"
        )
    )
    episode = session.get(Episode, open_id)
    assert episode is not None
    reviews = session.scalars(select(Review).where(Review.episode_id == episode.id)).all()
    # High risk: an inspector within an hour of the report, a superintendent at 24 hours;
    # importing the batch twice does not schedule them twice.
    assert sorted((r.rank, r.due_at - episode.reported_at) for r in reviews) == [
        ("inspector", timedelta(hours=1)),
        ("superintendent", timedelta(hours=24)),
    ]
    found_id = session.scalar(
        select(ImportRef.record_id).where(
            ImportRef.kind == "episode", ImportRef.external_id == "e2"
        )
    )
    assert session.scalars(select(Review).where(Review.episode_id == found_id)).all() == []
