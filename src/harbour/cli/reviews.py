"""harbour reviews: supervision reviews of missing episodes."""

from __future__ import annotations

import threading

import structlog
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
    count, prompted = run_clocks()
    console.print(
        f"{count} overdue {'review or referral' if count == 1 else 'reviews and referrals'} "
        "escalated."
    )
    console.print(f"{prompted} long-absence {'regrade' if prompted == 1 else 'regrades'} prompted.")


def run_clocks() -> tuple[int, int]:
    """One run of the supervision clocks, each step in its own unit of work: the long-absence
    prompts, then the escalations of reviews and of referrals not accepted in time. Return how
    many reviews and referrals escalated and how many prompts."""
    from harbour.episodes import service as episodes
    from harbour.partners import referrals
    from harbour.partners import service as partners

    job = system_actor(Channel.job, name="escalation")
    with db.unit_of_work() as session:
        prompted = episodes.long_absences(session, job)
    with db.unit_of_work() as session:
        count = episodes.escalate_overdue(session, job)
    with db.unit_of_work() as session:
        count += referrals.escalate_overdue(session, job)
    with db.unit_of_work() as session:
        partners.remind_reviews(session)
    return count, prompted


def clocks_every_minute(stop: threading.Event) -> None:
    """Run the clocks each minute until `stop` is set (`harbour serve --clocks`); a failed run
    is logged and the next one tries again."""
    log = structlog.get_logger("harbour.clocks")
    while not stop.wait(60):
        try:
            count, prompted = run_clocks()
        except Exception:  # a database that is down for a minute must not stop the clocks
            log.exception("clocks_failed")
            continue
        if count or prompted:
            log.info("clocks_ran", escalated=count, prompted=prompted)
