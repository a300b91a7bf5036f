"""The `harbour` command: serve, migrate, manage users, verify the audit log, set up the demo.

Each command group is a module of this package with its own Typer app; this module gathers them
and wires what every command needs before it runs (the whole schema known to the mapper, the
session listeners registered).
"""

from __future__ import annotations

import typer

from harbour import startup
from harbour.cli import (
    audit,
    data,
    db,
    demo,
    identity,
    measures,
    network,
    orgs,
    reviews,
    risk,
    serve,
    teams,
    triage,
    users,
)

app = typer.Typer(
    help="Harbour: the case-working platform of a Central Vulnerability Hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _start() -> None:
    startup.start()


app.add_typer(db.db_app, name="db")
app.add_typer(risk.risk_app, name="risk")
app.add_typer(triage.triage_app, name="triage")
app.add_typer(identity.identity_app, name="identity")
app.add_typer(reviews.reviews_app, name="reviews")
app.add_typer(network.network_app, name="network")
app.add_typer(orgs.orgs_app, name="orgs")
app.add_typer(teams.teams_app, name="teams")
app.add_typer(users.users_app, name="users")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(demo.demo_app, name="demo")
app.command("import")(data.import_records)
app.command("simulate")(data.simulate_command)
app.command("serve")(serve.serve)
app.command("measures")(measures.measures_command)


def main() -> None:
    app()


__all__ = ["app", "main"]
