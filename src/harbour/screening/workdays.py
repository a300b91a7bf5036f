"""Working days in England and Wales: Monday to Friday, less the bank holidays.

The reasonable-grounds clock of a National Referral Mechanism referral counts these (domain.md
section 5, source M1: a decision "within 5 working days" of the referral). England and Wales share
one list of bank holidays; the `holidays` package keeps it, including substitute days and the
one-off holidays that Parliament adds (docs/decisions/0013).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

# England's list is England and Wales's list (the Banking and Financial Dealings Act 1971 names
# the same days for both); Scotland and Northern Ireland differ and are not used.
_SUBDIVISION = "ENG"


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of England and Wales in a year."""
    found = holidays.country_holidays("GB", subdiv=_SUBDIVISION, years=year)
    return frozenset(day for day in found if day.year == year)


def is_working_day(day: date) -> bool:
    """Tell whether a day is a working day: a weekday that is not a bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """Return the day that is `n` working days after `start` (`start` itself is day 0).

    A referral made on a Saturday, a bank holiday or late on a Friday still starts counting from
    the next working day; `n == 0` returns `start` unchanged.
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    day = start
    left = n
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end` (0 if `end` <= `start`)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
