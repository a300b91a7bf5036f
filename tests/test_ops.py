"""Health, readiness, metrics, request ids, error pages, the OpenAPI document and HTMX."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_person, make_user, sign_in


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
