"""The review queue and merges through HTTP: compare a pair, merge it, undo the merge."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import Organisation
from harbour.episodes.models import Episode
from harbour.identity.models import CandidatePair, PairStatus, PersonMerge
from harbour.people.models import Person
from tests.factories import csrf_from, make_episode, make_person, make_team, make_user, sign_in


def _justify(
    client: TestClient, person_id: int, next_url: str, reason: str = "safeguarding"
) -> None:
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/people/{person_id}/justify",
        data={"reason": reason, "next": next_url, "csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["location"] == next_url


def test_an_analyst_compares_a_pair_merges_it_and_undoes_the_merge(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.hub_officer)
    organisation = session.get_one(Organisation, officer.organisation_id)
    analyst = make_user(session, Role.analyst, team=make_team(session, organisation))
    born = date(2010, 7, 9)
    kept = make_person(
        session, officer, given_name="Robert", family_name="Nwosu", date_of_birth=born
    )
    duplicate = make_person(
        session, officer, given_name="Bobby", family_name="Nwosu", date_of_birth=born
    )
    episode = make_episode(session, officer, duplicate)
    pair = CandidatePair(
        low_id=kept.id,
        high_id=duplicate.id,
        probability=0.97,
        levels={
            "given_name": {"level": 6, "label": "Nickname, other name or one of several"},
            "dob": {"level": 7, "label": "Exact match"},
            "postcode": {"level": -1, "label": "Not known on one or both"},
        },
        model_version="test",
        organisation_id=officer.organisation_id,
    )
    session.add(pair)
    session.commit()
    sign_in(client, analyst.username)

    queue = client.get("/identity/review").text
    assert f'href="/identity/pairs/{pair.id}"' in queue and "97.0%" in queue
    here = f"/identity/pairs/{pair.id}"
    assert "Why are you viewing this record?" in client.get(here).text
    _justify(client, kept.id, here)
    _justify(client, duplicate.id, here, reason="supervision")
    page = client.get(here).text
    assert "Bobby" in page and "Robert" in page and "Nickname" in page
    # Each record's view is logged with the reason given for that record.
    views = dict(
        session.execute(
            text(
                "SELECT subject_id, justification FROM audit_event "
                "WHERE action = 'view' AND subject_type = 'person'"
            )
        ).all()
    )
    assert views[str(kept.id)].startswith("Safeguarding")
    assert views[str(duplicate.id)].startswith("Supervision")
    token = csrf_from(page)
    refused = client.post(
        here, data={"csrf_token": token, "decision": "same", "version": str(pair.version)}
    )
    assert refused.status_code == 422 and "Say what you compared" in refused.text
    merged = client.post(
        here,
        data={
            "csrf_token": token,
            "decision": "same",
            "keep": str(kept.id),
            "note": "Same school, same foster carer",
            "version": str(pair.version),
        },
    )
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/people/{kept.id}/merges?merged=1"
    session.expire_all()
    assert session.get_one(Episode, episode.id).person_id == kept.id
    assert session.get_one(Person, duplicate.id).merged_into_id == kept.id
    assert session.get_one(CandidatePair, pair.id).status is PairStatus.accepted

    merges = client.get(f"/people/{kept.id}/merges").text
    assert "Same school, same foster carer" in merges
    record = session.query(PersonMerge).one()
    undo = f"/people/{kept.id}/merges/{record.id}/undo"
    token = csrf_from(merges)
    short = client.post(undo, data={"csrf_token": token, f"undo-{record.id}-reason": "no"})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = client.post(
        undo, data={"csrf_token": token, f"undo-{record.id}-reason": "Carer says two boys"}
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(Episode, episode.id).person_id == duplicate.id
    assert session.get_one(Person, duplicate.id).merged_into_id is None
    # Undone, the pair counts as two different people and is not queued again.
    assert session.get_one(CandidatePair, pair.id).status is PairStatus.rejected
    assert f"/identity/pairs/{pair.id}" not in client.get("/identity/review").text


def test_a_persons_merges_page_names_no_duplicate_outside_the_viewers_scope(
    client: TestClient, session: Session
) -> None:
    """Another force's copy of the child is neither named nor scored on the merges page."""
    analyst = make_user(session, Role.analyst)
    ours = make_person(session, analyst, given_name="Mia", family_name="Thorne")
    stranger = make_user(session, Role.hub_officer)  # another organisation
    theirs = make_person(session, stranger, given_name="Mia", family_name="Thorne")
    low, high = sorted((ours.id, theirs.id))
    session.add(
        CandidatePair(
            low_id=low, high_id=high, probability=0.93, levels={}, model_version="test",
            organisation_id=analyst.organisation_id,
        )
    )  # fmt: skip
    session.commit()
    sign_in(client, analyst.username)
    _justify(client, ours.id, f"/people/{ours.id}/merges")
    page = client.get(f"/people/{ours.id}/merges").text
    assert f"Record {theirs.id}" not in page and "93.0% match" not in page
    assert "The identity model has not queued any possible duplicate" in page
