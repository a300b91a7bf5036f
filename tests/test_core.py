"""Settings, the clock, and local time across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from harbour import clock, timefmt
from harbour.settings import DEVELOPMENT_SECRET_KEY, Settings


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="HARBOUR_SECRET_KEY"):
        Settings(env="production", secret_key=DEVELOPMENT_SECRET_KEY)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short")
    ok = Settings(env="production", secret_key="x" * 40)
    assert ok.secure_cookies is True


def test_settings_come_from_harbour_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARBOUR_LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("HARBOUR_TIMEZONE", "Europe/Dublin")
    settings = Settings()
    assert settings.login_max_failures == 7
    assert settings.zone.key == "Europe/Dublin"


def test_the_clock_can_be_held_and_moved() -> None:
    at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    with clock.frozen(at) as advance:
        assert clock.now() == at
        advance(timedelta(hours=1))
        assert clock.now() == at + timedelta(hours=1)
    assert clock.now() != at


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "00:30, 29 Mar 2026"),  # GMT, before the change
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "02:30, 29 Mar 2026"),  # BST, after it
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "01:30 BST, 25 Oct 2026"),  # the first 01:30
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "01:30 GMT, 25 Oct 2026"),  # the second
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "23:59, 31 Dec 2026"),
    ],
)
def test_local_time_is_right_across_clock_changes(utc: datetime, shown: str) -> None:
    assert timefmt.absolute(utc) == shown


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("25 10 2026", "01:30 BST", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("25 10 2026", "01:30 gmt", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("29 3 2026", "02:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        ("29 3 2026", "00:59", datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        ("2 12 2026", "21:40 GMT", datetime(2026, 12, 2, 21, 40, tzinfo=UTC)),
    ],
)
def test_a_typed_local_time_is_read_across_the_clock_changes(
    day: str, time: str, expected: datetime
) -> None:
    assert timefmt.from_local(*day.split(), time, what="Last seen") == expected


@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        ("25 10 2026", "01:30", "happened twice"),  # the autumn repeats 01:00-01:59
        ("29 3 2026", "01:30", "did not happen"),  # the spring change skips 01:00-01:59
        ("2 12 2026", "21:40 BST", "write the time alone"),  # no summer time in December
        ("1 1 0001", "12:00", "after 1900"),
    ],
)
def test_a_time_the_clock_skipped_or_repeated_is_questioned_not_guessed(
    day: str, time: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        timefmt.from_local(*day.split(), time, what="Last seen")
    if message == "happened twice":  # and the message says how to write each of the two
        with pytest.raises(ValueError, match="Enter 01:30 BST for the first time or 01:30 GMT"):
            timefmt.from_local(*day.split(), time, what="Last seen")


def test_a_stored_time_in_the_repeated_hour_is_shown_so_it_saves_again_unchanged() -> None:
    for stored in (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ):
        parts = timefmt.local_parts(stored)
        again = timefmt.from_local(
            parts["day"], parts["month"], parts["year"], parts["time"], what="x"
        )
        assert again == stored


def test_relative_times_read_naturally() -> None:
    now = datetime(2026, 11, 26, 21, 40, tzinfo=UTC)
    with clock.frozen(now):
        assert timefmt.relative(now - timedelta(hours=2, minutes=15)) == "2 h 15 min ago"
        assert timefmt.relative(now + timedelta(minutes=40)) == "in 40 min"
        assert timefmt.relative(now - timedelta(days=3)) == "3 d ago"
        assert timefmt.relative(now - timedelta(seconds=5)) == "just now"
        assert timefmt.both(now) == "21:40, 26 Nov 2026 (just now)"


def test_age_turns_on_the_birthday() -> None:
    born = date(2010, 11, 26)
    assert timefmt.age(born, date(2026, 11, 25)) == 15
    assert timefmt.age(born, date(2026, 11, 26)) == 16
    assert timefmt.age(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert timefmt.age(date(2012, 2, 29), date(2026, 3, 1)) == 14


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 40000))
def test_age_never_goes_backwards(born: date, days: int) -> None:
    later = born + timedelta(days=days)
    age = timefmt.age(born, later)
    assert age is not None
    assert 0 <= age <= days // 365 + 1
    assert timefmt.age(born, later + timedelta(days=1)) in (age, age + 1)


def test_every_template_compiles() -> None:
    """A template with a syntax error fails here, not in front of an officer."""
    import harbour.app  # noqa: F401  (the page modules register their filters on import)
    from harbour.web import TEMPLATES_DIR, templates

    names = [str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.html")]
    assert len(names) > 20
    for name in names:
        templates.env.get_template(name)
