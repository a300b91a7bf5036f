"""Intelligence links entered by hand: validated, graded 3x5x2, audited, and in the network."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import Organisation
from harbour.network import service as network
from harbour.people.models import Association
from tests.factories import csrf_from, make_person, make_team, make_user, sign_in


def test_an_investigator_records_graded_intelligence_that_joins_the_network(
    client: TestClient, session: Session
) -> None:
    investigator = make_user(session, Role.exploitation_investigator)
    org = session.get_one(Organisation, investigator.organisation_id)
    officer = make_user(session, Role.officer, team=make_team(session, org))
    child = make_person(session, officer, given_name="Lily", family_name="Ward")
    adult = make_person(session, officer, given_name="Dean", family_name="Marsh")
    session.commit()
    sign_in(client, investigator.username)
    here = f"/people/{child.id}/intelligence"
    assert "Why are you viewing this record?" in client.get(here).text
    token = csrf_from(client.get("/").text)
    client.post(
        f"/people/{child.id}/justify",
        data={"reason": "safeguarding", "next": here, "csrf_token": token},
    )
    page = client.get(here).text
    token = csrf_from(page)
    refused = client.post(here, data={"csrf_token": token, "type": "associate"})
    assert refused.status_code == 422
    for message in (
        "Enter the record number of the person they associate with",
        "Select the source evaluation",
        "Select the intelligence assessment",
        "Select the handling code",
        "Say what the intelligence is and where it came from",
    ):
        assert message in refused.text
    saved = client.post(
        here,
        data={
            "csrf_token": token,
            "type": "associate",
            "other_person": str(adult.id),
            "observed_day": "20",
            "observed_month": "11",
            "observed_year": "2026",
            "source_text": "Return home interview: she says Dean collects her from school",
            "intel_source": "2",
            "intel_assessment": "B",
            "intel_handling": "P",
        },
    )
    assert saved.status_code == 303
    link = session.scalars(select(Association).where(Association.subject_id == child.id)).one()
    assert (link.object_person_id, link.recorded_by_id) == (adult.id, investigator.id)
    assert (link.intel_source, link.intel_assessment, link.intel_handling) == ("2", "B", "P")
    listed = client.get(here).text
    assert "2BP" in listed and "MARSH, Dean" in listed
    query = "SELECT count(*) FROM audit_event WHERE action = 'create' AND subject_type = :kind"
    audited = session.execute(text(query), {"kind": "association"}).scalar()
    assert audited == 1
    # The network reads it, grading and all.
    analysis = network.analyse_organisation(session, child.organisation_id)
    g = analysis.g
    assert g.grading[link.id] == "2BP"
    found = [lk for lk in g.links if lk.record == "association" and lk.record_id == link.id]
    assert found and "intelligence graded 2BP" in analysis._evidence(found[0])["summary"]


def test_an_officer_out_of_scope_cannot_record(client: TestClient, session: Session) -> None:
    child = make_person(session, make_user(session, Role.hub_officer))
    stranger = make_user(session, Role.exploitation_investigator)
    session.commit()
    sign_in(client, stranger.username)
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/people/{child.id}/intelligence", data={"csrf_token": token, "type": "associate"}
    )
    assert response.status_code == 404


def test_a_persons_network_centred_on_someone_else_needs_their_justification(
    client: TestClient, session: Session
) -> None:
    """The network around a person is never shown under the justification given for another."""
    investigator = make_user(session, Role.exploitation_investigator)
    first = make_person(session, investigator, given_name="Ana")
    second = make_person(session, investigator, given_name="Ben")
    session.commit()
    sign_in(client, investigator.username)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/people/{first.id}/justify",
        data={"reason": "active_investigation", "next": f"/people/{first.id}", "csrf_token": token},
    )
    own = client.get("/network/graph", params={"person": first.id})
    assert own.status_code == 200
    other = client.get("/network/graph", params={"person": first.id, "node": f"person:{second.id}"})
    assert other.status_code == 403
    client.post(
        f"/people/{second.id}/justify",
        data={
            "reason": "active_investigation",
            "next": f"/people/{second.id}",
            "csrf_token": token,
        },
    )
    justified = client.get(
        "/network/graph", params={"person": first.id, "node": f"person:{second.id}"}
    )
    assert justified.status_code == 200


def test_a_phone_too_long_to_be_one_is_refused_with_a_message(
    client: TestClient, session: Session
) -> None:
    """Longer than E.164 allows (and than the column holds): a message, not a database error."""
    investigator = make_user(session, Role.exploitation_investigator)
    child = make_person(session, investigator, given_name="Lily", family_name="Ward")
    session.commit()
    sign_in(client, investigator.username)
    here = f"/people/{child.id}/intelligence"
    token = csrf_from(client.get("/").text)
    client.post(
        f"/people/{child.id}/justify",
        data={"reason": "safeguarding", "next": here, "csrf_token": token},
    )
    form = {
        "csrf_token": csrf_from(client.get(here).text),
        "type": "uses_phone",
        "source_text": "Return home interview: she calls this number to be collected",
        "intel_source": "2",
        "intel_assessment": "B",
        "intel_handling": "P",
    }
    refused = client.post(here, data=form | {"phone": "07700 900123 07700 900123 07700"})
    assert refused.status_code == 422
    assert "Enter a phone number with 6 to 15 digits, counting a country code" in refused.text
    assert client.post(here, data=form | {"phone": "07700 900123"}).status_code == 303
    saved = session.scalars(select(Association.object_phone)).all()
    assert saved == ["+447700900123"]


def test_a_vehicle_typed_with_spaces_is_the_vehicle_the_import_holds(session: Session) -> None:
    from harbour.network import intelligence
    from harbour.network.schemas import IntelligenceInput
    from harbour.people.models import Vehicle
    from tests.factories import actor_of

    investigator = make_user(session, Role.exploitation_investigator)
    child = make_person(session, investigator, given_name="Lily", family_name="Ward")
    imported = Vehicle(registration="AB12CDE", organisation_id=investigator.organisation_id)
    session.add(imported)
    session.flush()
    link = intelligence.record(
        session,
        actor_of(investigator),
        child,
        IntelligenceInput(
            type="in_vehicle", registration="ab12 cde", intel_source="2",
            intel_assessment="B", intel_handling="P", source_text="Seen getting into it",
        ),
    )  # fmt: skip
    assert link.object_vehicle_id == imported.id
    other = intelligence.record(
        session,
        actor_of(investigator),
        child,
        IntelligenceInput(
            type="in_vehicle", registration="xy99  zzz", intel_source="2",
            intel_assessment="B", intel_handling="P", source_text="Seen in another",
        ),
    )  # fmt: skip
    new = session.get_one(Vehicle, other.object_vehicle_id)
    assert new.registration == "XY99ZZZ"  # stored as the importer stores it
