"""Information-sharing agreements: who they cover, what they share, when, and the pages that draw
them up and end them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.access import agreements
from harbour.access import service as access
from harbour.actor import Role
from harbour.auth.models import Organisation, User
from harbour.episodes.models import Episode
from harbour.errors import Conflict, ValidationFailed
from harbour.partners import service as partners
from harbour.partners.schemas import AgreementInput, ChangeInput, NamedCaseInput
from harbour.people import addresses
from harbour.people.models import Person
from harbour.people.schemas import AddressAdd
from tests.factories import (
    ADMIN,
    actor_of,
    csrf_from,
    justify,
    make_agreement,
    make_episode,
    make_org,
    make_partner,
    make_person,
    make_user,
    sign_in,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _shown(session: Session, partner: User) -> set[int]:
    where = access.visible(actor_of(partner), Person, shared=True)
    return set(session.scalars(select(Person.id).where(where)))


def test_an_agreement_covers_looked_after_open_and_resident_people_of_its_area(
    session: Session,
) -> None:
    hub = make_user(session, Role.hub_officer)
    partner = make_partner(session)
    looked_after = make_person(session, hub)
    looked_after.looked_after, looked_after.local_authority = True, "Barnet Council"
    open_case = make_person(session, hub)
    open_case.local_authority, open_case.social_worker_name = "barnet", "A Worker"
    resident = make_person(session, hub)
    addresses.add_address(
        session,
        actor_of(hub),
        resident.id,
        AddressAdd(version=resident.version, type="home", address="1 Road", borough="Barnet"),
        "test",
    )
    elsewhere = make_person(session, hub)
    elsewhere.looked_after, elsewhere.local_authority = True, "Bexley Council"
    session.flush()
    assert _shown(session, partner) == set()
    make_agreement(session, partner.organisation_id, area="Barnet", covers=["looked_after"])
    assert _shown(session, partner) == {looked_after.id}
    make_agreement(
        session, partner.organisation_id, area="Barnet", covers=["open_cases", "residents"]
    )
    assert _shown(session, partner) == {looked_after.id, open_case.id, resident.id}
    # Another partner's agreements show this partner nothing.
    assert _shown(session, make_partner(session)) == set()
    # A record another partner holds is not the force's to share, whatever it says.
    planted = make_person(session, make_partner(session))
    planted.looked_after, planted.local_authority = True, "Barnet Council"
    session.flush()
    assert planted.id not in _shown(session, partner)


def test_an_agreement_not_yet_started_or_past_its_end_shares_nothing(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    partner = make_partner(session)
    child = make_person(session, hub)
    today = agreements.today()
    for reference, starts, ends in (
        ("ISA-LATER", today + timedelta(days=1), None),
        ("ISA-PAST", today - timedelta(days=30), today - timedelta(days=1)),
    ):
        made = make_agreement(
            session,
            partner.organisation_id,
            reference=reference,
            starts_on=starts,
            review_on=starts + timedelta(days=10),
            ends_on=ends,
        )
        partners.name_case(session, ADMIN, made.id, NamedCaseInput(person_id=child.id, reason="x"))
        assert made.status(today) in {"not started", "expired"}
    assert _shown(session, partner) == set()
    last_day = make_agreement(
        session, partner.organisation_id, reference="ISA-TODAY", ends_on=today
    )
    partners.name_case(session, ADMIN, last_day.id, NamedCaseInput(person_id=child.id, reason="x"))
    assert _shown(session, partner) == {child.id}  # the end day is the last day in force


def test_episodes_are_shared_only_by_an_agreement_that_shares_them(session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    partner = make_partner(session)
    episode = make_episode(session, hub)
    identity_only = make_agreement(session, partner.organisation_id, reference="ISA-ID")
    partners.name_case(
        session, ADMIN, identity_only.id, NamedCaseInput(person_id=episode.person_id, reason="x")
    )
    where = access.visible(actor_of(partner), Episode, shared=True)
    assert list(session.scalars(select(Episode.id).where(where))) == []
    assert partners.fields_of(session, identity_only.id) == ["identity"]
    with_episodes = make_agreement(
        session, partner.organisation_id, reference="ISA-EP", fields=["episodes"]
    )
    partners.name_case(
        session, ADMIN, with_episodes.id, NamedCaseInput(person_id=episode.person_id, reason="x")
    )
    assert list(session.scalars(select(Episode.id).where(where))) == [episode.id]
    # Without asking for the shared part, a page sees only the partner team's own records.
    plain = access.visible(actor_of(partner), Episode)
    assert list(session.scalars(select(Episode.id).where(plain))) == []


def test_an_agreement_is_checked_before_it_is_drawn_up(session: Session) -> None:
    partner = make_partner(session)
    force = make_org(session)
    today = agreements.today()
    with pytest.raises(ValidationFailed) as caught:
        make_agreement(
            session,
            force.id,
            covers=["residents"],
            review_on=today - timedelta(days=5),
        )
    assert caught.value.field_errors == {
        "partner_id": "Select a partner organisation from the list",
        "area": "Enter the area (a borough and its authority) the agreement covers",
        "review_on": "The review day must be after the day the agreement starts",
    }
    make_agreement(session, partner.organisation_id, reference="ISA-ONCE")
    with pytest.raises(ValidationFailed) as again:
        make_agreement(session, partner.organisation_id, reference="ISA-ONCE")
    assert "reference" in again.value.field_errors
    with pytest.raises(ValidationFailed) as nobody:
        make_agreement(session, partner.organisation_id, reference="ISA-NOBODY", covers=[])
    assert nobody.value.field_errors["covers"] == "Select who the agreement covers"


def test_a_stale_or_impossible_change_is_refused(session: Session) -> None:
    make_org(session)  # the force
    partner = make_partner(session)
    made = make_agreement(session, partner.organisation_id)
    with pytest.raises(Conflict):
        partners.change(
            session, ADMIN, made.id, "resume", ChangeInput(version=made.version, reason="x")
        )
    with pytest.raises(Conflict):
        partners.change(session, ADMIN, made.id, "suspend", ChangeInput(version=0, reason="x"))
    partners.change(session, ADMIN, made.id, "end", ChangeInput(version=made.version, reason="x"))
    with pytest.raises(Conflict):
        partners.change(
            session, ADMIN, made.id, "suspend", ChangeInput(version=made.version, reason="x")
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    terms=st.lists(
        st.tuples(
            st.integers(-3, 3),  # start, days from today
            st.one_of(st.none(), st.integers(-3, 3)),  # end, days from today
            st.booleans(),  # suspended
            st.booleans(),  # ended
            st.sets(st.integers(0, 3)),  # which of the four people it names
        ),
        max_size=3,
    )
)
def test_a_person_is_shown_exactly_when_an_agreement_in_force_names_them(
    session: Session, terms: list[tuple[int, int | None, bool, bool, set[int]]]
) -> None:
    """The property: shown if and only if some agreement is in force today and covers them,
    whatever the mix of start and end days, suspensions and early ends."""
    savepoint = session.begin_nested()
    try:
        hub = make_user(session, Role.hub_officer)
        partner = make_partner(session)
        people = [make_person(session, hub) for _ in range(4)]
        today = agreements.today()
        expected: set[int] = set()
        for n, (start, end, suspended, ended, named) in enumerate(terms):
            starts = today + timedelta(days=start)
            ends = None if end is None else max(starts, today + timedelta(days=end))
            made = make_agreement(
                session,
                partner.organisation_id,
                reference=f"ISA-P{partner.organisation_id}-{n}",
                starts_on=starts,
                review_on=starts + timedelta(days=30),
                ends_on=ends,
            )
            for i in named:
                partners.name_case(
                    session, ADMIN, made.id, NamedCaseInput(person_id=people[i].id, reason="x")
                )
            for what, on in (("suspend", suspended), ("end", ended)):
                if on:
                    partners.change(
                        session, ADMIN, made.id, what, ChangeInput(version=made.version, reason="x")
                    )
            in_force = starts <= today and (ends is None or today <= ends)
            if in_force and not suspended and not ended:
                expected |= {people[i].id for i in named}
        assert _shown(session, partner) == expected
        for person in people:
            got = access.can(actor_of(partner), "person.view", person)  # the team's view only
            assert not got
    finally:
        savepoint.rollback()


def _admin_client(client: TestClient, session: Session, force: Organisation) -> User:
    """An administrator of the force (whose records its agreements share) signed in."""
    admin = make_user(session, Role.administrator, org=force)
    session.commit()
    sign_in(client, admin.username)
    return admin


def test_drawing_up_naming_and_ending_an_agreement_by_its_pages(
    client: TestClient, app: object, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub, given_name="Nia", family_name="Sharedcase")
    partner = make_partner(session)
    session.commit()
    _admin_client(client, session, session.get(Organisation, hub.organisation_id))  # type: ignore[arg-type]
    today = agreements.today()
    form = client.get("/agreements/new")
    assert form.status_code == 200
    token = csrf_from(form.text)
    empty = client.post("/agreements/new", data={"csrf_token": token})
    assert empty.status_code == 422 and "Select who the agreement covers" in empty.text
    made = client.post(
        "/agreements/new",
        data={
            "csrf_token": token,
            "reference": "ISA-PAGE-1",
            "title": "Page test",
            "partner_id": str(partner.organisation_id),
            "purpose": "Return home interviews",
            "condition": "safeguarding",
            "covers": "named_cases",
            "fields": "episodes",
            "starts_on_day": str(today.day),
            "starts_on_month": str(today.month),
            "starts_on_year": str(today.year),
            "review_on_day": "1",
            "review_on_month": "1",
            "review_on_year": str(today.year + 1),
        },
    )
    assert made.status_code == 303, made.text[:500]
    page_url = made.headers["location"].split("?")[0]
    named = client.post(
        f"{page_url}/cases",
        data={"csrf_token": token, "person_id": str(child.id), "reason": "Open case"},
    )
    assert named.status_code == 303
    page = client.get(page_url)
    assert "SHAREDCASE, Nia" in page.text
    assert "1 person covered today" in page.text
    # The partner, in another browser, sees the child until the agreement ends.
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as theirs:  # type: ignore[arg-type]
        sign_in(theirs, partner.username)
        justify(theirs, child.id, f"/people/{child.id}")
        shown = theirs.get(f"/people/{child.id}")
        assert shown.status_code == 200 and "ISA-PAGE-1" in shown.text
        agreement = session.scalar(
            select(agreements.Agreement).where(agreements.Agreement.reference == "ISA-PAGE-1")
        )
        assert agreement is not None
        session.refresh(agreement)
        ended = client.post(
            f"{page_url}/end",
            data={"csrf_token": token, "version": str(agreement.version), "end_reason": "Ended"},
        )
        assert ended.status_code == 303
        assert theirs.get(f"/people/{child.id}").status_code == 404
    assert "Ended" in client.get(page_url).text


def test_a_partner_gets_the_photo_only_when_an_agreement_shares_photos(
    client: TestClient, session: Session
) -> None:
    from harbour.people import photos

    hub = make_user(session, Role.hub_officer)
    child = make_person(session, hub)
    photos.add_photo(
        session,
        actor_of(hub),
        child.id,
        PNG,
        description=None,
        taken_on=None,
        version=child.version,
        justification="test",
    )
    partner = make_partner(session)
    without = make_agreement(session, partner.organisation_id, reference="ISA-NOPHOTO")
    partners.name_case(session, ADMIN, without.id, NamedCaseInput(person_id=child.id, reason="x"))
    session.commit()
    sign_in(client, partner.username)
    justify(client, child.id, f"/people/{child.id}")
    assert client.get(f"/shared/people/{child.id}/photo").status_code == 404
    photo = make_agreement(
        session, partner.organisation_id, reference="ISA-PHOTO", fields=["photo"]
    )
    partners.name_case(session, ADMIN, photo.id, NamedCaseInput(person_id=child.id, reason="x"))
    session.commit()
    got = client.get(f"/shared/people/{child.id}/photo")
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["cache-control"] == "private, no-store"
    from harbour.audit.models import AuditEvent

    shown = session.scalars(select(AuditEvent).where(AuditEvent.action == "disclose"))
    assert any((e.after or {}).get("export") == "photo" for e in shown)


def test_review_day_is_after_start(session: Session) -> None:
    errors = AgreementInput.rules(
        {"covers": ["named_cases"], "starts_on": date(2026, 1, 2), "review_on": date(2026, 1, 2)}
    )
    assert errors == {"review_on": "The review day must be after the day the agreement starts"}


def test_a_review_moves_the_next_review_on_and_the_clocks_remind_once(session: Session) -> None:
    from harbour.partners.schemas import ReviewInput
    from harbour.tasks.models import Notification

    hub = make_user(session, Role.hub_officer)
    admin = make_user(
        session, Role.administrator, org=session.get(Organisation, hub.organisation_id)
    )
    partner = make_partner(session)
    today = agreements.today()
    made = make_agreement(
        session,
        partner.organisation_id,
        starts_on=today - timedelta(days=400),
        review_on=today - timedelta(days=1),
    )
    assert made.force_id == hub.organisation_id
    assert partners.remind_reviews(session) >= 1
    assert partners.remind_reviews(session) == 0  # told once
    told = session.scalars(select(Notification).where(Notification.user_id == admin.id))
    assert [n.link for n in told] == [f"/agreements/{made.id}"]
    with pytest.raises(ValidationFailed):
        partners.record_review(
            session, ADMIN, made.id, ReviewInput(version=made.version, next_review=today, note="x")
        )
    partners.record_review(
        session,
        ADMIN,
        made.id,
        ReviewInput(version=made.version, next_review=today + timedelta(days=365), note="Needed"),
    )
    assert made.review_on == today + timedelta(days=365)
    assert partners.remind_reviews(session) == 0
