"""Email notifications, against a real SMTP server (aiosmtpd) on a free local port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import structlog
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth import service as auth
from harbour.auth.models import User
from harbour.cli import app
from harbour.errors import ValidationFailed
from harbour.settings import reset_settings
from harbour.tasks import mail
from harbour.tasks import service as tasks
from harbour.tasks.models import Notification
from tests.factories import ADMIN, actor_of, csrf_from, make_team, make_user, sign_in

PUBLIC_URL = "https://harbour.force.example"
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received: one entry a message."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], Message]]:
        mail.wait(timeout=20)
        return self.messages


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set HARBOUR_* mail settings for one test, and forget them afterwards."""

    def set_(**values: object) -> None:
        for name, value in values.items():
            key = f"HARBOUR_{name.upper()}"
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, str(value))
        reset_settings()

    yield set_
    mail.wait(timeout=20)
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def inbox(smtp_server: tuple[Inbox, int], configure: Any) -> Inbox:
    server, port = smtp_server
    configure(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls="false",
        smtp_from="Harbour <harbour@force.example>",
        public_url=PUBLIC_URL + "/",
    )
    return server


def _user(session: Session, email: str | None, role: Role = Role.officer) -> User:
    user = make_user(session, role)
    if email:
        auth.set_email(session, ADMIN, user, email)
    return user


def test_a_committed_notification_sends_one_email_with_a_link_and_no_details(
    session: Session, inbox: Inbox
) -> None:
    user = _user(session, "pc.one@force.example")
    tasks.notify(session, [user.id, user.id], "Handed you SMITH, Amy (high risk)", "/episodes/7")
    assert inbox.received() == []  # nothing before the commit
    session.commit()
    received = inbox.received()
    assert len(received) == 1
    recipients, message = received[0]
    assert recipients == ["pc.one@force.example"]
    assert message["To"] == "pc.one@force.example"
    assert message["From"] == "Harbour <harbour@force.example>"
    assert message["Subject"] == mail.SUBJECT
    body = message.get_payload(decode=True).decode()
    assert f"{PUBLIC_URL}/episodes/7" in body
    assert "about a missing episode" in body
    assert "SMITH" not in body and "high risk" not in body  # the details stay in Harbour


def test_a_rolled_back_notification_sends_nothing(session: Session, inbox: Inbox) -> None:
    user = _user(session, "pc.two@force.example")
    session.commit()
    tasks.notify(session, [user.id], "A task", "/tasks")
    session.rollback()
    session.commit()  # a later commit does not send what was rolled back
    assert inbox.received() == []


def test_a_notification_in_a_rolled_back_savepoint_is_not_emailed(
    session: Session, inbox: Inbox
) -> None:
    kept, dropped = _user(session, "kept@force.example"), _user(session, "dropped@force.example")
    tasks.notify(session, [kept.id], "Kept", "/calls/3")
    savepoint = session.begin_nested()
    tasks.notify(session, [dropped.id], "Dropped", "/tasks")
    savepoint.rollback()
    session.commit()
    assert [to for to, _ in inbox.received()] == [["kept@force.example"]]
    assert "about a call" in inbox.received()[0][1].get_payload(decode=True).decode()


def test_a_released_savepoint_waits_for_the_transaction(session: Session, inbox: Inbox) -> None:
    user = _user(session, "pc.six@force.example")
    with session.begin_nested():
        tasks.notify(session, [user.id], "A task", "/tasks")
    assert inbox.received() == []
    session.rollback()
    assert inbox.received() == []


def test_a_user_without_an_email_or_a_disabled_one_gets_only_the_in_app_notification(
    session: Session, inbox: Inbox
) -> None:
    none = _user(session, None)
    disabled = _user(session, "gone@force.example")
    auth.set_active(session, ADMIN, disabled, active=False, reason="left the force")
    assert tasks.notify(session, [none.id, disabled.id], "A task", "/tasks") == 2
    session.commit()
    assert inbox.received() == []
    assert session.scalar(select(Notification).where(Notification.user_id == none.id))


def test_email_is_off_without_an_smtp_host(session: Session, inbox: Inbox, configure: Any) -> None:
    configure(smtp_host=None)
    user = _user(session, "pc.three@force.example")
    tasks.notify(session, [user.id], "A task", "/tasks")
    session.commit()
    assert inbox.received() == []


def test_an_unreachable_mail_server_does_not_break_a_handover(
    client: TestClient, session: Session, configure: Any
) -> None:
    configure(smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_starttls="false")
    team = make_team(session)
    officer = make_user(session, Role.hub_officer, team=team)
    colleague = make_user(session, Role.officer, team=team)
    auth.set_email(session, ADMIN, colleague, "pc.four@force.example")
    task = tasks.open_task(
        session,
        actor_of(officer),
        organisation_id=team.organisation_id,
        team_id=team.id,
        kind="enquiry",
        title="Collect CCTV",
        owner_id=officer.id,
    )
    session.commit()
    sign_in(client, officer.username)
    token = csrf_from(client.get("/tasks").text)
    with structlog.testing.capture_logs() as logs:
        response = client.post(
            f"/tasks/{task.id}/handover",
            data={"owner_id": str(colleague.id), "version": str(task.version), "csrf_token": token},
        )
        mail.wait(timeout=20)
    assert response.status_code == 303
    assert session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    failures = [e for e in logs if e["event"] == "email_failed"]
    assert len(failures) == 1 and failures[0]["log_level"] == "error"
    assert "pc.four" not in str(failures[0])  # no addresses in the log


# -- the administrator sets the address ------------------------------------------------------


def test_the_address_must_be_plausible() -> None:
    assert auth.check_email("  pc.one@force.example ") == "pc.one@force.example"
    assert auth.check_email("") is None
    bad_addresses = [
        "pc.one",
        "a@b",
        "a b@force.example",
        "a@force.example\nBcc: x@y.z",
        "a@@b.c",
        "a,b@force.example",
        "<a@force.example>",
    ]
    for bad in bad_addresses:
        with pytest.raises(ValidationFailed):
            auth.check_email(bad)


def test_an_administrator_sets_and_clears_an_email_address_audited(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, Role.administrator)
    user = make_user(session, Role.officer, team=make_team(session))
    session.commit()
    sign_in(client, admin.username)
    page = client.get(f"/admin/users/{user.id}/email")
    assert page.status_code == 200
    url = f"/admin/users/{user.id}/email"
    bad = client.post(url, data={"email": "not an address", "csrf_token": csrf_from(page.text)})
    assert bad.status_code == 422
    assert "Enter an email address" in bad.text
    good = client.post(
        url, data={"email": "pc.five@force.example", "csrf_token": csrf_from(page.text)}
    )
    assert good.status_code == 303
    session.expire_all()
    assert session.get(User, user.id).email == "pc.five@force.example"  # type: ignore[union-attr]
    assert "pc.five@force.example" in client.get("/admin/users").text
    client.post(url, data={"email": "", "csrf_token": csrf_from(page.text)})
    session.expire_all()
    assert session.get(User, user.id).email is None  # type: ignore[union-attr]
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "set_email", AuditEvent.subject_id == str(user.id)
        )
    ).all()
    assert [(e.before, e.after) for e in events] == [
        ({"email": None}, {"email": "pc.five@force.example"}),
        ({"email": "pc.five@force.example"}, {"email": None}),
    ]


def test_the_cli_creates_a_user_with_an_email_address(
    connection: Connection, session: Session
) -> None:
    assert runner.invoke(app, ["demo", "setup"]).exit_code == 0
    base = [
        "users",
        "create",
        "pc-mail",
        "--role",
        "officer",
        "--password",
        "a-long-enough-password",
    ]
    refused = runner.invoke(app, [*base, "--email", "pc-mail"])
    assert refused.exit_code == 1
    assert "Enter an email address" in refused.output
    created = runner.invoke(app, [*base, "--email", "pc.mail@force.example"])
    assert created.exit_code == 0, created.output
    user = session.scalars(select(User).where(User.username == "pc-mail")).one()
    assert user.email == "pc.mail@force.example"
