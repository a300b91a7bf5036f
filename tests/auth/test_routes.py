"""Sign-in pages: cookies, CSRF, sign-out, and the lockout seen through the browser."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.settings import get_settings
from tests.factories import PASSWORD, csrf_from, make_user, sign_in


def test_sign_in_sets_a_httponly_samesite_session_cookie(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("harbour_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/").status_code == 200


def test_a_form_post_without_the_csrf_token_is_refused(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "expired" in response.text
    forged = client.post(
        "/sign-in", data={"username": user.username, "password": PASSWORD, "csrf_token": "0" * 64}
    )
    assert forged.status_code == 403


def test_signed_in_forms_need_the_token_too(client: TestClient, session: Session) -> None:
    user = make_user(session)
    sign_in(client, user.username)
    assert client.post("/sign-out").status_code == 403
    token = csrf_from(client.get("/").text)
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303  # signed out: back to the sign-in page


def test_htmx_requests_send_the_token_in_a_header(client: TestClient, session: Session) -> None:
    user = make_user(session)
    sign_in(client, user.username)
    token = csrf_from(client.get("/").text)
    assert client.post("/sign-out", headers={"X-CSRF-Token": token}).status_code == 303


def test_wrong_passwords_lock_the_account_through_the_page(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    token = csrf_from(client.get("/sign-in").text)
    statuses = [
        client.post(
            "/sign-in",
            data={"username": user.username, "password": "wrong-password", "csrf_token": token},
        ).status_code
        for _ in range(get_settings().login_max_failures)
    ]
    assert statuses == [401] * len(statuses)
    final = client.post(
        "/sign-in", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert final.status_code == 401  # locked: even the right password is refused
    assert "Enter a correct username and password" in final.text
    assert "harbour_session" not in client.cookies


def test_empty_sign_in_shows_field_errors(client: TestClient) -> None:
    token = csrf_from(client.get("/sign-in").text)
    response = client.post("/sign-in", data={"csrf_token": token})
    assert response.status_code == 422
    assert "govuk-error-summary" in response.text
    assert "Enter your username" in response.text and "Enter your password" in response.text


def test_next_only_goes_to_local_pages(client: TestClient, session: Session) -> None:
    user = make_user(session)
    token = csrf_from(client.get("/sign-in").text)
    response = client.post(
        "/sign-in",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["location"] == "/"


def _csrf_cookie(client: TestClient) -> str:
    value = client.cookies.get("harbour_csrf")
    assert value
    return value


def test_a_csrf_token_from_another_users_session_is_refused(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    alice, bob = make_user(session), make_user(session)
    session.commit()
    sign_in(client, alice.username)
    alices_token = csrf_from(client.get("/").text)
    alices_cookie = _csrf_cookie(client)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as other:
        sign_in(other, bob.username)
        # Even with Alice's CSRF cookie planted in Bob's browser, her token is not Bob's.
        other.cookies.set("harbour_csrf", alices_cookie)
        refused = other.post("/sign-out", data={"csrf_token": alices_token})
        assert refused.status_code == 403
        assert "This form has expired or did not come from Harbour" in refused.text
        assert other.get("/").status_code == 200  # still signed in: the sign-out was refused
        own = csrf_from(other.get("/").text)
        assert other.post("/sign-out", data={"csrf_token": own}).status_code == 303


def test_a_csrf_token_minted_before_sign_in_is_refused_after(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    before = csrf_from(client.get("/sign-in").text)
    cookie_before = _csrf_cookie(client)
    signed_in = client.post(
        "/sign-in", data={"username": user.username, "password": PASSWORD, "csrf_token": before}
    )
    assert signed_in.status_code == 303
    assert _csrf_cookie(client) != cookie_before  # signing in rotates the CSRF secret
    # An attacker who fixed the CSRF cookie before sign-in still cannot use the old token.
    client.cookies.set("harbour_csrf", cookie_before)
    refused = client.post("/sign-out", data={"csrf_token": before})
    assert refused.status_code == 403
    assert "This form has expired or did not come from Harbour" in refused.text
    assert client.get("/").status_code == 200
