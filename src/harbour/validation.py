"""Input at the edges: Pydantic v2 schemas whose failures read as plain sentences.

Everything that changes a record arrives as a schema (`XInput`, `XCreate`, `XUpdate` in its
domain's `schemas.py`), built from a form, a JSON body or a line of a file. A schema checks the
shape of what was given: `needed(message)` marks a field that must be there, with the sentence a
person sees when it is not. `Input.of(**values)` builds one or raises `ValidationFailed` with a
message per field, and `messages` turns any Pydantic error into the same. Rules that need the
record or the database (found after last seen; a child never below the minimum grade) belong to
the service, which raises `ValidationFailed` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from harbour.errors import ValidationFailed

# The largest record id a database integer holds: a longer number is no record.
LARGEST_ID = 2_147_483_647


def record_number(value: str | None) -> int | None:
    """A record number as typed or chosen, or None if blank, not a number, or too long to be a
    record's id (a 20-digit number would overflow the database's integer)."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None


def needed(message: str) -> BeforeValidator:
    """A field that must be given: blank text, None or an empty choice fails with `message`."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise PydanticCustomError("needed", message)
        return value

    return BeforeValidator(check)


def one_of(options: Any, message: str) -> BeforeValidator:
    """A choice that must be one of `options` (a mapping's keys or any collection)."""
    allowed = set(options)

    def check(value: Any) -> Any:
        if value not in allowed:
            raise PydanticCustomError("one_of", message)
        return value

    return BeforeValidator(check)


def messages(exc: ValidationError) -> dict[str, str]:
    """One plain message per field: the schema's own sentence where it gives one."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        message = str(error["msg"]).removeprefix("Value error, ")
        errors.setdefault(field, message[:1].upper() + message[1:])
    return errors


class Problems:
    """What a request breaks of a service's rules, one message per field, raised together.

    problems = Problems("Check the grading")
    problems.add("grade", "A child cannot be graded below medium")
    problems.raise_any()  # ValidationFailed with every message, if there is one
    """

    def __init__(self, summary: str) -> None:
        self.summary = summary
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.summary, field_errors=dict(self.errors))


class Input(BaseModel):
    """A request to change something, checked at the edge; `summary` heads its error summary."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    summary: ClassVar[str] = "Check the details you entered"

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        """The rules between fields (an outcome the answers rule out), as a message per field.

        The service that takes the schema enforces them; a form shows them beside any blank
        field, so that a person sees everything to put right at once.
        """
        return {}

    @classmethod
    def of(cls, **values: Any) -> Self:
        """Build the schema, or raise ValidationFailed with a message for each field at fault."""
        try:
            return cls(**values)
        except ValidationError as exc:
            errors = messages(exc) | cls.rules(values)
            raise ValidationFailed(cls.summary, field_errors=errors) from exc


def _whole(value: object) -> object:
    """JSON's 38.0 is the whole number 38 (JSON Schema's "integer"); 38.5, "38" and true stay
    what they are, for the integer check to refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A whole number as JSON Schema means it: 38 and 38.0, not 38.5 or "38". Put it after a Field's
# bounds, Annotated[int, Field(ge=0), WHOLE], so that the bounds reach the JSON Schema.
WHOLE = BeforeValidator(_whole)


def _day(value: object) -> object:
    """A date is written as one ("2012-03-04"): a number is not read as seconds since 1970."""
    if isinstance(value, int | float):
        raise ValueError("Enter the date as YYYY-MM-DD, for example 2012-03-04")
    return value


# A calendar day written as a date (or a date object), never a number.
Day = Annotated[date, BeforeValidator(_day)]
