"""Sign-in, lockout, rate limiting, sessions and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Channel, Role
from harbour.audit.models import AuditEvent
from harbour.auth import credentials
from harbour.auth import service as auth
from harbour.auth.models import User
from harbour.errors import Conflict, ValidationFailed
from harbour.settings import get_settings
from tests.factories import ADMIN, PASSWORD, actor_of, make_team, make_user

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _attempt(
    session: Session, username: str, password: str, ip: str = "10.0.0.1"
) -> credentials.SignIn:
    return credentials.sign_in(session, username=username, password=password, ip=ip)


def _actions(session: Session, subject_id: int | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.seq)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == str(subject_id))
    return list(session.scalars(query))


def test_passwords_are_stored_as_argon2id_hashes(session: Session) -> None:
    user = make_user(session)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_correct_password_opens_a_session_and_is_audited(session: Session) -> None:
    user = make_user(session)
    result = _attempt(session, user.username, PASSWORD)
    assert result.token and result.user is not None
    actor = credentials.actor_from_session_token(session, result.token)
    assert actor is not None and actor.id == user.id and actor.role is Role.hub_officer
    assert "login" in _actions(session, user.id)


def test_wrong_password_n_times_locks_the_account(session: Session) -> None:
    user = make_user(session)
    limit = get_settings().login_max_failures
    with clock.frozen(START):
        for _ in range(limit - 1):
            assert _attempt(session, user.username, "wrong-password-x").status_code == 401
        locked = _attempt(session, user.username, "wrong-password-x")
        assert locked.status_code == 401
        assert user.locked_until is not None
        # Even the right password is refused while the lock holds, and the answer is the same
        # as for a wrong password, so a lock does not reveal that the account exists.
        refused = _attempt(session, user.username, PASSWORD)
        assert refused.token is None
        assert refused.message == _attempt(session, "no-such-user", PASSWORD).message
    actions = _actions(session, user.id)
    assert actions.count("login_failed") == limit + 1
    assert "account_locked" in actions
    later = START + timedelta(minutes=get_settings().lockout_minutes + 1)
    with clock.frozen(later):
        # After the lock runs out, one more typo does not lock the account again at once.
        assert _attempt(session, user.username, "one-more-typo").status_code == 401
        assert user.locked_until is None
        assert _attempt(session, user.username, PASSWORD).token is not None


def test_unknown_username_fails_like_a_wrong_password(session: Session) -> None:
    result = _attempt(session, "nobody-here", "whatever-password")
    assert result.status_code == 401
    assert result.message == "Enter a correct username and password"
    assert _actions(session)[-1] == "login_failed"


def test_too_many_failures_from_one_address_are_rate_limited(session: Session) -> None:
    limit = get_settings().login_rate_limit_attempts
    with clock.frozen(START):
        for i in range(limit):
            _attempt(session, f"guess-{i}", "nope-nope-nope", ip="192.0.2.7")
        limited = _attempt(session, "guess-final", "nope-nope-nope", ip="192.0.2.7")
        assert limited.status_code == 429
        # Another address is not affected.
        assert _attempt(session, "guess-other", "nope-nope-nope", ip="192.0.2.8").status_code == 401
    assert "login_rate_limited" in _actions(session)


def test_disabled_account_cannot_sign_in_and_loses_its_sessions_and_tokens(
    session: Session,
) -> None:
    user = make_user(session)
    token = _attempt(session, user.username, PASSWORD).token
    _, api = credentials.create_token(session, actor_of(user), user, name="script")
    assert token
    auth.set_active(session, ADMIN, user, active=False, reason="left the force")
    assert credentials.actor_from_session_token(session, token) is None
    assert _attempt(session, user.username, PASSWORD).token is None
    auth.set_active(session, ADMIN, user, active=True, reason="came back")
    assert credentials.actor_from_api_token(session, api) is None  # tokens do not come back to life


def test_administrators_cannot_disable_themselves(session: Session) -> None:
    admin = make_user(session, Role.administrator)
    with pytest.raises(ValidationFailed, match="your own account"):
        auth.set_active(session, actor_of(admin), admin, active=False, reason="oops")


def test_idle_sessions_expire(session: Session) -> None:
    user = make_user(session)
    with clock.frozen(START) as advance:
        token = _attempt(session, user.username, PASSWORD).token
        assert token
        advance(timedelta(minutes=get_settings().session_idle_minutes - 1))
        assert credentials.actor_from_session_token(session, token) is not None
        advance(timedelta(minutes=get_settings().session_idle_minutes + 1))
        assert credentials.actor_from_session_token(session, token) is None


def test_api_tokens_are_hashed_and_can_be_revoked(session: Session) -> None:
    user = make_user(session)
    row, plain = credentials.create_token(session, actor_of(user), user, name="script")
    assert plain.startswith("hbr_") and plain not in row.token_hash
    actor = credentials.actor_from_api_token(session, plain)
    assert actor is not None and actor.channel is Channel.api and actor.id == user.id
    credentials.revoke_token(session, actor_of(user), user, row.id)
    assert credentials.actor_from_api_token(session, plain) is None


def test_expired_tokens_are_refused(session: Session) -> None:
    user = make_user(session)
    with clock.frozen(START) as advance:
        _, plain = credentials.create_token(session, actor_of(user), user, name="short", days=30)
        advance(timedelta(days=31))
        assert credentials.actor_from_api_token(session, plain) is None


def test_a_user_cannot_make_tokens_for_someone_else(session: Session) -> None:
    team = make_team(session)
    alice = make_user(session, team=team)
    bob = make_user(session, team=team)
    from harbour.errors import HarbourError

    with pytest.raises(HarbourError) as caught:
        credentials.create_token(session, actor_of(alice), bob, name="sneaky")
    assert caught.value.status_code in (403, 404)


def test_short_passwords_and_duplicate_usernames_are_refused(session: Session) -> None:
    team = make_team(session)
    with pytest.raises(ValidationFailed, match="at least"):
        make_user(session, team=team, password="short")
    make_user(session, team=team, username="taken")
    with pytest.raises(Conflict):
        make_user(session, team=team, username="taken")


def test_reset_password_unlocks_and_ends_sessions(session: Session) -> None:
    user = make_user(session)
    token = _attempt(session, user.username, PASSWORD).token
    assert token
    for _ in range(get_settings().login_max_failures):
        _attempt(session, user.username, "wrong-password-y")
    auth.reset_password(session, ADMIN, user, "a-brand-new-passphrase", reason="locked out")
    refreshed = session.get(User, user.id)
    assert refreshed is not None and refreshed.locked_until is None
    assert credentials.actor_from_session_token(session, token) is None
    assert _attempt(session, user.username, "a-brand-new-passphrase").token


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop12", "aaaaaaaaaaaa"])
def test_common_and_easily_guessed_passwords_are_refused(session: Session, password: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_user(session, Role.officer, password=password)
    assert "harder to guess" in refused.value.field_errors["password"]


def test_a_password_made_from_the_username_is_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        make_user(session, Role.officer, username="jsmith.hub", password="jsmith.hub.2026")


def test_guesses_from_one_network_lock_only_that_network_out_with_a_back_off(
    session: Session,
) -> None:
    """Anyone could lock the Hub out by guessing usernames: a lock is by account and source."""
    user = make_user(session)
    limit = get_settings().login_max_failures
    minutes = get_settings().lockout_minutes
    with clock.frozen(START) as advance:
        for _ in range(limit):
            _attempt(session, user.username, "wrong-guess-here", ip="198.51.100.9")
        # The attacker's network is locked out, even with the right password...
        assert _attempt(session, user.username, PASSWORD, ip="198.51.100.9").token is None
        # ...but the officer at their own desk signs in.
        assert _attempt(session, user.username, PASSWORD, ip="192.0.2.44").token is not None
        # After the first lock runs out, the next round of guesses locks for twice as long.
        advance(timedelta(minutes=minutes + 1))
        for _ in range(limit - 1):  # the refused attempt during the lock counted as one
            _attempt(session, user.username, "wrong-guess-again", ip="198.51.100.9")
        advance(timedelta(minutes=minutes + 1))
        assert _attempt(session, user.username, PASSWORD, ip="198.51.100.9").token is None
        advance(timedelta(minutes=minutes))
        assert _attempt(session, user.username, PASSWORD, ip="198.51.100.9").token is not None
