"""Read a posted form field by field, collecting one plain message per field that is wrong.

fields = Fields(form)
name = fields.text("reporter_name", "Reporter's name", required=True, limit=200)
seen = fields.when("last_seen", "Last seen")
fields.check()  # raises ValidationFailed with every message at once
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from harbour import clock, timefmt
from harbour.errors import ValidationFailed
from harbour.validation import Input, messages, record_number

InputT = TypeVar("InputT", bound=Input)


class Fields:
    """A posted form and the errors found reading it."""

    def __init__(self, form: Mapping[str, str], lists: Mapping[str, list[str]] | None = None):
        self.form = form
        self.lists = lists or {}
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        limit: int = 2000,
        missing: str | None = None,
    ) -> str | None:
        """Return the stripped text, or None when blank."""
        value = self.form.get(name, "").strip()
        if not value:
            if required:
                self.fail(name, missing or f"Enter {label[:1].lower()}{label[1:]}")
            return None
        if len(value) > limit:
            self.fail(name, f"{label} must be {limit:,} characters or fewer")
        return value

    def choice(
        self, name: str, label: str, options: Iterable[str], *, required: bool = True
    ) -> str | None:
        """Return one of `options`, or None when nothing was chosen."""
        value = self.form.get(name, "").strip()
        if not value:
            if required:
                self.fail(name, f"Select {label[:1].lower()}{label[1:]}")
            return None
        if value not in set(options):
            self.fail(name, f"Choose {label[:1].lower()}{label[1:]} from the options given")
            return None
        return value

    def choices(self, name: str, options: Iterable[str]) -> list[str]:
        """Return the ticked boxes of a checkbox group, dropping any value not offered."""
        allowed = set(options)
        return [v for v in self.lists.get(name, []) if v in allowed]

    def whole(self, name: str, label: str, *, lowest: int = 0, highest: int = 10_000) -> int | None:
        """Return a whole number, or None when blank."""
        value = self.form.get(name, "").strip()
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail(name, f"{label} must be a whole number, like 3")
            return None
        if not lowest <= number <= highest:
            self.fail(name, f"{label} must be between {lowest} and {highest:,}")
            return None
        return number

    def when(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        not_before: datetime | None = None,
        not_before_label: str = "",
    ) -> datetime | None:
        """Return a local date and time (fields NAME_day, _month, _year, _time) as UTC."""
        parts = (self.form.get(f"{name}_{p}", "") for p in ("day", "month", "year", "time"))
        try:
            value = timefmt.from_local(*parts, what=label)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None
        if value is None:
            if required:
                self.fail(name, f"Enter the date and time: {label[:1].lower()}{label[1:]}")
            return None
        if value > clock.now():
            self.fail(name, f"{label} must be in the past")
        elif not_before is not None and value < not_before:
            self.fail(name, f"{label} must be after {not_before_label}")
        return value

    def day(self, name: str, label: str) -> date | None:
        """Return a GOV.UK date input (NAME_day, _month, _year) as a date; None when blank."""
        parts = [self.form.get(f"{name}_{p}", "").strip() for p in ("day", "month", "year")]
        if not any(parts):
            return None
        if not all(parts):
            self.fail(name, f"{label} must include a day, month and year")
            return None
        try:
            day, month, year = (int(p) for p in parts)
            return date(year, month, day)
        except ValueError:
            self.fail(name, f"{label} must be a real date, for example 27 11 2026")
            return None

    def check(self, summary: str = "Check the details you entered") -> None:
        """Raise every message found so far, if there is any."""
        if self.errors:
            raise ValidationFailed(summary, field_errors=dict(self.errors))

    def build(self, model: type[InputT], **values: Any) -> InputT:
        """The schema from what was read, or every message at once: the form's own (a date that
        is not a date) and the schema's (a field left blank), the form's first."""
        try:
            built = model(**values)
        except ValidationError as exc:
            for name, message in (messages(exc) | model.rules(values)).items():
                self.fail(name, message)
        self.check(model.summary)
        return built


def form_version(form: Mapping[str, str]) -> int:
    """The record version a form was read at (-1 if missing, so a stale check refuses it)."""
    try:
        return int(form.get("version", ""))
    except ValueError:
        return -1


def form_number(value: str | None) -> int | None:
    """A chosen id from a select or hidden field (validation.record_number)."""
    return record_number(value)
