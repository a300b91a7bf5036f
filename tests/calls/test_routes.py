"""`POST /api/v1/triage/suggest` and `harbour triage suggest`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Role
from harbour.calls import second_reader
from harbour.calls.rules import current_rules
from harbour.calls.schemas import NARRATIVE_MAX
from harbour.cli import app
from harbour.settings import reset_settings
from tests.factories import api_token, make_user

WALKOUT = {
    "narrative": "Informal patient left the ward. No immediate risk, not suicidal, no weapons.",
    "caller_type": "mental_health_unit",
}
MISSING = {
    "narrative": "My 13-year-old daughter hasn't come home from school.",
    "caller_type": "family",
}


def test_the_api_suggests_with_reasons_and_highlights(client: TestClient, session: Session) -> None:
    token = api_token(session, make_user(session, Role.call_handler))
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/triage/suggest", json=WALKOUT, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "category",
        "outcome",
        "partner",
        "police_attend",
        "reasons",
        "highlights",
        "rules_version",
        "reader_version",
    }
    assert body["reader_version"] == second_reader.Weights.load().version
    assert (body["category"], body["outcome"], body["partner"]) == (
        "health_walkout",
        "refer_partner",
        "nhs_mental_health",
    )
    assert body["police_attend"] is False
    negated = next(h for h in body["highlights"] if h["text"] == "not suicidal")
    assert WALKOUT["narrative"][negated["start"] : negated["end"]] == "not suicidal"
    assert "does not raise risk" in negated["meaning"]

    missing = client.post("/api/v1/triage/suggest", json=MISSING, headers=headers).json()
    assert (missing["outcome"], missing["partner"], missing["police_attend"]) == (
        "missing_person_report",
        None,
        True,
    )

    answered = client.post(
        "/api/v1/triage/suggest",
        json={**WALKOUT, "answers": {"risk_to_life": True, "crime": None}},
        headers=headers,
    ).json()
    assert answered["outcome"] == "police_attend"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"narrative": ""},
        {"narrative": "   "},
        {"narrative": "x" * (NARRATIVE_MAX + 1)},
        {"narrative": "ok", "caller_type": "pigeon"},
        {"narrative": "ok", "answers": {"crime": "yes"}},
        {"narrative": "ok", "answers": {"likes_cats": True}},
        {"narrative": "ok", "extra": 1},
        {"narrative": 5},
    ],
)
def test_the_api_refuses_what_it_cannot_read(
    client: TestClient, session: Session, body: dict[str, object]
) -> None:
    token = api_token(session, make_user(session))
    response = client.post(
        "/api/v1/triage/suggest", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422, response.text


def test_the_api_needs_a_token(client: TestClient) -> None:
    assert client.post("/api/v1/triage/suggest", json=WALKOUT).status_code == 401


def test_the_command_reads_a_file_or_standard_input(tmp_path: Path) -> None:
    path = tmp_path / "call.json"
    path.write_text(json.dumps(WALKOUT), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["triage", "suggest", str(path)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["outcome"], body["partner"]) == ("refer_partner", "nhs_mental_health")
    assert body["rules_version"] == current_rules().version
    piped = runner.invoke(app, ["triage", "suggest", "-"], input=json.dumps(MISSING))
    assert json.loads(piped.output)["outcome"] == "missing_person_report"
    bad = runner.invoke(app, ["triage", "suggest", "-"], input='{"narrative": "ok", "x": 1}')
    assert bad.exit_code == 1
    assert "not valid" in bad.output
    gone = runner.invoke(app, ["triage", "suggest", str(tmp_path / "nowhere.json")])
    assert gone.exit_code == 1
    assert "could not be read" in " ".join(gone.output.split())


def test_the_command_refuses_a_file_that_is_not_utf8_in_one_line(tmp_path: Path) -> None:
    """A Windows-1252 file was a UnicodeDecodeError traceback; now one line and exit code 2."""
    path = tmp_path / "call.json"
    data = json.dumps(WALKOUT).encode().replace(b'"narrative": "', b'"narrative": "\x92', 1)
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["triage", "suggest", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"is not UTF-8 text (byte 0x92 at offset {data.index(0x92)})" in lines[0]


def test_the_command_says_when_the_rules_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text('version = "x"\n[signals]\ncrime = "c"\n', encoding="utf-8")
    monkeypatch.setenv("HARBOUR_TRIAGE_RULES_FILE", str(broken))
    reset_settings()
    current_rules.cache_clear()
    try:
        result = CliRunner().invoke(app, ["triage", "suggest", "-"], input=json.dumps(MISSING))
        assert result.exit_code == 1
        assert "triage rules could not be read" in " ".join(result.output.split())
    finally:
        monkeypatch.delenv("HARBOUR_TRIAGE_RULES_FILE")
        reset_settings()
        current_rules.cache_clear()
