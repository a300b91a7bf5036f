"""harbour network: exploitation alerts with their evidence."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from harbour import db
from harbour.cli.common import _fail, console
from harbour.settings import get_settings

network_app = typer.Typer(help="The entity network: exploitation alerts with their evidence.")


@network_app.command("alerts")
def network_alerts(
    output: Annotated[str, typer.Option("--format", help="json (the only format so far)")] = "json",
    min_score: Annotated[
        float | None,
        typer.Option(help="List alerts at or above this score (default: setting)", min=0, max=1),
    ] = None,
    include_dismissed: Annotated[
        bool, typer.Option("--all", help="Include dismissed alerts (with their status)")
    ] = False,
) -> None:
    """Rebuild each organisation's network, keep its alerts, and print them all as JSON, highest
    score first.

    Open and assigned alerts are printed; dismissed ones too with --all. Each has its kind,
    subject, score, children, members, evidence and status.
    """
    import json

    from harbour.network import alerts
    from harbour.network import service as network

    if output != "json":
        raise _fail("--format must be json")
    floor = get_settings().network_alert_min_score if min_score is None else min_score
    with db.unit_of_work() as session:
        alerts.store(session, network.analyse(session), min_score=floor)
        listed = [
            a for a in alerts.listed(session, include_dismissed=include_dismissed)
            if a["score"] >= floor
        ]  # fmt: skip
    typer.echo(json.dumps(listed, ensure_ascii=False, indent=1))


@network_app.command("analyse")
def network_analyse(
    min_score: Annotated[
        float | None,
        typer.Option(help="Show alerts at or above this score (default: setting)", min=0, max=1),
    ] = None,
    top: Annotated[int, typer.Option(help="How many alerts to show", min=1)] = 20,
) -> None:
    """Rebuild each organisation's network from the database, keep its alerts and summarise them.

    Each organisation is analysed from its own records only: its alerts never count or name
    another organisation's children. New alerts, and dismissed ones that have new evidence, are
    opened and the exploitation team and the children's officers told; alerts no longer found
    are kept, marked inactive.
    """
    import time
    from collections import Counter

    from harbour.network import alerts
    from harbour.network import service as network

    started = time.perf_counter()
    with db.unit_of_work() as session:
        result = network.analyse(session)
        stored = alerts.store(session, result, min_score=min_score)
        listed = result.listed(min_score)
    seconds = time.perf_counter() - started
    kinds = Counter(alert["kind"] for alert in listed)
    console.print(
        f"{len(result.organisations)} organisations: "
        f"{result.entities:,} entities, {result.links:,} links, "
        f"{len(listed):,} alerts ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or '-'})"
        f" in {seconds:.1f} s; {stored.new} new, {stored.returned} back after dismissal, "
        f"{stored.inactive} no longer found, {stored.notified} notifications, "
        f"{stored.prompted} regrades prompted of children still missing"
    )
    table = Table(title="Highest-scoring network alerts")
    for column in ("score", "kind", "subject", "children", "why"):
        table.add_column(column, justify="right" if column in ("score", "children") else "left")
    for alert in listed[:top]:
        subject = alert["subject"]
        table.add_row(
            f"{alert['score']:.2f}", alert["kind"],
            f"{subject['type']} {subject['external_id']}", str(len(alert["children"])),
            alert["reason"],
        )  # fmt: skip
    console.print(table)
