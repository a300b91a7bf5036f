"""The Philomena and Herbert profiles as validated shapes, in the JSON columns that hold them.

The Philomena Protocol (a child in care: part 1 completed in advance by carers with the police) and
the Herbert Protocol (a person living with dementia, completed by family or carers) each become a
model: `Philomena` and `Herbert` are what a record holds, `PhilomenaUpdate` and `HerbertUpdate`
what the form sends. Each holds when it was last reviewed, by whom, and when it is next due.

Imports may give a profile with any fields. `load` reads one in any shape Harbour has held: the
keys imports used are renamed (`LEGACY_KEYS`), anything else is kept under `imported` as it came
(a value a known field refuses is kept there too, as `<key>_as_imported`), so nothing imported is
lost and every stored profile can be shown and edited.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from harbour import clock, timefmt
from harbour.people.schemas import _clean, _clean_phones
from harbour.validation import Input

_WHERE = "places_they_may_go"
_PLACES = ("places_frequented", "likely_destinations", "places_she_goes", "places_he_goes")
# The keys imported profiles used, and the form's keys they now go by (as migration 0021 did).
LEGACY_KEYS: dict[str, dict[str, str]] = {
    "philomena": {
        "part1_completed_at": "completed_on",
        **dict.fromkeys(_PLACES, "places_they_may_go"),
    },
    "herbert": {"completed_at": "completed_on", **dict.fromkeys(_PLACES, "places_they_may_go")},
}

LINE_LIMIT = 200
LINES_LIMIT = 30
TEXT_LIMIT = 2000

CONSENT = {
    "consent": "They consented (or their attorney under a lasting power of attorney did)",
    "best_interests": "Decided in their best interests (Mental Capacity Act 2005, section 4)",
}

LABELS = {
    "completed_on": "Completed on",
    "description": "Description",
    "associates": "Friends and associates",
    "phones": "Phones they use",
    "social_media": "Social media",
    "routines": "Routines and habits",
    "medical_needs": "Medical needs and medication",
    "places_they_may_go": "Places they may go",
    "agreed_search_steps": "Pre-agreed search steps",
    "contacts": "Family, carers and other contacts",
    "consent": "Consent or best interests",
    "consent_by": "Who consented or decided",
    "consent_on": "Date of the consent or decision",
    "consent_basis": "The basis",
    "photo_id": "Photo",
    "reviewed_on": "Reviewed on",
    "reviewed_by": "Reviewed by",
    "next_review_on": "Next review by",
}


def _lines(value: object) -> list[str]:
    """One entry a line: blank lines dropped, spaces tidied, repeats left out, in order."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError("Enter one a line")
    kept: dict[str, str] = {}
    for item in items:
        cleaned = _clean(str(item))
        if cleaned and cleaned.lower() not in kept:
            if len(cleaned) > LINE_LIMIT:
                raise ValueError(f"Each line must be {LINE_LIMIT} characters or fewer")
            kept[cleaned.lower()] = cleaned
    if len(kept) > LINES_LIMIT:
        raise ValueError(f"Enter up to {LINES_LIMIT} lines")
    return list(kept.values())


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > TEXT_LIMIT:
        raise ValueError(f"Enter {TEXT_LIMIT:,} characters or fewer")
    return text or None


def _phones(value: object) -> list[str]:
    return _clean_phones(_lines(value)) or []


Text: Any = Field(default=None)
Lines: Any = Field(default_factory=list)


class _Shared(BaseModel):
    completed_on: date | None = None
    description: str | None = Text


class _PhilomenaFields(_Shared):
    """Part 1 of the Philomena Protocol: what carers gather before a child ever goes missing."""

    associates: list[str] = Lines
    phones: list[str] = Lines
    social_media: list[str] = Lines
    medical_needs: str | None = Text
    places_they_may_go: list[str] = Lines
    agreed_search_steps: list[str] = Lines
    photo_id: int | None = Field(default=None, ge=1)

    _texts = field_validator("description", "medical_needs", mode="before")(_text)
    _lists = field_validator(
        "associates", "social_media", "places_they_may_go", "agreed_search_steps", mode="before"
    )(_lines)
    _numbers = field_validator("phones", mode="before")(_phones)


class _HerbertFields(_Shared):
    """The Herbert Protocol form, and the record of the consent or best-interests decision
    that lets the police hold it."""

    routines: str | None = Text
    medical_needs: str | None = Text
    places_they_may_go: list[str] = Lines
    contacts: list[str] = Lines
    photo_id: int | None = Field(default=None, ge=1)
    consent: str | None = None
    consent_by: str | None = Field(default=None, max_length=200)
    consent_on: date | None = None
    consent_basis: str | None = Text

    _texts = field_validator(
        "description", "routines", "medical_needs", "consent_basis", mode="before"
    )(_text)
    _lists = field_validator("places_they_may_go", "contacts", mode="before")(_lines)
    _by = field_validator("consent_by", mode="before")(_clean)

    @field_validator("consent", mode="before")
    @classmethod
    def _consent(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if value not in CONSENT:
            raise ValueError("Choose consent or best interests from the options given")
        return value


class _Review(BaseModel):
    reviewed_on: date | None = None
    reviewed_by: str | None = Field(default=None, max_length=200)
    next_review_on: date | None = None


class _Stored(_Review):
    """What a record holds: the form's fields, the review, and anything else an import gave."""

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str]
    title: ClassVar[str]
    imported: dict[str, Any] = Field(default_factory=dict)

    @property
    def review_due(self) -> bool:
        """Whether the next review day has come (today or earlier, in UK local time)."""
        today = timefmt.local(clock.now()).date()
        return self.next_review_on is not None and self.next_review_on <= today

    def content(self) -> dict[str, Any]:
        """The form's fields (not the review or imported fields), as the form takes them."""
        return self.model_dump(exclude={"imported", *_Review.model_fields})

    def stored(self) -> dict[str, Any]:
        """The profile as its JSON column keeps it: the fields that hold something, the review,
        then the imported fields."""
        held = self.model_dump(mode="json", exclude={"imported"}, exclude_defaults=True)
        return held | {k: v for k, v in self.imported.items() if k not in held}

    @classmethod
    def load(cls, raw: Mapping[str, Any] | None) -> Self | None:
        """Read a profile in any shape Harbour has held (see the module's docstring)."""
        if not raw:
            return None
        renamed = rename(raw, LEGACY_KEYS[cls.kind])
        own = set(cls.model_fields) - {"imported"}
        known = {k: v for k, v in renamed.items() if k in own}
        extra = {k: _plain(v) for k, v in renamed.items() if k not in own}
        while True:
            try:
                return cls(**known, imported=extra)
            except ValidationError as exc:
                refused = {str(e["loc"][0]) for e in exc.errors() if e["loc"]} & set(known)
                if not refused:
                    raise
                for key in refused:
                    extra[f"{key}_as_imported"] = _plain(known.pop(key))


class Philomena(_Stored, _PhilomenaFields):
    kind: ClassVar[str] = "philomena"
    title: ClassVar[str] = "Philomena profile"


class Herbert(_Stored, _HerbertFields):
    kind: ClassVar[str] = "herbert"
    title: ClassVar[str] = "Herbert profile"


def rename(profile: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """The profile with old keys under their new names (two lists for one key are joined)."""
    out: dict[str, Any] = {}
    for key, value in profile.items():
        new = keys.get(key, key)
        if new in out and new != key:
            if isinstance(out[new], list) and isinstance(value, list):
                out[new] = out[new] + [v for v in value if v not in out[new]]
            continue
        out[new] = value
    return out


def _plain(value: Any) -> Any:
    """An imported value as a page can show it: text, a number, yes/no, or a list of those."""
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, scalar):
        return value
    if isinstance(value, list) and all(isinstance(v, scalar) for v in value):
        return value
    return json.dumps(value, ensure_ascii=False)[:TEXT_LIMIT]


# -- what the forms send ---------------------------------------------------------------------


def _today() -> date:
    return timefmt.local(clock.now()).date()


def _review_rules(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    completed = values.get("completed_on")
    if isinstance(completed, date) and completed > _today():
        errors["completed_on"] = "The date it was completed must be today or in the past"
    if not _clean(values.get("description")):
        errors["description"] = "Enter a description of them"
    next_review = values.get("next_review_on")
    if values.get("reviewed"):
        if next_review is None:
            errors["next_review_on"] = "Enter the date of the next review"
        elif isinstance(next_review, date) and next_review <= _today():
            errors["next_review_on"] = "The next review must be after today"
    elif next_review is not None:
        errors["reviewed"] = "Select that you have reviewed it, or leave the next review date blank"
    return errors


class _Update(Input):
    version: int = Field(ge=1)
    reviewed: bool = False
    next_review_on: date | None = None

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        return _review_rules(values)

    def content(self) -> dict[str, Any]:
        """The profile's own fields, without the version and the review."""
        return self.model_dump(exclude={"version", "reviewed", "next_review_on"})


class PhilomenaUpdate(_Update, _PhilomenaFields):
    """The Philomena form: part 1 of the profile, and whether it was reviewed today."""

    summary: ClassVar[str] = "Check the Philomena profile"


CONSENT_NEEDED = {
    "consent": "Select whether they consented or it was decided in their best interests",
    "consent_by": "Enter who consented, or who made the best-interests decision",
    "consent_on": "Enter the date of the consent or decision",
    "consent_basis": (
        "Enter the basis: why they could consent, or why it is in their best interests"
    ),
}


class HerbertUpdate(_Update, _HerbertFields):
    """The Herbert form, with the consent or best-interests record it needs."""

    summary: ClassVar[str] = "Check the Herbert profile"

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        errors = _review_rules(values)
        if not values.get("consent"):
            errors["consent"] = (
                "Select whether they consented or it was decided in their best interests"
            )
        if not _clean(values.get("consent_by")):
            errors["consent_by"] = "Enter who consented, or who made the best-interests decision"
        decided = values.get("consent_on")
        if decided is None:
            errors["consent_on"] = "Enter the date of the consent or decision"
        elif isinstance(decided, date) and decided > _today():
            errors["consent_on"] = (
                "The date of the consent or decision must be today or in the past"
            )
        if not _clean(values.get("consent_basis")):
            errors["consent_basis"] = (
                "Enter the basis: why they could consent, or why it was in their best interests"
            )
        return errors


MODELS: dict[str, type[Philomena] | type[Herbert]] = {"philomena": Philomena, "herbert": Herbert}


def from_import(kind: str, raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An imported profile (any fields) as the record keeps it: in the form's shape, with the
    fields the form does not know kept as they came."""
    profile = MODELS[kind].load(raw)
    return profile.stored() if profile else None
