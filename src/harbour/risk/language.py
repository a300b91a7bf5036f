"""Find victim-blaming and adultifying phrases in free text, with what to write instead.

The phrase list is data (`language.toml`, or the force's own file named by
HARBOUR_LANGUAGE_FILE); this module only matches it. Matching is by whole words, ignoring case.
A reviewing supervisor confirms or corrects each phrase found (`flagged_phrases`, then
`review_language` with their answers): a list flags words, a person judges them in context.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
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


# -- the reviewing supervisor's verdict on each phrase found ------------------------------------

VERDICTS = {
    "challenge": "Agree it should be challenged",
    "fair": "The wording is fair here",
}
FIELD = "language"  # the form's fields: language_1, language_1_note, language_2, ...
NOTE_LIMIT = 2000
CONTEXT = 40  # characters of the text shown either side of a phrase


@dataclass(frozen=True)
class FlaggedPhrase:
    """A phrase found in a saved text, numbered in order, with the words around it."""

    number: int
    phrase: str
    start: int
    end: int
    instead: str
    why: str
    before: str
    after: str

    @property
    def field(self) -> str:
        return f"{FIELD}_{self.number}"

    @property
    def note_field(self) -> str:
        return f"{FIELD}_{self.number}_note"


def flagged_phrases(text: str | None, lexicon: Lexicon | None = None) -> list[FlaggedPhrase]:
    """List the phrases to challenge in a saved text, each with the form fields a reviewer
    answers it in and the words around it, so that it can be judged in context."""
    if not text:
        return []
    out = []
    for number, f in enumerate(check(text, lexicon), start=1):
        before = text[max(0, f.start - CONTEXT) : f.start]
        if f.start > CONTEXT:  # start at a whole word
            before = "\u2026" + before.split(" ", 1)[-1]
        after = text[f.end : f.end + CONTEXT]
        if f.end + CONTEXT < len(text):
            after = after.rsplit(" ", 1)[0] + "\u2026"
        out.append(FlaggedPhrase(number, f.phrase, f.start, f.end, f.instead, f.why, before, after))
    return out


@dataclass(frozen=True)
class LanguageReview:
    """A reviewer's verdicts on the phrases found, as stored, and what they still have to say."""

    lexicon_version: str
    verdicts: list[dict[str, object]]
    problems: dict[str, str]

    def stored(self) -> dict[str, object]:
        """What to keep with the review and in its audit event."""
        return {"lexicon": self.lexicon_version, "phrases": self.verdicts}


def review_language(
    text: str | None, answers: Mapping[str, str | None], lexicon: Lexicon | None = None
) -> LanguageReview:
    """Read a reviewer's answer on each phrase flagged in the text: challenge it, or the wording
    is fair here (which needs a note saying why, as setting the force's list aside does)."""
    lexicon = lexicon or current_lexicon()
    verdicts: list[dict[str, object]] = []
    problems: dict[str, str] = {}
    for flagged in flagged_phrases(text, lexicon):
        verdict = (answers.get(flagged.field) or "").strip()
        note = (answers.get(flagged.note_field) or "").strip() or None
        quoted = f"\u201c{flagged.phrase}\u201d"
        if verdict not in VERDICTS:
            problems[flagged.field] = f"Say whether {quoted} should be challenged"
        elif verdict == "fair" and not note:
            problems[flagged.note_field] = f"Say why {quoted} is fair here"
        if note and len(note) > NOTE_LIMIT:
            problems[flagged.note_field] = (
                f"Keep the note on {quoted} to {NOTE_LIMIT:,} characters or fewer"
            )
        verdicts.append(
            {
                "phrase": flagged.phrase,
                "start": flagged.start,
                "verdict": verdict or None,
                "note": note,
            }
        )
    return LanguageReview(lexicon.version, verdicts, problems)
