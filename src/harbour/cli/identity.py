"""harbour identity: find the records that describe one person (Splink)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.cli.common import _fail, console, err
from harbour.errors import HarbourError

identity_app = typer.Typer(help="Identity resolution: find the records that describe one person.")


@identity_app.command("dedupe")
def identity_dedupe(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row")],
    id_column: Annotated[str, typer.Option("--id", help="The column that identifies each row")],
    mapping: Annotated[
        str,
        typer.Option(
            "--map",
            help="FIELD=COLUMN,... with FIELD one of given_name, family_name, date_of_birth, "
            "sex, postcode, address, town, phone, email (COLUMN+COLUMN joins columns)",
        ),
    ],
    out: Annotated[Path, typer.Option(help="Where to write id,cluster_id (one row a record)")],
    link: Annotated[
        Path | None, typer.Option(help="A second file to link with FILE (same --id and --map)")
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(help="iso, yyyymmdd, dd/mm/yyyy or a strftime pattern (default: detected)"),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Match probability that joins two records (0-1)")
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option(help="Also save the trained model as JSON here")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Use this saved model instead of training on the file")
    ] = None,
) -> None:
    """Group the records of a CSV file (or two linked files) that describe the same person.

    Harbour's model is trained on the file itself, without labels. Exit status: 0 done,
    1 could not run (the message says why).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from harbour.linkage import files
    from harbour.linkage import service as identity

    try:
        fields = files.parse_mapping(mapping)
        trained = identity.load_model(model) if model else None
        with Progress(
            TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(),
            console=err, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("read", total=len(identity.STEPS))

            def advance(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=total)

            result = identity.dedupe(
                file, id_column=id_column, mapping=fields, out=out, link=link,
                date_format=date_format, threshold=threshold, trained=trained,
                on_progress=advance,
            )  # fmt: skip
        if save_model:
            identity.save_model(result.model, save_model)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    summary = result.summary
    table = Table(title=f"Resolved {summary.records:,} records in {summary.seconds:.1f} s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in (
        ("people (clusters)", f"{summary.clusters:,}"),
        ("records sharing a cluster", f"{summary.records_in_clusters:,}"),
        ("largest cluster", f"{summary.largest_cluster:,}"),
        ("pairs joined", f"{summary.pairs_linked:,}"),
        ("pairs held apart (given name and birth differ)", f"{summary.pairs_held_apart:,}"),
        ("threshold (match probability)", f"{summary.threshold:g}"),
        ("fields compared", ", ".join(f.value for f in summary.fields)),
        ("date format", summary.date_format or "-"),
    ):
        table.add_row(label, value)
    console.print(table)
    if summary.unreadable_dates:
        err.print(
            f"[bold yellow]{summary.unreadable_dates:,} date(s) of birth could not be read[/] "
            "and were treated as missing."
        )
    saved = f"; model saved to {save_model}" if save_model else ""
    console.print(f"Clusters written to {out}{saved}")


@identity_app.command("resolve")
def identity_resolve(
    review_threshold: Annotated[
        float | None,
        typer.Option(help="Queue pairs at or above this match probability (default: setting)"),
    ] = None,
    auto_merge_above: Annotated[
        float | None,
        typer.Option(
            help="Merge pairs at or above this probability without review (default: setting; "
            "off unless set)"
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="Score with this saved model instead of training on the person table"),
    ] = None,
) -> None:
    """Score every person record against the others and queue possible duplicates for review.

    Trains Harbour's model on the person table (unless --model is given) and saves it where
    intake look-ups read it (HARBOUR_IDENTITY_MODEL_PATH). A pair already decided is never
    queued again. Exit status: 0 done, 1 could not run.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from harbour.identity import batch
    from harbour.linkage import service as identity

    actor = system_actor(Channel.cli, name="identity-resolve")
    try:
        trained = identity.load_model(model) if model else None
        with db.unit_of_work() as session, Progress(
            TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(),
            console=err, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("read", total=9)

            def advance(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=total)

            summary = batch.resolve_people(
                session, actor, review_threshold=review_threshold,
                auto_merge_threshold=auto_merge_above, trained=trained, on_progress=advance,
            )  # fmt: skip
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    seconds = sum(summary.seconds.values())
    table = Table(title=f"Resolved {summary.persons:,} person records in {seconds:.1f} s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in (
        ("pairs at or above the review threshold", f"{summary.pairs_scored:,}"),
        ("newly queued for review", f"{summary.queued_new:,}"),
        ("already queued (score refreshed)", f"{summary.queued_refreshed:,}"),
        ("already decided (left alone)", f"{summary.already_decided:,}"),
        ("held apart (given name and birth differ)", f"{summary.held_apart:,}"),
        ("merged automatically", f"{summary.merged_automatically:,}"),
        ("above the auto-merge threshold but a field differs", f"{summary.left_for_review:,}"),
        ("review threshold", f"{summary.review_threshold:g}"),
        (
            "auto-merge threshold",
            "off" if summary.auto_merge_threshold is None else f"{summary.auto_merge_threshold:g}",
        ),
    ):
        table.add_row(label, value)
    console.print(table)
    if summary.model_path:
        console.print(f"Model saved to {summary.model_path}; review the queue at /identity/review")


@identity_app.command("chart")
def identity_chart(
    model: Annotated[Path, typer.Argument(help="A model saved by dedupe --save-model")],
    out: Annotated[Path, typer.Option(help="CHART.html (a web page) or CHART.json (Vega-Lite)")],
) -> None:
    """Write a saved model's match-weight chart for an analyst to read."""
    from harbour.linkage import service as identity

    try:
        identity.chart(identity.load_model(model), out)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    console.print(f"Match-weight chart written to {out}")
