"""Dates of birth as analysts' files hold them: detect the format, read full and partial dates.

A file's dates are read with one format for the whole column: ISO (`YYYY-MM-DD`, and the partial
`YYYY-MM` and `YYYY`), `YYYYMMDD` or `DD/MM/YYYY` (UK order; `DD-MM-YYYY` and `DD.MM.YYYY` too),
detected from the values or given as a `strftime` pattern. A value that the format cannot read is
missing, and counted so that the command can say how many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

ISO = "iso"
COMPACT = "yyyymmdd"
UK = "dd/mm/yyyy"
FORMATS = (ISO, COMPACT, UK)

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# How many values detection looks at: enough to tell the formats apart, quick on any file.
SAMPLE = 5_000


class DateFormatError(ValueError):
    """The dates cannot be read with any known format (or the one given)."""


@dataclass(frozen=True)
class PartialDate:
    """A date of birth with as much as is known: the year, then perhaps the month and day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """Return `YYYY-MM-DD`, `YYYY-MM` or `YYYY`."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


def _checked(year: int, month: int | None, day: int | None) -> PartialDate | None:
    if not 1850 <= year <= 2200:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        if month is None:
            return None
        try:
            date(year, month, day)
        except ValueError:
            return None
    return PartialDate(year, month, day)


def parse(value: str, fmt: str) -> PartialDate | None:
    """Read one value with a format (one of FORMATS or a `strftime` pattern); None if unreadable."""
    text = value.strip()
    if not text:
        return None
    if fmt == ISO:
        timed = _ISO_TIME.match(text)
        if timed:
            text = timed.group(1)
        match = _ISO.match(text)
        if not match:
            return None
        year, month, day = match.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)
    if fmt == COMPACT:
        match = _COMPACT.match(text)
        if not match:
            return None
        return _checked(*(int(part) for part in match.groups()))
    if fmt == UK:
        match = _UK.match(text)
        if not match:
            return None
        day_text, month_text, year_text = match.groups()
        return _checked(int(year_text), int(month_text), int(day_text))
    try:
        parsed = datetime.strptime(text, fmt)  # noqa: DTZ007  (a date, not a moment)
    except ValueError:
        return None
    return PartialDate(parsed.year, parsed.month, parsed.day)


def detect(values: list[str]) -> str:
    """Return the format that reads the most of the non-empty values (ISO first on a tie)."""
    sample = [v for v in values if v.strip()][:SAMPLE]
    if not sample:
        return ISO
    best, best_count = ISO, -1
    for fmt in FORMATS:
        count = sum(parse(v, fmt) is not None for v in sample)
        if count > best_count:
            best, best_count = fmt, count
    if best_count == 0:
        examples = ", ".join(repr(v) for v in sample[:3])
        raise DateFormatError(
            f"no value is an ISO, YYYYMMDD or DD/MM/YYYY date (for example {examples}): "
            "give the format with --date-format"
        )
    return best


def read_column(values: list[str], fmt: str | None = None) -> tuple[list[PartialDate | None], int]:
    """Read a column of dates; return them and how many non-empty values could not be read."""
    chosen = fmt if fmt else detect(values)
    if chosen not in FORMATS and "%" not in chosen:
        raise DateFormatError(
            f"unknown date format {chosen!r}: use iso, yyyymmdd, dd/mm/yyyy or a pattern "
            "such as %d-%b-%Y"
        )
    dates = [parse(v, chosen) for v in values]
    unreadable = sum(1 for v, d in zip(values, dates, strict=True) if d is None and v.strip())
    return dates, unreadable
