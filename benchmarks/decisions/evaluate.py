"""Decision quality: the risk policy and the call triage rules on the development and blind sets.

Reads the frozen blind sets in `tests/blind/` (written by helpers who had not read the rules,
from published material), the second development sets of `tests/world/` (written the same way,
and the ones rules may be tuned on) and the development vignettes of `tests/calls/`, asks
Harbour's pure policy functions for each case, and reports agreement and safety per set, never
pooled:

- risk: a suggestion agrees when its grade is one the case accepts; it is **unsafe** when it is
  below the case's floor (for a child or a person of unknown age, below medium is always unsafe);
- calls: a suggestion agrees when its outcome is one the case accepts; a call that needed police
  is **deflected** when the outcome is neither police attendance nor a missing-person report.

Where a case states something Harbour's questionnaire cannot take (a question the form lacks),
it is dropped and counted, so that a "before" run measures what the grader could enter then.

    .venv/bin/python benchmarks/decisions/evaluate.py --label after \
        --out benchmarks/decisions/after.json
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harbour.calls.policy import suggest as triage
from harbour.calls.rules import load_rules
from harbour.calls.schemas import POLICE_OUTCOMES, CallerType, TriageAnswers
from harbour.risk.policy import ORDER, load_policy, suggest
from harbour.risk.schemas import RiskAnswers

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "blind"
# The second blind calls set, written after the second reader was built, to judge it; the third,
# written while the reader was retrained on tests/world3, to judge that.
BLIND2 = ROOT / "tests" / "blind2"
BLIND3 = ROOT / "tests" / "blind3"
DEV_CALLS = ROOT / "tests" / "calls" / "vignettes.jsonl"
# The second development set, written from published material by helpers who had not read the
# rules (as the blind sets were), in the blind sets' format: the one rules may be tuned on.
WORLD = ROOT / "tests" / "world"
WORLD2 = ROOT / "tests" / "world2"  # the third set, written the same way by other hands
WORLD3 = ROOT / "tests" / "world3"  # the fourth (calls only)
# The flags on a person's record that the grading screen has always pre-filled as answers.
SCREEN_FLAGS = {
    "dementia": "dementia",
    "self_harm": "suicide_self_harm_risk",
    "mental_health": "mental_health_concern",
}


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _risk_request(case: dict[str, Any], dropped: Counter[str]) -> tuple[int | None, RiskAnswers]:
    """The case's answers as the questionnaire in force can take them."""
    known = set(RiskAnswers.model_fields)
    answers: dict[str, Any] = {}
    for key, value in case["answers"].items():
        if key in known:
            answers[key] = value
        elif key == "force_flags":
            for flag in value:  # the screen pre-fills these from the person's record
                if flag in SCREEN_FLAGS:
                    answers.setdefault(SCREEN_FLAGS[flag], True)
                else:
                    dropped[f"force_flags:{flag}"] += 1
        else:
            dropped[key] += 1
    return case["age_years"], RiskAnswers.model_validate(answers, strict=False)


def evaluate_risk(path: Path) -> dict[str, Any]:
    policy = load_policy()
    dropped: Counter[str] = Counter()
    rows = _rows(path)
    agree, unsafe, over, by_difficulty = 0, [], 0, Counter()
    total_by_difficulty: Counter[str] = Counter()
    child_unsafe, below_minimum = [], []
    for case in rows:
        age, answers = _risk_request(case, dropped)
        grade = suggest(policy, age, answers).grade
        values = [g.value for g in ORDER]
        at = values.index(grade.value)
        accepted = [values.index(g) for g in case["acceptable"]]
        difficulty = case.get("difficulty", "standard")
        total_by_difficulty[difficulty] += 1
        if grade.value in case["acceptable"]:
            agree += 1
            by_difficulty[difficulty] += 1
        elif at > max(accepted):
            over += 1
        child = age is None or age < policy.child_age
        if child and at < values.index(policy.child_minimum.value):
            below_minimum.append(case["id"])
        if at < values.index(case["floor"]):
            unsafe.append({"id": case["id"], "got": grade.value, "floor": case["floor"]})
            if child:
                child_unsafe.append(case["id"])
    return {
        "cases": len(rows),
        "agreement": round(agree / len(rows), 3),
        "agreement_by_difficulty": {
            d: round(by_difficulty[d] / n, 3) for d, n in sorted(total_by_difficulty.items())
        },
        "unsafe": len(unsafe),
        "unsafe_children_or_unknown_age": len(child_unsafe),
        "children_or_unknown_age_below_the_child_minimum": len(below_minimum),
        "graded_above_every_acceptable": over,
        "unsafe_cases": unsafe,
        "questions_the_form_lacked": dict(sorted(dropped.items())),
    }


def _answered(row: dict[str, Any]) -> TriageAnswers:
    """A development vignette as its handler would answer it, from its labels: a crime if its
    category is crime, the risk to life as labelled, and no signs of exploitation where the
    labelled outcome keeps police away."""
    expected = row["expected"]
    away = expected["outcome"] not in {o.value for o in POLICE_OUTCOMES}
    return TriageAnswers(
        crime=expected["category"] == "crime",
        risk_to_life=bool(row["risk_to_life"]),
        exploitation=False if away else None,
    )


def _calls(
    rows: list[dict[str, Any]], *, blind: bool, answered: bool = False, second: bool = True
) -> dict[str, Any]:
    rules = load_rules()
    agree, deflected, by_difficulty = 0, [], Counter()
    total_by_difficulty: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for row in rows:
        caller = CallerType(row["caller_type"]) if row.get("caller_type") else None
        if blind:
            answers = TriageAnswers(**row.get("answers", {}))
        else:
            answers = _answered(row) if answered else TriageAnswers()
        got = triage(rules, row["narrative"], caller, answers, second=second)
        outcomes[got.outcome.value] += 1
        if blind:
            ok = got.outcome.value in row["acceptable"]
            needs_police = row["needs_police"]
            difficulty = row.get("difficulty", "standard")
        else:
            expected = row["expected"]
            ok = got.outcome == expected["outcome"] and got.partner == expected.get("partner")
            needs_police = bool(row["risk_to_life"] or row["missing_child"])
            difficulty = "hard" if row["id"].startswith(("ho-", "h2-")) else "standard"
        total_by_difficulty[difficulty] += 1
        if ok:
            agree += 1
            by_difficulty[difficulty] += 1
        if needs_police and got.outcome not in POLICE_OUTCOMES:
            deflected.append({"id": row["id"], "got": got.outcome.value})
    return {
        "calls": len(rows),
        "agreement": round(agree / len(rows), 3),
        "agreement_by_difficulty": {
            d: round(by_difficulty[d] / n, 3) for d, n in sorted(total_by_difficulty.items())
        },
        "deflected_needing_police": len(deflected),
        "deflected": deflected,
        "outcomes": dict(sorted(outcomes.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="current")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--development-only",
        action="store_true",
        help="leave out the blind sets (while working on the rules: never look at them then)",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="print every development case the rules get wrong (never the blind ones)",
    )
    parser.add_argument(
        "--rules-alone",
        action="store_true",
        help="leave out the second call reader: the phrase rules alone",
    )
    args = parser.parse_args()
    second = not args.rules_alone
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    result = {
        "label": args.label,
        "commit": commit,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "policy_version": load_policy().version,
        "rules_version": load_rules().version,
        "second_reader": second,
        "calls_development": _calls(_rows(DEV_CALLS), blind=False, second=second),
        "calls_development_answered": _calls(
            _rows(DEV_CALLS), blind=False, answered=True, second=second
        ),
        "risk_world_development": evaluate_risk(WORLD / "risk_cases.jsonl"),
        "calls_world_development": _calls(_rows(WORLD / "calls.jsonl"), blind=True, second=second),
        "risk_world2_development": evaluate_risk(WORLD2 / "risk_cases.jsonl"),
        "calls_world2_development": _calls(
            _rows(WORLD2 / "calls.jsonl"), blind=True, second=second
        ),
        "calls_world3_development": _calls(
            _rows(WORLD3 / "calls.jsonl"), blind=True, second=second
        ),
    }
    if not args.development_only:
        result["risk_blind"] = evaluate_risk(BLIND / "risk_cases.jsonl")
        result["calls_blind"] = _calls(_rows(BLIND / "calls.jsonl"), blind=True, second=second)
        for name, folder in (("calls_blind2", BLIND2), ("calls_blind3", BLIND3)):
            result[name] = _calls(_rows(folder / "calls.jsonl"), blind=True, second=second)
    if args.misses:
        _print_misses(second=second)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    summary = {
        k: {
            m: v[m]
            for m in v
            if m
            in (
                "agreement",
                "unsafe",
                "children_or_unknown_age_below_the_child_minimum",
                "deflected_needing_police",
            )
        }
        for k, v in result.items()
        if isinstance(v, dict)
    }
    print(json.dumps(summary, indent=2))


def _print_misses(*, second: bool) -> None:
    """The development cases the rules get wrong, to work on (the blind sets are never shown)."""
    policy, rules = load_policy(), load_rules()
    for case in [*_rows(WORLD / "risk_cases.jsonl"), *_rows(WORLD2 / "risk_cases.jsonl")]:
        got = suggest(policy, *_risk_request(case, Counter())).grade.value
        if got not in case["acceptable"]:
            print(f"RISK {case['id']}: got {got}, accepts {case['acceptable']}: {case['summary']}")
    for row in (r for w in (WORLD, WORLD2, WORLD3) for r in _rows(w / "calls.jsonl")):
        caller = CallerType(row["caller_type"]) if row.get("caller_type") else None
        answers = TriageAnswers(**row.get("answers", {}))
        got = triage(rules, row["narrative"], caller, answers, second=second)
        if got.outcome.value not in row["acceptable"]:
            print(
                f"CALL {row['id']}: got {got.outcome.value}, accepts {row['acceptable']}, "
                f"answers {row.get('answers', {})}: {row['narrative']}"
            )


if __name__ == "__main__":
    main()
