"""Redacted exports: a partner downloads what its agreements share about a person, as CSV or PDF,
with what was withheld and why, and each download is a disclosure in the audit log."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.access import agreements
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import OrganisationKind, User
from harbour.people.models import Person
from tests.factories import (
    csrf_from,
    justify,
    make_agreement,
    make_episode,
    make_partner,
    make_person,
    make_user,
    sign_in,
)

WITHHELD = "Marisol Thackeray"


def _shared(session: Session) -> tuple[User, Person]:
    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub, given_name="Ivy", family_name="Exportwell")
    child.social_worker_name = WITHHELD  # care is not shared below
    child.aliases = ["Ivy-Rose"]
    make_episode(session, hub, child)
    partner = make_partner(session)
    make_agreement(session, partner.organisation_id, named=[child], fields=["aliases", "episodes"])
    session.commit()
    return partner, child


def _download(client: TestClient, child: Person, fmt: str) -> bytes:
    url = f"/people/{child.id}"
    justify(client, child.id, url)
    token = csrf_from(client.get(url).text)
    got = client.post(
        f"/shared/people/{child.id}/export",
        data={"csrf_token": token, "format": fmt, "recipients": "Front Door duty team"},
    )
    assert got.status_code == 200, got.text[:500]
    assert "attachment" in got.headers["content-disposition"]
    assert got.headers["cache-control"] == "private, no-store"
    return got.content


def test_the_csv_holds_what_is_shared_and_says_what_was_withheld_and_why(
    client: TestClient, session: Session
) -> None:
    partner, child = _shared(session)
    sign_in(client, partner.username)
    text = _download(client, child, "csv").decode("utf-8")
    assert WITHHELD not in text
    rows = list(csv.reader(io.StringIO(text)))
    body = [r for r in rows if r and not r[0].startswith("#")]
    assert body[0] == ["part", "field", "value", "status", "why"]
    values = {(r[1], r[2]) for r in body if r[3] == "shared"}
    assert ("Other names", "Ivy-Rose") in values and ("Family name", "Exportwell") in values
    withheld = {r[0]: r[4] for r in body if r[3] == "withheld"}
    care = agreements.FIELDS["care"]
    assert withheld[care].startswith(f"Withheld: not shared by ISA-T-{partner.organisation_id}-")
    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "disclose", AuditEvent.subject_id == str(child.id))
        .order_by(AuditEvent.id.desc())
    )
    assert event is not None and event.after is not None
    assert event.after["export"] == "csv"
    assert event.after["recipients"] == "Front Door duty team"


def test_the_pdf_is_a_pdf_without_what_was_withheld(client: TestClient, session: Session) -> None:
    partner, child = _shared(session)
    sign_in(client, partner.username)
    pdf = _download(client, child, "pdf")
    assert pdf.startswith(b"%PDF-")
    assert WITHHELD.encode() not in pdf


@pytest.mark.parametrize("who", ["force", "outside"])
def test_no_export_outside_an_agreement(client: TestClient, session: Session, who: str) -> None:
    _, child = _shared(session)
    hub = make_user(session, Role.hub_officer)
    session.commit()
    if who == "force":  # the force exports nothing through a partner's page
        sign_in(client, hub.username)
    else:
        stranger = make_partner(session, OrganisationKind.charity)
        session.commit()
        sign_in(client, stranger.username)
    token = csrf_from(client.get("/").text)
    got = client.post(
        f"/shared/people/{child.id}/export",
        data={"csrf_token": token, "format": "csv", "recipients": "Anyone"},
    )
    assert got.status_code == 404
