"""Score every person against every other (by blocking) and fill the review queue.

`resolve_people` trains the model on the person table (or uses the saved one), saves it for
intake look-ups, queues each pair at or above the review threshold once, and merges on its own
only pairs at or above the auto-merge threshold, which is off unless a force turns it on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import ValidationFailed
from harbour.identity import service as identity
from harbour.identity.files import Source
from harbour.identity.model import level_labels
from harbour.people.models import Person
from harbour.resolution import merging
from harbour.resolution.models import CandidatePair, PairStatus
from harbour.resolution.records import PERSON_FIELDS, all_records
from harbour.settings import get_settings

Progress = Callable[[str, int, int], None]
CHUNK = 5_000


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
    """Resolve the whole person table into the review queue (and merge, if turned on)."""
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
    records = list(all_records(session))
    summary.persons = len(records)
    summary.seconds["read"] = round(time.perf_counter() - started, 2)
    if len(records) < 2:
        return summary
    source = Source("harbour", records, 0, None)
    fields = identity.fields_present([source], list(PERSON_FIELDS))

    def step(name: str, done: int, total: int) -> None:
        on_progress(name, done, total + 2)

    resolution = identity.resolve(
        [source], fields, threshold=review, trained=trained, on_progress=step
    )
    summary.seconds["resolve"] = resolution.summary.seconds
    summary.pairs_scored = len(resolution.pairs)
    summary.held_apart = resolution.summary.pairs_held_apart
    path = save_to or settings.identity_model_path
    if trained is None:
        identity.save_model(resolution.model, path)
    summary.model_path = str(path)
    on_progress("queue", 8, 9)
    queued_at = time.perf_counter()
    labels = level_labels(resolution.model.splink_settings)
    found = []
    for (i, j, probability), levels in zip(resolution.pairs, resolution.levels, strict=True):
        low, high = sorted((int(records[i].id), int(records[j].id)))
        found.append((low, high, probability, pair_levels(levels, labels)))
    _queue(session, found, resolution.model.metadata.model_version, summary)
    summary.seconds["queue"] = round(time.perf_counter() - queued_at, 2)
    if auto is not None:
        merged_at = time.perf_counter()
        _merge_surest(session, actor, found, auto, summary)
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


def _queue(
    session: Session,
    found: list[tuple[int, int, float, dict[str, Any]]],
    model_version: str,
    summary: BatchSummary,
) -> None:
    """Add each pair once; refresh the score of a pair still undecided; leave decided ones."""
    now = clock.now()
    organisation: dict[int, int] = {}
    for start in range(0, len(found), CHUNK):
        chunk = found[start : start + CHUNK]
        ids = {low for low, *_ in chunk}
        for pid, org in session.execute(
            select(Person.id, Person.organisation_id).where(Person.id.in_(ids))
        ):
            organisation[pid] = org
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


def _merge_surest(
    session: Session,
    actor: Actor,
    found: list[tuple[int, int, float, dict[str, Any]]],
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
