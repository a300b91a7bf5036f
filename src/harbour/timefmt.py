"""Show stored UTC times in the force's local time, absolute and relative, across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from harbour import clock
from harbour.settings import get_settings


def local(dt: datetime) -> datetime:
    """Convert an aware (or naive-UTC) time to the display time zone."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(get_settings().zone)


def absolute(dt: datetime | None) -> str:
    """Format as '21:40, 26 Nov 2026' in local time."""
    if dt is None:
        return ""
    value = local(dt)
    return f"{value:%H:%M}, {value.day} {value:%b %Y}"


def relative(dt: datetime | None) -> str:
    """Describe how long ago (or how far ahead) a time is: '2 h 15 min ago', 'in 40 min'."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    seconds = int((clock.now() - dt).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        text = f"{days} d {hours} h" if hours else f"{days} d"
    elif hours:
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        text = f"{minutes} min"
    return f"in {text}" if future else f"{text} ago"


def both(dt: datetime | None) -> str:
    """Format as '21:40, 26 Nov 2026 (2 h 15 min ago)'."""
    if dt is None:
        return ""
    return f"{absolute(dt)} ({relative(dt)})"


def age(born: date | None, on: date | None = None) -> int | None:
    """Return the age in whole years on a day (today in local time by default)."""
    if born is None:
        return None
    today = on or local(clock.now()).date()
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years
