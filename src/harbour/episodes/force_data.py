"""Everything the force holds about a person, put in front of the grader, and the answers it pre-
fills.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.episodes.models import (
    Episode,
    EpisodeCompanion,
    Grading,
)
from harbour.episodes.records import hours_missing
from harbour.people.models import FLAGS, Association, Person, Place, Vehicle
from harbour.risk.schemas import ForceFlag, RiskAnswers
from harbour.tasks import service as tasks
from harbour.tasks.models import Task


@dataclass
class PastEpisode:
    episode: Episode
    found_where: str | None
    found_with: list[str]
    hours: float


@dataclass
class Link:
    """A link to a person, place, phone or vehicle; repeated sightings are counted, not listed."""

    kind: str
    what: str
    href: str | None
    source: str | None
    observed_at: datetime | None
    times: int = 1


@dataclass(frozen=True)
class ForceFact:
    """Something the force holds that bears on the grade, from a domain above episodes (an open
    network alert, an NRM referral), with the answers it gives and a link to its evidence."""

    kind: str
    text: str
    href: str | None
    answers: dict[str, Any]


ForceSource = Callable[[Session, Actor, Person], list[ForceFact]]
_SOURCES: list[ForceSource] = []


def add_source(source: ForceSource) -> None:
    """Let a domain above episodes put its facts in front of the grader (wired at start-up)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


@dataclass
class ForceData:
    """All the force holds about a person, as the grading screen shows it."""

    previous: list[PastEpisode]
    previous_count: int
    previous_90d: int
    found_out_of_area: bool | None
    flags: list[str]
    looked_after: bool | None
    local_authority: str | None
    philomena: dict[str, Any] | None
    herbert: dict[str, Any] | None
    home: str | None
    associates: list[Link] = field(default_factory=list)
    places: list[Link] = field(default_factory=list)
    phones_vehicles: list[Link] = field(default_factory=list)
    screenings: list[Task] = field(default_factory=list)
    facts: list[ForceFact] = field(default_factory=list)


def _place_label(place: Place | None, text: str | None) -> str | None:
    if place is not None:
        return f"{place.label} ({place.type.value.replace('_', ' ')})"
    return text


def _others(actor: Actor, person: Person, exclude: int | None) -> list[Any]:
    where = [Episode.person_id == person.id, access.visible(actor, Episode)]
    if exclude is not None:
        where.append(Episode.id != exclude)
    return where


def episode_counts(
    session: Session, actor: Actor, person: Person, *, exclude: int | None
) -> tuple[int, int]:
    """How many other episodes the person has had, in all and in the last 90 days."""
    others = _others(actor, person, exclude)
    since = clock.now() - timedelta(days=90)
    count = session.scalar(select(func.count()).select_from(Episode).where(*others)) or 0
    recent = session.scalar(
        select(func.count()).select_from(Episode).where(*others, Episode.reported_at >= since)
    )
    return count, recent or 0


def complete_answers(
    session: Session, actor: Actor, episode: Episode, person: Person, answers: RiskAnswers
) -> RiskAnswers:
    """Fill the counts the grader left blank from the force's records, and the hours missing."""
    fill: dict[str, Any] = {"hours_missing": hours_missing(episode)}
    if answers.previous_episodes is None or answers.previous_episodes_90d is None:
        count, recent = episode_counts(session, actor, person, exclude=episode.id)
        if answers.previous_episodes is None:
            fill["previous_episodes"] = count
        if answers.previous_episodes_90d is None:
            fill["previous_episodes_90d"] = recent
    return answers.model_copy(update=fill)


def place_labels(session: Session, ids: list[int | None]) -> dict[int, str]:
    """Labels of places by id (for lists of episodes)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    found = session.scalars(select(Place).where(Place.id.in_(wanted)))
    return {place.id: _place_label(place, None) or "" for place in found}


def force_data(
    session: Session, actor: Actor, person: Person, *, exclude: int | None = None, shown: int = 5
) -> ForceData:
    """Gather previous episodes, flags, profiles, associates and places for a person."""
    access.require(actor, "person.view", person)
    others = _others(actor, person, exclude)
    count, recent = episode_counts(session, actor, person, exclude=exclude)
    rows = list(
        session.scalars(
            select(Episode).where(*others).order_by(Episode.reported_at.desc()).limit(shown)
        )
    )
    place_ids = {e.found_place_id for e in rows if e.found_place_id}
    places = {p.id: p for p in session.scalars(select(Place).where(Place.id.in_(place_ids)))}
    companions: dict[int, list[str]] = {}
    if rows:
        for episode_id, given, family in session.execute(
            select(EpisodeCompanion.episode_id, Person.given_name, Person.family_name)
            .join(Person, Person.id == EpisodeCompanion.person_id)
            .where(EpisodeCompanion.episode_id.in_([e.id for e in rows]))
        ):
            name = " ".join(p for p in (given, family) if p) or "Unnamed person"
            companions.setdefault(episode_id, []).append(name)
    previous = [
        PastEpisode(
            episode=e,
            found_where=_place_label(places.get(e.found_place_id or 0), e.found_text),
            found_with=companions.get(e.id, []) + [t for t in (e.found_with_text,) if t],
            hours=hours_missing(e),
        )
        for e in rows
    ]
    home = session.get(Place, person.home_place_id) if person.home_place_id else None
    out_of_area: bool | None = None
    if home is not None and home.borough:
        boroughs = session.scalars(
            select(Place.borough)
            .join(Episode, Episode.found_place_id == Place.id)
            .where(*others, Place.borough.is_not(None))
        ).all()
        out_of_area = any(b != home.borough for b in boroughs) if boroughs else None
    data = ForceData(
        previous=previous,
        previous_count=count,
        previous_90d=recent,
        found_out_of_area=out_of_area,
        flags=[FLAGS.get(f, f) for f in person.flags or []],
        looked_after=person.looked_after,
        local_authority=person.local_authority,
        philomena=person.philomena,
        herbert=person.herbert,
        home=_place_label(home, None),
    )
    _add_links(session, actor, person, data)
    data.screenings = [
        t
        for t in tasks.tasks_of(session, actor, person_id=person.id)
        if t.kind in ("exploitation_screening", "strategy_meeting")
    ]
    data.facts = [fact for source in _SOURCES for fact in source(session, actor, person)]
    return data


def _add_links(session: Session, actor: Actor, person: Person, data: ForceData) -> None:
    links = list(
        session.execute(
            select(Association, Person, Place, Vehicle)
            .outerjoin(Person, Person.id == Association.object_person_id)
            .outerjoin(Place, Place.id == Association.object_place_id)
            .outerjoin(Vehicle, Vehicle.id == Association.object_vehicle_id)
            .where(Association.subject_id == person.id, access.visible(actor, Association))
            .order_by(Association.observed_at.desc().nulls_last(), Association.id.desc())
            .limit(60)
        )
    )
    grouped: dict[tuple[str, str], Link] = {}  # newest sighting first, so it is kept
    for link, other, place, vehicle in links:
        kind = link.type.value.replace("_", " ")
        source = link.source_text or (
            f"episode {link.source_episode_id}" if link.source_episode_id else None
        )
        if other is not None:
            found = Link(kind, other.display_name, f"/people/{other.id}", source, link.observed_at)
            target = data.associates
        elif place is not None:
            found = Link(kind, _place_label(place, None) or "", None, source, link.observed_at)
            target = data.places
        elif vehicle is not None:
            found = Link(kind, f"Vehicle {vehicle.registration}", None, source, link.observed_at)
            target = data.phones_vehicles
        elif link.object_phone:
            found = Link(kind, f"Phone {link.object_phone}", None, source, link.observed_at)
            target = data.phones_vehicles
        else:
            continue
        seen = grouped.get((kind, found.what))
        if seen is None:
            grouped[(kind, found.what)] = found
            target.append(found)
        else:
            seen.times += 1


def profile_rows(profile: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A Philomena or Herbert profile (any fields) as labelled lines a person can read."""
    rows = []
    for key, value in (profile or {}).items():
        words = re.sub(r"(\d+)", r" \1 ", key.removesuffix("_at")).replace("_", " ")
        label = " ".join(words.split()).capitalize()
        items = value if isinstance(value, list) else [value]
        shown = []
        for item in items:
            if isinstance(item, bool):
                shown.append("Yes" if item else "No")
            elif isinstance(item, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                shown.append(date.fromisoformat(item).strftime("%-d %B %Y"))
            elif item is not None:
                shown.append(str(item))
        rows.append((label, "; ".join(shown) or "Not recorded"))
    return rows


def prefilled_answers(
    person: Person, episode: Episode, data: ForceData, latest: Grading | None
) -> dict[str, Any]:
    """Answers the force already knows (latest grading first, then the records)."""
    answers: dict[str, Any] = dict(latest.answers) if latest else {}
    answers["previous_episodes"] = data.previous_count
    answers["previous_episodes_90d"] = data.previous_90d
    answers["hours_missing"] = hours_missing(episode)
    if person.looked_after is not None:
        answers.setdefault("looked_after", person.looked_after)
    flags = set(person.flags or [])
    if "dementia" in flags:
        answers.setdefault("dementia", True)
    if "self_harm" in flags:
        answers.setdefault("suicide_self_harm_risk", True)
    if "mental_health" in flags:
        answers.setdefault("mental_health_concern", True)
    if data.found_out_of_area is not None:
        answers.setdefault("found_out_of_area_before", data.found_out_of_area)
        if data.found_out_of_area:  # the form asks it as the screening indicator
            seen = list(answers.get("exploitation_indicators") or [])
            answers["exploitation_indicators"] = list(dict.fromkeys([*seen, "found_out_of_area"]))
    answers |= force_answers(person, data)
    return answers


def force_answers(person: Person, data: ForceData) -> dict[str, Any]:
    """What the force holds as answers: the record's flags, open alerts, referrals."""
    held = [f for f in person.flags or [] if f in get_args(ForceFlag)]
    out: dict[str, Any] = {"force_flags": held} if held else {}
    for fact in data.facts:
        for key, value in fact.answers.items():
            if isinstance(value, bool):
                out[key] = out.get(key, False) or value
            else:
                out[key] = out.get(key, 0) + value
    return out


def set_aside(held: dict[str, Any], answers: RiskAnswers) -> list[str]:
    """The force-data answers the grader lowered: a flag unticked, fewer alerts, a no."""
    lowered = []
    for key, value in held.items():
        given = getattr(answers, key)
        if key == "force_flags":
            missing = sorted(set(value) - set(given or []))
            lowered += [f"flag {flag}" for flag in missing]
        elif isinstance(value, bool):
            if value and not given:
                lowered.append(key.replace("_", " "))
        elif (given or 0) < value:
            lowered.append(key.replace("_", " "))
    return lowered
