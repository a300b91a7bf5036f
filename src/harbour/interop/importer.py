"""Load a batch of JSON Lines records: validate every line, load what is valid, report the rest.

This is a job, like a CLI command: it owns its transactions. Records are loaded kind by kind
(places and vehicles, then people, episodes, calls and associations), in chunks that each commit
whole with its own audit event; if a chunk fails, its ids are read again (another import may
have loaded them meanwhile) and its records retried, then one by one so that one bad record
never costs a good one. Counts are added only once a chunk commits. Re-importing an id updates
its record; re-importing an identical line changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import service as episodes
from harbour.episodes.models import EpisodeCompanion
from harbour.errors import NotFound
from harbour.interop import writers
from harbour.interop.reading import ImportFailed, as_written, parse_with_digest, read_lines
from harbour.interop.schemas import KINDS, EpisodeLine, Line, PersonLine, references
from harbour.people.models import ImportRef, PersonPhone

CHUNK = 1000
Progress = Callable[[str, int, int], None]
SavedRef = tuple[str, str, tuple[int, str] | None]  # kind, external id, (record id, digest)


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    reason: str
    text: str


@dataclass
class Summary:
    """What an import did, kind by kind."""

    files: list[str] = field(default_factory=list)
    lines: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )


@dataclass
class Parsed:
    file: str
    line: int
    text: str
    record: Line
    digest: str


def input_files(path: Path) -> list[Path]:
    """Return the files an import reads: the file itself, or a folder's *.jsonl files in order."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.jsonl") if not p.name.endswith(".rejected.jsonl"))
        if not files:
            raise ImportFailed(f"{path} holds no .jsonl files")
        return files
    if not path.exists():
        raise ImportFailed(f"{path} does not exist")
    return [path]


def parse_or_reject(summary: Summary, file: str, number: int, text: str) -> Parsed | None:
    """Validate one line; on failure add its rejection to the summary and return None."""
    summary.lines += 1
    try:
        record, line_digest = parse_with_digest(text)
    except ValueError as exc:
        summary.rejected.append(Rejection(file, number, str(exc), as_written(text)))
        return None
    return Parsed(file, number, text, record, line_digest)


class Refs:
    """External id -> record id and digest, kind by kind, filled from the database and as records
    load.

    Only dicts of strings and ints, which Python's garbage collector does not track: a national
    load holds some 13 million ids, and a tracked container that size (a set, or a dict holding
    tuples) is walked in full by every full collection, which run all through a load, so the
    cost per line grew with the size of the load (docs/performance.md).
    """

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        self.digests: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key[1] in self.ids[key[0]]

    def get(self, kind: str, external: str) -> tuple[int, str] | None:
        record_id = self.ids[kind].get(external)
        return None if record_id is None else (record_id, self.digests[kind].get(external, ""))

    def add(self, kind: str, external: str, record_id: int, digest: str | None = None) -> None:
        """Record an id; a digest only when it is needed to tell a changed line on re-import."""
        self.ids[kind][external] = record_id
        if digest is not None:
            self.digests[kind][external] = digest

    def saved(self, keys: Iterable[tuple[str, str]]) -> list[SavedRef]:
        """Return what is known of these keys, for `restore` if their transaction rolls back."""
        return [(kind, external, self.get(kind, external)) for kind, external in keys]

    def restore(self, saved: list[SavedRef]) -> None:
        """Put back what `saved` returned."""
        for kind, external, entry in saved:
            if entry is None:
                self.ids[kind].pop(external, None)
                self.digests[kind].pop(external, None)
            else:
                self.add(kind, external, *entry)

    def load(self, session: Session, wanted: Iterable[tuple[str, str]]) -> None:
        by_kind: dict[str, list[str]] = {}
        for kind, external in wanted:
            by_kind.setdefault(kind, []).append(external)
        for kind, ids in by_kind.items():
            for start in range(0, len(ids), 500):
                rows = session.execute(
                    select(ImportRef.external_id, ImportRef.record_id, ImportRef.digest).where(
                        ImportRef.kind == kind, ImportRef.external_id.in_(ids[start : start + 500])
                    )
                )
                for external, record_id, digest in rows:
                    self.add(kind, external, record_id, digest)

    def id(self, kind: str, external: str) -> int:
        try:
            return self.ids[kind][external]
        except KeyError:
            raise KeyError((kind, external)) from None


def _check_references(
    parsed: dict[tuple[str, str], Parsed], refs: Refs, rejected: list[Rejection]
) -> None:
    changed = True
    while changed:
        changed = False
        for key, item in list(parsed.items()):
            for ref in references(item.record):
                if ref not in parsed and ref not in refs:
                    rejected.append(
                        Rejection(
                            item.file,
                            item.line,
                            f"refers to {ref[0]} {ref[1]!r}, which is neither in this batch nor "
                            "loaded by an earlier import",
                            item.text,
                        )
                    )
                    del parsed[key]
                    changed = True
                    break


@dataclass
class Written:
    """What one committed chunk did (a chunk holds one kind)."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0

    def count(self, summary: Summary, kind: str) -> None:
        """Add this chunk to the import's summary, once its transaction has committed."""
        for counter, n in (
            (summary.created, len(self.created)),
            (summary.updated, len(self.updated)),
            (summary.unchanged, self.unchanged),
        ):
            if n:
                counter[kind] += n


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Return ids as [first, last] runs: a chunk's new ids are mostly consecutive."""
    runs: list[list[int]] = []
    for record_id in sorted(ids):
        if runs and record_id == runs[-1][1] + 1:
            runs[-1][1] = record_id
        else:
            runs.append([record_id, record_id])
    return runs


def audit_chunk(
    session: Session, actor: Actor, kind: str, written: Written, chunk: list[Parsed], *, bulk: bool
) -> None:
    """Record a chunk's records in the audit log, in the transaction that writes them.

    So an import stopped part-way leaves an event for exactly what it committed, and none for
    what it did not.
    """
    audit.record(
        session,
        actor,
        "import_records",
        kind,
        None,
        after={
            "files": sorted({Path(item.file).name for item in chunk}),
            "created": len(written.created),
            "updated": len(written.updated),
            "created_ids": id_ranges(written.created),
            "updated_ids": id_ranges(written.updated),
            "bulk": bulk,
        },
    )


def _write_chunk(
    session: Session, chunk: list[Parsed], org_id: int, refs: Refs, actor: Actor, *, bulk: bool
) -> Written:
    """Write a chunk of records of one kind with one flush, then their refs, child rows and
    audit event."""
    written = Written()
    pending: list[tuple[Parsed, Any, bool]] = []
    for item in chunk:
        kind = item.record.kind
        model, writer = writers.WRITERS[kind]
        existing = refs.get(kind, item.record.id)
        if existing and existing[1] == item.digest:
            written.unchanged += 1
            continue
        row = session.get(model, existing[0]) if existing else None
        row = writer(session, row, item.record, org_id, refs)
        session.add(row)
        pending.append((item, row, existing is not None))
    if not pending:
        return written
    session.flush()
    new_refs: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    companions: list[dict[str, Any]] = []
    replaced_people: list[int] = []
    replaced_episodes: list[int] = []
    for item, row, existed in pending:
        kind, external = item.record.kind, item.record.id
        if isinstance(item.record, PersonLine):
            phones += writers.person_children(item.record, row.id)
            if existed:
                replaced_people.append(row.id)
        elif isinstance(item.record, EpisodeLine):
            companions += writers.episode_children(item.record, row.id, refs)
            if existed:
                replaced_episodes.append(row.id)
        if existed:
            session.execute(
                update(ImportRef)
                .where(ImportRef.kind == kind, ImportRef.external_id == external)
                .values(digest=item.digest)
            )
            written.updated.append(row.id)
        else:
            new_refs.append(
                {"kind": kind, "external_id": external, "record_id": row.id, "digest": item.digest}
            )
            written.created.append(row.id)
        refs.add(kind, external, row.id, item.digest)
    if replaced_people:
        session.execute(delete(PersonPhone).where(PersonPhone.person_id.in_(replaced_people)))
    if replaced_episodes:
        session.execute(
            delete(EpisodeCompanion).where(EpisodeCompanion.episode_id.in_(replaced_episodes))
        )
    now = clock.now()
    for rows, table in (
        (new_refs, ImportRef),
        (phones, PersonPhone),
        (companions, EpisodeCompanion),
    ):
        if rows:
            if table is ImportRef:
                rows = [r | {"imported_at": now} for r in rows]
            session.execute(insert(table), rows)
    audit_chunk(session, actor, pending[0][0].record.kind, written, chunk, bulk=bulk)
    return written


def _commit_chunk(
    chunk: list[Parsed], org_id: int, refs: Refs, actor: Actor, bulk: bool
) -> Written:
    """Write a chunk in its own transaction; if it rolls back, put the refs back and raise."""
    # Only the chunk's own keys change, so only they are saved for a rollback: copying every
    # known ref per chunk would cost time in proportion to all that was loaded before.
    saved = refs.saved((item.record.kind, item.record.id) for item in chunk)
    try:
        with db.unit_of_work() as session:
            return _write_chunk(session, chunk, org_id, refs, actor, bulk=bulk)
    except BaseException:
        refs.restore(saved)
        raise


def _refresh(chunk: list[Parsed], refs: Refs) -> bool:
    """Read the chunk's ids again; return whether another import has loaded some since."""
    keys = [(item.record.kind, item.record.id) for item in chunk]
    before = refs.saved(keys)
    with db.unit_of_work() as session:
        refs.load(session, keys)
    return refs.saved(keys) != before


def load_chunk(
    chunk: list[Parsed],
    org_id: int,
    refs: Refs,
    summary: Summary,
    actor: Actor,
    *,
    bulk: bool = False,
) -> None:
    """Load a chunk of one kind and count what it committed; a record that fails costs itself."""
    if _try_commit(chunk, org_id, refs, summary, actor, bulk) is None:
        return
    # An import running at the same time may have loaded some of these ids since this one read
    # them (the same file imported twice at once): they are then updates or unchanged, not new.
    if _refresh(chunk, refs) and _try_commit(chunk, org_id, refs, summary, actor, bulk) is None:
        return
    for item in chunk:  # one by one, so that one bad record costs only itself
        error = _try_commit([item], org_id, refs, summary, actor, bulk)
        if isinstance(error, SQLAlchemyError) and _refresh([item], refs):
            error = _try_commit([item], org_id, refs, summary, actor, bulk)  # loaded meanwhile
        if isinstance(error, KeyError):
            reason = f"refers to {error.args[0]}, which failed to load"
        elif error is not None:
            refused = str(getattr(error, "orig", error)).splitlines()[0][:300]
            reason = f"the database refused it: {refused}"
        else:
            continue
        summary.rejected.append(Rejection(item.file, item.line, reason, item.text))


def _try_commit(
    chunk: list[Parsed], org_id: int, refs: Refs, summary: Summary, actor: Actor, bulk: bool
) -> SQLAlchemyError | KeyError | None:
    """Commit and count a chunk; return the error that rolled it back, if one did."""
    try:
        _commit_chunk(chunk, org_id, refs, actor, bulk).count(summary, chunk[0].record.kind)
    except (SQLAlchemyError, KeyError) as exc:
        return exc
    return None


def run_import(
    path: Path,
    actor: Actor,
    *,
    organisation_id: int,
    on_progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> Summary:
    """Validate and load every record under `path` for an organisation; return what happened."""
    access.require(actor, "data.import")
    files = input_files(path)
    summary = Summary(files=[str(f) for f in files])
    parsed: dict[tuple[str, str], Parsed] = {}
    first_seen: dict[tuple[str, str], str] = {}
    for file, number, text in read_lines(files):
        item = parse_or_reject(summary, file, number, text)
        if item is None:
            continue
        record = item.record
        key = (record.kind, record.id)
        if key in parsed:
            summary.rejected.append(
                Rejection(
                    file,
                    number,
                    f"{record.kind} id {record.id!r} appears twice in this batch "
                    f"(first at {first_seen[key]})",
                    text,
                )
            )
            continue
        first_seen[key] = f"{Path(file).name} line {number}"
        parsed[key] = item
    refs = Refs()
    with db.unit_of_work() as session:
        wanted = set(parsed) | {r for item in parsed.values() for r in references(item.record)}
        refs.load(session, wanted)
    _check_references(parsed, refs, summary.rejected)
    for kind in KINDS:
        items = [item for key, item in parsed.items() if key[0] == kind]
        for start in range(0, len(items), chunk_size):
            load_chunk(items[start : start + chunk_size], organisation_id, refs, summary, actor)
            if on_progress:
                on_progress(kind, min(start + chunk_size, len(items)), len(items))
    finish(summary, actor, bulk=False)
    return summary


def finish(summary: Summary, actor: Actor, *, bulk: bool) -> None:
    """Sort the rejections and record the whole batch as one import event in the audit log."""
    summary.rejected.sort(key=lambda r: (r.file, r.line))
    with db.unit_of_work() as session:
        reviews = episodes.start_imported_clocks(session, actor)
        audit.record(
            session,
            actor,
            "import",
            "batch",
            None,
            after={
                "files": [Path(f).name for f in summary.files],
                "lines": summary.lines,
                "created": dict(summary.created),
                "updated": dict(summary.updated),
                "unchanged": dict(summary.unchanged),
                "rejected": len(summary.rejected),
                "reviews_scheduled": reviews,
                "bulk": bulk,
            },
        )


def write_report(summary: Summary, report: Path) -> None:
    """Write each rejected line with its file, line number and reason, one JSON object a line."""
    with report.open("w", encoding="utf-8") as handle:
        for r in summary.rejected:
            handle.write(
                json.dumps({"file": r.file, "line": r.line, "reason": r.reason, "record": r.text})
                + "\n"
            )


def organisation_for_import(session: Session, name: str | None) -> int:
    """Find the organisation imported records will belong to (the only force by default)."""
    from harbour.auth.models import Organisation, OrganisationKind

    if name:
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            raise NotFound(f"No organisation is called {name!r}")
        return org.id
    forces = list(
        session.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.force))
    )
    if len(forces) != 1:
        raise ImportFailed("Name the organisation the records belong to with --organisation")
    return forces[0].id
