"""Victim-blaming and adultifying language: found, explained, and an alternative offered."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.risk import language
from tests.factories import api_token, make_user


def test_phrases_are_found_with_their_place_and_an_alternative() -> None:
    text = "She is very Streetwise and was putting herself at risk with an older boyfriend."
    findings = language.check(text)
    assert [f.phrase for f in findings] == [
        "Streetwise",
        "putting herself at risk",
        "older boyfriend",
    ]
    first = findings[0]
    assert text[first.start : first.end] == "Streetwise"
    assert "exploitation" in first.instead


def test_whole_words_only_and_line_breaks_inside_a_phrase() -> None:
    assert language.check("The runaways report") == []  # not the word "runaway"
    assert [f.phrase for f in language.check("a lifestyle\nchoice")] == ["lifestyle\nchoice"]
    assert language.check("Nothing to challenge here.") == []


def test_a_force_can_use_its_own_list(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text(
        'version = "force-2"\n[[phrases]]\n'
        'match = "hanging about"\ninstead = "spending time"\nwhy = "tone"\n'
    )
    lexicon = language.load_lexicon(path)
    assert lexicon.version == "force-2"
    assert [f.instead for f in language.check("Hanging about the station", lexicon)] == [
        "spending time"
    ]


def test_the_api_reports_findings(client: TestClient, session: Session) -> None:
    token = api_token(session, make_user(session))
    response = client.post(
        "/api/v1/risk/language",
        json={"text": "Described as a young woman who is sexually active."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert [f["phrase"] for f in body["findings"]] == ["young woman", "sexually active"]
    assert body["lexicon_version"]
