"""Score every person against every other (by blocking) and fill the review queue.

`resolve_people` trains the model on the person table (or uses the saved one), saves it for
intake look-ups, queues each pair at or above the review threshold once, and merges on its own
only pairs at or above the auto-merge threshold, which is off unless a force turns it on.
"""

from __future__ import annotations

import gc
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, func, insert, select, tuple_, type_coerce
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import ValidationFailed
from harbour.identity import merging
from harbour.identity.models import CandidatePair, PairStatus
from harbour.identity.records import PERSON_FIELDS, birth_text
from harbour.linkage import prepare
from harbour.linkage import service as identity
from harbour.linkage.schemas import IdentityField
from harbour.linkage.training import level_labels
from harbour.people.models import DatePrecision, Person, PersonPhone, Place
from harbour.settings import get_settings

Progress = Callable[[str, int, int], None]
CHUNK = 5_000
READ_BATCH = 50_000
F = IdentityField


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


@dataclass
class BatchSummary:
    """What a batch run did, for the terminal and the audit log."""

    persons: int = 0
    pairs_scored: int = 0
    queued_new: int = 0
    queued_refreshed: int = 0
    already_decided: int = 0
    held_apart: int = 0
    merged_automatically: int = 0
    left_for_review: int = 0  # sure enough to merge, but a field clearly differs
    review_threshold: float = 0.0
    auto_merge_threshold: float | None = None
    model_path: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def friendly(label: str) -> str:
    """Say a Splink level's chart label in words a reviewer reads ("Exact match", …)."""
    if label.startswith("Exact match"):
        return "Exact match"
    similar = re.fullmatch(r"Jaro-Winkler (?:distance|similarity) of \w+ >= ([\d.]+)", label)
    if similar:
        return f"Similar spelling (Jaro-Winkler at least {similar.group(1)})"
    if label == "All other comparisons":
        return "Differs"
    return label


def pair_levels(
    levels: dict[str, int], labels: dict[str, dict[int, str]]
) -> dict[str, dict[str, Any]]:
    """Name each compared field's level for a pair: {field: {"level": n, "label": text}}."""
    return {
        column: {"level": gamma, "label": friendly(labels.get(column, {}).get(gamma, str(gamma)))}
        for column, gamma in levels.items()
    }


def _hashable(aliases: Any) -> Any:
    return tuple(aliases) if isinstance(aliases, list) else aliases


def _aliases(value: Any) -> list[str]:
    """Other names as stored: JSON text (SQLite), a list or tuple (PostgreSQL), or nothing."""
    if isinstance(value, str):
        value = json.loads(value)
    return [str(name) for name in value] if isinstance(value, list | tuple) else []


def _birth_text(born: Any, precision: str | None) -> str | None:
    """The date of birth as the model reads it (`records.birth_text`), from text or a date."""
    if born is None:
        return None
    whole = born if isinstance(born, str) else born.isoformat()
    known = DatePrecision(precision) if precision else None
    return birth_text(date.fromisoformat(whole[:10]), known)


def _read(session: Session) -> tuple[list[int], dict[str, list[Any]]]:
    """Read every person not merged into another as raw columns (PersonRecord's names), by id.

    The same persons and values as `records.all_records` (names, other names, the date of birth
    as the model reads it, sex, the home's postcode and address, the lowest phone number), read
    through SQLAlchemy Core with the other names and the date as the driver gives them (JSON
    text or a list; text or a date) and each distinct value converted once: building a
    PersonRecord and decoding every row's JSON and date took most of a million-person read.
    """
    phone = (
        select(func.min(PersonPhone.number))
        .where(PersonPhone.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    query = (
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            type_coerce(Person.aliases, String),
            type_coerce(Person.date_of_birth, String),
            type_coerce(Person.dob_precision, String),
            type_coerce(Person.sex, String),
            Place.postcode,
            Place.address,
            phone,
        )
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(Person.merged_into_id.is_(None))
        .order_by(Person.id)
    )
    names = ("id", "given_name", "family_name", "aliases", "born", "precision", "sex",
             "postcode", "address", "phone")  # fmt: skip
    raw: dict[str, list[Any]] = {name: [] for name in names}
    # The driver's own cursor, in the session's transaction: SQLAlchemy's rows cost three times
    # what SQLite takes to find a million persons. The query has no parameters.
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(READ_BATCH):
            for name, values in zip(names, zip(*rows, strict=True), strict=True):
                raw[name].extend(values)
    finally:
        cursor.close()
    written = [_hashable(value) for value in raw.pop("aliases")]
    aliases = {value: _aliases(value) for value in set(written)}
    raw["aliases"] = [aliases[value] for value in written]
    births = {
        key: _birth_text(*key) for key in set(zip(raw["born"], raw["precision"], strict=True))
    }
    raw["date_of_birth"] = [
        births[key] for key in zip(raw.pop("born"), raw.pop("precision"), strict=True)
    ]
    return raw.pop("id"), raw


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of small objects are made.

    Each collection walks every object alive, and building a million rows of tuples and
    strings sets one off every few thousand allocations: with it running, reading and
    cleaning a million persons took twice as long. Nothing made here holds a cycle.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _prepared(session: Session) -> tuple[dict[str, list[Any]], list[IdentityField]]:
    """Read every person into the model's columns (`unique_id` the person's id) and return
    them with the fields that hold a value in some record; the others' columns are dropped."""
    with _collector_paused():
        ids, raw = _read(session)
        columns = prepare.columns(raw, PERSON_FIELDS, ids=ids)
        del raw
    fields = [
        f for f in PERSON_FIELDS if any(v is not None for v in columns[prepare.COLUMNS[f][0]])
    ]
    kept = {name for f in fields for name in prepare.COLUMNS[f]} | {"unique_id"}
    if {F.given_name, F.family_name} <= set(fields):
        kept.add("names_key")
    return {name: values for name, values in columns.items() if name in kept}, fields


def resolve_people(
    session: Session,
    actor: Actor,
    *,
    review_threshold: float | None = None,
    auto_merge_threshold: float | None = None,
    trained: identity.TrainedModel | None = None,
    save_to: Any = None,
    on_progress: Progress = _quiet,
) -> BatchSummary:
    """Resolve the whole person table into the review queue (and merge, if turned on).

    The records go to DuckDB as columns; the scored pairs stay there, and only the pairs at
    or above the review threshold come back to Python, a chunk at a time, to be queued.
    """
    access.require(actor, "person.resolve")
    settings = get_settings()
    review = settings.identity_review_threshold if review_threshold is None else review_threshold
    auto = (
        auto_merge_threshold
        if auto_merge_threshold is not None
        else settings.identity_auto_merge_threshold
    )
    if auto is not None and auto < review:
        raise ValidationFailed(
            f"The auto-merge threshold ({auto}) cannot be below the review threshold ({review})"
        )
    summary = BatchSummary(review_threshold=review, auto_merge_threshold=auto)
    started = time.perf_counter()
    on_progress("read", 0, 3)
    columns, fields = _prepared(session)
    summary.persons = len(columns["unique_id"])
    summary.seconds["read"] = round(time.perf_counter() - started, 2)
    if summary.persons < 2:
        return summary
    if trained is not None:
        fields = list(trained.metadata.fields)
        missing = [f.value for f in fields if prepare.COLUMNS[f][0] not in columns]
        if missing:
            raise ValidationFailed(
                f"The model compares {', '.join(missing)}, which no person record holds"
            )
    elif not fields:
        raise ValidationFailed("No person record holds any field the model compares")

    def step(name: str, done: int, total: int) -> None:
        on_progress(name, done, total + 2)

    scored = identity.score([columns], fields, threshold=review, trained=trained, on_progress=step)
    del columns
    summary.seconds |= {f"model_{k}": v for k, v in scored.seconds.items()}
    summary.held_apart = scored.held_apart
    path = save_to or settings.identity_model_path
    if trained is None:
        saved_at = time.perf_counter()
        identity.save_model(scored.model, path)
        summary.seconds["save_model"] = round(time.perf_counter() - saved_at, 2)
    summary.model_path = str(path)
    on_progress("queue", 8, 9)
    queued_at = time.perf_counter()
    surest = _queue(session, scored, summary, keep_above=auto)
    summary.seconds["queue"] = round(time.perf_counter() - queued_at, 2)
    scored.close()
    if auto is not None:
        merged_at = time.perf_counter()
        _merge_surest(session, actor, surest, auto, summary)
        summary.seconds["merge"] = round(time.perf_counter() - merged_at, 2)
    on_progress("done", 9, 9)
    audit.record(
        session,
        actor,
        "resolve",
        "person",
        None,
        after={k: v for k, v in vars(summary).items() if k != "seconds"},
    )
    return summary


Found = tuple[int, int, float, dict[str, Any]]


def _scored_pairs(scored: identity.Scored) -> Iterator[list[Found]]:
    """Yield the scored pairs in chunks as (low id, high id, probability, levels), best first.

    Each pair comes once, its ids ordered in SQL; a pair's levels are named once for each
    combination of levels (a few hundred, however many pairs) and shared between pairs.
    """
    labels = level_labels(scored.model.splink_settings)
    table = scored.predictions.physical_name  # Splink's own name for it: nothing from input
    cursor = scored.connection.cursor()
    empty = f"SELECT * FROM {table} LIMIT 0"  # noqa: S608
    names = [row[0] for row in cursor.execute(empty).description]
    gammas = [name for name in names if name.startswith("gamma_")]
    columns = [name.removeprefix("gamma_") for name in gammas]
    levels_sql = "".join(f", {gamma}" for gamma in gammas)
    cursor.execute(
        "SELECT least(unique_id_l, unique_id_r) AS low, "  # noqa: S608
        f"greatest(unique_id_l, unique_id_r) AS high, match_probability{levels_sql} "
        f"FROM {table} ORDER BY match_probability DESC, low, high"
    )
    named: dict[tuple[int, ...], dict[str, Any]] = {}
    while rows := cursor.fetchmany(CHUNK):
        chunk = []
        for low, high, probability, *levels in rows:
            key = tuple(levels)
            level_names = named.get(key)
            if level_names is None:
                level_names = named[key] = pair_levels(dict(zip(columns, key, strict=True)), labels)
            chunk.append((int(low), int(high), float(probability), level_names))
        yield chunk
    cursor.close()


def _queue(
    session: Session, scored: identity.Scored, summary: BatchSummary, *, keep_above: float | None
) -> list[Found]:
    """Add each pair once; refresh the score of a pair still undecided; leave decided ones.

    Returns the pairs at or above `keep_above` (none if None), for automatic merging.
    """
    model_version = scored.model.metadata.model_version
    now = clock.now()
    kept: list[Found] = []
    fresh = session.scalar(select(CandidatePair.id).limit(1)) is None
    for chunk in _scored_pairs(scored):
        summary.pairs_scored += len(chunk)
        if keep_above is not None:
            kept += [pair for pair in chunk if pair[2] >= keep_above]
        organisation = dict(
            session.execute(
                select(Person.id, Person.organisation_id).where(
                    Person.id.in_({low for low, *_ in chunk})
                )
            ).all()
        )
        existing: dict[tuple[int, int], CandidatePair] = {}
        if not fresh:  # an empty queue (the first run) has nothing to look up
            keys = [(low, high) for low, high, *_ in chunk]
            existing = {
                (pair.low_id, pair.high_id): pair
                for pair in session.scalars(
                    select(CandidatePair).where(
                        tuple_(CandidatePair.low_id, CandidatePair.high_id).in_(keys)
                    )
                )
            }
        new_rows = []
        for low, high, probability, levels in chunk:
            pair = existing.get((low, high))
            if pair is None:
                new_rows.append(
                    {
                        "low_id": low,
                        "high_id": high,
                        "probability": probability,
                        "levels": levels,
                        "model_version": model_version,
                        "scored_at": now,
                        "status": PairStatus.pending,
                        "organisation_id": organisation[low],
                        "version": 1,
                    }
                )
            elif pair.status in (PairStatus.pending, PairStatus.unsure):
                pair.probability, pair.levels = probability, levels
                pair.model_version, pair.scored_at = model_version, now
                summary.queued_refreshed += 1
            else:
                summary.already_decided += 1
        if new_rows:
            session.execute(insert(CandidatePair), new_rows)
            summary.queued_new += len(new_rows)
        session.flush()
    return kept


def _merge_surest(
    session: Session,
    actor: Actor,
    found: list[Found],
    threshold: float,
    summary: BatchSummary,
) -> None:
    """Merge pairs at or above the threshold, surest first, into the older record.

    A sure score is not enough on its own: a common name and a date of birth can outweigh a
    different sex, home and phone. A pair with any field that clearly differs (the model's
    "else" level) is left for a person to decide, however high its score.
    """
    for low, high, probability, levels in sorted(found, key=lambda f: -f[2]):
        if probability < threshold:
            break
        if any(level["level"] == 0 for level in levels.values()):
            summary.left_for_review += 1
            continue
        pair = session.scalar(
            select(CandidatePair).where(CandidatePair.low_id == low, CandidatePair.high_id == high)
        )
        if pair is None or pair.status not in (PairStatus.pending, PairStatus.unsure):
            continue
        survivor, merged = merging.current(session, low), merging.current(session, high)
        if survivor == merged:
            pair.status = PairStatus.accepted
            continue
        survivor, merged = min(survivor, merged), max(survivor, merged)
        merging.merge(
            session,
            actor,
            survivor,
            merged,
            f"Automatic merge: match probability {probability:.4f}, at or above the automatic "
            f"threshold {threshold}",
            pair=pair,
            automatic=True,
        )
        summary.merged_automatically += 1
