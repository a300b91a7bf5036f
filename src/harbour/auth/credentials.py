"""Credentials: sign-in with lockout and rate limiting, browser sessions, and API tokens.

Every sign-in outcome and every token change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor, Channel, anonymous_actor
from harbour.audit import service as audit
from harbour.auth.models import ApiToken, LoginAttempt, User, UserSession
from harbour.auth.passwords import check_password, hash_password, needs_rehash
from harbour.auth.service import actor_for
from harbour.errors import NotFound, ValidationFailed
from harbour.settings import get_settings

TOKEN_PREFIX = "hbr_"  # noqa: S105


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- sign-in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a session token, or a message and HTTP status."""

    token: str | None
    user: User | None
    message: str | None = None
    status_code: int = 200


def _source_lock(
    session: Session, username: str, ip: str, now: datetime, reset_at: datetime | None = None
) -> datetime | None:
    """Until when sign-in to this account from this source is locked, if it is.

    Every `login_max_failures` wrong guesses from one source since its last success (or the
    last password reset) lock it out for `lockout_minutes`, doubled at each further lock (at
    most 64 times): a back-off.
    """
    settings = get_settings()
    since = now - timedelta(days=1)
    reset_at = reset_at if reset_at is not None and reset_at <= now else None
    mine = (LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.at >= since)
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(*mine, LoginAttempt.succeeded.is_(True))
    )
    failures = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(
                *mine,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > max(t for t in (last_ok, reset_at, since) if t is not None),
            )
            .order_by(LoginAttempt.at, LoginAttempt.id)
        )
    )
    locks = len(failures) // settings.login_max_failures
    if locks == 0:
        return None
    started = failures[locks * settings.login_max_failures - 1]
    until = started + timedelta(minutes=settings.lockout_minutes * 2 ** min(locks - 1, 6))
    return until if until > now else None


def _rate_limited(session: Session, ip: str, now: datetime) -> bool:
    """Whether this address has had too many wrong passwords lately (for any accounts)."""
    settings = get_settings()
    since = now - timedelta(seconds=settings.login_rate_limit_window_seconds)
    failures = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.ip == ip,
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    return (failures or 0) >= settings.login_rate_limit_attempts


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str,
    user_agent: str | None = None,
    request_id: str | None = None,
) -> SignIn:
    """Check a username and password; open a session, or count the failure and maybe lock."""
    now = clock.now()
    username = username.strip().lower()[:64]
    if _rate_limited(session, ip, now):
        audit.record(
            session,
            anonymous_actor(username, request_id),
            "login_rate_limited",
            "user",
            None,
            after={"username": username, "ip": ip},
        )
        return SignIn(
            None,
            None,
            "There have been too many sign-in attempts from your network. Wait a few minutes "
            "and try again.",
            429,
        )
    # Lock the account's row: sign-ins to one account (two devices, or a burst of guesses) queue
    # instead of racing, so no failure goes uncounted and no sign-in fails on a stale version.
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    password_ok = check_password(user.password_hash if user else None, password)
    failure = "Enter a correct username and password"
    # Locks are by account and source together: wrong guesses from one network lock that
    # network out of that account, never the account's owner signing in from elsewhere.
    reset_at = user.password_changed_at if user is not None else None
    source_lock = _source_lock(session, username, ip, now, reset_at)
    if not (user is not None and password_ok and user.is_active and source_lock is None):
        session.add(LoginAttempt(username=username, ip=ip, succeeded=False, at=now))
    if user is None:
        audit.record(
            session,
            anonymous_actor(username, request_id),
            "login_failed",
            "user",
            None,
            after={"username": username, "ip": ip, "reason": "unknown username"},
        )
        return SignIn(None, None, failure, 401)
    actor = actor_for(user, request_id=request_id)
    if user.locked_until is not None and user.locked_until <= now:
        user.locked_until = None  # the lock has run its course: start counting afresh
        user.failed_login_count = 0
    if not user.is_active:
        audit.record(session, actor, "login_failed", "user", user.id, after={"reason": "disabled"})
        return SignIn(None, None, failure, 401)
    if source_lock is not None:
        audit.record(
            session,
            actor,
            "login_failed",
            "user",
            user.id,
            after={"reason": "locked", "ip": ip, "until": source_lock.isoformat()},
        )
        # Answered like a wrong password, so that a locked account does not reveal it exists.
        return SignIn(None, None, failure, 401)
    if not password_ok:
        count_wrong_password(session, actor, user, ip=ip, now=now, action="login_failed")
        return SignIn(None, None, failure, 401)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    token = open_session(session, user, ip=ip, user_agent=user_agent, now=now)
    session.add(LoginAttempt(username=username, ip=ip, succeeded=True, at=now))
    session.flush()
    audit.record(session, actor, "login", "user", user.id, after={"ip": ip})
    return SignIn(token, user)


def sign_in_refusal(session: Session, user: User, ip: str, now: datetime) -> str | None:
    """Why a password may not be tried for this account from this source now, if it may not:
    too many failures from the address (the rate limit), or the account locked from it."""
    settings = get_settings()
    if _rate_limited(session, ip, now):
        return (
            "There have been too many wrong passwords from your network. Wait a few minutes "
            "and try again."
        )
    locked = _source_lock(session, user.username, ip, now, user.password_changed_at)
    if locked is not None:
        return (
            "There have been too many wrong passwords for your account from your network. "
            f"Wait {settings.lockout_minutes} minutes or more and try again, or ask your "
            "administrator to reset your password."
        )
    return None


def count_wrong_password(
    session: Session, actor: Actor, user: User, *, ip: str, now: datetime, action: str
) -> None:
    """Count a wrong password for the account from this source (the caller adds the failed
    attempt), audit it as `action`, and lock the account from the source at the limit."""
    user.failed_login_count += 1
    audit.record(
        session,
        actor,
        action,
        "user",
        user.id,
        after={"reason": "wrong password", "failures": user.failed_login_count, "ip": ip},
    )
    session.flush()
    locked = _source_lock(session, user.username, ip, now, user.password_changed_at)
    if locked is not None:
        user.locked_until = locked  # shown to administrators: locked from some source
        audit.record(
            session,
            actor,
            "account_locked",
            "user",
            user.id,
            after={"locked_until": locked.isoformat(), "ip": ip},
        )
    session.flush()


def open_session(
    session: Session, user: User, *, ip: str, user_agent: str | None, now: datetime
) -> str:
    """Open a browser session for a user and return the token for its cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=get_settings().session_lifetime_hours),
            ip=ip,
            user_agent=(user_agent or "")[:300],
        )
    )
    session.flush()
    return token


def sign_out(session: Session, actor: Actor, token: str | None) -> None:
    """End the sign-in session that a cookie token names."""
    if not token:
        return
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = clock.now()
        audit.record(session, actor, "logout", "user", row.user_id)


def actor_from_session_token(
    session: Session, token: str, *, request_id: str | None = None
) -> Actor | None:
    """Return the actor of a live browser session, or None if it has ended or expired."""
    now = clock.now()
    # The session and its user in one statement: every page asks this first.
    found = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None or row.expires_at <= now:
        return None
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if row.last_seen_at + idle <= now:
        row.ended_at = now
        return None
    if not user.is_active:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return actor_for(user, request_id=request_id, session_id=str(row.id))


# -- API tokens -------------------------------------------------------------------------------


def create_token(
    session: Session, actor: Actor, user: User, *, name: str, days: int | None = 90
) -> tuple[ApiToken, str]:
    """Create a personal access token; the plain token is returned once and never stored."""
    access.require(actor, "token.manage", user)
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed(
            "Give the token a name of up to 100 characters",
            field_errors={"name": "Enter a name for the token, such as the script that uses it"},
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_digest(plain),
        prefix=plain[:10],
        expires_at=clock.now() + timedelta(days=days) if days else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "create", "api_token", row.id, after={"name": name, "user": user.id}
    )
    return row, plain


def list_tokens(session: Session, actor: Actor, user: User) -> list[ApiToken]:
    access.require(actor, "token.manage", user)
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, actor: Actor, user: User, token_id: int) -> None:
    """Revoke one of a user's tokens."""
    access.require(actor, "token.manage", user)
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("That token does not exist")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record(session, actor, "revoke", "api_token", row.id)


def actor_from_api_token(
    session: Session, token: str, *, request_id: str | None = None
) -> Actor | None:
    """Return the actor of a live API token, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = clock.now()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    return actor_for(user, channel=Channel.api, request_id=request_id)
