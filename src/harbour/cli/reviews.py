"""harbour reviews: supervision reviews of missing episodes."""

from __future__ import annotations

import typer

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.cli.common import console

reviews_app = typer.Typer(help="Supervision reviews of missing episodes.")


@reviews_app.command("escalate")
def reviews_escalate() -> None:
    """Tell the next rank up about reviews that have become overdue (run every minute).

    For example, from cron: * * * * * harbour reviews escalate. Each overdue review is escalated
    once; several runs at the same time do not notify twice.
    """
    from harbour.episodes import service as episodes

    with db.unit_of_work() as session:
        count = episodes.escalate_overdue(session, system_actor(Channel.job, name="escalation"))
    console.print(f"{count} overdue {'review' if count == 1 else 'reviews'} escalated.")
