"""Read a call's narrative: find the rules' phrases and read each one for what it says.

Every concept's phrases are matched (whole words, ignoring case, the longest match winning where
two overlap), and each match is read with the cues around it in the same clause: negated ("not
suicidal", "denies any thoughts of self-harm", "weapons: none seen"), hedged ("may have taken",
"not sure if he has a knife" — uncertainty, never a no), or in the past ("history of
self-harm"). Hedging wins over negation, so that doubt about a risk is never read as its absence.
A stated age under the rules' child age marks a child. Offsets are characters of the text as
given, end exclusive.
"""

from __future__ import annotations

import bisect
import enum
import re
from dataclasses import dataclass

from harbour.calls.rules import Concept, Cues, Rules

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
# Twenty to ninety-nine in words: "twenty", "thirty-eight", "forty two".
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
for _tens, _value in _TENS.items():
    NUMBER_WORDS[_tens] = _value
    for _unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"):
        NUMBER_WORDS[f"{_tens}-{_unit}"] = _value + NUMBER_WORDS[_unit]
        NUMBER_WORDS[f"{_tens} {_unit}"] = _value + NUMBER_WORDS[_unit]
# "In his thirties", "in her late twenties": the decade's first year (the youngest they can be).
DECADES = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_RELATIONS = (
    "son|daughter|brother|sister|husband|wife|partner|mum|mother|dad|father|friend|nephew|"
    "niece|grandson|granddaughter|uncle|aunt|child|boy|girl|man|woman|patient|resident|pupil"
)
AGE = re.compile(
    "|".join(
        [
            rf"(?<!\w){_NUMBER}[\s-]*(?:years?|yrs?)[\s-]*old(?!\w)",
            rf"(?<!\w)aged?\s+{_NUMBER}(?!\w)(?![\s-]*(?:minutes|hours|days|weeks|months))",
            rf"(?<!\w){_NUMBER}\s*(?:yo|y/o)(?!\w)",
            rf"(?<!\w)(?:(?:he|she|who|{_RELATIONS})\s+is|he's|she's|who's|they're|i'm|i am)"
            rf"\s+{_NUMBER}"
            r"(?=\s*(?:[,.;)]|$|and\b|but\b|so\b|now\b|or\b))",
            rf"(?<!\w)(?:{_RELATIONS}),\s*{_NUMBER}(?=\s*,)",
            rf"(?<!\w)(?:{_RELATIONS})'s\s+{_NUMBER}"
            r"(?=\s*(?:[,.;)]|$|and\b|but\b|so\b|now\b|or\b))",
            # "a woman of about thirty", "a man of around 40", "a bloke maybe 25"
            rf"(?<!\w)(?:{_RELATIONS}|bloke|guy|fella|lad|male|female)\s+(?:of\s+|aged\s+)?"
            rf"(?:about|around|roughly|maybe|approximately)\s+{_NUMBER}(?!\w)"
            r"(?![\s-]*(?:minutes|hours|days|weeks|months|years? ago))",
            r"(?<!\w)in\s+(?:his|her|their)\s+(?:early\s+|mid\s*-?\s*|late\s+)?"
            r"(?:twenties|thirties|forties|fifties|sixties)(?!\w)",
        ]
    ),
    re.IGNORECASE,
)
_AGE_NUMBER = re.compile(rf"(?<!\w){_NUMBER}", re.IGNORECASE)
WORD = re.compile(r"[\w']+")  # "he's" is one word
LOOK_BEHIND = 160  # characters searched before a phrase for its cues
LOOK_AHEAD = 80


class Reading(enum.StrEnum):
    affirmed = "affirmed"
    negated = "negated"
    hedged = "hedged"
    past = "past"


@dataclass(frozen=True)
class Mention:
    """One phrase found in the narrative, how it reads, and the cue that decided it."""

    start: int
    end: int
    concept: Concept | None  # None: a stated age
    reading: Reading = Reading.affirmed
    cue: tuple[int, int] | None = None
    age: int | None = None
    gaps: tuple[tuple[int, int], ...] = ()  # the words a wildcard stood for
    adult: bool = False  # a stated age of 18 or more (see `age_gap`)

    @property
    def signals(self) -> tuple[str, ...]:
        if self.concept is None:
            return () if self.adult else ("child",)
        return {
            Reading.affirmed: self.concept.signals,
            Reading.negated: self.concept.negated,
            Reading.hedged: self.concept.hedged,
            Reading.past: self.concept.past,
        }[self.reading]


def normalise(text: str) -> str:
    """Return the text with curly apostrophes straightened (same length, same offsets)."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _ages(text: str, child_age: int) -> list[Mention]:
    found = []
    for match in AGE.finditer(text):
        decade = next((v for k, v in DECADES.items() if k in match.group(0).lower()), None)
        if decade is not None:
            found.append(Mention(match.start(), match.end(), None, age=decade, adult=True))
            continue
        number = _AGE_NUMBER.findall(match.group(0))[-1].lower()
        years = NUMBER_WORDS.get(number) or int(number)
        if years < child_age:
            found.append(Mention(match.start(), match.end(), None, age=years))
        elif years < 100:
            found.append(Mention(match.start(), match.end(), None, age=years, adult=True))
    return found


# An adult this many years older than a child in the same call is an older associate (E3).
AGE_GAP = 5


def age_gap(mentions: list[Mention]) -> tuple[Mention, Mention] | None:
    """The youngest child and the oldest adult the narrative gives ages for, when the adult is
    at least AGE_GAP years older: "she's 14 and he's 24", "with a 22-year-old"."""
    children = [m for m in mentions if m.concept is None and not m.adult and m.age is not None]
    adults = [m for m in mentions if m.concept is None and m.adult and m.age is not None]
    if not children or not adults:
        return None
    child = min(children, key=lambda m: m.age or 0)
    adult = max(adults, key=lambda m: m.age or 0)
    if (adult.age or 0) - (child.age or 0) >= AGE_GAP:
        return child, adult
    return None


def _apart(mention: Mention, other: Mention) -> bool:
    """Tell whether two matches can both stand: apart, or one within the other's wildcard."""
    if mention.end <= other.start or mention.start >= other.end:
        return True
    return any(s <= mention.start and mention.end <= e for s, e in other.gaps) or any(
        s <= other.start and other.end <= e for s, e in mention.gaps
    )


def _longest_first(candidates: list[Mention]) -> list[Mention]:
    longest = max((m.end - m.start for m in candidates), default=0)
    kept: list[Mention] = []  # by start, so that only neighbours need checking
    starts: list[int] = []
    for mention in sorted(candidates, key=lambda m: (m.start - m.end, m.start)):
        lo = bisect.bisect_left(starts, mention.start - longest)
        hi = bisect.bisect_left(starts, mention.end)
        if all(_apart(mention, k) for k in kept[lo:hi]):
            at = bisect.bisect_left(starts, mention.start)
            starts.insert(at, mention.start)
            kept.insert(at, mention)
    return sorted(kept, key=lambda m: (m.start, -m.end))


def _inside(start: int, end: int, mentions: list[Mention]) -> bool:
    """Tell whether a span lies wholly within a phrase (outside its wildcard words)."""
    return any(
        m.start <= start and end <= m.end and not any(s <= start and end <= e for s, e in m.gaps)
        for m in mentions
    )


def _listed_apart(text: str, start: int, end: int, others: list[Mention]) -> bool:
    """Tell whether another phrase, then a comma, stands between a cue and its phrase.

    "not detained, has capacity": the negation belongs to "detained" and stops at the comma.
    "no weapons or injuries" still negates both.
    """
    return any(start <= o.start and o.end <= end and "," in text[o.end : end] for o in others)


def _cue_before(
    text: str, cues: Cues, start: int, floor: int, others: list[Mention]
) -> tuple[int, int] | None:
    if cues.before is None:
        return None
    nearest = None
    for match in cues.before.finditer(text, floor, start):
        if _inside(match.start(), match.end(), others):
            continue
        if _listed_apart(text, match.end(), start, others):
            continue
        if len(WORD.findall(text, match.end(), start)) <= cues.window:
            nearest = (match.start(), match.end())
    return nearest


def _cue_after(
    text: str, cues: Cues, end: int, ceiling: int, others: list[Mention]
) -> tuple[int, int] | None:
    if cues.after is None:
        return None
    for match in cues.after.finditer(text, end, ceiling):
        if _inside(match.start(), match.end(), others):
            continue
        if len(WORD.findall(text, end, match.start())) <= cues.after_window:
            return (match.start(), match.end())
    return None


def _clause(
    text: str, boundaries: list[tuple[int, int]], mention: Mention, others: list[Mention]
) -> tuple[int, int]:
    """Return where the phrase's clause starts and ends (within the look-around)."""
    floor = max(0, mention.start - LOOK_BEHIND)
    ceiling = min(len(text), mention.end + LOOK_AHEAD)
    first = bisect.bisect_left(boundaries, (floor, 0))
    for start, end in boundaries[first:]:
        # A boundary may run into the phrase itself (", he" before "he's safe").
        if start >= mention.start:
            break
        if not _inside(start, end, others):
            floor = min(end, mention.start)
    for start, end in boundaries[bisect.bisect_left(boundaries, (mention.end, 0)) :]:
        if start >= ceiling:
            break
        if not _inside(start, end, others):
            return floor, start
    return floor, ceiling


def _read(
    rules: Rules,
    text: str,
    boundaries: list[tuple[int, int]],
    mention: Mention,
    others: list[Mention],
) -> Mention:
    concept = mention.concept
    if concept is None:
        return mention
    floor, ceiling = _clause(text, boundaries, mention, others)

    def cue(cues: Cues) -> tuple[int, int] | None:
        return _cue_before(text, cues, mention.start, floor, others) or _cue_after(
            text, cues, mention.end, ceiling, others
        )

    for reading, cues, applies in (
        (Reading.hedged, rules.hedge, True),
        (Reading.negated, rules.negation, concept.negatable),
        (Reading.past, rules.past, True),
    ):
        found = cue(cues) if applies else None
        if found is not None:
            return Mention(mention.start, mention.end, concept, reading, found)
    return mention


def read(rules: Rules, text: str) -> list[Mention]:
    """Find every phrase of the rules in the text, in order, each read for what it says."""
    plain = normalise(text)
    ages = _ages(plain, rules.child_age)
    candidates = [m for m in ages if not m.adult]
    for concept in rules.concepts:
        for match in concept.pattern.finditer(plain):
            if match.end("m") > match.start("m"):
                gaps = tuple(
                    match.span(i)
                    for i in range(2, (match.re.groups or 1) + 1)
                    if match.start(i) >= 0 and match.end(i) > match.start(i)
                )
                candidates.append(Mention(match.start("m"), match.end("m"), concept, gaps=gaps))
    kept = _longest_first(candidates)
    # An adult's age never displaces a phrase: it is kept only where nothing else was read.
    adults = [a for a in ages if a.adult and all(_apart(a, k) and _apart(k, a) for k in kept)]
    kept = sorted([*kept, *adults], key=lambda m: (m.start, m.end))
    boundaries = (
        [m.span() for m in rules.scope_end.finditer(plain)] if rules.scope_end is not None else []
    )
    starts = [m.start for m in kept]
    longest = max((m.end - m.start for m in kept), default=0)
    found = []
    for mention in kept:
        # Only phrases within the look-around can bear on this one's cues and clause.
        lo = bisect.bisect_left(starts, mention.start - LOOK_BEHIND - longest)
        hi = bisect.bisect_right(starts, mention.end + LOOK_AHEAD)
        near = [o for o in kept[lo:hi] if o is not mention]
        found.append(_read(rules, plain, boundaries, mention, near))
    return found
