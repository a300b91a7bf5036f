"""harbour orgs: the force and its partner agencies."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from harbour import db
from harbour.auth import service as auth
from harbour.auth.models import OrganisationKind
from harbour.cli.common import _actor, console

orgs_app = typer.Typer(help="Organisations: the force and its partner agencies (audited).")


@orgs_app.command("create")
def orgs_create(
    name: str,
    kind: Annotated[OrganisationKind, typer.Option(help="What sort of organisation")] = (
        OrganisationKind.force
    ),
) -> None:
    """Create an organisation (does nothing if one of that name exists)."""
    with db.unit_of_work() as session:
        org = auth.ensure_organisation(session, _actor(), name.strip(), kind)
        console.print(f"Organisation [bold]{org.name}[/] ({org.kind.label}).")


@orgs_app.command("list")
def orgs_list() -> None:
    """List organisations and their teams."""
    with db.unit_of_work() as session:
        table = Table("organisation", "kind", "teams")
        teams_by_org: dict[int, list[str]] = {}
        for team in auth.teams(session):
            teams_by_org.setdefault(team.organisation_id, []).append(team.name)
        for org in auth.organisations(session):
            table.add_row(org.name, org.kind.label, ", ".join(teams_by_org.get(org.id, [])))
        console.print(table)
