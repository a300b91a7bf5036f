"""Email notifications: a short message that points back into Harbour, sent after the commit.

`queue` is called by `service.notify` inside the unit of work. It only records what to send in
`session.info`; nothing leaves Harbour until the session's transaction commits. A rolled-back
unit of work (or a rolled-back SAVEPOINT around a notification) sends nothing. The messages of one
commit go out on one SMTP connection, on one background thread, so a slow or unreachable mail
server never holds up the request; a failure is logged and the in-app notification stands.

An email says only what kind of notification is waiting and links to it: the names and
circumstances stay inside Harbour (docs/decisions/0010-email-notifications.md).
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import structlog
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction

from harbour.auth.models import User
from harbour.settings import Settings, get_settings
from harbour.tasks.models import Notification

log = structlog.get_logger("harbour.mail")

PENDING = "harbour.mail.pending"
SUBJECT = "Harbour: you have a new notification"
# What an email may say about a notification, from where its link points: the kind, never the text.
KINDS = (
    ("/episodes/", "about a missing episode"),
    ("/calls/", "about a call"),
    ("/tasks", "about a task"),
)


@dataclass(frozen=True)
class Outgoing:
    """One email waiting for its notification's transaction to commit."""

    notification: Notification
    to: str
    link: str | None


def enabled(settings: Settings | None = None) -> bool:
    return bool((settings or get_settings()).smtp_host)


def queue(session: Session, notifications: Iterable[Notification]) -> None:
    """Mark these notifications to be emailed to their users once the transaction commits."""
    if not enabled():
        return
    wanted = {n.user_id: n for n in notifications}
    if not wanted:
        return
    with session.no_autoflush:
        rows = session.execute(
            select(User.id, User.email).where(
                User.id.in_(wanted), User.email.is_not(None), User.is_active.is_(True)
            )
        )
        pending: list[Outgoing] = session.info.setdefault(PENDING, [])
        pending.extend(
            Outgoing(wanted[user_id], email, wanted[user_id].link)
            for user_id, email in rows
            if email
        )


def kind_of(link: str | None) -> str:
    return next((words for prefix, words in KINDS if (link or "").startswith(prefix)), "")


def absolute(link: str | None, settings: Settings) -> str:
    base = settings.public_url.rstrip("/")
    return f"{base}{link}" if link and link.startswith("/") else f"{base}/notifications"


def compose(to: str, link: str | None, settings: Settings) -> EmailMessage:
    """The whole email: the kind of notification and a link, nothing about the person."""
    kind = kind_of(link)
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="harbour")
    message.set_content(
        f"You have a new notification in Harbour{' ' + kind if kind else ''}:\n"
        f"{absolute(link, settings)}\n\n"
        "Sign in to Harbour to read it. This email says nothing more, on purpose: "
        "the details stay in Harbour.\n"
    )
    return message


# -- after the commit -------------------------------------------------------------------------


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the transaction may still roll back
    pending: list[Outgoing] = session.info.pop(PENDING, [])
    # A notification rolled back with a SAVEPOINT is no longer persistent: it was never made.
    sent = [o for o in pending if inspect(o.notification).persistent]
    if not sent:
        return
    settings = get_settings()
    if not enabled(settings):
        return
    messages = [compose(o.to, o.link, settings) for o in sent]
    _executor().submit(_send, messages, settings)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Whatever the commit did not take is dropped when the whole transaction ends (a rollback,
    # or a session closed without committing).
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def listen() -> None:
    """Send notification emails after each commit from now on in this process (at start-up)."""
    for name, listener in (
        ("after_commit", _after_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# -- the sending thread -----------------------------------------------------------------------

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    """One worker: messages go out in commit order, and the process waits for them at exit."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harbour-mail")
        return _pool


def wait(timeout: float | None = None) -> None:
    """Block until every email handed to the sending thread so far has been tried (tests)."""
    marker: Future[Any] = _executor().submit(lambda: None)
    marker.result(timeout=timeout)


def _send(messages: list[EmailMessage], settings: Settings) -> None:
    host = settings.smtp_host or ""
    failed = 0
    try:
        with smtplib.SMTP(host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                password = (
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                )
                smtp.login(settings.smtp_username, password)
            for message in messages:
                try:
                    smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused:
                    failed += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.error(
            "email_failed",
            host=host,
            port=settings.smtp_port,
            messages=len(messages),
            error=f"{type(exc).__name__}: {exc}",
        )
        return
    if failed:
        log.error("email_refused", host=host, messages=len(messages), refused=failed)
    log.info("email_sent", messages=len(messages) - failed)
