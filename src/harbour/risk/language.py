"""Find victim-blaming and adultifying phrases in free text, with what to write instead.

The phrase list is data (`language.toml`, or the force's own file named by
HARBOUR_LANGUAGE_FILE); this module only matches it. Matching is by whole words, ignoring case.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from harbour.settings import get_settings

DEFAULT_LANGUAGE = Path(__file__).with_name("language.toml")


@dataclass(frozen=True)
class Finding:
    phrase: str
    start: int
    end: int
    instead: str
    why: str


@dataclass(frozen=True)
class Lexicon:
    version: str
    entries: tuple[tuple[re.Pattern[str], str, str], ...]


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read a phrase list; each entry's spellings become one whole-word, case-blind pattern."""
    target = path or get_settings().language_file or DEFAULT_LANGUAGE
    data = tomllib.loads(Path(target).read_text(encoding="utf-8"))
    entries = []
    for item in data.get("phrases", []):
        spellings = sorted((s.strip() for s in item["match"].split("|") if s.strip()), key=len)
        alternation = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in reversed(spellings))
        entries.append(
            (re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE), item["instead"], item["why"])
        )
    return Lexicon(str(data.get("version", "unversioned")), tuple(entries))


@lru_cache(maxsize=1)
def current_lexicon() -> Lexicon:
    return load_lexicon()


def check(text: str, lexicon: Lexicon | None = None) -> list[Finding]:
    """Return every phrase to challenge in the text, in order, without overlaps."""
    lexicon = lexicon or current_lexicon()
    found: list[Finding] = []
    for pattern, instead, why in lexicon.entries:
        for match in pattern.finditer(text):
            found.append(Finding(match.group(0), match.start(), match.end(), instead, why))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def marked(text: str | None, lexicon: Lexicon | None = None) -> Markup:
    """The text, escaped, with each phrase to challenge marked and its alternative named (for
    every page that shows saved text: the episode, the grading, the review, the briefing)."""
    if not text:
        return Markup("")
    out, at = [], 0
    for finding in check(text, lexicon):
        out.append(escape(text[at : finding.start]))
        out.append(
            Markup(
                '<mark class="harbour-challenge" title="{title}">{phrase}</mark>'
                '<span class="govuk-visually-hidden"> (language to challenge: {title})</span>'
            ).format(title=f"Instead: {finding.instead} ({finding.why})", phrase=finding.phrase)
        )
        at = finding.end
    out.append(escape(text[at:]))
    return Markup("").join(out)
