"""Write the tables of docs/triage-rules.md (signals, concepts, categories, outcomes) from the
call-triage rules file, so that the documentation says what the rules say.

    .venv/bin/python scripts/triage_rules_doc.py

The text around the tables is kept; the version the page names is brought up to date.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from harbour.calls.rules import DEFAULT_RULES, load_rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "triage-rules.md"


def _codes(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "—"


def _otherwise(concept: dict[str, object], signals: list[str]) -> str:
    parts = []
    for key, words in (("hedged", "hedged"), ("past", "in the past")):
        if key in concept and concept[key] != signals:
            value = concept[key]
            assert isinstance(value, list)
            parts.append(f"{words}: {_codes(value) if value else 'nothing'}")
    if concept.get("negatable", True) is False:
        parts.append("never read as negated")
    elif concept.get("negated"):
        negated = concept["negated"]
        assert isinstance(negated, list)
        parts.append(f"negated: {_codes(negated)}")
    return "; ".join(parts) or "—"


def tables() -> str:
    data = tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules = load_rules(DEFAULT_RULES)
    out = ["## Signals", "", "", "| signal | meaning |", "|---|---|"]
    out += [f"| `{name}` | {meaning} |" for name, meaning in data["signals"].items()]
    partners = "; ".join(f"`{k}`: {v}" for k, v in data["partners"].items())
    callers = "; ".join(f"`{k}` brings {_codes(v)}" for k, v in data["caller_types"].items())
    out += ["", f"Partners — {partners}.", "", f"Caller types: {callers}.", "", "## Concepts", ""]
    out += [
        f"Every concept of version `{rules.version}`, with its source and how many phrases it has "
        "(the phrases themselves are in the file).",
        "",
        "| concept | what it means | signals when affirmed | otherwise | source | phrases |",
        "|---|---|---|---|---|---|",
    ]
    for concept in data["concepts"]:
        signals = concept["signals"]
        out.append(
            f"| `{concept['id']}` | {concept['meaning']} | {_codes(signals)} | "
            f"{_otherwise(concept, signals)} | {concept['source']} | {len(concept['phrases'])} |"
        )
    out += ["", "", "## Categories (first match wins; otherwise `other`)", "", ""]
    out += ["| order | category | all of | any of | unless | source |", "|---|---|---|---|---|---|"]
    for i, rule in enumerate(rules.categories, 1):
        category = rule.category.value if rule.category else "—"
        out.append(
            f"| {i} | {category} | {_codes(rule.all_of)} | {_codes(rule.any_of)} | "
            f"{_codes(rule.unless)} | {rule.source} |"
        )
    out += ["", "", "## Outcomes (first match wins; otherwise police attend)", "", ""]
    out += [
        "| order | in category | all of | any of | unless | outcome | partner | why | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i, rule in enumerate(rules.outcomes, 1):
        category = rule.category.value if rule.category else "any"
        outcome = rule.outcome.value if rule.outcome else "—"
        out.append(
            f"| {i} | {category} | {_codes(rule.all_of)} | {_codes(rule.any_of)} | "
            f"{_codes(rule.unless)} | {outcome} | {rule.partner or '—'} | {rule.label} | "
            f"{rule.source} |"
        )
    return "\n".join(out) + "\n\n\n"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index("## Signals"), text.index("## What it cannot do")
    text = text[:start] + tables() + text[end:]
    version = load_rules(DEFAULT_RULES).version
    text = re.sub(r"`\d{4}-\d{2}-\d{2}\.\d+`", f"`{version}`", text)
    text = re.sub(r'"rules_version": "[^"]+"', f'"rules_version": "{version}"', text)
    DOC.write_text(text, encoding="utf-8")
    print(f"{DOC.name}: tables of rules {version}")


if __name__ == "__main__":
    main()
