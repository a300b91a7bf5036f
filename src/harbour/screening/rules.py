"""The rules of screening, NRM referrals and CAWNs as pure functions and vocabularies.

Sources are the keys of domain.md section 5: the NRM clocks [M1], child referrals without consent
[M3][M4], who a CAWN can protect [E5] and the screening indicators [E3][E4] (kept with the risk
questions, `harbour.risk.questions.EXPLOITATION_INDICATORS`, so a grader and a screener tick the
same list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from harbour.screening.workdays import add_working_days, working_days_between

# Screening outcomes: the forms of exploitation domain.md names (CSE, CCE, trafficking).
OUTCOMES: dict[str, str] = {
    "no_concerns": "No exploitation concerns",
    "cse": "Concerns: child sexual exploitation (CSE)",
    "cce": "Concerns: child criminal exploitation (CCE), including county lines",
    "cse_and_cce": "Concerns: both sexual and criminal exploitation",
    "trafficking": "Concerns: trafficking or modern slavery",
}
NEXT_STEPS: dict[str, str] = {
    "mash_referral": "Refer to children's social care (MASH)",
    "strategy_discussion": "Ask for a strategy discussion",
    "mace": "Refer to the multi-agency child exploitation (MACE) panel",
    "nrm": "Refer to the National Referral Mechanism",
    "cawn": "Consider a Child Abduction Warning Notice",
    "intelligence": "Submit intelligence",
}
# The forms of modern slavery an NRM referral names.
EXPLOITATION_TYPES: dict[str, str] = {
    "criminal": "Criminal exploitation (including county lines)",
    "sexual": "Sexual exploitation",
    "labour": "Labour exploitation",
    "domestic_servitude": "Domestic servitude",
    "other": "Other (say which in the details)",
}
DECISIONS: dict[str, str] = {"positive": "Positive", "negative": "Negative"}
CONSENT: dict[str, str] = {
    "not_needed_child": "Not needed: a child (under 18) at referral",
    "not_needed_age_unknown": "Not needed: age not known, so treated as a child",
    "given": "Given by the adult",
}

ADULT_AGE = 18  # NRM: a child's referral needs no consent; an adult's does [M3][M4]
RG_WORKING_DAYS = 5  # reasonable-grounds decision within 5 working days where possible [M1]
CG_RECOVERY_DAYS = 30  # conclusive grounds after at least a 30-day recovery period [M1]
CAWN_AGE = 16  # a CAWN protects an under-16 ...
CAWN_AGE_IN_CARE = 18  # ... or an under-18 in care [E5]


def long_date(day: date) -> str:
    """Format as '4 January 2027' (GOV.UK style)."""
    return f"{day.day} {day:%B %Y}"


def birthday(born: date, years: int) -> date:
    """The day someone born on `born` turns `years` old (a 29 February birthday: 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def age_on(born: date, on: date) -> int:
    """Age in whole years on a day."""
    years = on.year - born.year
    return years - 1 if (on.month, on.day) < (born.month, born.day) else years


# -- NRM clocks -------------------------------------------------------------------------------


def rg_due(referred_on: date) -> date:
    """The day the reasonable-grounds decision is due: 5 working days after the referral."""
    return add_working_days(referred_on, RG_WORKING_DAYS)


def cg_earliest(rg_decided_on: date) -> date:
    """The earliest day for a conclusive-grounds decision: the 30-day recovery period's end."""
    return rg_decided_on + timedelta(days=CG_RECOVERY_DAYS)


@dataclass(frozen=True)
class NrmClock:
    """Where a referral stands on a day: a short tag, a sentence, the tag's colour."""

    tag: str
    label: str
    colour: str  # GOV.UK tag colour; the words are always shown too
    overdue: bool = False


def nrm_clock(
    *,
    rg_due_on: date,
    rg_decision: str | None,
    cg_earliest_on: date | None,
    cg_decision: str | None,
    today: date,
) -> NrmClock:
    """Say where a referral stands today: RG due or overdue, recovery period, CG awaited."""
    if rg_decision is None:
        if today > rg_due_on:
            late = working_days_between(rg_due_on, today)
            days = "working day" if late == 1 else "working days"
            return NrmClock(
                "Overdue",
                f"Reasonable-grounds decision overdue: it was due on {long_date(rg_due_on)}"
                f" ({late} {days} ago)",
                "red",
                overdue=True,
            )
        if today == rg_due_on:
            return NrmClock("Due today", "Reasonable-grounds decision due today", "orange")
        return NrmClock(
            "Awaiting reasonable grounds",
            f"Reasonable-grounds decision due by {long_date(rg_due_on)}",
            "blue",
        )
    if rg_decision == "negative":
        return NrmClock("Negative", "Negative reasonable-grounds decision", "grey")
    if cg_decision is not None:
        word = DECISIONS.get(cg_decision, cg_decision)
        colour = "green" if cg_decision == "positive" else "grey"
        return NrmClock(f"{word} conclusive grounds", f"{word} conclusive-grounds decision", colour)
    earliest = cg_earliest_on or today
    if today < earliest:
        return NrmClock(
            "Recovery period",
            f"Recovery period: no conclusive-grounds decision before {long_date(earliest)}",
            "purple",
        )
    return NrmClock(
        "Awaiting conclusive grounds",
        f"Conclusive-grounds decision awaited: the recovery period ended {long_date(earliest)}",
        "yellow",
    )


# -- CAWN eligibility -------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a CAWN may be issued for a child on a day; why not, in words; when it ends."""

    eligible: bool
    reason: str
    age: int | None = None
    expires_on: date | None = None


def cawn_eligibility(
    name: str, born: date | None, exact: bool, looked_after: bool | None, on: date
) -> Eligibility:
    """Check a child's eligibility for a CAWN on a day: under 16, or under 18 and in care.

    The notice lasts until the 16th birthday, or the 18th for a child in care.
    """
    if born is None:
        return Eligibility(
            False,
            f"Harbour does not hold {name}'s date of birth. Record it on their record first: "
            "a warning notice depends on the child's age.",
        )
    if not exact:
        return Eligibility(
            False,
            f"Harbour holds only part of {name}'s date of birth. Record the full date on their "
            "record first: a warning notice depends on the child's exact age.",
        )
    age = age_on(born, on)
    in_care = bool(looked_after)
    if age < 0:
        return Eligibility(False, "The notice cannot be dated before the child was born.", age)
    if in_care and age < CAWN_AGE_IN_CARE:
        return Eligibility(True, f"{age} and in care", age, birthday(born, CAWN_AGE_IN_CARE))
    if age < CAWN_AGE:
        return Eligibility(True, f"{age}, under 16", age, birthday(born, CAWN_AGE))
    if age < CAWN_AGE_IN_CARE:
        return Eligibility(
            False,
            f"{name} is {age} and not recorded as in care (looked after). A warning notice can "
            "be issued only for a child under 16, or under 18 if they are in care. If they are "
            "in care, record that on their record first.",
            age,
        )
    return Eligibility(
        False,
        f"{name} is {age}: a warning notice can be issued only for a child under 16, or under "
        "18 if they are in care.",
        age,
    )
