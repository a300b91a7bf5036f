"""Changing your own password: the form, its rules, the sign-in lock, sessions and the audit."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.audit.models import AuditEvent
from harbour.auth import credentials, password_change
from harbour.auth.models import LoginAttempt, User, UserSession
from harbour.errors import HarbourError
from harbour.settings import get_settings
from tests.factories import PASSWORD, actor_of, csrf_from, make_team, make_user, sign_in

NEW = "lantern-pebble-orchard-7"


def _change(client: TestClient, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/account/password").text)
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": token,
        },
    )


def _signs_in(session: Session, username: str, password: str) -> bool:
    session.expire_all()  # the pages changed the account in their own unit of work
    return (
        credentials.sign_in(session, username=username, password=password, ip="x").token is not None
    )


def _signed_in(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def test_the_account_page_links_to_the_form(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    assert 'href="/account/password"' in client.get("/account").text
    form = client.get("/account/password")
    assert form.status_code == 200
    assert "Change your password" in form.text
    assert 'name="current_password"' in form.text and 'name="confirm_password"' in form.text


def test_changing_signs_out_every_other_session_and_keeps_this_one(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    with _signed_in(app) as elsewhere:
        sign_in(elsewhere, user.username)
        sign_in(client, user.username)
        old_cookie = client.cookies.get("harbour_session")
        changed = _change(client, PASSWORD, NEW)
        assert changed.status_code == 303
        assert changed.headers["location"] == "/account?password_changed=1"
        assert client.cookies.get("harbour_session") != old_cookie  # a new session here
        confirmation = client.get(changed.headers["location"])
        assert confirmation.status_code == 200
        assert "Your password has been changed" in confirmation.text
        assert elsewhere.get("/").status_code == 303  # the other browser is signed out
    live = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ).all()
    assert len(live) == 1
    assert not _signs_in(session, user.username, PASSWORD)
    assert _signs_in(session, user.username, NEW)


def test_the_change_is_audited_without_any_password(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    _change(client, "not-my-password", NEW)
    assert _change(client, PASSWORD, NEW).status_code == 303
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == str(user.id)).order_by(AuditEvent.seq)
    ).all()
    actions = [e.action for e in events]
    assert "password_change_failed" in actions and actions[-1] == "change_password"
    assert events[-1].after == {"other_sessions_ended": 0, "ip": "testclient"}
    for event in events:
        text = json.dumps([event.before, event.after, event.justification])
        assert PASSWORD not in text and NEW not in text and "not-my-password" not in text


def test_a_wrong_current_password_is_refused_and_counted_like_a_sign_in(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    wrong = _change(client, "not-my-password", NEW)
    assert wrong.status_code == 422
    assert "Your current password is not right" in wrong.text
    assert 'href="#current_password"' in wrong.text  # in the error summary
    session.expire_all()
    attempts = session.scalars(
        select(LoginAttempt).where(LoginAttempt.username == user.username)
    ).all()
    assert [a.succeeded for a in attempts] == [True, False]
    assert session.get(User, user.id).failed_login_count == 1  # type: ignore[union-attr]


def test_wrong_current_passwords_lock_the_change_and_the_sign_in(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    limit = get_settings().login_max_failures
    statuses = [_change(client, f"guess-number-{n}", NEW).status_code for n in range(limit)]
    assert statuses == [422] * limit
    locked = _change(client, PASSWORD, NEW)  # even the right password, from this source
    assert locked.status_code == 429
    assert "too many wrong passwords" in locked.text
    with _signed_in(app) as again:  # and signing in from the same network is locked too
        token = csrf_from(again.get("/sign-in").text)
        refused = again.post(
            "/sign-in",
            data={"username": user.username, "password": PASSWORD, "csrf_token": token},
        )
        assert refused.status_code == 401
    session.expire_all()
    assert session.get(User, user.id).locked_until is not None  # type: ignore[union-attr]
    assert not _signs_in(session, user.username, NEW)


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        ("", "", "new_password", "Enter a new password"),
        ("short-one", "short-one", "new_password", "at least 12 characters"),
        ("password1234", "password1234", "new_password", "harder to guess"),
        (PASSWORD, PASSWORD, "new_password", "not the same as your current one"),
        (NEW, NEW + "x", "confirm_password", "Enter the same new password in both boxes"),
    ],
)
def test_the_new_password_follows_the_rules(
    client: TestClient, session: Session, new: str, confirm: str, field: str, message: str
) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    response = _change(client, PASSWORD, new, confirm)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert PASSWORD not in response.text  # passwords are never shown again
    assert client.get("/").status_code == 200  # still signed in, nothing changed
    assert _signs_in(session, user.username, PASSWORD)


def test_the_username_is_not_a_new_password(session: Session) -> None:
    user = make_user(session, username="harbour-change-user")
    result = password_change.change_password(
        session,
        actor_of(user),
        user,
        current=PASSWORD,
        new=user.username,
        confirm=user.username,
        ip="10.0.0.1",
    )
    assert result.token is None
    assert result.errors == {"new_password": "Enter a password that is not your username"}


def test_an_empty_current_password_is_asked_for(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    response = _change(client, "", NEW)
    assert response.status_code == 422
    assert "Enter your current password" in response.text


def test_the_form_needs_its_csrf_token(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, user.username)
    data = {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW}
    refused = client.post("/account/password", data=data)
    assert refused.status_code == 403
    assert "This form has expired" in refused.text
    assert _signs_in(session, user.username, PASSWORD)


def test_nobody_changes_another_users_password(session: Session) -> None:
    team = make_team(session)
    alice, bob = make_user(session, team=team), make_user(session, team=team)
    with pytest.raises(HarbourError) as caught:
        password_change.change_password(
            session, actor_of(alice), bob, current=PASSWORD, new=NEW, confirm=NEW, ip="x"
        )
    assert caught.value.status_code in (403, 404)
