"""Harbour's one clock. Everything that needs the time asks `now()`; tests set it with `frozen`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return _source()


@contextmanager
def frozen(at: datetime) -> Iterator[Callable[[timedelta], None]]:
    """Hold the clock at `at` (aware) for the block; yield a function that moves it on."""
    global _source
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous = _source
    current = [at.astimezone(UTC)]

    def advance(by: timedelta) -> None:
        current[0] = current[0] + by

    _source = lambda: current[0]  # noqa: E731
    try:
        yield advance
    finally:
        _source = previous
