"""Raise or strengthen alerts as records are saved, from the database around what changed.

When a unit of work saves a link (an association, a found-with companion, an episode's last-seen
or found-at place), the records it touches are noted; just before the transaction commits, for
each organisation those records belong to, that organisation's network around them (three steps,
read from the database, so any app process can do it) is rebuilt and checked with the place
medians of its last full rebuild, and its alerts about those records are raised or strengthened
in the same transaction, telling its team. Networks and routes,
which need the whole picture, wait for the next full rebuild (`harbour network analyse`). A save
that touches many records at once (an import) is left to the rebuild too.

If the check fails, the save still stands: the check runs in a savepoint and its failure is
logged, because a child's record must never be lost for an alert.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from harbour.episodes.models import Episode, EpisodeCompanion
from harbour.network import alerts, view
from harbour.network import service as network
from harbour.network.graph import Around
from harbour.people.models import Association, Person, Place, Vehicle

log = logging.getLogger(__name__)
KEY = "harbour.network.touched"
OFF = "harbour.network.incremental_off"
MOST_TOUCHED = 50  # more in one transaction is an import: leave it to the rebuild
STEPS = 3  # adult -> place -> child: common associates through places are three steps out
LIMIT = 2_000


def _touched(obj: Any) -> set[str]:
    if isinstance(obj, Association):
        out = {f"person:{obj.subject_id}"}
        for kind, value in (
            ("person", obj.object_person_id),
            ("place", obj.object_place_id),
            ("vehicle", obj.object_vehicle_id),
            ("phone", obj.object_phone),
        ):
            if value is not None:
                out.add(f"{kind}:{value}")
        return out
    if isinstance(obj, EpisodeCompanion):
        return {f"person:{obj.person_id}", f"episode:{obj.episode_id}"}
    if isinstance(obj, Episode) and (obj.found_place_id or obj.last_seen_place_id):
        out = {f"person:{obj.person_id}"}
        out |= {f"place:{p}" for p in (obj.found_place_id, obj.last_seen_place_id) if p}
        return out
    return set()


# The columns that make a link: a change to anything else (a review, a note) touches nothing.
LINK_COLUMNS: dict[type, tuple[str, ...]] = {
    Association: (
        "subject_id", "object_person_id", "object_place_id", "object_vehicle_id", "object_phone",
        "type",
    ),
    EpisodeCompanion: ("person_id", "episode_id"),
    Episode: ("person_id", "found_place_id", "last_seen_place_id"),
}  # fmt: skip


def _relinked(obj: Any) -> bool:
    """Whether a changed (not new) row changed one of the columns that make a link."""
    columns = LINK_COLUMNS.get(type(obj), ())
    state = inspect(obj)
    return any(state.attrs[c].history.has_changes() for c in columns)


def _note(session: Session, _context: Any) -> None:
    if session.info.get(OFF):
        return
    touched: set[str] = session.info.setdefault(KEY, set())
    for obj in session.new:
        touched |= _touched(obj)
    for obj in session.dirty:
        if type(obj) in LINK_COLUMNS and _relinked(obj):
            touched |= _touched(obj)


def _check(session: Session) -> None:
    if session.info.get(OFF):
        return
    session.flush()  # what is still pending is part of this commit: note it first
    touched: set[str] | None = session.info.pop(KEY, None)
    if not touched or session.info.get(OFF) or len(touched) > MOST_TOUCHED:
        return
    try:
        with session.begin_nested():
            check(session, touched)
    except SQLAlchemyError:
        log.exception("incremental network check failed; the next rebuild will catch up")


def _organisations(session: Session, seeds: set[str]) -> list[int]:
    """The organisations whose people, places or vehicles these records are."""
    found: set[int] = set()
    for prefix, model in (("person:", Person), ("place:", Place), ("vehicle:", Vehicle)):
        ids = [int(t[len(prefix) :]) for t in seeds if t.startswith(prefix)]
        if ids:
            found |= set(
                session.scalars(select(model.organisation_id).where(model.id.in_(ids)).distinct())
            )
    return sorted(found)


def check(session: Session, touched: set[str]) -> alerts.StoreSummary | None:
    """Check the network around these records now, in each organisation they belong to; None
    when none of those organisations has had a full rebuild yet."""
    session.info[OFF] = True  # the check's own writes do not start another check
    try:
        seeds = {t for t in touched if not t.startswith("episode:")}
        for t in touched - seeds:  # a companion: the child of that episode too
            child = session.get(Episode, int(t.split(":", 1)[1]))
            if child is not None:
                seeds.add(f"person:{child.person_id}")
        summary: alerts.StoreSummary | None = None
        for organisation in _organisations(session, seeds):
            base = alerts.baseline(session, organisation)
            if base is None:
                continue
            found = _check_in(session, organisation, seeds, base)
            if summary is None:
                summary = found
            else:
                alerts.add_up(summary, found)
        return summary
    finally:
        session.info.pop(OFF, None)


def _check_in(
    session: Session, organisation: int, seeds: set[str], base: dict[str, float]
) -> alerts.StoreSummary:
    """Check one organisation's network around the seeds, walking its own records only."""
    # Places as busy as schools (by the rebuild's medians) are not walked through: a hotspot
    # is never flagged there, and every child in the area passes through them.
    busy = view.busy_types(session, base)
    walked = view.walk(
        session, None, seeds, steps=STEPS, limit=LIMIT, busy=busy, organisation=organisation
    )
    nodes = walked.nodes | seeds
    places = [int(n[6:]) for n in nodes if n.startswith("place:")]
    quiet = session.scalars(
        select(Place.id).where(Place.id.in_(places), Place.type.not_in(busy))
    ).all()
    around = Around(
        persons=frozenset(int(n[7:]) for n in nodes if n.startswith("person:")),
        places=frozenset(quiet),
        phones=frozenset(n[6:] for n in nodes if n.startswith("phone:")),
        vehicles=frozenset(int(n[8:]) for n in nodes if n.startswith("vehicle:")),
    )
    analysis = network.analyse_around(session, around, base, organisation=organisation)
    near = view.walk(
        session, None, seeds, steps=1, limit=LIMIT, busy=busy, organisation=organisation
    ).nodes
    return alerts.store(session, analysis, subjects=near | seeds)


def _forget(session: Session) -> None:
    session.info.pop(KEY, None)  # what was rolled back touched nothing


def listen() -> None:
    """Check the network at save time from now on in this process (called at start-up)."""
    for name, listener in (
        ("after_flush", _note),
        ("before_commit", _check),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
