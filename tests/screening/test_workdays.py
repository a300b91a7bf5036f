"""The reasonable-grounds clock: working days in England and Wales."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harbour.screening.workdays import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
counts = st.integers(min_value=0, max_value=60)

# gov.uk/bank-holidays, England and Wales.
ENGLAND_AND_WALES_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),  # Boxing Day falls on a Saturday: the Monday is the holiday
}


def test_the_bank_holidays_are_england_and_wales_s() -> None:
    weekdays = {d for d in bank_holidays(2026) if d.weekday() < 5}
    assert weekdays == ENGLAND_AND_WALES_2026
    assert date(2026, 1, 2) not in bank_holidays(2026)  # Scotland's 2 January is not ours
    assert date(2026, 3, 17) not in bank_holidays(2026)  # nor Northern Ireland's St Patrick's


@pytest.mark.parametrize(
    ("referred", "due"),
    [
        # Christmas 2026: Friday 25th, Boxing Day substitute Monday 28th, New Year's Day Friday.
        (date(2026, 12, 23), date(2027, 1, 4)),
        (date(2026, 12, 24), date(2027, 1, 5)),
        (date(2026, 12, 25), date(2027, 1, 5)),  # referred on the holiday itself
        # Christmas 2027: both days on the weekend, substitutes Monday 27th and Tuesday 28th.
        (date(2027, 12, 24), date(2028, 1, 5)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 1), date(2026, 4, 10)),
        (date(2026, 4, 2), date(2026, 4, 13)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), date(2027, 4, 5)),
        # One-off holidays Parliament added: the King's coronation, 8 May 2023.
        (date(2023, 5, 5), date(2023, 5, 15)),
        # An ordinary week, and a weekend referral.
        (date(2026, 11, 16), date(2026, 11, 23)),
        (date(2026, 11, 21), date(2026, 11, 27)),
    ],
)
def test_five_working_days_skip_weekends_and_bank_holidays(referred: date, due: date) -> None:
    assert add_working_days(referred, 5) == due


def test_zero_days_is_the_start_and_negative_is_refused() -> None:
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(date(2026, 12, 25), -1)


@given(days, st.integers(min_value=1, max_value=60))
def test_the_result_is_a_later_working_day(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)


@given(days, counts)
def test_exactly_n_working_days_are_counted(start: date, n: int) -> None:
    end = add_working_days(start, n)
    counted = sum(
        is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )
    assert counted == n == working_days_between(start, end)


@given(days, counts, counts)
def test_adding_in_two_steps_is_adding_once(start: date, a: int, b: int) -> None:
    assert add_working_days(add_working_days(start, a), b) == add_working_days(start, a + b)


@given(days, counts)
def test_one_more_day_is_always_later(start: date, n: int) -> None:
    assert add_working_days(start, n + 1) > add_working_days(start, n)


@given(days, counts)
def test_no_working_day_is_skipped(start: date, n: int) -> None:
    """Every day strictly between the n-th and (n+1)-th working day is a weekend or holiday."""
    this, following = add_working_days(start, n), add_working_days(start, n + 1)
    gap = [this + timedelta(days=i) for i in range(1, (following - this).days)]
    assert not any(is_working_day(day) for day in gap)


@given(days)
def test_five_working_days_is_at_least_a_week(start: date) -> None:
    """Five working days span a whole weekend, so never less than 7 calendar days from a
    working day, and at most 7 plus the longest run of holidays (Christmas: 4 more)."""
    span = (add_working_days(start, 5) - start).days
    assert 5 <= span <= 13
    if is_working_day(start):
        assert span >= 7
