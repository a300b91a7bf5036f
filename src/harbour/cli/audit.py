"""harbour audit: verify the chain of the append-only audit log, or reseal it after a restore."""

from __future__ import annotations

from typing import Annotated

import typer

from harbour import db
from harbour.audit import service as audit
from harbour.cli.common import _actor, console, err
from harbour.errors import HarbourError

audit_app = typer.Typer(help="Check the append-only audit log.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; name the first altered, removed or inserted event; exit 1 if any."""
    with db.unit_of_work() as session:
        verdict = audit.verify(session)
    try:
        with db.unit_of_work() as session:
            audit.record(
                session,
                _actor(),
                "verify",
                "audit_log",
                None,
                after={"ok": verdict.ok, "checked": verdict.checked},
            )
    except HarbourError as exc:
        err.print(f"[yellow]This check could not be recorded:[/] {exc.message}")
    if verdict.ok:
        console.print(f"[green]Audit log intact:[/] {verdict.checked} events checked.")
        return
    err.print(
        f"[bold red]Audit log broken at event {verdict.first_bad_seq}:[/] {verdict.problem} "
        f"({verdict.checked} events checked before it)."
    )
    raise typer.Exit(code=1)


@audit_app.command("reseal")
def audit_reseal(
    reason: Annotated[str, typer.Option(help="Why (for example: secret key rotated)")],
) -> None:
    """Re-sign the chain's head with the current secret key, after checking every event.

    Use it after rotating HARBOUR_SECRET_KEY. It refuses if any event is altered or missing.
    """
    with db.unit_of_work() as session:
        verdict = audit.reseal(session, _actor(), reason)
    if not verdict.ok:
        err.print(f"[bold red]Not resealed:[/] event {verdict.first_bad_seq}: {verdict.problem}")
        raise typer.Exit(code=1)
    console.print(f"[green]Resealed[/] after checking {verdict.checked} events.")
