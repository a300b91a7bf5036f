"""The triage rules file: versioned TOML of concepts, cues and decision tables, read and checked.

A force edits `rules.toml` (or its own copy named by HARBOUR_TRIAGE_RULES_FILE); this module turns
it into compiled patterns and rule rows, refusing a file that names an unknown signal, category,
outcome or partner, and saying where. The phrase syntax is documented in the file and in
docs/triage-rules.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from harbour.calls.schemas import CallerType, Category, Outcome
from harbour.settings import get_settings

DEFAULT_RULES = Path(__file__).with_name("rules.toml")
# Signals the code itself reads: the RCRP questions, the handler's answers and the safety rules.
CORE_SIGNALS = ("risk_to_life", "crime", "child", "missing", "child_risk", "whereabouts_known")
WILDCARD = r"((?:\s+[\w'&-]+){0,3}?)"  # "*": up to three words, captured as a gap
# "#": a number, in figures or words ("4 days", "four days", "a couple of days", "a few days").
NUMBER = (
    r"(?:\d+|a\s+couple\s+of|a\s+few|several|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|fourteen|twenty|thirty)"
)


class RulesError(ValueError):
    """The rules file is not usable; the message says where."""


@dataclass(frozen=True)
class Concept:
    id: str
    meaning: str
    source: str
    signals: tuple[str, ...]
    hedged: tuple[str, ...]
    past: tuple[str, ...]
    negated: tuple[str, ...]
    negatable: bool
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Cues:
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    window: int  # words between a cue before a phrase and the phrase
    after_window: int  # words between a phrase and a cue after it


@dataclass(frozen=True)
class Rule:
    """A row of the category or outcome table: signals all / any / unless, and what it names."""

    label: str
    source: str
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    category: Category | None = None
    outcome: Outcome | None = None
    partner: str | None = None

    def matches(self, signals: set[str], category: Category | None = None) -> bool:
        if self.outcome is not None and self.category is not None and self.category != category:
            return False
        return (
            all(s in signals for s in self.all_of)
            and (not self.any_of or any(s in signals for s in self.any_of))
            and not any(s in signals for s in self.unless)
        )


@dataclass(frozen=True)
class Rules:
    version: str
    child_age: int
    signals: dict[str, str]
    partners: dict[str, str]
    caller_types: dict[CallerType, tuple[str, ...]]
    scope_end: re.Pattern[str] | None
    negation: Cues
    hedge: Cues
    past: Cues
    concepts: tuple[Concept, ...]
    categories: tuple[Rule, ...]
    outcomes: tuple[Rule, ...]


def _word(word: str) -> str:
    if word == "#":
        return NUMBER
    options = []
    for option in word.split("/"):
        escaped = re.escape(option).replace(r"\-", r"[-\s]?").replace("'", "'?")
        options.append(escaped)
    if len(options) == 1:
        return options[0]
    return "(?:" + "|".join(sorted(options, key=len, reverse=True)) + ")"


def phrase_regex(phrase: str, where: str) -> str:
    """Turn a phrase of the rules file into a regular expression bounded by whole words."""
    tokens = phrase.lower().split()
    if not tokens or tokens[0] == "*" or tokens[-1] == "*" or "" in phrase.split("/"):
        raise RulesError(f"{where}: {phrase!r} is not a usable phrase")
    body = ""
    for i, word in enumerate(tokens):
        if word == "*":
            if tokens[i - 1] == "*":
                raise RulesError(f"{where}: {phrase!r} has two wildcards in a row")
            body += WILDCARD
            continue
        body += (r"\s+" if i else "") + _word(word)
    starts_word = tokens[0][0].isalnum() or tokens[0][0] == "#"
    ends_word = tokens[-1][-1].isalnum() or tokens[-1] == "#"
    return ("(?<!\\w)" if starts_word else "") + body + ("(?!\\w)" if ends_word else "")


def compile_phrases(
    phrases: list[str], where: str, *, overlapping: bool = False
) -> re.Pattern[str]:
    """Compile phrases into one case-blind pattern, longest first.

    With `overlapping`, the pattern is a lookahead whose group "m" is the match, so that
    `finditer` reports a candidate at every position and the longest match can win later; the
    other groups are the words a wildcard stood for. Without it, wildcards capture nothing.
    """
    if not phrases or not all(isinstance(p, str) for p in phrases):
        raise RulesError(f"{where}: needs a list of phrases")
    alternation = "|".join(phrase_regex(p, where) for p in sorted(phrases, key=len, reverse=True))
    if overlapping:
        # Try only where a phrase could start: a word start with one of the phrases' first
        # letters (a scan at every character is what makes long narratives slow).
        firsts = {
            option[0] for p in phrases for option in p.lower().split()[0].split("/") if option
        }
        guard = ""
        if all(c.isalnum() or c == "#" for c in firsts):
            letters = "".join(sorted(re.escape(c) for c in firsts if c != "#"))
            guard = r"(?<!\w)(?=[" + letters + (r"\d" if "#" in firsts else "") + "])"
        return re.compile(f"{guard}(?=(?P<m>{alternation}))", re.IGNORECASE)
    return re.compile(f"(?:{alternation})".replace(WILDCARD, "(?:" + WILDCARD[1:]), re.IGNORECASE)


def _text(body: dict[str, Any], key: str, where: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: needs a {key}")
    return value


class _Reader:
    """Check names against the declared signals as the file is read."""

    def __init__(self, data: dict[str, Any]) -> None:
        signals = data.get("signals")
        if not isinstance(signals, dict) or not signals:
            raise RulesError("the rules need a [signals] table naming every signal")
        self.signals = {str(k): str(v) for k, v in signals.items()}
        for core in CORE_SIGNALS:
            if core not in self.signals:
                raise RulesError(f"signals: {core!r} must be declared (the code reads it)")

    def names(
        self, body: dict[str, Any], key: str, where: str, default: Any = ()
    ) -> tuple[str, ...]:
        value = body.get(key, default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise RulesError(f"{where}: {key} must be a list of signal names")
        for name in value:
            if name not in self.signals:
                raise RulesError(f"{where}: {name!r} is not a declared signal")
        return tuple(value)


def _cues(data: dict[str, Any], kind: str) -> Cues:
    body = data.get("cues", {}).get(kind, {})
    where = f"cues.{kind}"
    window = body.get("window", 4)
    after_window = body.get("after_window", window)
    for value in (window, after_window):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RulesError(f"{where}: window and after_window must be whole numbers of words")
    before = body.get("before", [])
    after = body.get("after", [])
    return Cues(
        before=compile_phrases(before, f"{where}.before") if before else None,
        after=compile_phrases(after, f"{where}.after") if after else None,
        window=window,
        after_window=after_window,
    )


def _concept(reader: _Reader, body: dict[str, Any], i: int) -> Concept:
    where = f"concepts[{i}]"
    concept_id = _text(body, "id", where)
    where = f"concepts[{i}] ({concept_id})"
    signals = reader.names(body, "signals", where, None)
    negatable = body.get("negatable", True)
    if not isinstance(negatable, bool):
        raise RulesError(f"{where}: negatable must be true or false")
    return Concept(
        id=concept_id,
        meaning=_text(body, "meaning", where),
        source=_text(body, "source", where),
        signals=signals,
        hedged=reader.names(body, "hedged", where, list(signals)),
        past=reader.names(body, "past", where, list(signals)),
        negated=reader.names(body, "negated", where, []),
        negatable=negatable,
        pattern=compile_phrases(body.get("phrases", []), where, overlapping=True),
    )


def _rule(reader: _Reader, body: dict[str, Any], where: str, partners: dict[str, str]) -> Rule:
    category = outcome = partner = None
    try:
        if "category" in body:
            category = Category(body["category"])
        if "outcome" in body:
            outcome = Outcome(body["outcome"])
    except ValueError as exc:
        raise RulesError(f"{where}: {exc}") from None
    if outcome is Outcome.refer_partner:
        partner = body.get("partner")
        if partner not in partners:
            raise RulesError(f"{where}: refer_partner needs a partner from [partners]")
    elif "partner" in body:
        raise RulesError(f"{where}: only refer_partner names a partner")
    return Rule(
        label=_text(body, "label", where),
        source=_text(body, "source", where),
        all_of=reader.names(body, "all", where),
        any_of=reader.names(body, "any", where),
        unless=reader.names(body, "unless", where),
        category=category,
        outcome=outcome,
        partner=partner,
    )


def parse_rules(data: dict[str, Any]) -> Rules:
    """Build the rules from parsed TOML, checking every name they use."""
    reader = _Reader(data)
    partners = {str(k): str(v) for k, v in data.get("partners", {}).items()}
    caller_types: dict[CallerType, tuple[str, ...]] = {}
    for key in data.get("caller_types", {}):
        try:
            caller = CallerType(key)
        except ValueError:
            raise RulesError(f"caller_types: {key!r} is not a caller type") from None
        caller_types[caller] = reader.names(data["caller_types"], key, f"caller_types.{key}")
    concepts = tuple(_concept(reader, body, i) for i, body in enumerate(data.get("concepts", [])))
    if not concepts:
        raise RulesError("the rules need at least one [[concepts]] entry")
    ids = [c.id for c in concepts]
    for concept_id in ids:
        if ids.count(concept_id) > 1:
            raise RulesError(f"concepts: the id {concept_id!r} is used twice")
    categories = []
    for i, body in enumerate(data.get("categories", [])):
        rule = _rule(reader, body, f"categories[{i}]", partners)
        if rule.category is None or rule.outcome is not None:
            raise RulesError(f"categories[{i}]: needs a category and no outcome")
        categories.append(rule)
    outcomes = []
    for i, body in enumerate(data.get("outcomes", [])):
        rule = _rule(reader, body, f"outcomes[{i}]", partners)
        if rule.outcome is None:
            raise RulesError(f"outcomes[{i}]: needs an outcome")
        outcomes.append(rule)
    scope_ends = data.get("cues", {}).get("scope_ends", [])
    child_age = data.get("child_age", 18)
    if not isinstance(child_age, int) or not 1 <= child_age <= 25:
        raise RulesError("child_age must be a whole number of years")
    if "version" not in data:
        raise RulesError("the rules need a version")
    return Rules(
        version=str(data["version"]),
        child_age=child_age,
        signals=reader.signals,
        partners=partners,
        caller_types=caller_types,
        scope_end=compile_phrases(scope_ends, "cues.scope_ends") if scope_ends else None,
        negation=_cues(data, "negation"),
        hedge=_cues(data, "hedge"),
        past=_cues(data, "past"),
        concepts=concepts,
        categories=tuple(categories),
        outcomes=tuple(outcomes),
    )


def load_rules(path: Path | None = None) -> Rules:
    """Read a rules file (the force's own if HARBOUR_TRIAGE_RULES_FILE is set, else the default)."""
    target = path or get_settings().triage_rules_file or DEFAULT_RULES
    try:
        data = tomllib.loads(Path(target).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{target}: {exc}") from exc
    return parse_rules(data)


@lru_cache(maxsize=1)
def current_rules() -> Rules:
    """Return the rules in force (read once per process)."""
    return load_rules()
