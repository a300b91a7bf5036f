"""Read the import files line by line and turn each line into a validated record, or a reason.

A line is refused on its own, never the whole file: bytes that are not UTF-8, JSON that is not
strict (NaN, Infinity, numbers out of range, lone surrogate escapes), nesting deeper than
`MAX_DEPTH` and a top-level value that is not an object each cost only their own line. A UTF-8
byte-order mark is accepted at the start of a file (or of a line, as when files are joined).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from harbour.errors import HarbourError
from harbour.interop.schemas import KINDS, LINE_MODELS, Line

# The format nests three levels (a line, risk_answers or philomena, a value); free-form fields
# may nest a little more. Deeper is a malformed extract, and left alone it would reach Python's
# recursion limit (about 1,000 levels) in the JSON parser, the validator or the database driver.
MAX_DEPTH = 20
BOM = "\ufeff"


class ImportFailed(HarbourError):
    """The import could not run at all (no such file, no organisation, …)."""


def read_lines(files: Iterable[Path]) -> Iterator[tuple[str, int, str]]:
    """Yield each non-blank line with its file and line number.

    Bytes that are not UTF-8 are kept as surrogate escapes (PEP 383), so that `parse_with_digest`
    refuses their line alone, and the line numbers stay those of the file.
    """
    for path in files:
        try:
            with path.open(encoding="utf-8", errors="surrogateescape") as handle:
                for number, text in enumerate(handle, start=1):
                    if text.startswith(BOM):
                        text = text[1:]
                    if text.strip():
                        yield str(path), number, text.rstrip("\n")
        except OSError as exc:
            raise ImportFailed(f"{path} could not be read: {exc.strerror or exc}") from exc


def as_written(text: str) -> str:
    """Return a line fit to print or store: bytes that were not UTF-8 become U+FFFD."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _check_utf8(text: str) -> None:
    if text.isascii():  # O(1) in CPython: nearly every line stops here
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        byte = ord(text[exc.start]) - 0xDC00  # surrogateescape keeps byte b as U+DC00 + b
        raise ValueError(
            f"not UTF-8 text: byte 0x{byte:02x} at column {exc.start + 1} (save the file as UTF-8)"
        ) from None


class _NotJsonNumber(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJsonNumber(f"{name} is not a JSON number")


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _loads(text: str) -> Any:
    deep = f"nested more than {MAX_DEPTH} levels deep"
    try:
        raw = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except _NotJsonNumber as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(deep) from None
    except ValueError:  # the only other: an integer past Python's limit on digits
        limit = sys.get_int_max_str_digits()
        raise ValueError(f"a number has more than {limit} digits") from None
    if text.count("{") + text.count("[") > MAX_DEPTH and _too_deep(raw):
        raise ValueError(deep)
    return raw


def _canonical(raw: dict[str, Any], text: str) -> str:
    """Return the line's canonical JSON, refusing what is not strict JSON or not Unicode."""
    try:
        canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except ValueError:  # inf from a float such as 1e999
        raise ValueError("a number is out of range (beyond ±1.8e308)") from None
    if "\\u0000" in canonical:  # as the web's edge: no column of either database holds it
        raise ValueError(
            "the line contains a NUL character (\\u0000), which Harbour cannot store: remove it"
        )
    if "\\u" in text:  # a surrogate escape can only come from one
        try:
            json.dumps(raw, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            escape = f"\\u{ord(exc.object[exc.start]):04x}"
            raise ValueError(
                f"{escape} is half of a surrogate pair on its own, which is not a character"
            ) from None
    return canonical


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "is not a field of this kind (check the spelling)"
        elif error["type"] == "missing":
            message = "is required"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse_with_digest(text: str) -> tuple[Line, str]:
    """Validate a line and return it with the SHA-256 of its canonical JSON (for re-imports)."""
    _check_utf8(text)
    raw = _loads(text)
    if not isinstance(raw, dict):
        raise ValueError("a line must be a JSON object with a kind and an id")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in LINE_MODELS:
        shown = repr(kind)[:60] if isinstance(kind, str | None) else "(not text)"
        raise ValueError(f"unknown kind {shown}: use one of {', '.join(KINDS)}")
    canonical = _canonical(raw, text)
    try:
        line = LINE_MODELS[kind].model_validate(raw)
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from None
    return line, hashlib.sha256(canonical.encode()).hexdigest()
