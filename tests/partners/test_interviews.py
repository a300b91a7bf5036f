"""Return home interviews by the local authority: told when the child is back, the board of
interviews owed, and the interview recorded with the people and places named."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Role
from harbour.auth.models import Organisation, User
from harbour.episodes.models import Episode
from harbour.partners import interviews
from harbour.partners import service as partners
from harbour.partners.schemas import NamedCaseInput
from harbour.people.models import Association, Person, Place
from harbour.tasks.models import Notification
from tests.factories import (
    ADMIN,
    actor_of,
    csrf_from,
    justify,
    make_agreement,
    make_episode,
    make_partner,
    make_person,
    make_user,
    sign_in,
)


def found(session: Session, hub: User, child: Person) -> Episode:
    """The child reported missing (last seen three hours ago) and found five minutes ago."""
    from harbour.episodes import service as episodes
    from harbour.risk.grades import RiskGrade

    now = clock.now()
    episode = make_episode(
        session, hub, child, grade=RiskGrade.medium, last_seen_at=now - timedelta(hours=3)
    )
    data = episodes.FoundInput(
        found_at=now - timedelta(minutes=5),
        found_text="At a friend's flat",
        found_by="PC 1",
        outcome="found_safe",  # type: ignore[arg-type]
        version=episode.version,
    )
    return episodes.record_found(session, actor_of(hub), episode, data)


def _authority(session: Session, fields: list[str]) -> tuple[User, int]:
    practitioner = make_partner(session)
    return practitioner, make_agreement(session, practitioner.organisation_id, fields=fields).id


def _child(session: Session, hub: User, agreement_id: int) -> Person:
    born = clock.now().date() - timedelta(days=15 * 366)
    child = make_person(session, hub, given_name="Tia", family_name="Returned", date_of_birth=born)
    partners.name_case(
        session, ADMIN, agreement_id, NamedCaseInput(person_id=child.id, reason="Open case")
    )
    return child


def _parts(when: object) -> dict[str, str]:
    local = timefmt.local(when)  # type: ignore[arg-type]
    return {
        "day": str(local.day),
        "month": str(local.month),
        "year": str(local.year),
        "time": local.strftime("%H:%M"),
    }


def _form(token: str, episode: Episode, **extra: str) -> dict[str, str]:
    now = _parts(clock.now() - timedelta(minutes=1))
    return {
        "csrf_token": token,
        "version": str(episode.version),
        "status": "held",
        "by": "Rae Worker, social worker",
        "face_to_face": "yes",
        "findings": "She stayed at a flat with an older man who gave her a phone.",
        "push_factors": "Arguments at the placement",
        "pull_factors": "Gifts and a phone",
        **{f"offered_at_{k}": v for k, v in now.items()},
        **{f"held_at_{k}": v for k, v in now.items()},
    } | extra


def test_the_authority_is_told_and_records_the_interview_with_who_and_where(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    practitioner, agreement_id = _authority(session, ["episodes", "return_interviews"])
    child = _child(session, hub, agreement_id)
    episode = found(session, hub, child)
    session.commit()
    told = session.scalar(select(Notification).where(Notification.user_id == practitioner.id))
    assert told is not None and told.link == f"/shared/episodes/{episode.id}/interview"
    assert "Returned" not in told.text  # the message names no one
    due = interviews.interviews_due(session, actor_of(practitioner))
    assert [d.episode.id for d in due] == [episode.id]

    sign_in(client, practitioner.username)
    home = client.get("/")
    assert "Return home interviews due" in home.text and "RETURNED, Tia" in home.text
    url = f"/shared/episodes/{episode.id}/interview"
    justify(client, child.id, url)
    page = client.get(url)
    assert page.status_code == 200
    token = csrf_from(page.text)
    saved = client.post(
        url,
        data=_form(
            token,
            episode,
            named_person_1_given_name="Dale",
            named_person_1_family_name="Kingsley",
            named_person_1_details="Older man who drives her",
            named_place_1_name="Flat above the chicken shop",
            named_place_1_postcode="E1 6AN",
        ),
    )
    assert saved.status_code == 303, saved.text[:800]
    session.expire_all()
    episode = session.get(Episode, episode.id)
    assert episode is not None and episode.rhi is not None
    assert episode.rhi["status"] == "held" and episode.rhi["face_to_face"] is True
    assert episode.rhi["pull_factors"] == "Gifts and a phone"
    assert (
        episode.rhi["recorded_for"] == session.get(Organisation, practitioner.organisation_id).name
    )  # type: ignore[union-attr]
    dale = session.scalar(select(Person).where(Person.family_name == "Kingsley"))
    assert dale is not None and dale.organisation_id == hub.organisation_id  # the force's record
    assert dale.created_by_id is None  # not the partner's to open as its own
    assert client.get(f"/people/{dale.id}").status_code == 404
    # Recorded once: a second answer is refused, not written over the first.
    again = client.post(url, data=_form(token, episode, status="declined", reason="x"))
    assert again.status_code == 409 and "already recorded" in again.text
    links = list(
        session.scalars(
            select(Association).where(
                Association.subject_id == child.id, Association.source_episode_id == episode.id
            )
        )
    )
    assert {link.object_person_id for link in links} - {None} == {dale.id}
    place_ids = {link.object_place_id for link in links} - {None}
    place = session.get(Place, place_ids.pop())
    assert place is not None and place.organisation_id == hub.organisation_id
    assert all("return home interview" in (link.source_text or "") for link in links)
    session.refresh(told)
    assert told.resolved_at is not None
    assert interviews.interviews_due(session, actor_of(practitioner)) == []
    # The hub sees it on the episode.
    client.cookies.clear()
    sign_in(client, hub.username)
    justify(client, child.id, f"/episodes/{episode.id}")
    shown = client.get(f"/episodes/{episode.id}")
    assert "Pull factors" in shown.text and "KINGSLEY, Dale" in shown.text


def test_a_mistake_in_a_named_row_saves_nothing(client: TestClient, session: Session) -> None:
    hub = make_user(session, Role.hub_officer)
    practitioner, agreement_id = _authority(session, ["return_interviews"])
    child = _child(session, hub, agreement_id)
    episode = found(session, hub, child)
    session.commit()
    sign_in(client, practitioner.username)
    url = f"/shared/episodes/{episode.id}/interview"
    justify(client, child.id, url)
    token = csrf_from(client.get(url).text)
    refused = client.post(
        url,
        data=_form(
            token,
            episode,
            named_person_1_given_name="Dale",
            named_place_1_name="A flat",
            named_place_1_postcode="ZZ9 Q",
        ),
    )
    assert refused.status_code == 422
    assert "Enter a real postcode" in refused.text
    session.expire_all()
    assert session.get(Episode, episode.id).rhi is None  # type: ignore[union-attr]
    assert session.scalar(select(Person).where(Person.given_name == "Dale")) is None


def test_without_return_interviews_in_the_agreement_nobody_is_told_and_the_page_is_not_found(
    client: TestClient, session: Session
) -> None:
    hub = make_user(session, Role.hub_officer)
    practitioner, agreement_id = _authority(session, ["episodes"])
    child = _child(session, hub, agreement_id)
    episode = found(session, hub, child)
    still_missing = make_episode(session, hub)
    session.commit()
    assert (
        session.scalar(select(Notification).where(Notification.user_id == practitioner.id)) is None
    )
    sign_in(client, practitioner.username)
    assert client.get(f"/shared/episodes/{episode.id}/interview").status_code == 404
    assert client.get(f"/shared/episodes/{still_missing.id}/interview").status_code == 404
