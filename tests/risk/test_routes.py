"""`POST /api/v1/risk/suggest`."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.actor import Role
from tests.factories import api_token, make_user


def test_the_api_suggests_with_reasons(client: TestClient, session: Session) -> None:
    token = api_token(session, make_user(session, Role.call_handler))
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/risk/suggest",
        json={
            "age_years": 14,
            "answers": {
                "exploitation_indicators": ["unexplained_gifts"],
                "associating_with_adults_of_concern": True,
            },
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["grade"] == "high"
    assert any("adults of concern" in r["effect"] for r in body["reasons"])
    unknown_key = client.post(
        "/api/v1/risk/suggest", json={"answers": {"likes_cats": True}}, headers=headers
    )
    assert unknown_key.status_code == 422
    not_an_indicator = client.post(
        "/api/v1/risk/suggest",
        json={"answers": {"exploitation_indicators": ["gifts"]}},
        headers=headers,
    )
    assert not_an_indicator.status_code == 422
    assert "not an exploitation indicator" in not_an_indicator.text
