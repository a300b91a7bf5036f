"""harbour reviews: supervision reviews of missing episodes."""

from __future__ import annotations

import typer

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.cli.common import console

reviews_app = typer.Typer(help="Supervision reviews of missing episodes.")


@reviews_app.command("escalate")
def reviews_escalate() -> None:
    """Run the supervision clocks (every minute): escalate overdue reviews and ungraded reports,
    and prompt regrades while someone is still missing.

    For example, from cron: * * * * * harbour reviews escalate. An overdue review or an
    ungraded report climbs the escalation ladder (HARBOUR_ESCALATION_AFTER_MINUTES), telling
    each rank once; a person still missing at each long-absence step
    (HARBOUR_LONG_ABSENCE_HOURS) gets a regrade prompt, and a child a strategy meeting. Several
    runs at the same time do not notify twice.
    """
    from harbour.episodes import service as episodes

    job = system_actor(Channel.job, name="escalation")
    with db.unit_of_work() as session:
        prompted = episodes.long_absences(session, job)
    with db.unit_of_work() as session:
        count = episodes.escalate_overdue(session, job)
    console.print(f"{count} overdue {'review' if count == 1 else 'reviews'} escalated.")
    console.print(f"{prompted} long-absence {'regrade' if prompted == 1 else 'regrades'} prompted.")
