"""Health, readiness, metrics, request ids, error pages, the OpenAPI document and HTMX."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from harbour.people import service as people_service
from tests.factories import csrf_from, make_person, make_user, sign_in


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


def test_metrics_count_requests_by_route(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert "harbour_http_requests_total" in body
    assert 'route="/healthz"' in body


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"


def test_unknown_pages_get_an_accessible_404(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found – Harbour</title>" in response.text
    assert client.get("/api/v1/nothing").json() == {"detail": "Not Found"}


def test_api_without_a_token_is_unauthorised(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer hbr_not-a-token"})
    assert bad.status_code == 401


def test_openapi_describes_the_api(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/people" in schema["paths"]
    assert "/sign-in" not in schema["paths"]


def test_htmx_glance_counts_visible_people(client: TestClient, session: Session) -> None:
    user = make_user(session)
    make_person(session, user)
    make_person(session, user)
    session.commit()
    sign_in(client, user.username)
    home = client.get("/")
    assert 'hx-get="/partials/glance"' in home.text
    assert 'aria-live="polite"' in home.text
    partial = client.get("/partials/glance", headers={"HX-Request": "true"})
    assert '<dd class="govuk-summary-list__value" data-testid="people-count">2</dd>' in partial.text


def test_htmx_after_sign_out_redirects_the_whole_page(client: TestClient) -> None:
    response = client.get("/partials/glance", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/sign-in"


def test_navigation_follows_the_access_policy(client: TestClient, session: Session) -> None:
    from harbour.actor import Role

    auditor = make_user(session, Role.auditor)
    session.commit()
    sign_in(client, auditor.username)
    home = client.get("/").text
    assert 'href="/audit"' in home
    assert 'href="/admin/users"' not in home


def test_pages_forbid_inline_scripts(client: TestClient) -> None:
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.text
    assert response.headers["X-Frame-Options"] == "DENY"


def test_api_docs_are_served_without_a_cdn(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text


def test_an_unexpected_failure_shows_the_500_page_with_a_reference(
    app: FastAPI, connection: Connection, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session)
    session.commit()

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(people_service, "count_visible", broken)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        sign_in(c, user.username)
        response = c.get("/partials/glance", headers={"X-Request-ID": "ref-500-test"})
        api = c.get("/api/v1/me")
    assert response.status_code == 500
    assert "Sorry, there is a problem with Harbour" in response.text
    assert "ref-500-test" in response.text
    assert "disk on fire" not in response.text
    assert api.status_code == 401


def test_logs_are_json_lines_with_the_request_id(
    client: TestClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from harbour.app import configure_logging
    from harbour.settings import reset_settings

    monkeypatch.setenv("HARBOUR_LOG_JSON", "true")
    monkeypatch.setenv("HARBOUR_LOG_LEVEL", "INFO")
    reset_settings()
    configure_logging()
    try:
        capsys.readouterr()
        client.get("/healthz", headers={"X-Request-ID": "log-me-123"})
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    finally:
        monkeypatch.setenv("HARBOUR_LOG_JSON", "false")
        monkeypatch.setenv("HARBOUR_LOG_LEVEL", "WARNING")
        reset_settings()
        configure_logging()
    request = next(line for line in lines if line.get("event") == "request")
    assert request["request_id"] == "log-me-123"
    assert request["path"] == "/healthz"
    assert request["status"] == 200


def test_nul_characters_are_refused_everywhere(client: TestClient, session: Session) -> None:
    from tests.factories import api_token

    user = make_user(session)
    headers = {"Authorization": f"Bearer {api_token(session, user)}", "X-Justification": "tests"}
    listed = client.get("/api/v1/people", params={"q": "a\x00b"}, headers=headers)
    assert listed.status_code == 422
    assert "NUL character" in listed.json()["detail"]
    created = client.post("/api/v1/people", json={"given_name": "A\x00"}, headers=headers)
    assert created.status_code == 422
    # An escaped NUL in JSON is a NUL; the text backslash-u0000 (an escaped backslash) is not.
    escaped = b'{"given_name": "A\\\\\\u0000"}'  # \\ then \u0000: a backslash, then NUL
    refused = client.post(
        "/api/v1/people", content=escaped, headers={**headers, "Content-Type": "application/json"}
    )
    assert refused.status_code == 422
    text = client.post(
        "/api/v1/people",
        json={"given_name": "Ann", "family_name": "^[^\\u0000]*$"},
        headers=headers,
    )
    assert text.status_code == 201, text.text
    sign_in(client, user.username)
    page = client.get("/people", params={"q": "\x00"})
    assert page.status_code == 422
    assert "NUL character" in page.text


def test_a_record_number_too_long_for_the_database_is_no_record() -> None:
    """A 20-digit number in a form or a network node is refused, not an overflow (500)."""
    from harbour.network.view import parse_node
    from harbour.web.forms import form_number

    assert form_number("12") == 12
    assert form_number("99999999999999999999") is None
    assert form_number("-3") is None and form_number("0") is None and form_number(" 7 ") == 7
    with pytest.raises(ValueError, match="not a node"):
        parse_node("person:99999999999999999999")
    assert parse_node("person:12") == ("person", "12")


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """Set a HARBOUR_ setting for one test, read afresh by the next request."""
    from harbour.settings import reset_settings

    def put(name: str, value: str) -> None:
        monkeypatch.setenv(f"HARBOUR_{name}", value)
        reset_settings()

    yield put
    monkeypatch.undo()
    reset_settings()


def test_metrics_need_the_token_once_one_is_set(
    client: TestClient, setting: Callable[[str, str], None]
) -> None:
    setting("METRICS_TOKEN", "scrape-me-please")
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    right = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
    assert right.status_code == 200 and "harbour_http_requests_total" in right.text


def test_made_up_methods_share_one_metric_series(client: TestClient) -> None:
    for method in ("FOOBAR", "BREW", "PROPFIND"):
        client.request(method, "/healthz")
    body = client.get("/metrics").text
    assert 'method="OTHER"' in body
    assert 'method="FOOBAR"' not in body and 'method="BREW"' not in body


def test_https_deployments_send_strict_transport_security(
    client: TestClient, setting: Callable[[str, str], None]
) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    setting("COOKIE_SECURE", "true")
    assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_an_oversized_body_is_refused_before_anyone_signs_in(client: TestClient) -> None:
    big = b"x" * (13 * 1024 * 1024)
    response = client.post(
        "/sign-in", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


def test_a_form_field_over_the_limit_gets_a_page_a_person_can_read(client: TestClient) -> None:
    """Starlette refuses a form field over 1 MB, or more than 1,000 fields, with a 400: a browser
    gets Harbour's error page saying what to do, not the framework's JSON."""
    token = csrf_from(client.get("/sign-in").text)
    for body in (
        {"username": "someone", "password": "x" * (1024 * 1024 + 1), "csrf_token": token},
        {f"field{i}": "1" for i in range(1001)} | {"csrf_token": token},
    ):
        refused = client.post("/sign-in", data=body)
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("text/html")
        assert "There is a problem with that request" in refused.text
        assert "nothing was saved" in refused.text and '"detail"' not in refused.text
