"""Changing your own password: the current one is checked like a sign-in password (a wrong one
counts towards the sign-in rate limit and lock), the new one against the same rules as every
password, and on success every other sign-in session ends and this browser gets a new one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth import credentials
from harbour.auth.models import LoginAttempt, User, UserSession
from harbour.auth.passwords import check_password, hash_password
from harbour.auth.service import check_password_rules
from harbour.errors import ValidationFailed

WRONG_CURRENT = "Your current password is not right. Enter the password you sign in with"


@dataclass(frozen=True)
class PasswordChange:
    """The outcome: this browser's new session token, or the messages to show on the form."""

    token: str | None
    errors: dict[str, str]
    status_code: int = 200


def _new_password_errors(user: User, current: str, new: str, confirm: str) -> dict[str, str]:
    if not new:
        return {"new_password": "Enter a new password"}
    try:
        check_password_rules(new, user.username)
    except ValidationFailed as exc:
        return {"new_password": exc.field_errors.get("password", exc.message)}
    if new == current:
        return {"new_password": "Enter a new password that is not the same as your current one"}
    if new != confirm:
        return {"confirm_password": "Enter the same new password in both boxes"}
    return {}


def change_password(
    session: Session,
    actor: Actor,
    user: User,
    *,
    current: str,
    new: str,
    confirm: str,
    ip: str,
    user_agent: str | None = None,
) -> PasswordChange:
    """Change a user's own password; end their other sessions and open a new one for this one."""
    access.require(actor, "password.change", user)
    now = clock.now()
    errors = _new_password_errors(user, current, new, confirm)
    if not current:
        missing = {"current_password": "Enter your current password"}
        return PasswordChange(None, missing | errors, 422)
    refusal = credentials.sign_in_refusal(session, user, ip, now)
    if refusal is not None:
        audit.record(
            session,
            actor,
            "password_change_failed",
            "user",
            user.id,
            after={"reason": "locked", "ip": ip},
        )
        return PasswordChange(None, {"current_password": refusal}, 429)
    if not check_password(user.password_hash, current):
        session.add(LoginAttempt(username=user.username, ip=ip, succeeded=False, at=now))
        credentials.count_wrong_password(
            session, actor, user, ip=ip, now=now, action="password_change_failed"
        )
        return PasswordChange(None, {"current_password": WRONG_CURRENT} | errors, 422)
    if errors:
        return PasswordChange(None, errors, 422)
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.failed_login_count = 0
    user.locked_until = None
    ended = 0
    for row in session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ):
        row.ended_at = now
        ended += str(row.id) != actor.session_id
    token = credentials.open_session(session, user, ip=ip, user_agent=user_agent, now=now)
    audit.record(
        session,
        actor,
        "change_password",
        "user",
        user.id,
        after={"other_sessions_ended": ended, "ip": ip},
    )
    return PasswordChange(token, {})
