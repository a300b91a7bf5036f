"""harbour import and harbour simulate: load records, or generate a synthetic force area."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harbour import clock, db
from harbour.cli.common import _actor, _fail, console, err
from harbour.errors import HarbourError
from harbour.settings import PROJECT_ROOT


def import_records(
    path: Annotated[Path, typer.Argument(help="A .jsonl file, or a folder of them")],
    report: Annotated[
        Path | None,
        typer.Option(help="Where to write rejected lines (default: PATH.rejected.jsonl)"),
    ] = None,
    organisation: Annotated[
        str | None, typer.Option(help="Organisation that owns the records (default: the force)")
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            help="PostgreSQL COPY path for national volumes: files are read in name order and "
            "a record may refer only to records on earlier lines or earlier imports"
        ),
    ] = False,
) -> None:
    """Load records in Harbour's import format (docs/import-format.md).

    Every line is checked; valid lines are loaded and rejected ones are written to the report
    with their line number and the reason. Exit status: 0 all loaded, 3 some lines rejected,
    1 the import could not run.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from harbour.interop import service as interop
    from harbour.interop.schemas import KINDS

    try:
        with db.unit_of_work() as session:
            org_id = interop.organisation_for_import(session, organisation)
        with Progress(
            TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(), console=err
        ) as progress:
            tasks: dict[str, TaskID] = {}

            def advance(kind: str, done: int, total: int) -> None:
                if kind not in tasks:
                    tasks[kind] = progress.add_task(kind, total=total)
                progress.update(tasks[kind], completed=done)

            if bulk:
                summary = interop.run_bulk_import(path, _actor(), organisation_id=org_id)
                _refresh_measures(advance)
            else:
                summary = interop.run_import(
                    path, _actor(), organisation_id=org_id, on_progress=advance
                )
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    table = Table(title=f"Imported {summary.lines} lines from {len(summary.files)} file(s)")
    for column in ("kind", "created", "updated", "unchanged"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for kind in KINDS:
        counts = (summary.created[kind], summary.updated[kind], summary.unchanged[kind])
        if any(counts):
            table.add_row(kind, *(f"{n:,}" for n in counts))
    console.print(table)
    if summary.rejected:
        target = report or path.with_name(path.name + ".rejected.jsonl")
        interop.write_report(summary, target)
        err.print(
            f"[bold yellow]{len(summary.rejected):,} line(s) rejected[/]; each is in "
            f"{escape(str(target))} with its line number and the reason."
        )
        for rejection in summary.rejected[:5]:  # a reason quotes input, which may look like markup
            err.print(
                f"  {Path(rejection.file).name}:{rejection.line}: {rejection.reason}",
                markup=False,
                emoji=False,
            )
        raise typer.Exit(code=3)
    console.print("[green]Every line loaded.[/]")


def _refresh_measures(advance: Callable[[str, int, int], None]) -> None:
    """After a bulk import (COPY, which no session listener sees): the measures' facts."""
    from harbour.measures import store

    with db.unit_of_work() as session:
        store.refresh_all(session, lambda done, total: advance("measures", done, total))


def simulate_command(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files")] = 1,
    scale: Annotated[
        str, typer.Option(help="demo (3 areas), borough, london (32 boroughs) or national")
    ] = "demo",
    years: Annotated[float, typer.Option(help="Years of history", min=0.1, max=20)] = 1.0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last day of the data, YYYY-MM-DD (default today)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the files (default var/simulate/SCALE-SEED)")
    ] = None,
    load: Annotated[bool, typer.Option(help="Import the files into the database")] = False,
    if_empty: Annotated[
        bool, typer.Option(help="With --load: do nothing if the database holds episodes already")
    ] = False,
) -> None:
    """Generate a synthetic force area as import files plus truth.json (and --load it)."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from harbour import timefmt
    from harbour.simulate.scales import SCALES
    from harbour.simulate.service import simulate

    if scale not in SCALES:
        raise _fail(f"Unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    try:
        day = date.fromisoformat(as_of) if as_of else timefmt.local(clock.now()).date()
    except ValueError as exc:
        raise _fail(f"--as-of {as_of!r} is not a date such as 2026-11-27") from exc
    if day > timefmt.local(clock.now()).date():
        raise _fail("--as-of cannot be after today: every record Harbour imports is in the past")
    if load and if_empty and _has_episodes():
        console.print("The database already holds episodes: nothing simulated.")
        return
    folder = out or PROJECT_ROOT / "var" / "simulate" / f"{scale}-{seed}"
    with Progress(
        TextColumn("areas"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("areas", total=SCALES[scale].areas)
        result = simulate(
            seed=seed,
            scale=scale,
            years=years,
            as_of=day,
            out=folder,
            on_area=lambda done, _total: progress.update(task, completed=done),
        )
    table = Table(title=f"Simulated {scale} scale, seed {seed}, to {day.isoformat()}")
    table.add_column("kind")
    table.add_column("records", justify="right")
    for kind, count in result.counts.items():
        table.add_row(kind, f"{count:,}")
    console.print(table)
    console.print(f"Files in {folder}; ground truth in {result.truth}")
    if load:
        import_records(folder, report=None, organisation=None, bulk=False)


def _has_episodes() -> bool:
    from sqlalchemy import select

    from harbour.episodes.models import Episode

    with db.unit_of_work() as session:
        return session.scalar(select(Episode.id).limit(1)) is not None
