"""An alert's subject and evidence in words: named at display time in the viewer's scope, grouped
by child with counts, strongest first, each line linked to its record; the same subject in the
inbox and on the map; old alerts still shown by their summaries."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.network import timeline, words
from harbour.network.models import NetworkAlert
from harbour.people.models import Person
from tests.factories import actor_of, csrf_from, make_person, make_user, sign_in
from tests.network.worlds import HOTEL, HOTEL_ADDRESS, make_world


def _justified(client: TestClient, alert: NetworkAlert) -> str:
    here = f"/network/alerts/{alert.id}"
    token = csrf_from(client.get("/").text)
    given = client.post(f"{here}/justify", data={"reason": "safeguarding", "csrf_token": token})
    assert given.status_code == 303
    return client.get(here).text


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_rebuild_stores_the_ids_of_each_link_beside_its_summary(session: Session) -> None:
    w = make_world(session)
    described = w.alert.described
    assert described["subject"] == {
        "type": "person",
        "external_id": f"harbour-person-{w.dean.id}",
        "key": str(w.dean.id),
    }
    found = [e for e in described["evidence"] if e["link"] == "found_at"]
    assert len(found) == 4 and all(e["summary"] for e in described["evidence"])
    first = next(e for e in found if e["record_id"] == w.episodes[0])
    assert first["from"] == f"person:{w.amy.id}" and first["to"] == f"place:{w.hotel.id}"
    assert first["record"] == "episode" and first["observed_at"].startswith("2026-03-04")


def test_the_evidence_is_grouped_by_child_with_counts_and_sources(session: Session) -> None:
    w = make_world(session)
    evidence = words.grouped(session, actor_of(w.investigator), w.alert)
    assert evidence.in_words
    top = evidence.groups[0]
    assert top.child is not None and top.child.key == f"person:{w.amy.id}"
    assert top.child.text == f"WARD, Amy (born 3 May 2011, age 15, record {w.amy.id})"
    hotel = top.lines[0]
    assert hotel.words == (
        f"Found at {HOTEL}, {HOTEL_ADDRESS} (hotel) in 3 episodes, last on 18 March 2026"
    )
    assert [s.href for s in hotel.sources] == [f"/episodes/{e}" for e in w.episodes[:3]]
    associate = top.lines[1]
    assert associate.words.startswith("Associate of MARSH, Dean (born 20 January 1985")
    assert associate.sources[0].href == f"/people/{w.amy.id}/intelligence"
    # Ben: found there once; Cara: seen in the car; Dean's phone among the others' links.
    texts = [line.words for g in evidence.groups for line in g.lines]
    assert f"Found at {HOTEL}, {HOTEL_ADDRESS} (hotel) on 2 March 2026" in texts
    assert "Seen in vehicle AB12CDE (Grey Ford) on 1 February 2026" in texts
    others = evidence.groups[-1]
    assert others.child is None
    assert others.lines[0].words.startswith("MARSH, Dean") and "phone 07700 900123" in texts[-1]


def test_a_child_out_of_scope_is_never_named(session: Session) -> None:
    w = make_world(session)
    stranger = make_person(
        session, make_user(session, Role.hub_officer), given_name="Zed", family_name="Hidden"
    )
    w.alert.child_ids = [*w.alert.child_ids, stranger.id]
    w.alert.described = {
        **w.alert.described,
        "evidence": [
            *w.alert.described["evidence"],
            {
                "summary": "person x found at place y",
                "from": f"person:{stranger.id}",
                "to": f"place:{w.hotel.id}",
                "link": "found_at",
                "record": "episode",
                "record_id": 1,
                "observed_at": None,
            },
        ],
    }
    session.commit()
    evidence = words.grouped(session, actor_of(w.investigator), w.alert)
    named = [g.child.text for g in evidence.groups if g.child]
    assert len(named) == 3 and not any("HIDDEN" in n for n in named)


def test_the_alert_page_reads_the_evidence_by_child(client: TestClient, session: Session) -> None:
    w = make_world(session)
    sign_in(client, w.investigator.username)
    page = _justified(client, w.alert)
    text = _text(page)
    assert f"MARSH, Dean (born 20 January 1985, age 41, record {w.dean.id})" in text
    assert f"Found at {HOTEL}, {HOTEL_ADDRESS} (hotel) in 3 episodes, last on 18 March 2026" in text
    assert f'href="/episodes/{w.episodes[0]}"' in page
    # The groups after the strongest three wait in a details component (no JavaScript needed).
    assert 'data-testid="more-evidence"' in page
    more = page[page.index('data-testid="more-evidence"') :]
    assert "Links between the others" in more and "WARD, Amy" not in more.split("</details>")[0]
    # Each child's line to the path between the child and the subject.
    assert f"/network/path?alert={w.alert.id}&amp;from=person%3A{w.amy.id}" in page
    # The summaries as imported, on request.
    assert w.alert.described["evidence"][0]["summary"] in page


def test_the_inbox_and_the_map_name_the_subject_in_words(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    hotspot = NetworkAlert(
        kind="hotspot", subject_type="place", subject_key=str(w.hotel.id),
        subject_place_id=w.hotel.id, score=0.8, reason="a place where 2 children were found",
        described={"subject": {"type": "place", "external_id": "p-0042"}, "evidence": []},
        child_ids=[w.amy.id, w.ben.id], member_keys=[f"place:{w.hotel.id}"], evidence_count=0,
        organisation_id=w.investigator.organisation_id,
    )  # fmt: skip
    w.hotel.lat, w.hotel.lon, w.hotel.borough = 51.5, -0.1, "Camden"
    session.add(hotspot)
    session.commit()
    sign_in(client, w.investigator.username)
    inbox = _text(client.get("/network/alerts").text)
    assert f"MARSH, Dean (born 20 January 1985, age 41, record {w.dean.id})" in inbox
    assert f"{HOTEL}, {HOTEL_ADDRESS} (hotel)" in inbox
    drawn = _text(client.get("/network/map").text)
    assert f"{HOTEL}, {HOTEL_ADDRESS} (hotel): 2 children" in drawn and "p-0042" not in drawn


def test_an_alert_stored_before_the_ids_shows_its_summaries(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    old = [{"summary": e["summary"], "record": e["record"]} for e in w.alert.described["evidence"]]
    w.alert.described = {"subject": w.alert.described["subject"], "evidence": old}
    session.commit()
    assert not words.grouped(session, actor_of(w.investigator), w.alert).in_words
    sign_in(client, w.investigator.username)
    page = _justified(client, w.alert)
    assert old[0]["summary"] in page and 'data-testid="more-evidence"' not in page
    assert "MARSH, Dean" in page  # the subject is named from the alert's own columns
    assert session.get(Person, w.dean.id) is not None


def test_the_timeline_counts_each_childs_dated_links_by_month(session: Session) -> None:
    """Amy: found at the hotel on 4, 11 and 18 March 2026, an associate of Dean from 1 February
    (the world's dates); the table ends at the latest link's month and counts undated links
    apart."""
    w = make_world(session)
    amy_key, hotel_key = f"person:{w.amy.id}", f"place:{w.hotel.id}"
    extra = [
        {"from": amy_key, "to": hotel_key, "link": "seen_at", "observed_at": None},
        {"from": amy_key, "to": hotel_key, "link": "seen_at",
         "observed_at": "2024-01-05T12:00:00+00:00"},
    ]  # fmt: skip
    w.alert.described = {**w.alert.described, "evidence": w.alert.described["evidence"] + extra}
    table = timeline.timeline(session, actor_of(w.investigator), w.alert)
    assert table is not None
    assert table.months[0] == date(2025, 4, 1) and table.months[-1] == date(2026, 3, 1)
    assert len(table.months) == timeline.MONTHS
    rows = {row.child.key: row for row in table.rows}
    amy = rows[amy_key]
    assert amy.cells[-1] == 3 and amy.cells[-2] == 1 and sum(amy.cells) == 4
    assert amy.undated == 1 and table.earlier == 1
    assert table.rows[0].child.key == amy_key  # the most links first
    assert table.peak == 3 and table.level(3) == timeline.LEVELS and table.level(1) == 2
    assert table.level(0) == 0


def test_the_timeline_is_on_the_alert_page(client: TestClient, session: Session) -> None:
    w = make_world(session)
    session.commit()
    sign_in(client, w.investigator.username)
    page = _justified(client, w.alert)
    assert 'data-testid="timeline"' in page and "When the links were made" in page
    assert "Mar 26" in page
