"""Accounts and credentials: users, sign-in with lockout and rate limiting, sessions, tokens.

Every change and every sign-in outcome is written to the audit log in the same transaction.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor, Channel, Role
from harbour.audit import service as audit
from harbour.auth.models import (
    ApiToken,
    Organisation,
    OrganisationKind,
    Team,
    User,
    UserSession,
)
from harbour.auth.passwords import hash_password
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.settings import get_settings

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# A plausible address: a name, one @, a domain with a dot; no spaces, line breaks or the
# characters that would make an email header name several addresses.
_EMAIL_PART = r"[^@\s.,;<>()\[\]\"\\]"
EMAIL_RE = re.compile(rf"^(?:{_EMAIL_PART}|\.){{1,64}}@{_EMAIL_PART}+(?:\.{_EMAIL_PART}+)+$")


def actor_for(
    user: User,
    *,
    channel: Channel = Channel.web,
    request_id: str | None = None,
    session_id: str | None = None,
) -> Actor:
    """Return the actor that a user acts as."""
    return Actor(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organisation_id,
        team_id=user.team_id,
        channel=channel,
        request_id=request_id,
        session_id=session_id,
    )


# -- organisations and teams ------------------------------------------------------------------


def ensure_organisation(
    session: Session, actor: Actor, name: str, kind: OrganisationKind
) -> Organisation:
    """Return the organisation of this name, creating it if it does not exist."""
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        access.require(actor, "user.manage")
        org = Organisation(name=name, kind=kind)
        session.add(org)
        session.flush()
        audit.record(session, actor, "create", "organisation", org.id, after={"name": name})
    return org


def ensure_team(session: Session, actor: Actor, organisation: Organisation, name: str) -> Team:
    """Return the team of this name in an organisation, creating it if it does not exist."""
    team = session.scalar(
        select(Team).where(Team.organisation_id == organisation.id, Team.name == name)
    )
    if team is None:
        access.require(actor, "user.manage")
        team = Team(organisation_id=organisation.id, name=name)
        session.add(team)
        session.flush()
        audit.record(session, actor, "create", "team", team.id, after={"name": name})
    return team


def find_organisation(session: Session, name: str) -> Organisation:
    org = session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if org is None:
        known = ", ".join(session.scalars(select(Organisation.name).order_by(Organisation.name)))
        raise NotFound(
            f"No organisation is called {name!r}. Known organisations: {known or 'none'}"
        )
    return org


def find_team(session: Session, organisation: Organisation, name: str) -> Team:
    team = session.scalar(
        select(Team).where(
            Team.organisation_id == organisation.id, func.lower(Team.name) == name.lower()
        )
    )
    if team is None:
        known = ", ".join(
            session.scalars(select(Team.name).where(Team.organisation_id == organisation.id))
        )
        raise NotFound(f"{organisation.name} has no team called {name!r}. Its teams: {known}")
    return team


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.organisation_id, Team.name)))


# -- users ------------------------------------------------------------------------------------


# zxcvbn's scores run 0 (guessed at once) to 4; below this a password is refused. Its word
# lists hold the commonest and most breached passwords, names and words, so "password1234"
# (score 1, "a very common password") is refused however long (NIST SP 800-63B 5.1.1.2).
PASSWORD_MIN_SCORE = 3


def check_password_rules(password: str, username: str) -> None:
    """Refuse a password that is too short, is the username, or is common or easily guessed."""
    minimum = get_settings().password_min_length
    if len(password) < minimum:
        raise ValidationFailed(
            f"The password must be at least {minimum} characters long",
            field_errors={"password": f"Enter a password of at least {minimum} characters"},
        )
    if password.lower() == username.lower():
        raise ValidationFailed(
            "The password must not be the username",
            field_errors={"password": "Enter a password that is not your username"},
        )
    strength = zxcvbn(password[:100], user_inputs=[username])
    if strength["score"] < PASSWORD_MIN_SCORE:
        warning = strength["feedback"].get("warning") or "It would be guessed quickly."
        raise ValidationFailed(
            "The password is too easy to guess",
            field_errors={
                "password": f"Enter a password that is harder to guess. {warning} Try three or "
                "four unrelated words"
            },
        )


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    role: Role,
    organisation: Organisation,
    password: str,
    team: Team | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Create a user account."""
    access.require(actor, "user.manage")
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationFailed(
            "A username is 2 to 64 lower-case letters, digits, dots, dashes or underscores",
            field_errors={"username": "Enter a username of letters, digits, '.', '-' or '_'"},
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"The username {username!r} is already taken")
    if team is not None and team.organisation_id != organisation.id:
        raise ValidationFailed(f"The team {team.name!r} is not part of {organisation.name}")
    check_password_rules(password, username)
    address = check_email(email)
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        email=address,
        role=role,
        organisation_id=organisation.id,
        team_id=team.id if team else None,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "user", user.id, after=_user_facts(user))
    return user


def _user_facts(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role.value,
        "organisation_id": user.organisation_id,
        "team_id": user.team_id,
        "is_active": user.is_active,
    }


def get_user(session: Session, actor: Actor, user_id: int, action: str = "user.view") -> User:
    """Load a user for an action (404 out of scope, 403 if only visible)."""
    return access.fetch(session, actor, User, user_id, action)


def get_user_by_username(session: Session, actor: Actor, username: str) -> User:
    """Load a user the actor may see, by username."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"No user is called {username!r}")
    access.require(actor, "user.view", user)
    return user


def check_can_manage(actor: Actor) -> None:
    """Refuse an actor who may not manage accounts."""
    access.require(actor, "user.manage")


def list_users(session: Session, actor: Actor) -> list[User]:
    """Return the users the actor may see."""
    return list(session.scalars(access.scoped(actor, User).order_by(User.username)))


def set_active(session: Session, actor: Actor, user: User, *, active: bool, reason: str) -> User:
    """Disable or re-enable an account; disabling ends its sessions and revokes its tokens."""
    access.require(actor, "user.manage", user)
    if not active and actor.id == user.id:
        raise ValidationFailed("You cannot disable your own account: ask another administrator")
    before = _user_facts(user)
    user.is_active = active
    if not active:
        _end_sessions_and_tokens(session, user)
    else:
        user.failed_login_count = 0
        user.locked_until = None
    session.flush()
    audit.record(
        session,
        actor,
        "enable" if active else "disable",
        "user",
        user.id,
        before=before,
        after=_user_facts(user),
        justification=reason,
    )
    return user


def check_email(email: str | None) -> str | None:
    """Return a plausible email address, tidied, or None for none; refuse anything else."""
    address = (email or "").strip()
    if not address:
        return None
    if len(address) > 254 or not EMAIL_RE.match(address):
        raise ValidationFailed(
            "Enter an email address like name@force.example",
            field_errors={
                "email": "Enter an email address like name@force.example, or leave it empty"
            },
        )
    return address


def set_email(session: Session, actor: Actor, user: User, email: str | None) -> User:
    """Set or clear the address Harbour emails the user's notifications to (audited)."""
    access.require(actor, "user.manage", user)
    address = check_email(email)
    if address == user.email:
        return user
    before = user.email
    user.email = address
    session.flush()
    audit.record(
        session,
        actor,
        "set_email",
        "user",
        user.id,
        before={"email": before},
        after={"email": address},
    )
    return user


def _end_sessions_and_tokens(session: Session, user: User) -> None:
    now = clock.now()
    for row in session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ):
        row.ended_at = now
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now


def reset_password(
    session: Session, actor: Actor, user: User, password: str, *, reason: str
) -> User:
    """Set a new password, unlock the account, end its sessions and revoke its tokens."""
    access.require(actor, "user.manage", user)
    check_password_rules(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.failed_login_count = 0
    user.locked_until = None
    _end_sessions_and_tokens(session, user)
    session.flush()
    audit.record(session, actor, "reset_password", "user", user.id, justification=reason)
    return user


def load_user(session: Session, actor: Actor) -> User:
    """Return the acting user's own account."""
    user = session.get(User, actor.id) if actor.id is not None else None
    if user is None:
        raise NotFound("Your account could not be found")
    return user
