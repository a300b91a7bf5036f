"""The `harbour` command: users, migrations and the demo."""

from __future__ import annotations

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.access.agreements import Agreement
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth import credentials
from harbour.auth.models import User
from harbour.cli import app
from harbour.demo import AGREEMENTS, DEMO_PASSWORD, USERS

runner = CliRunner()


def test_users_create_list_disable_and_reset(connection: Connection, session: Session) -> None:
    assert runner.invoke(app, ["demo", "setup"]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "pc-new",
            "--role",
            "officer",
            "--team",
            "Response Team",
            "--password",
            "a-long-enough-password",
            "--name",
            "PC New",
        ],
    )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.username == "pc-new")).one()
    assert user.role.value == "officer"
    listed = runner.invoke(app, ["users", "list"])
    assert "pc-new" in listed.output
    assert runner.invoke(app, ["users", "disable", "pc-new", "--reason", "left"]).exit_code == 0
    session.expire_all()
    assert session.get(User, user.id).is_active is False  # type: ignore[union-attr]
    reset = runner.invoke(
        app, ["users", "reset-password", "pc-new", "--password", "another-long-password"]
    )
    assert reset.exit_code == 0
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_id == str(user.id), AuditEvent.channel == "cli"
        )
    ).all()
    assert {"create", "disable", "reset_password"} <= set(actions)


def test_users_create_explains_bad_input(connection: Connection) -> None:
    runner.invoke(app, ["demo", "setup"])
    short = runner.invoke(
        app, ["users", "create", "pc-short", "--role", "officer", "--password", "x"]
    )
    assert short.exit_code == 1
    assert "at least" in short.output
    no_team = runner.invoke(
        app,
        [
            "users",
            "create",
            "pc-lost",
            "--role",
            "officer",
            "--team",
            "Nowhere",
            "--password",
            "a-long-enough-password",
        ],
    )
    assert no_team.exit_code == 1
    assert "no team called" in no_team.output
    bad_role = runner.invoke(app, ["users", "create", "pc-x", "--role", "wizard"])
    assert bad_role.exit_code != 0


def test_demo_setup_makes_a_user_per_role_and_can_run_twice(
    connection: Connection, session: Session
) -> None:
    first = runner.invoke(app, ["demo", "setup"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(app, ["demo", "setup"]).exit_code == 0
    roles = set(session.scalars(select(User.role)))
    assert roles == set(Role)
    # One user per role, and a practitioner for each of the three partners with an agreement.
    assert len(USERS) == len(Role) + 2
    assert session.scalar(select(func.count()).select_from(Agreement)) == len(AGREEMENTS) == 3
    signed = credentials.sign_in(
        session, username="officer", password=DEMO_PASSWORD, ip="127.0.0.1"
    )
    assert signed.token


def test_users_token_prints_a_working_token(connection: Connection, session: Session) -> None:
    runner.invoke(app, ["demo", "setup"])
    result = runner.invoke(app, ["users", "token", "analyst", "--name", "notebook"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert credentials.actor_from_api_token(session, token) is not None


def test_a_production_install_can_be_set_up_from_nothing(
    connection: Connection, session: Session
) -> None:
    assert (
        runner.invoke(app, ["orgs", "create", "Northshire Police", "--kind", "force"]).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app,
            ["orgs", "create", "Northshire Children's Services", "--kind", "childrens_services"],
        ).exit_code
        == 0
    )
    made = runner.invoke(app, ["teams", "create", "Hub", "--organisation", "Northshire Police"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "admin1",
            "--role",
            "administrator",
            "--organisation",
            "Northshire Police",
            "--team",
            "Hub",
            "--password",
            "a-long-enough-password",
        ],
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["orgs", "list"])
    assert "Northshire Police" in listed.output
    assert "Hub" in listed.output
    missing = runner.invoke(app, ["teams", "create", "X", "--organisation", "Nowhere"])
    assert missing.exit_code == 1


def test_reviews_escalate_reports_how_many(connection: Connection, session: Session) -> None:
    result = runner.invoke(app, ["reviews", "escalate"])
    assert result.exit_code == 0, result.output
    assert "overdue reviews and referrals escalated" in result.output
    assert "long-absence regrades prompted" in result.output


def test_the_server_runs_the_clocks_each_minute(connection: Connection, session: Session) -> None:
    """`harbour serve` runs the clocks in a thread (--clocks): one turn of its loop prompts the
    regrade of a person missing for a day, as cron's `harbour reviews escalate` would."""
    import threading
    from datetime import timedelta

    from harbour import clock
    from harbour.actor import Role
    from harbour.cli.reviews import clocks_every_minute
    from harbour.episodes import service as episodes
    from tests.factories import make_episode, make_user

    class OneTurn(threading.Event):
        turns = 0

        def wait(self, timeout: float | None = None) -> bool:
            self.turns += 1
            return self.turns > 1  # go round once, then stop

    hub = make_user(session, Role.hub_officer)
    with clock.frozen(clock.now() - timedelta(hours=25)):
        episode = make_episode(session, hub)
    session.commit()
    clocks_every_minute(OneTurn())
    session.expire_all()
    kinds = [r.kind for r in episodes.open_reviews(session, episode)]
    assert "absence_24" in kinds
