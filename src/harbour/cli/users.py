"""harbour users: create, list, disable, enable, reset a password, issue a token (all audited)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from harbour import db
from harbour.actor import Channel, Role
from harbour.auth import credentials
from harbour.auth import service as auth
from harbour.cli.common import _actor, _fail, console
from harbour.errors import HarbourError

users_app = typer.Typer(help="Manage user accounts (changes are audited).")


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option(help="The user's role")],
    organisation: Annotated[
        str | None, typer.Option(help="Organisation name (default: the only force)")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Team name within the organisation")] = None,
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (asked for, hidden, when not given)")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Email address for notifications (none: no email)")
    ] = None,
) -> None:
    """Create a user account."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with db.unit_of_work() as session:
            actor = _actor()
            orgs = auth.organisations(session)
            if organisation is None:
                forces = [o for o in orgs if o.kind.value == "force"]
                if len(forces) != 1:
                    raise _fail("Name the organisation with --organisation")
                org = forces[0]
            else:
                org = auth.find_organisation(session, organisation)
            team_row = auth.find_team(session, org, team) if team else None
            user = auth.create_user(
                session,
                actor,
                username=username,
                role=role,
                organisation=org,
                team=team_row,
                password=password,
                display_name=name,
                email=email,
            )
            console.print(f"Created [bold]{user.username}[/] ({role.label}, {org.name}).")
    except HarbourError as exc:
        raise _fail(exc.message) from exc


@users_app.command("list")
def users_list() -> None:
    """List user accounts."""
    with db.unit_of_work() as session:
        rows = auth.list_users(session, _actor())
        orgs = {o.id: o.name for o in auth.organisations(session)}
        teams = {t.id: t.name for t in auth.teams(session)}
        table = Table("username", "name", "role", "organisation", "team", "status")
        for user in rows:
            status = "active" if user.is_active else "disabled"
            if user.locked_until is not None and user.is_active:
                status = "locked until " + user.locked_until.isoformat(timespec="minutes")
            table.add_row(
                user.username,
                user.display_name,
                user.role.value,
                orgs.get(user.organisation_id, ""),
                teams.get(user.team_id, "") if user.team_id else "",
                status,
            )
        console.print(table)


def _change(username: str, *, active: bool, reason: str) -> None:
    try:
        with db.unit_of_work() as session:
            actor = _actor()
            user = auth.get_user_by_username(session, actor, username)
            auth.set_active(session, actor, user, active=active, reason=reason)
    except HarbourError as exc:
        raise _fail(exc.message) from exc


@users_app.command("disable")
def users_disable(
    username: str,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log)")] = "disabled by CLI",
) -> None:
    """Disable an account and end its sessions."""
    _change(username, active=False, reason=reason)
    console.print(f"Disabled [bold]{username}[/].")


@users_app.command("enable")
def users_enable(
    username: str,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log)")] = "enabled by CLI",
) -> None:
    """Re-enable an account and clear any lockout."""
    _change(username, active=True, reason=reason)
    console.print(f"Enabled [bold]{username}[/].")


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password: Annotated[
        str | None, typer.Option(help="New password (asked for if missing)")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log)")] = "reset by CLI",
) -> None:
    """Set a new password, unlock the account and end its sessions."""
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with db.unit_of_work() as session:
            actor = _actor()
            user = auth.get_user_by_username(session, actor, username)
            auth.reset_password(session, actor, user, password, reason=reason)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    console.print(f"Password reset for [bold]{username}[/].")


@users_app.command("token")
def users_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for")] = "api client",
    days: Annotated[int, typer.Option(help="Days until it expires (0: never)")] = 90,
) -> None:
    """Create a personal access token for a user and print it once."""
    try:
        with db.unit_of_work() as session:
            user = auth.get_user_by_username(session, _actor(), username)
            owner = auth.actor_for(user, channel=Channel.cli)
            _, plain = credentials.create_token(session, owner, user, name=name, days=days or None)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    console.print(plain, soft_wrap=True)
