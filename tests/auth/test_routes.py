"""Sign-in pages: cookies, CSRF, sign-out, and the lockout seen through the browser."""

from __future__ import annotations

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
