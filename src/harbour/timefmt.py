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
    """Format as '21:40, 26 Nov 2026' in local time; in the hour the autumn change repeats, with
    its zone ('01:30 BST, 25 Oct 2026', then '01:30 GMT'), so the two are told apart."""
    if dt is None:
        return ""
    value = local(dt)
    other = value.replace(fold=1 - value.fold)
    zone = f" {value.tzname()}" if other.utcoffset() != value.utcoffset() else ""
    return f"{value:%H:%M}{zone}, {value.day} {value:%b %Y}"


def absolute_iso(text: str | None) -> str:
    """Format a stored ISO 8601 time (as JSON columns keep them) like `absolute`."""
    if not text:
        return ""
    try:
        return absolute(datetime.fromisoformat(text))
    except ValueError:
        return text


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


def from_local(day: str, month: str, year: str, time: str, *, what: str) -> datetime | None:
    """Read a date and 24-hour time typed in local time (blank: None) as an aware UTC time.

    Raises ValueError with a message a person can act on, naming `what` ("Last seen").
    """
    parts = [p.strip() for p in (day, month, year, time)]
    if not any(parts):
        return None
    if not all(parts[:3]):
        raise ValueError(f"{what} must include a day, month and year")
    if not parts[3]:
        raise ValueError(f"{what} must include a time, for example 21:40")
    zone = get_settings().zone
    clock_time, _, label = parts[3].upper().partition(" ")
    try:
        hours, minutes = (int(x) for x in clock_time.replace(".", ":").split(":"))
        value = datetime(int(parts[2]), int(parts[1]), int(parts[0]), hours, minutes, tzinfo=zone)
    except ValueError:
        raise ValueError(f"{what} must be a real date and a time such as 21:40") from None
    if value.year < 1900:
        raise ValueError(f"{what} must be after 1900")
    return _on_the_clock(value, label.strip(), what)


def _on_the_clock(value: datetime, label: str, what: str) -> datetime:
    """The UTC time of a local wall-clock time, across the clock changes: a time the spring
    change skipped is refused, and one the autumn change repeats needs its zone ("01:30 GMT")."""
    when = f"{value:%H:%M} on {value.day} {value:%B %Y}"
    first, second = value.replace(fold=0), value.replace(fold=1)
    if first.astimezone(UTC).astimezone(value.tzinfo).replace(tzinfo=None) != value.replace(
        tzinfo=None
    ):
        raise ValueError(
            f"{what}: {when} did not happen, because the clocks went forward an hour that "
            "night. Enter the time a clock showed after the change."
        )
    names = {str(first.tzname()).upper(): first, str(second.tzname()).upper(): second}
    if first.utcoffset() == second.utcoffset():
        if label and label not in names:
            raise ValueError(f"{what}: write the time alone, for example {value:%H:%M}")
        return first.astimezone(UTC)
    if label not in names:
        once, twice = first.tzname(), second.tzname()
        raise ValueError(
            f"{what}: {when} happened twice, because the clocks went back an hour that night. "
            f"Enter {value:%H:%M} {once} for the first time or {value:%H:%M} {twice} for the "
            "second."
        )
    return names[label].astimezone(UTC)


def local_noon(day: date) -> datetime:
    """Midday of a local date, in UTC: the time given to a fact known only by its day."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=get_settings().zone).astimezone(UTC)


def local_parts(dt: datetime | None) -> dict[str, str]:
    """Split a time into the day, month, year and HH:MM a date-and-time input shows (with the
    zone in the hour the autumn change repeats, so that saving the form again keeps it)."""
    if dt is None:
        return {"day": "", "month": "", "year": "", "time": ""}
    value = local(dt)
    repeated = value.replace(fold=1 - value.fold).utcoffset() != value.utcoffset()
    return {
        "day": str(value.day),
        "month": str(value.month),
        "year": str(value.year),
        "time": f"{value:%H:%M}" + (f" {value.tzname()}" if repeated else ""),
    }
