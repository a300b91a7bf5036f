"""Keeping `measure_episode` in step with the records (decision 21).

A session notes, as it flushes, the people whose records changed in ways the measures count
(their episodes, gradings, person record, home place's borough, exploitation concerns). Before it
commits, or when the measures are read in the same session, every episode of those people is
worked out again (`episode_facts.for_people`) and its row rewritten, in the same transaction: a
figure never lags the records, and a rolled-back change leaves no trace. The bulk importer writes
with COPY and no session events, so `harbour import --bulk` ends with `refresh_all`, as does
`harbour measures refresh`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session

from harbour import timefmt
from harbour.episodes.models import Episode, Grading
from harbour.exploitation.models import Cawn, NrmReferral, Screening
from harbour.measures import episode_facts
from harbour.measures.episode_facts import EpisodeFact, below
from harbour.measures.models import EpisodeFactRow
from harbour.people.models import Person, Place

PEOPLE = "harbour.measures.people"  # session.info: person ids whose facts must be rewritten
EPISODES = "harbour.measures.episodes"  # episode ids whose person is looked up at the rewrite
PLACES = "harbour.measures.places"  # home places whose borough changed
CHUNK = 500


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds() / 3600


def _row(fact: EpisodeFact) -> dict[str, Any]:
    day = timefmt.local(fact.reported_at).date()
    values = {k: v for k, v in vars(fact).items() if k not in ("id", "who")}
    minutes = _hours(fact.reported_at, fact.first_graded_at)
    return {
        **values,
        **vars(fact.who),  # asdict copies deeply: a quarter of the rewrite's time
        "episode_id": fact.id,
        "report_week": day.fromordinal(day.toordinal() - day.weekday()),
        "report_month": day.replace(day=1),
        "first_below": below(fact.first_grade, fact.first_suggested),
        "first_minutes": None if minutes is None else max(minutes * 60, 0.0),
        "rhi_hours": _hours(fact.found_at, fact.rhi_held_at),
        "again_hours": _hours(fact.found_at, fact.missing_again_at),
    }


def refresh(session: Session, person_ids: Iterable[int], *, empty: bool = False) -> int:
    """Rewrite the facts of every episode of these people; return how many were written.
    `empty`: the table holds none of their rows (a rewrite of all), so nothing is deleted."""
    ids = sorted(set(person_ids))
    written = 0
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        facts = episode_facts.for_people(session, chunk)
        episodes = [f.id for f in facts]
        if not empty:
            session.execute(delete(EpisodeFactRow).where(EpisodeFactRow.person_id.in_(chunk)))
            for j in range(0, len(episodes), CHUNK):
                session.execute(
                    delete(EpisodeFactRow).where(
                        EpisodeFactRow.episode_id.in_(episodes[j : j + CHUNK])
                    )
                )
        if facts:
            session.execute(insert(EpisodeFactRow), [_row(f) for f in facts])
        written += len(facts)
    return written


def refresh_all(session: Session, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Rewrite every episode's facts (after a bulk import, or `harbour db refresh-measures`).
    The table is emptied first, so no row is looked up while it fills: inside one transaction
    its statistics say it is empty, and a delete by person would read every row written so far."""
    session.execute(delete(EpisodeFactRow))
    people = sorted(set(session.scalars(select(Episode.person_id).distinct())))
    written = 0
    step = CHUNK * 10
    for i in range(0, len(people), step):
        written += refresh(session, people[i : i + step], empty=True)
        if on_progress:
            on_progress(min(i + step, len(people)), len(people))
    if session.get_bind().dialect.name == "postgresql":
        # Rows written person by person lie scattered by date: a period's rows on most pages of
        # the table. In report order a 90-day national page reads 0.63 s, not 1.49
        # (docs/performance.md). New episodes come in report order by themselves.
        session.execute(text("CLUSTER measure_episode USING ix_measure_episode_org_reported"))
        session.execute(text("ANALYZE measure_episode"))  # the planner's figures for the new rows
    return written


def fill_if_empty(session: Session) -> int:
    """Fill the table when it is empty but episodes exist (the first upgrade to it)."""
    if session.scalar(select(EpisodeFactRow.episode_id).limit(1)) is not None:
        return 0
    if session.scalar(select(Episode.id).limit(1)) is None:
        return 0
    return refresh_all(session)


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[n].history.has_changes() for n in names)


def _note(session: Session, _context: Any) -> None:
    people: set[int] = session.info.setdefault(PEOPLE, set())
    episodes: set[int] = session.info.setdefault(EPISODES, set())
    places: set[int] = session.info.setdefault(PLACES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Episode):
            people.add(obj.person_id)
            people.update(inspect(obj).attrs.person_id.history.deleted or ())
        elif isinstance(obj, Grading):
            episodes.add(obj.episode_id)
        elif isinstance(obj, Person):
            people.add(obj.id)
        elif isinstance(obj, Screening | NrmReferral | Cawn):
            people.add(obj.person_id)
        elif isinstance(obj, Place) and obj.id is not None and _changed(obj, "borough"):
            places.add(obj.id)


def catch_up(session: Session) -> None:
    """Rewrite the facts of everyone noted so far in this session (before a commit, and before
    the measures are read in a session that has changed records)."""
    session.flush()
    people: set[int] = session.info.pop(PEOPLE, set())
    episodes: set[int] = session.info.pop(EPISODES, set())
    places: set[int] = session.info.pop(PLACES, set())
    for i in range(0, len(ids := sorted(episodes)), CHUNK):
        people.update(
            session.scalars(select(Episode.person_id).where(Episode.id.in_(ids[i : i + CHUNK])))
        )
    for i in range(0, len(homes := sorted(places)), CHUNK):
        people.update(
            session.scalars(select(Person.id).where(Person.home_place_id.in_(homes[i : i + CHUNK])))
        )
    if people:
        refresh(session, people)


def _forget(session: Session) -> None:
    for key in (PEOPLE, EPISODES, PLACES):
        session.info.pop(key, None)


def listen() -> None:
    """Keep the facts in step from now on in this process (called at start-up)."""
    for name, listener in (
        ("after_flush", _note),
        ("before_commit", catch_up),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
