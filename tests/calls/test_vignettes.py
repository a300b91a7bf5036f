"""The labelled call vignettes: no risk-to-life or missing-child call deflected, agreement >= 90%.

`vignettes.jsonl` holds synthetic calls written from the RCRP National Partnership Agreement's
categories, each with the outcome a handler should reach and why. Lines whose id starts "ho-" or
"h2-" were written later, with the rules frozen, as held-out checks (docs/performance.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harbour.calls.policy import suggest
from harbour.calls.rules import load_rules
from harbour.calls.schemas import (
    POLICE_OUTCOMES,
    CallerType,
    Category,
    Outcome,
    TriageAnswers,
    TriageSuggestion,
)

VIGNETTES = Path(__file__).with_name("vignettes.jsonl")
RULES = load_rules()
KEYS = {"id", "narrative", "caller_type", "expected", "risk_to_life", "missing_child", "reason"}


def _load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in VIGNETTES.read_text(encoding="utf-8").splitlines()]


ROWS = _load()


def _suggest(row: dict[str, Any], answers: TriageAnswers | None = None) -> TriageSuggestion:
    caller = CallerType(row["caller_type"]) if row.get("caller_type") else None
    return suggest(RULES, row["narrative"], caller, answers)


def _answered(row: dict[str, Any]) -> TriageAnswers:
    """The vignette as its handler answers the RCRP questions, from its labels (advice only
    needs those answers: unknown is never no)."""
    expected = row["expected"]
    away = Outcome(expected["outcome"]) not in POLICE_OUTCOMES
    return TriageAnswers(
        crime=expected["category"] == "crime",
        risk_to_life=bool(row["risk_to_life"]),
        exploitation=False if away else None,
    )


def _agrees(row: dict[str, Any], got: TriageSuggestion) -> bool:
    expected = row["expected"]
    return got.outcome == expected["outcome"] and got.partner == expected.get("partner")


def test_the_set_is_large_well_formed_and_covers_every_category() -> None:
    assert len(ROWS) >= 70
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    for row in ROWS:
        assert set(row) == KEYS, row["id"]
        assert row["reason"].strip(), row["id"]
        expected = row["expected"]
        Category(expected["category"])
        outcome = Outcome(expected["outcome"])
        assert ("partner" in expected) == (outcome is Outcome.refer_partner), row["id"]
        if row["risk_to_life"] or row["missing_child"]:
            assert outcome in POLICE_OUTCOMES, f"{row['id']} is labelled as deflected"
    assert {r["expected"]["category"] for r in ROWS} == {c.value for c in Category}
    assert sum(r["risk_to_life"] for r in ROWS) >= 20
    assert sum(r["missing_child"] for r in ROWS) >= 8


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["risk_to_life"] or r["missing_child"]],
    ids=lambda r: r["id"],
)
def test_no_call_with_a_risk_to_life_or_a_missing_child_is_deflected(row: dict[str, Any]) -> None:
    got = _suggest(row)
    assert got.police_attend, (got.outcome, got.reasons)
    assert got.outcome in POLICE_OUTCOMES


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_no_narrative_alone_closes_a_call_as_advice_only(row: dict[str, Any]) -> None:
    assert _suggest(row).outcome is not Outcome.advice_only


def test_outcome_agreement_with_the_handlers_answers_is_at_least_ninety_per_cent() -> None:
    misses = []
    for row in ROWS:
        got = _suggest(row, _answered(row))
        if not _agrees(row, got):
            misses.append(f"{row['id']}: {got.outcome} {got.partner} != {row['expected']}")
    agreement = 1 - len(misses) / len(ROWS)
    assert agreement >= 0.9, "\n".join(misses)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_every_highlight_is_the_slice_it_names(row: dict[str, Any]) -> None:
    got = _suggest(row)
    text = row["narrative"]
    for h in got.highlights:
        assert 0 <= h.start < h.end <= len(text)
        assert text[h.start : h.end] == h.text
        assert h.meaning
    assert got.police_attend == (got.outcome in POLICE_OUTCOMES)
    assert (got.partner is not None) == (got.outcome is Outcome.refer_partner)
    assert got.rules_version == RULES.version
