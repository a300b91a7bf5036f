"""Missing episodes from report to closure: report, grade, review, find, check, interview, close.

Every function takes the actor, checks the access table, refuses stale versions (optimistic
locking: the caller sends the version it read) and writes the audit log. Rules for new work (a
child's episode cannot close without a return interview, and so on) live here; imported history
is not held to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import service as access
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.auth.models import User
from harbour.episodes import clocks
from harbour.episodes.models import (
    Episode,
    EpisodeAction,
    EpisodeCompanion,
    EpisodeInformation,
    EpisodePhoto,
    EpisodeStatus,
    Grading,
    Outcome,
    Review,
)
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.links.models import Association
from harbour.people.models import FLAGS, Person
from harbour.places.models import Place, PlaceType, Vehicle
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import ORDER, current_policy, suggest
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.risk.schemas import RiskAnswers, Suggestion
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from harbour.tasks.models import Task

SUBJECT = "episode"
TOPICS = {
    "last_seen": "Last seen",
    "clothing": "Clothing",
    "intentions": "Intentions",
    "circumstances": "Circumstances",
    "description": "Description",
    "other": "Other information",
}
OUTCOMES = {
    Outcome.found_safe: "Found safe",
    Outcome.found_harmed: "Found harmed",
    Outcome.found_dead: "Found dead",
    Outcome.returned: "Returned of their own accord",
    Outcome.other: "Other",
}
STALE = (
    "Someone else changed this episode after you opened it. Reload it to see their change, "
    "then make yours again."
)


def _words(grade: RiskGrade | str) -> str:
    return str(grade).replace("_", " ")


def _check_version(episode: Episode, version: int) -> None:
    if version != episode.version:
        raise Conflict(STALE)


def _check_open(episode: Episode) -> None:
    if episode.status is EpisodeStatus.closed:
        raise Conflict("This episode is closed: nothing more can be added to it.")


def _touch(episode: Episode) -> None:
    """Move the episode's version on, so that anyone holding an older copy is told."""
    episode.updated_at = clock.now()


# -- finding and reading ----------------------------------------------------------------------


def find(session: Session, actor: Actor, episode_id: int, action: str = "person.view") -> Episode:
    """Load an episode the actor may see (404 out of scope), checking `action` on it."""
    return access.fetch(session, actor, Episode, episode_id, action)


def person_of(session: Session, episode: Episode) -> Person:
    person = session.get(Person, episode.person_id)
    assert person is not None
    return person


def age_at(person: Person, when: datetime) -> int | None:
    """The person's age in whole years on a day (the report's day for a missing child)."""
    return timefmt.age(person.date_of_birth, timefmt.local(when).date())


def is_child(person: Person, episode: Episode) -> bool:
    age = age_at(person, episode.reported_at)
    return age is not None and age < current_policy().child_age


def record_view(session: Session, actor: Actor, episode: Episode, justification: str) -> None:
    audit.record(session, actor, "view", SUBJECT, episode.id, justification=justification)


def information(session: Session, episode: Episode) -> list[EpisodeInformation]:
    return list(
        session.scalars(
            select(EpisodeInformation)
            .where(EpisodeInformation.episode_id == episode.id)
            .order_by(EpisodeInformation.given_at, EpisodeInformation.id)
        )
    )


def gradings(session: Session, episode: Episode) -> list[Grading]:
    """Every grading of the episode, newest first."""
    return list(
        session.scalars(
            select(Grading)
            .where(Grading.episode_id == episode.id)
            .order_by(Grading.graded_at.desc(), Grading.id.desc())
        )
    )


def reviews(session: Session, episode: Episode) -> list[Review]:
    """Every review of the episode, in the order they fall due."""
    return list(
        session.scalars(
            select(Review).where(Review.episode_id == episode.id).order_by(Review.due_at, Review.id)
        )
    )


def open_reviews(session: Session, episode: Episode) -> list[Review]:
    return [r for r in reviews(session, episode) if r.done_at is None and r.cancelled_at is None]


def hours_missing(episode: Episode, now: datetime | None = None) -> float:
    """Hours from last seen (or the report) to being found (or now)."""
    start = episode.last_seen_at or episode.reported_at
    end = episode.found_at or now or clock.now()
    return max(0.0, round((end - start).total_seconds() / 3600, 1))


# -- report -----------------------------------------------------------------------------------


@dataclass
class ReportInput:
    reporter_name: str
    reporter_relationship: str
    reporter_phone: str | None = None
    last_seen_at: datetime | None = None
    last_seen_text: str | None = None
    clothing: str | None = None
    intentions: str | None = None
    circumstances: str | None = None
    description: str | None = None


def open_episode_of(session: Session, person_id: int) -> Episode | None:
    """The person's episode that is still open (missing or found, not closed), if any."""
    return session.scalar(
        select(Episode)
        .where(Episode.person_id == person_id, Episode.status != EpisodeStatus.closed)
        .order_by(Episode.reported_at.desc())
        .limit(1)
    )


def check_can_report(actor: Actor) -> None:
    access.require(actor, "episode.report")


def permissions_to_report(actor: Actor) -> bool:
    return access.can(actor, "episode.report")


def report(session: Session, actor: Actor, person: Person, data: ReportInput) -> Episode:
    """Record a missing report for a person the actor can see; every item keeps its source."""
    access.require(actor, "episode.report")
    if actor.organisation_id is None:
        raise Conflict("Only a member of an organisation can record a missing report")
    current = open_episode_of(session, person.id)
    if current is not None and current.status is EpisodeStatus.missing:
        raise Conflict(
            f"{person.display_name} is already recorded as missing (episode {current.id}). "
            "Add what you have been told to that episode instead."
        )
    now = clock.now()
    episode = Episode(
        person_id=person.id,
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        status=EpisodeStatus.missing,
        reported_at=now,
        reporter_name=data.reporter_name,
        reporter_relationship=data.reporter_relationship,
        reporter_phone=data.reporter_phone,
        last_seen_at=data.last_seen_at,
        last_seen_text=data.last_seen_text,
        circumstances=data.circumstances,
        description=data.description,
        clothing=data.clothing,
        intentions=data.intentions,
        recorded_by_id=actor.id,
        # Whoever can grade owns what they report; a call handler's report goes to the hub.
        owner_id=actor.id if access.can(actor, "episode.grade") else None,
    )
    session.add(episode)
    session.flush()
    source = f"{data.reporter_name} ({data.reporter_relationship})"
    for topic in TOPICS:
        text = getattr(data, "last_seen_text" if topic == "last_seen" else topic, None)
        if text:
            _add_item(session, actor, episode, topic, text, source, data.reporter_phone, now)
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        episode.id,
        after={"person_id": person.id, "reported_at": now.isoformat(), "status": "missing"},
    )
    if episode.owner_id is None:
        hub = tasks.users_with_roles(session, episode.organisation_id, [Role.hub_officer])
        text = f"New missing report: {person.display_name} needs grading and an owner."
        tasks.notify(session, hub, text, f"/episodes/{episode.id}")
    check_triggers(session, actor, episode, person, [])
    return episode


def _add_item(
    session: Session,
    actor: Actor,
    episode: Episode,
    topic: str,
    text: str,
    given_by: str,
    contact: str | None,
    given_at: datetime,
) -> EpisodeInformation:
    item = EpisodeInformation(
        episode_id=episode.id,
        topic=topic,
        text=text,
        given_by=given_by,
        given_by_contact=contact,
        given_at=given_at,
        recorded_by_id=actor.id,
        recorded_at=clock.now(),
    )
    session.add(item)
    return item


def add_information(
    session: Session,
    actor: Actor,
    episode: Episode,
    *,
    topic: str,
    text: str,
    given_by: str,
    contact: str | None,
    given_at: datetime,
    version: int,
) -> EpisodeInformation:
    """Add an item of information with who gave it, their contact and when."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    if topic not in TOPICS:
        raise ValidationFailed("Choose what the information is about", field_errors={"topic": ""})
    item = _add_item(session, actor, episode, topic, text, given_by, contact, given_at)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    after = {"information": item.id, "topic": topic}
    audit.record(session, actor, "update", SUBJECT, episode.id, after=after)
    return item


# -- everything the force holds, for the grader -----------------------------------------------


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
    return answers


# -- grading ----------------------------------------------------------------------------------


@dataclass
class GradingInput:
    answers: RiskAnswers
    grade: RiskGrade | None
    rationale: str | None
    below_reason: str | None
    cra_decision: str | None
    version: int


def suggestion_for(person: Person, episode: Episode, answers: RiskAnswers) -> Suggestion:
    return suggest(current_policy(), age_at(person, episode.reported_at), answers)


def grade(
    session: Session, actor: Actor, episode: Episode, person: Person, data: GradingInput
) -> Grading:
    """Save a grading: the grader's grade and rationale beside the policy's suggestion."""
    access.require(actor, "episode.grade", episode)
    _check_version(episode, data.version)
    if episode.status is EpisodeStatus.closed:
        raise Conflict("This episode is closed: it cannot be graded again.")
    policy = current_policy()
    data.answers = complete_answers(session, actor, episode, person, data.answers)
    suggestion = suggestion_for(person, episode, data.answers)
    errors: dict[str, str] = {}
    if data.grade is None:
        errors["grade"] = "Select the risk grade"
    if not data.rationale:
        errors["rationale"] = "Write why you chose this grade"
    child = is_child(person, episode)
    chosen = data.grade
    if chosen is not None:
        if child and ORDER.index(chosen) < ORDER.index(policy.child_minimum):
            errors["grade"] = (
                f"A child under {policy.child_age} cannot be graded below "
                f"{_words(policy.child_minimum)}"
            )
        below = ORDER.index(chosen) < ORDER.index(suggestion.grade)
        if below and not data.below_reason:
            errors["below_reason"] = (
                f"Say why the grade is lower than the suggested {_words(suggestion.grade)}: "
                "a supervisor will review it"
            )
        if child and chosen is RiskGrade.high and not data.cra_decision:
            errors["cra_decision"] = (
                "Record whether a Child Rescue Alert was considered and what was decided"
            )
    if errors:
        raise ValidationFailed("Check the grading", field_errors=errors)
    assert chosen is not None and data.rationale is not None
    return _save_grading(session, actor, episode, chosen, suggestion, data)


def _save_grading(
    session: Session,
    actor: Actor,
    episode: Episode,
    chosen: RiskGrade,
    suggestion: Suggestion,
    data: GradingInput,
) -> Grading:
    now = clock.now()
    below = ORDER.index(chosen) < ORDER.index(suggestion.grade)
    record = Grading(
        episode_id=episode.id,
        grade=chosen,
        suggested_grade=suggestion.grade,
        policy_version=suggestion.policy_version,
        answers=data.answers.model_dump(exclude_none=True),
        reasons=[r.model_dump() for r in suggestion.reasons],
        rationale=data.rationale or "",
        below_reason=data.below_reason if below else None,
        cra_decision=data.cra_decision,
        graded_by_id=actor.id,
        graded_by_name=actor.display_name,
        graded_at=now,
    )
    session.add(record)
    previous = episode.risk_grade
    episode.risk_grade = chosen
    episode.graded_at = now
    _touch(episode)
    if episode.status is EpisodeStatus.missing and previous is not chosen:
        _replan(session, episode, chosen, now, first=previous is None)
    if below:
        due = clocks.below_suggestion_review(chosen, now)
        _schedule(session, episode, due)
    db.flush_or_conflict(session, STALE)
    if chosen is RiskGrade.high and previous is not RiskGrade.high:
        _tell_high_risk(session, actor, episode)
    audit.record(
        session,
        actor,
        "grade",
        SUBJECT,
        episode.id,
        before={"risk_grade": previous.value if previous else None},
        after={
            "risk_grade": chosen.value,
            "suggested": suggestion.grade.value,
            "grading": record.id,
        },
    )
    return record


def _tell_high_risk(session: Session, actor: Actor, episode: Episode) -> None:
    """Tell the episode's owner and everyone of the rank that must review it, at once."""
    person = person_of(session, episode)
    waiting = open_reviews(session, episode)  # soonest due first
    due = waiting[0] if waiting else None
    ranks = {Role(r.rank) for r in waiting if r.kind != "senior"}
    readers = tasks.users_with_roles(session, episode.organisation_id, ranks)
    owner = [episode.owner_id] if episode.owner_id != actor.id else []
    when = f"; review due by {timefmt.absolute(due.due_at)}" if due else ""
    text = f"High risk: {person.display_name} is missing{when}."
    tasks.notify(
        session, [*owner, *(r for r in readers if r != actor.id)], text, f"/episodes/{episode.id}"
    )


def _schedule(session: Session, episode: Episode, due: clocks.Due) -> Review:
    review = Review(episode_id=episode.id, kind=due.kind, rank=due.rank.value, due_at=due.due_at)
    session.add(review)
    return review


def _cancel_open(session: Session, episode: Episode, now: datetime, kinds: set[str]) -> None:
    for review in open_reviews(session, episode):
        if review.kind in kinds:
            review.cancelled_at = now


def _replan(
    session: Session, episode: Episode, grade_: RiskGrade, now: datetime, *, first: bool
) -> None:
    """Set the clocks for a new grade: from the report for the first, from now after a change."""
    _cancel_open(session, episode, now, {"first", "regular", "senior"})
    start = episode.reported_at if first else now
    done_senior = any(r.kind == "senior" and r.done_at for r in reviews(session, episode))
    for due in clocks.first_reviews(grade_, start):
        if due.kind == "senior":
            if done_senior:
                continue
            due = clocks.Due("senior", due.rank, episode.reported_at + (due.due_at - start))
        _schedule(session, episode, due)


def start_imported_clocks(session: Session) -> int:
    """Set the review clocks of open, graded episodes that have none (imported history), timed
    from the report; stop the clocks of episodes that are no longer missing. Return how many
    reviews were scheduled."""
    now = clock.now()
    has_review = select(Review.id).where(Review.episode_id == Episode.id).exists()
    scheduled = 0
    waiting = session.scalars(
        select(Episode).where(
            Episode.status == EpisodeStatus.missing, Episode.risk_grade.is_not(None), ~has_review
        )
    )
    for episode in waiting:
        assert episode.risk_grade is not None
        for due in clocks.first_reviews(episode.risk_grade, episode.reported_at):
            _schedule(session, episode, due)
            scheduled += 1
    stale = session.scalars(
        select(Review)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Episode.status != EpisodeStatus.missing,
        )
    )
    for review in stale:
        review.cancelled_at = now
    return scheduled


def escalate_overdue(session: Session, actor: Actor) -> int:
    """Tell the next rank up about every review that has become overdue since the last run
    (a job, `harbour reviews escalate`, run every minute). Each review is escalated once;
    concurrent runs skip rows another run holds. Return how many were escalated."""
    now = clock.now()
    overdue = session.scalars(
        select(Review)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Review.escalated_at.is_(None),
            Review.due_at < now,
            Episode.status == EpisodeStatus.missing,
        )
        .order_by(Review.due_at)
        .with_for_update(skip_locked=True, of=Review)
    ).all()
    for review in overdue:
        episode = session.get(Episode, review.episode_id)
        assert episode is not None
        rank = clocks.escalated(Role(review.rank), review.due_at, now)
        person = person_of(session, episode)
        text = (
            f"Overdue: the {review.rank} review of {person.display_name} was due at "
            f"{timefmt.absolute(review.due_at)}; it is escalated to you ({rank.value})."
        )
        readers = tasks.users_with_roles(session, episode.organisation_id, [rank])
        tasks.notify(session, [*readers, episode.owner_id], text, f"/episodes/{episode.id}")
        review.escalated_at = now
        audit.record(
            session,
            actor,
            "escalate",
            SUBJECT,
            episode.id,
            after={"review": review.id, "to": rank.value},
        )
    return len(overdue)


# -- reviews ----------------------------------------------------------------------------------


@dataclass
class ReviewInput:
    decision: str | None  # confirmed, changed
    new_grade: RiskGrade | None
    rationale: str | None
    plan: str | None
    reporter_contact: str | None
    cra_decision: str | None
    version: int


def find_review(session: Session, episode: Episode, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None or review.episode_id != episode.id:
        raise NotFound("There is no such review on this episode.")
    return review


def can_review(actor: Actor, episode: Episode, review: Review) -> bool:
    """Tell whether the actor is of the rank the review needs, or above it."""
    return access.can(actor, clocks.REVIEW_ACTION[Role(review.rank)], episode)


def check_can_do_review(actor: Actor, episode: Episode, review: Review) -> None:
    access.require(actor, clocks.REVIEW_ACTION[Role(review.rank)], episode)


def permissions(actor: Actor, episode: Episode) -> dict[str, bool]:
    """What the actor may do on the episode's page."""
    return {
        "grade": access.can(actor, "episode.grade", episode),
        "update": access.can(actor, "episode.update", episode),
        "close": access.can(actor, "episode.close", episode),
    }


def record_review(
    session: Session,
    actor: Actor,
    episode: Episode,
    person: Person,
    review: Review,
    data: ReviewInput,
) -> Review:
    """Do a due review: confirm or change the grade, update the plan, record reporter contact."""
    check_can_do_review(actor, episode, review)
    _check_version(episode, data.version)
    if review.done_at is not None or review.cancelled_at is not None:
        raise Conflict("This review has already been done or is no longer due.")
    errors: dict[str, str] = {}
    if data.decision not in ("confirmed", "changed"):
        errors["decision"] = "Select whether you confirm or change the grade"
    if not data.plan:
        errors["plan"] = "Write the investigation plan as it now stands"
    if not data.reporter_contact:
        errors["reporter_contact"] = (
            "Record your contact with the person who reported them (or why there was none)"
        )
    latest = gradings(session, episode)
    changed = data.decision == "changed"
    if changed:
        if data.new_grade is None:
            errors["new_grade"] = "Select the new grade"
        elif data.new_grade is episode.risk_grade:
            errors["new_grade"] = "Select a grade different from the current one, or confirm it"
        if not data.rationale:
            errors["rationale"] = "Write why the grade changes"
    if errors:
        raise ValidationFailed("Check the review", field_errors=errors)
    now = clock.now()
    review.done_at = now
    review.done_by_id = actor.id
    review.done_by_name = actor.display_name
    review.decision = data.decision
    review.plan = data.plan
    review.reporter_contact = data.reporter_contact
    if changed and data.new_grade is not None:
        answers = RiskAnswers.model_validate(latest[0].answers) if latest else RiskAnswers()
        grade(
            session,
            actor,
            episode,
            person,
            GradingInput(
                answers=answers,
                grade=data.new_grade,
                rationale=data.rationale,
                below_reason=data.rationale,
                cra_decision=data.cra_decision,
                version=episode.version,
            ),
        )
    review.grade_after = episode.risk_grade
    if (
        not changed
        and review.kind in ("first", "regular")
        and episode.status is EpisodeStatus.missing
        and episode.risk_grade is not None
    ):
        _schedule(session, episode, clocks.next_review(episode.risk_grade, now))
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "review",
        SUBJECT,
        episode.id,
        after={"review": review.id, "decision": data.decision, "grade": _grade_value(episode)},
    )
    return review


def _grade_value(episode: Episode) -> str | None:
    return episode.risk_grade.value if episode.risk_grade else None


@dataclass
class BoardRow:
    review: Review | None
    episode: Episode
    person: Person
    rank_now: Role | None
    overdue: bool


def review_board(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = 25
) -> tuple[list[BoardRow], int]:
    """One page of every open episode's next review, overdue first, with the rank that must act
    now, and how many there are. Ungraded open episodes come first of all: they need a grade
    before a clock can run."""
    access.require(actor, "person.view")
    now = clock.now()
    visible = access.visible(actor, Episode)
    ungraded = [
        (episode_id, None)
        for episode_id in session.scalars(
            select(Episode.id)
            .where(visible, Episode.status == EpisodeStatus.missing, Episode.risk_grade.is_(None))
            .order_by(Episode.reported_at, Episode.id)
        )
    ]
    next_due = (
        select(Review.episode_id, func.min(Review.due_at).label("due_at"))
        .where(Review.done_at.is_(None), Review.cancelled_at.is_(None))
        .group_by(Review.episode_id)
        .subquery()
    )
    due = [
        (episode_id, due_at)
        for episode_id, due_at in session.execute(
            select(next_due.c.episode_id, next_due.c.due_at)
            .join(Episode, Episode.id == next_due.c.episode_id)
            .where(visible, Episode.status != EpisodeStatus.closed)
            .order_by(next_due.c.due_at, next_due.c.episode_id)
        )
    ]
    ordered = ungraded + due
    total = len(ordered)
    shown = ordered[(page - 1) * per_page : page * per_page]
    ids = [episode_id for episode_id, _ in shown]
    people = {
        episode.id: (episode, person)
        for episode, person in session.execute(
            select(Episode, Person)
            .join(Person, Person.id == Episode.person_id)
            .where(Episode.id.in_(ids))
        )
    }
    reviews_due: dict[int, Review] = {}
    for review in session.scalars(
        select(Review)
        .where(Review.episode_id.in_(ids), Review.done_at.is_(None), Review.cancelled_at.is_(None))
        .order_by(Review.due_at, Review.id)
    ):
        reviews_due.setdefault(review.episode_id, review)
    rows: list[BoardRow] = []
    for episode_id, due_at in shown:
        episode, person = people[episode_id]
        next_review = reviews_due.get(episode_id) if due_at is not None else None
        if next_review is None:
            rows.append(BoardRow(None, episode, person, None, False))
            continue
        rank_now = clocks.escalated(Role(next_review.rank), next_review.due_at, now)
        rows.append(BoardRow(next_review, episode, person, rank_now, next_review.due_at < now))
    if rows:
        audit.record(
            session,
            actor,
            "view",
            "review_board",
            None,
            after={"shown": ids, "page": page},
            justification="Supervision review board",
        )
    return rows, total


# -- found, safe and well, return interview, closure -----------------------------------------


@dataclass
class FoundInput:
    found_at: datetime | None
    found_text: str | None
    found_with_text: str | None
    found_by: str | None
    condition: str | None
    outcome: str | None
    version: int
    borough: str | None = None  # where found, so that "found out of area" can be seen


def boroughs(session: Session, actor: Actor) -> list[str]:
    """The boroughs of the places the actor's organisation holds, for choosing where found."""
    return list(
        session.scalars(
            select(Place.borough)
            .where(Place.organisation_id == actor.organisation_id, Place.borough.is_not(None))
            .distinct()
            .order_by(Place.borough)
        )
    )


def record_found(session: Session, actor: Actor, episode: Episode, data: FoundInput) -> Episode:
    """Record that the person was found or came back; the review clocks stop."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.status is not EpisodeStatus.missing:
        raise Conflict("This person is already recorded as found.")
    errors: dict[str, str] = {}
    start = episode.last_seen_at or episode.reported_at
    if data.found_at is None:
        errors["found_at"] = "Enter when they were found or came back"
    elif data.found_at < start:
        errors["found_at"] = f"Found must be after {timefmt.absolute(start)}, when last seen"
    if not data.found_text:
        errors["found_text"] = "Enter where they were found"
    if not data.found_by:
        errors["found_by"] = "Enter who found them, or that they came back of their own accord"
    if data.outcome not in {o.value for o in OUTCOMES}:
        errors["outcome"] = "Select the outcome"
    if errors:
        raise ValidationFailed("Check the details of the return", field_errors=errors)
    now = clock.now()
    episode.status = EpisodeStatus.found
    episode.found_at = data.found_at
    episode.found_text = data.found_text
    if data.borough:
        # The place found, as a place of its own: the network and the out-of-area trigger see it.
        place = Place(
            type=PlaceType.other,
            name=(data.found_text or "")[:200],
            borough=data.borough[:60],
            organisation_id=episode.organisation_id,
        )
        session.add(place)
        session.flush()
        episode.found_place_id = place.id
    episode.found_with_text = data.found_with_text
    episode.found_by = data.found_by
    episode.found_condition = data.condition
    episode.outcome = Outcome(data.outcome or Outcome.other)
    _cancel_open(session, episode, now, {"first", "regular", "senior", "below_suggestion"})
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        episode.id,
        before={"status": "missing"},
        after={"status": "found", "outcome": data.outcome},
    )
    check_triggers(session, actor, episode, person_of(session, episode), [])
    return episode


def _save_return_step(
    session: Session, actor: Actor, episode: Episode, change: dict[str, Any], disclosures: list[str]
) -> None:
    """Save what was recorded on return, audit it, and open any task a disclosure triggers."""
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(session, actor, "update", SUBJECT, episode.id, after=change)
    check_triggers(session, actor, episode, person_of(session, episode), disclosures)


def safe_and_well_due(episode: Episode) -> datetime | None:
    if episode.found_at is None:
        return None
    return episode.found_at + timedelta(hours=get_settings().safe_and_well_hours)


def return_interview_due(episode: Episode) -> datetime | None:
    if episode.found_at is None:
        return None
    return episode.found_at + timedelta(hours=get_settings().return_interview_hours)


@dataclass
class SafeWellInput:
    held_at: datetime | None
    held_by: str | None
    face_to_face: str | None  # yes, no
    where_they_were: str | None
    why: str | None
    harm: str | None
    disclosures: list[str]
    named_people: str | None
    named_places: str | None
    referrals: str | None
    version: int


def record_safe_and_well(
    session: Session, actor: Actor, episode: Episode, data: SafeWellInput
) -> Episode:
    """Record the safe-and-well check and prevention interview on return."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.status is not EpisodeStatus.found or episode.found_at is None:
        raise Conflict("Record that they were found before the safe-and-well check.")
    errors: dict[str, str] = {}
    if data.held_at is None:
        errors["held_at"] = "Enter when the check was done"
    elif data.held_at < episode.found_at:
        errors["held_at"] = "The check must be after they were found"
    if not data.held_by:
        errors["held_by"] = "Enter who did the check"
    if data.face_to_face not in ("yes", "no"):
        errors["face_to_face"] = "Select whether the check was face to face"
    if not data.where_they_were:
        errors["where_they_were"] = "Enter where they say they were"
    if errors:
        raise ValidationFailed("Check the safe-and-well details", field_errors=errors)
    assert data.held_at is not None
    episode.prevention_interview = {
        "held_at": data.held_at.isoformat(),
        "held_by": data.held_by,
        "face_to_face": data.face_to_face == "yes",
        "where_they_were": data.where_they_were,
        "why": data.why,
        "harm": data.harm,
        "disclosures": data.disclosures,
        "named_people": data.named_people,
        "named_places": data.named_places,
        "referrals": data.referrals,
        "text": data.where_they_were,
        "recorded_by": actor.display_name,
    }
    change = {"safe_and_well": True, "disclosures": data.disclosures}
    _save_return_step(session, actor, episode, change, data.disclosures)
    return episode


RHI_STATUSES = {
    "held": "Held",
    "declined": "Offered and declined by the child",
    "not_held": "Not held (give the reason)",
    "offered": "Offered, not yet held",
}


@dataclass
class ReturnInterviewInput:
    status: str | None
    offered_at: datetime | None
    held_at: datetime | None
    by: str | None
    findings: str | None
    reason: str | None
    disclosures: list[str]
    version: int


def record_return_interview(
    session: Session, actor: Actor, episode: Episode, data: ReturnInterviewInput
) -> Episode:
    """Record the local authority's return home interview (a hub officer on its behalf)."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.found_at is None:
        raise Conflict("Record that they were found before the return home interview.")
    errors: dict[str, str] = {}
    if data.status not in RHI_STATUSES:
        errors["status"] = "Select what happened to the return home interview"
    if data.offered_at is None:
        errors["offered_at"] = "Enter when the interview was offered"
    elif data.offered_at < episode.found_at:
        errors["offered_at"] = "The offer must be after they were found"
    if data.status == "held":
        if data.held_at is None:
            errors["held_at"] = "Enter when the interview was held"
        if not data.by:
            errors["by"] = "Enter who held the interview"
    if data.status in ("declined", "not_held") and not data.reason:
        errors["reason"] = "Give the reason it was not held"
    if errors:
        raise ValidationFailed("Check the return home interview", field_errors=errors)
    assert data.offered_at is not None
    episode.rhi = {
        "status": data.status,
        "offered_at": data.offered_at.isoformat(),
        "held_at": data.held_at.isoformat() if data.held_at else None,
        "declined": data.status == "declined",
        "by": data.by,
        "text": data.findings,
        "reason": data.reason,
        "disclosures": data.disclosures,
        "recorded_by": actor.display_name,
    }
    change = {"return_interview": data.status, "disclosures": data.disclosures}
    _save_return_step(session, actor, episode, change, data.disclosures)
    return episode


def closure_blockers(
    session: Session,
    episode: Episode,
    person: Person,
    recorded: list[EpisodeAction] | None = None,
) -> list[str]:
    """What still stops the episode closing, in words (empty when it may close)."""
    blockers = []
    circulation = pnc_circulation(session, episode, recorded)
    if circulation is not None:
        blockers.append(f"Remove the PNC circulation ({circulation.reference}).")
    if episode.status is EpisodeStatus.missing:
        blockers.append("Record that they were found or came back.")
    if not (episode.prevention_interview or {}).get("held_at"):
        blockers.append("Record the safe-and-well check.")
    if is_child(person, episode):
        status = (episode.rhi or {}).get("status")
        if status not in ("held", "declined", "not_held"):
            blockers.append(
                "Record the return home interview as held, declined, or not held with a reason."
            )
    return blockers


def close(
    session: Session, actor: Actor, episode: Episode, person: Person, version: int
) -> Episode:
    """Close the episode once the return has been checked (and, for a child, interviewed)."""
    access.require(actor, "episode.close", episode)
    _check_version(episode, version)
    if episode.status is EpisodeStatus.closed:
        raise Conflict("This episode is already closed.")
    blockers = closure_blockers(session, episode, person)
    if blockers:
        raise ValidationFailed(
            "This episode cannot close yet: " + " ".join(blockers),
            field_errors={"close": " ".join(blockers)},
        )
    now = clock.now()
    episode.status = EpisodeStatus.closed
    episode.closed_at = now
    episode.closed_by_id = actor.id
    _cancel_open(session, episode, now, {"first", "regular", "senior", "below_suggestion"})
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "close",
        SUBJECT,
        episode.id,
        before={"status": "found"},
        after={"status": "closed"},
    )
    return episode


# -- boards -----------------------------------------------------------------------------------


def open_episodes(
    session: Session, actor: Actor, *, limit: int = 20
) -> tuple[list[tuple[Episode, Person]], int]:
    """Return the newest open episodes the actor may see, with their people, and how many."""
    access.require(actor, "person.view")
    where = [access.visible(actor, Episode), Episode.status == EpisodeStatus.missing]
    total = session.scalar(select(func.count()).select_from(Episode).where(*where)) or 0
    rows = [
        (episode, person)
        for episode, person in session.execute(
            select(Episode, Person)
            .join(Person, Person.id == Episode.person_id)
            .where(*where)
            .order_by(Episode.reported_at.desc())
            .limit(limit)
        )
    ]
    if rows:
        audit.record(
            session,
            actor,
            "view",
            "episode_board",
            None,
            after={"shown": [episode.id for episode, _ in rows]},
            justification="Open missing episodes board",
        )
    return rows, total


def episodes_of(session: Session, actor: Actor, person: Person) -> list[Episode]:
    """Every episode of a person the actor may see, newest first (for the timeline)."""
    return list(
        session.scalars(
            select(Episode)
            .where(Episode.person_id == person.id, access.visible(actor, Episode))
            .order_by(Episode.reported_at.desc())
        )
    )


# -- actions, handovers, enquiries ------------------------------------------------------------

ACTIONS = {
    "pnc_circulated": "Circulated on the Police National Computer",
    "pnc_removed": "Removed from the Police National Computer",
    "social_worker_told": "The child's social worker told",
    "out_of_hours_told": "The council's out-of-hours team told",
    "transferred": "Transferred to another force",
}
_NEEDS_REFERENCE = {
    "pnc_circulated": "Enter the PNC reference",
    "transferred": "Enter the force it was transferred to",
    "social_worker_told": "Enter the social worker's name",
}


def actions(session: Session, episode: Episode) -> list[EpisodeAction]:
    return list(
        session.scalars(
            select(EpisodeAction)
            .where(EpisodeAction.episode_id == episode.id)
            .order_by(EpisodeAction.at, EpisodeAction.id)
        )
    )


def pnc_circulation(
    session: Session, episode: Episode, recorded: list[EpisodeAction] | None = None
) -> EpisodeAction | None:
    """The PNC circulation still standing (circulated and not removed since), if any."""
    standing = None
    for action in actions(session, episode) if recorded is None else recorded:
        if action.kind == "pnc_circulated":
            standing = action
        elif action.kind == "pnc_removed":
            standing = None
    return standing


def record_action(
    session: Session,
    actor: Actor,
    episode: Episode,
    *,
    kind: str | None,
    reference: str | None,
    details: str | None,
    at: datetime | None,
    version: int,
) -> EpisodeAction:
    """Record a PNC circulation or removal, a notification to social care, or a transfer."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    errors: dict[str, str] = {}
    if kind not in ACTIONS:
        errors["kind"] = "Select what was done"
    elif kind in _NEEDS_REFERENCE and not reference:
        errors["reference"] = _NEEDS_REFERENCE[kind]
    elif kind == "pnc_removed" and pnc_circulation(session, episode) is None:
        errors["kind"] = "There is no PNC circulation to remove"
    if errors:
        raise ValidationFailed("Check what was done", field_errors=errors)
    assert kind is not None
    if kind == "pnc_removed" and not reference:
        standing = pnc_circulation(session, episode)
        reference = standing.reference if standing else None
    action = EpisodeAction(
        episode_id=episode.id,
        kind=kind,
        reference=reference,
        details=details,
        at=at or clock.now(),
        recorded_by_id=actor.id,
        recorded_by_name=actor.display_name,
    )
    session.add(action)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        episode.id,
        after={"action": kind, "reference": reference},
    )
    return action


def hand_over(session: Session, actor: Actor, episode: Episode, owner: User, version: int) -> None:
    """Make someone else the episode's owner and tell them at once."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    before = episode.owner_id
    episode.owner_id = owner.id
    session.add(
        EpisodeAction(
            episode_id=episode.id,
            kind="handover",
            reference=owner.display_name,
            at=clock.now(),
            recorded_by_id=actor.id,
            recorded_by_name=actor.display_name,
        )
    )
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "handover",
        SUBJECT,
        episode.id,
        before={"owner": before},
        after={"owner": owner.id},
    )
    person = person_of(session, episode)
    grade_ = f" ({_words(episode.risk_grade)} risk)" if episode.risk_grade else ""
    text = f"{actor.display_name} handed you the missing episode of {person.display_name}{grade_}."
    tasks.notify(session, [owner.id], text, f"/episodes/{episode.id}")


def open_enquiry(
    session: Session,
    actor: Actor,
    episode: Episode,
    *,
    title: str,
    details: str | None,
    owner_id: int | None,
    due_at: datetime | None,
) -> Task:
    """Open a line of enquiry on the episode, owned by the person who will do it."""
    access.require(actor, "episode.update", episode)
    _check_open(episode)
    return tasks.open_task(
        session,
        actor,
        organisation_id=episode.organisation_id,
        team_id=episode.team_id,
        kind="enquiry",
        title=title,
        person_id=episode.person_id,
        episode_id=episode.id,
        details=details,
        owner_id=owner_id,
        due_at=due_at,
    )


# -- repeat-missing triggers ------------------------------------------------------------------


def check_triggers(
    session: Session, actor: Actor, episode: Episode, person: Person, disclosures: list[str]
) -> list[Task]:
    """Open a strategy-meeting or exploitation-screening task for a child when a trigger fires:
    repeat episodes, a long absence, being found out of area, or a disclosure of exploitation.
    A person with such a task still open gets no second one."""
    if not is_child(person, episode):
        return []
    settings = get_settings()
    fired: list[tuple[str, str, str]] = []
    since = episode.reported_at - timedelta(days=settings.repeat_trigger_days)
    count = (
        session.scalar(
            select(func.count())
            .select_from(Episode)
            .where(Episode.person_id == person.id, Episode.reported_at >= since)
        )
        or 0
    )
    if count >= settings.repeat_trigger_count:
        fired.append(
            (
                "strategy_meeting",
                "Strategy meeting: repeat missing",
                f"{count} episodes in {settings.repeat_trigger_days} days",
            )
        )
    hours = hours_missing(episode)
    if episode.found_at is not None and hours >= settings.long_missing_hours:
        fired.append(
            ("strategy_meeting", "Strategy meeting: long absence", f"Missing for {hours:g} hours")
        )
    home = session.get(Place, person.home_place_id) if person.home_place_id else None
    found = session.get(Place, episode.found_place_id) if episode.found_place_id else None
    if home and found and home.borough and found.borough and home.borough != found.borough:
        fired.append(
            (
                "exploitation_screening",
                "Exploitation screening: found out of area",
                f"Found in {found.borough}; lives in {home.borough}",
            )
        )
    if disclosures:
        named = ", ".join(EXPLOITATION_INDICATORS.get(d, d) for d in disclosures)
        fired.append(
            (
                "exploitation_screening",
                "Exploitation screening: disclosure on return",
                f"Disclosed: {named}",
            )
        )
    opened = []
    for kind, title, why in fired:
        if tasks.open_task_of_kind(session, person.id, kind) is not None:
            continue
        opened.append(
            tasks.open_task(
                session,
                actor,
                organisation_id=episode.organisation_id,
                team_id=episode.team_id,
                kind=kind,
                title=title,
                person_id=person.id,
                episode_id=episode.id,
                owner_id=episode.owner_id,
                due_at=clock.now() + timedelta(hours=24),
                trigger=why,
            )
        )
    return opened


# -- photographs ------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Recognised by their first bytes, not by what the browser says the file is.
_PHOTO_KINDS = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def photo_type(data: bytes) -> str | None:
    """The image type of a file's bytes (JPEG, PNG or WebP), or None for anything else."""
    for magic, kind in _PHOTO_KINDS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def add_photo(
    session: Session,
    actor: Actor,
    episode: Episode,
    data: bytes,
    *,
    given_by: str | None,
    version: int,
) -> EpisodePhoto:
    """Keep a photograph of the missing person with the episode."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    message = None
    if not data:
        message = "Choose a photograph to upload"
    elif len(data) > PHOTO_MAX_BYTES:
        message = "The photograph must be 5 MB or smaller"
    elif photo_type(data) is None:
        message = "The photograph must be a JPEG, PNG or WebP image"
    if message:
        raise ValidationFailed(message, field_errors={"photo": message})
    photo = EpisodePhoto(
        episode_id=episode.id,
        content_type=photo_type(data) or "",
        data=data,
        given_by=given_by,
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
    )
    session.add(photo)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    after = {"photo": photo.id, "bytes": len(data), "given_by": given_by}
    audit.record(session, actor, "update", SUBJECT, episode.id, after=after)
    return photo


@dataclass(frozen=True)
class PhotoInfo:
    id: int
    given_by: str | None
    uploaded_at: datetime


def photos(session: Session, episode: Episode) -> list[PhotoInfo]:
    """The episode's photographs, newest first (without their bytes)."""
    rows = session.execute(
        select(EpisodePhoto.id, EpisodePhoto.given_by, EpisodePhoto.uploaded_at)
        .where(EpisodePhoto.episode_id == episode.id)
        .order_by(EpisodePhoto.uploaded_at.desc(), EpisodePhoto.id.desc())
    )
    return [PhotoInfo(*row) for row in rows]


def photo(session: Session, episode: Episode, photo_id: int) -> EpisodePhoto:
    found = session.get(EpisodePhoto, photo_id)
    if found is None or found.episode_id != episode.id:
        raise NotFound("There is no such photograph on this episode.")
    return found
