"""CAWN eligibility and the NRM clocks as pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from harbour.screening.rules import (
    NrmClock,
    birthday,
    cawn_eligibility,
    cg_earliest,
    nrm_clock,
    rg_due,
)

ON = date(2026, 11, 27)


def _born(age: int) -> date:
    """Born on 1 June, `age` years before that summer: `age` on ON."""
    return date(ON.year - age, 6, 1)


def test_a_15_year_old_is_eligible_until_16() -> None:
    check = cawn_eligibility("SMITH, Amy", _born(15), True, False, ON)
    assert check.eligible
    assert check.age == 15
    assert check.expires_on == date(2027, 6, 1)  # the 16th birthday


def test_a_16_year_old_not_in_care_is_refused_with_the_reason() -> None:
    check = cawn_eligibility("SMITH, Amy", _born(16), True, False, ON)
    assert not check.eligible
    assert check.expires_on is None
    assert "SMITH, Amy is 16 and not recorded as in care" in check.reason
    assert "under 16, or under 18 if they are in care" in check.reason


def test_looked_after_unknown_counts_as_not_in_care() -> None:
    assert not cawn_eligibility("A", _born(16), True, None, ON).eligible


def test_a_17_year_old_in_care_is_eligible_until_18() -> None:
    check = cawn_eligibility("SMITH, Amy", _born(17), True, True, ON)
    assert check.eligible
    assert check.expires_on == date(2027, 6, 1)  # the 18th birthday


def test_a_child_in_care_under_16_is_protected_until_18() -> None:
    check = cawn_eligibility("A", _born(12), True, True, ON)
    assert check.eligible and check.expires_on == date(2032, 6, 1)


@pytest.mark.parametrize("in_care", [True, False])
def test_an_adult_is_never_eligible(in_care: bool) -> None:
    check = cawn_eligibility("SMITH, Amy", _born(18), True, in_care, ON)
    assert not check.eligible and "SMITH, Amy is 18" in check.reason


def test_the_birthday_decides_on_the_day() -> None:
    born = date(2010, 11, 27)
    assert not cawn_eligibility("A", born, True, False, ON).eligible  # 16 today
    assert cawn_eligibility("A", born, True, False, date(2026, 11, 26)).eligible


def test_the_date_of_birth_must_be_known_exactly() -> None:
    missing = cawn_eligibility("SMITH, Amy", None, True, True, ON)
    assert not missing.eligible and "does not hold SMITH, Amy's date of birth" in missing.reason
    partial = cawn_eligibility("SMITH, Amy", date(2012, 1, 1), False, True, ON)
    assert not partial.eligible and "only part of" in partial.reason


def test_a_29_february_birthday_falls_on_1_march() -> None:
    assert birthday(date(2012, 2, 29), 16) == date(2028, 2, 29)
    assert birthday(date(2012, 2, 29), 18) == date(2030, 3, 1)


def test_the_nrm_clock_from_referral_to_conclusive_grounds() -> None:
    due = rg_due(date(2026, 12, 23))
    assert due == date(2027, 1, 4)

    def clock(today: date, **decisions: object) -> NrmClock:
        args = {"rg_decision": None, "cg_earliest_on": None, "cg_decision": None} | decisions
        return nrm_clock(rg_due_on=due, today=today, **args)

    waiting = clock(date(2026, 12, 30))
    assert waiting.label == "Reasonable-grounds decision due by 4 January 2027"
    assert not waiting.overdue
    assert clock(due).label == "Reasonable-grounds decision due today"
    late = clock(date(2027, 1, 6))
    assert late.overdue and late.colour == "red"
    assert "(2 working days ago)" in late.label
    earliest = cg_earliest(date(2027, 1, 4))
    assert earliest == date(2027, 2, 3)  # 30 days, weekends and holidays included
    recovering = clock(date(2027, 1, 20), rg_decision="positive", cg_earliest_on=earliest)
    assert "no conclusive-grounds decision before 3 February 2027" in recovering.label
    awaited = clock(date(2027, 2, 3), rg_decision="positive", cg_earliest_on=earliest)
    assert awaited.label.startswith("Conclusive-grounds decision awaited")
    assert clock(date(2027, 1, 20), rg_decision="negative").label == (
        "Negative reasonable-grounds decision"
    )
    done = clock(
        date(2027, 3, 1), rg_decision="positive", cg_earliest_on=earliest, cg_decision="positive"
    )
    assert done.label == "Positive conclusive-grounds decision"
