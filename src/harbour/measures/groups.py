"""The breakdowns: what group a counted thing falls in, by the person it is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harbour.people.vocabulary import ETHNICITIES

DIMENSIONS: Mapping[str, str] = {
    "borough": "Borough",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity (self-defined)",
    "ethnic_group": "Ethnic group (self-defined, broad)",
    "observed_ethnicity": "Ethnicity (observed by an officer)",
    "looked_after": "Looked after",
}

# Age on the day of the report. The child bands follow the published missing-children figures
# (93% of child incidents involve 12-17-year-olds); the adult bands the London
# figures (18-39 is the most reported adult band, S33).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-11", 0, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
    ("18-24", 18, 24),
    ("25-39", 25, 39),
    ("40-64", 40, 64),
    ("65+", 65, 200),
)
UNKNOWN = "unknown"
ALL = "all"

BROAD_GROUPS: Mapping[str, str] = {
    "white": "White",
    "mixed": "Mixed or multiple",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
}


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    for band, low, high in AGE_BANDS:
        if low <= age <= high:
            return band
    return UNKNOWN


def broad_group(code: str | None) -> str:
    """The census's broad group of one of its 19 detailed codes (`black_african` is black)."""
    if not code or code not in ETHNICITIES:
        return UNKNOWN
    return code.split("_", 1)[0]


@dataclass(frozen=True)
class Who:
    """What a counted thing's person is, for every breakdown."""

    borough: str
    age_band: str
    sex: str
    ethnicity: str
    ethnic_group: str
    observed_ethnicity: str
    looked_after: str

    def group(self, by: str | None) -> str:
        return ALL if by is None else str(getattr(self, by))


def who(
    *,
    borough: str | None,
    age: int | None,
    sex: str | None,
    ethnicity: str | None,
    observed_ethnicity: str | None,
    looked_after: bool | None,
) -> Who:
    return Who(
        borough=borough or UNKNOWN,
        age_band=age_band(age),
        sex=sex or UNKNOWN,
        ethnicity=ethnicity if ethnicity in ETHNICITIES else UNKNOWN,
        ethnic_group=broad_group(ethnicity),
        observed_ethnicity=observed_ethnicity if observed_ethnicity in ETHNICITIES else UNKNOWN,
        looked_after=UNKNOWN if looked_after is None else ("yes" if looked_after else "no"),
    )


NOBODY = who(
    borough=None, age=None, sex=None, ethnicity=None, observed_ethnicity=None, looked_after=None
)


def label(by: str | None, group: str) -> str:
    """A group in words, for pages and CSV."""
    if group == ALL:
        return "All"
    if group == UNKNOWN:
        return "Not known"
    if by in ("ethnicity", "observed_ethnicity"):
        return ETHNICITIES.get(group, group)
    if by == "ethnic_group":
        return BROAD_GROUPS.get(group, group)
    if by == "looked_after":
        return {"yes": "Looked after", "no": "Not looked after"}.get(group, group)
    if by == "sex":
        return group.capitalize()
    return group
