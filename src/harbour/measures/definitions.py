"""What each measure counts: its numerator, denominator, the records that count, the time basis
and where the definition comes from. docs/measures.md is written from this table
(`scripts/measures_doc.py`), so the page, the command and the document cannot disagree.

Each measure turns the period's facts into items `(who, when, x)` (`measures.items`): every
item is in the denominator; `x` says what the kind of measure needs (in the numerator or not for
a share; the minutes for a median; the person for the top-6% share; nothing for a count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harbour.measures import items
from harbour.measures.facts import Facts
from harbour.measures.items import Item, Kind
from harbour.risk.grades import RiskGrade

EPISODES = "Episodes reported in the period"
GRADING = "Grading"
RETURN = "Return"
REPEAT = "Repeat missing and harm"
EXPLOITATION = "Exploitation"
CALLS = "Calls (Right Care Right Person)"
QUALITY = "Decision quality and bias"
SECTIONS = (GRADING, RETURN, REPEAT, EXPLOITATION, CALLS, QUALITY)

APP = "College of Policing, APP Missing persons (college.police.uk/app/missing-persons)"
HMICFRS = (
    "HMICFRS, Metropolitan Police Service: handling of sexual and criminal exploitation of "
    "children (2023) and its causes-of-concern revisit (2025)"
)
DFE = (
    "DfE, Statutory guidance on children who run away or go missing from home or care (2014): "
    "a return interview within 72 hours of return"
)
MSA = "Modern Slavery Act 2015 s52; Home Office NRM statistics and decision-making guidance"
RCRP = "Right Care, Right Person National Partnership Agreement (2023, updated 2024)"


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    section: str
    kind: Kind
    numerator: str
    denominator: str
    counts: str  # which records count
    basis: str  # the time each item is counted at
    source: str
    # Counted in Python from the facts; None for the episode measures, counted in SQL over
    # measure_episode (measures.episode_sql).
    items: Callable[[Facts], Iterable[Item]] | None
    unit: str = "%"  # how the value reads: %, minutes, a count


_CHILD = "Children (under 18 on the day of the report; a child whose age is not known is not "
_CHILD += "counted here, as in the closure rules)"


def _grade_measures() -> list[Measure]:
    return [
        Measure(
            f"reviews_on_time_{grade.value}",
            f"Reviews on time: {grade.value.replace('_', ' ')} risk",
            GRADING,
            "share",
            f"As reviews_on_time, for reviews of episodes graded {grade.value.replace('_', ' ')}",
            "Reviews due in the period whose episode had this grade when the review fell due",
            "As reviews_on_time",
            "The time the review fell due",
            APP,
            items.reviews_on_time(grade.value),
        )
        for grade in (RiskGrade.high, RiskGrade.medium, RiskGrade.low, RiskGrade.very_low)
    ]


MEASURES: tuple[Measure, ...] = (
    Measure(
        "graded_within_target",
        "First graded within the target time",
        GRADING,
        "share",
        "Episodes whose first risk grading came within the target time of the report "
        "(HARBOUR_GRADING_DUE_MINUTES, 30 by default)",
        "Episodes recorded in Harbour and reported in the period, graded or past the target",
        "Live episodes (imported history has no grading times); an episode not yet graded "
        "and still inside the target counts in neither",
        "The time of the report",
        HMICFRS + ": the first cause of concern, risk to missing children not identified",
        None,
    ),
    Measure(
        "first_grading_minutes_median",
        "Time from report to first grading (median)",
        GRADING,
        "median",
        "None: the value is the median, in minutes, from report to the first grading",
        "Episodes recorded in Harbour, reported in the period and graded",
        "Live episodes with a grading",
        "The time of the report",
        HMICFRS,
        None,
        unit="minutes",
    ),
    Measure(
        "graded_with_force_data",
        "First graded with what the force holds in view",
        GRADING,
        "share",
        "First gradings given on the grading page, beside the force-data panel (flags, earlier "
        "episodes, open alerts, intelligence)",
        "Episodes recorded in Harbour, reported in the period and graded",
        "Live episodes with a grading; a grading from before Harbour recorded it is not known "
        "and counts as not in view",
        "The time of the report",
        HMICFRS + ": graders did not use what the force already knew",
        None,
    ),
    Measure(
        "reviews_on_time",
        "Supervisor reviews done on time",
        GRADING,
        "share",
        "Reviews done at or before their due time",
        "Reviews that fell due in the period, up to now, and were not cancelled (the first "
        "grade owed is measured by graded_within_target, not here)",
        "Every supervision review kind: first, regular, senior, below the suggestion, "
        "long-absence regrades and the review of a child's return",
        "The time the review fell due",
        APP + ": supervisory review at set intervals by grade",
        items.reviews_on_time(None),
    ),
    *_grade_measures(),
    Measure(
        "children_seen_in_person",
        "Children seen in person on return",
        RETURN,
        "share",
        "Episodes whose safe-and-well check was held face to face",
        "Child episodes found or returned whose check is due (HARBOUR_SAFE_AND_WELL_HOURS "
        "after the return, 24 by default) or held",
        _CHILD + "; a check whose manner was not recorded is not counted as in person",
        "The time of the report",
        HMICFRS + "; " + APP + ": the prevention interview",
        None,
    ),
    Measure(
        "return_interviews_on_time",
        "Return home interviews held within 72 hours",
        RETURN,
        "share",
        "Episodes whose return home interview was held within the set time of the return "
        "(HARBOUR_RETURN_INTERVIEW_HOURS, 72 by default)",
        "Child episodes found or returned whose interview is due by now, or was held",
        _CHILD + "; one declined counts in the denominator, not the numerator",
        "The time of the report",
        DFE,
        None,
    ),
    Measure(
        "repeat_missing_children",
        "Children missing 3 or more times in 90 days",
        REPEAT,
        "share",
        "Children with an episode in the period that was their third or later within 90 days "
        "(HARBOUR_REPEAT_TRIGGER_COUNT and _DAYS; earlier episodes before the period count)",
        "Children with an episode reported in the period",
        _CHILD + "; in a breakdown a child counts once in each group they had an episode in",
        "The time of the report",
        APP + ": repeat missing",
        None,
    ),
    Measure(
        "top_6pc_share",
        "Share of child episodes by the 6% most often missing",
        REPEAT,
        "top_share",
        "Episodes of the 6% of children (rounded up) with the most episodes in the period",
        "Child episodes reported in the period",
        _CHILD,
        "The time of the report",
        "Published finding: in one force 6% of children accounted for 33% of incidents "
        "(The Police Journal, 2021, doi:10.1177/0032258X211052900)",
        None,
    ),
    Measure(
        "found_harmed",
        "Found harmed",
        REPEAT,
        "share",
        "Episodes whose outcome is found harmed",
        "Episodes reported in the period that have ended (found safe, harmed, dead, or returned)",
        "Every episode, children and adults, live and imported",
        "The time of the report",
        "Published finding: 3.3% of missing people found harmed (figures of 20 forces, 2014/15)",
        None,
    ),
    Measure(
        "found_dead",
        "Found dead",
        REPEAT,
        "share",
        "Episodes whose outcome is found dead",
        "Episodes reported in the period that have ended",
        "Every episode, children and adults",
        "The time of the report",
        "Published finding: 0.4% found dead (figures of 20 forces, 2014/15)",
        None,
    ),
    Measure(
        "children_reported_missing",
        "Children reported missing",
        REPEAT,
        "count",
        "Children with at least one episode reported in the period",
        "None: a count",
        _CHILD,
        "The time of the report",
        APP,
        None,
        unit="children",
    ),
    Measure(
        "child_episodes",
        "Child missing episodes",
        REPEAT,
        "count",
        "Child episodes reported in the period",
        "None: a count",
        _CHILD,
        "The time of the report",
        APP,
        None,
        unit="episodes",
    ),
    Measure(
        "exploitation_flagged_children",
        "Missing children flagged for exploitation",
        EXPLOITATION,
        "share",
        "Children whose record carries an exploitation flag (CSE, CCE, county lines, "
        "trafficking) as it stands now",
        "Children with an episode reported in the period",
        _CHILD,
        "The time of the report",
        HMICFRS + ": the second cause of concern, exploitation not investigated",
        None,
    ),
    Measure(
        "screenings",
        "Exploitation screenings",
        EXPLOITATION,
        "count",
        "Exploitation screenings recorded in the period",
        "None: a count",
        "Every screening, of any person",
        "The time of the screening",
        HMICFRS,
        items.screenings,
        unit="screenings",
    ),
    Measure(
        "nrm_referrals",
        "NRM referrals",
        EXPLOITATION,
        "count",
        "Referrals to the National Referral Mechanism made in the period",
        "None: a count",
        "Every referral",
        "The time of the referral",
        MSA,
        items.nrm,
        unit="referrals",
    ),
    Measure(
        "nrm_positive_reasonable_grounds",
        "NRM positive reasonable-grounds decisions",
        EXPLOITATION,
        "share",
        "Referrals whose reasonable-grounds decision was positive",
        "Referrals made in the period with a reasonable-grounds decision",
        "Referrals decided so far",
        "The time of the referral",
        MSA,
        items.nrm_positive,
    ),
    Measure(
        "cawns_issued",
        "Child Abduction Warning Notices issued",
        EXPLOITATION,
        "count",
        "CAWNs issued in the period",
        "None: a count",
        "Every notice; grouped by the child it protects",
        "The time it was issued",
        "Child Abduction Act 1984 s2 and Children Act 1989 s49 (the notice's grounds)",
        items.cawns,
        unit="notices",
    ),
    Measure(
        "calls_not_police",
        "Calls not sent to police",
        CALLS,
        "share",
        "Calls whose latest decision was a partner referral or advice",
        "Calls decided in the period",
        "Live calls with a decision; grouped by the call's person (calls with no person are "
        "'not known')",
        "The time of the decision",
        RCRP,
        items.calls_not_police,
    ),
    Measure(
        "calls_deflected_against_suggestion",
        "Calls not sent to police although Harbour suggested police",
        CALLS,
        "share",
        "Calls whose latest decision was not police",
        "Calls decided in the period whose suggestion was police (attend or a missing report)",
        "Live calls with a decision",
        "The time of the decision",
        RCRP + "; Harbour's rule that unknown is never no",
        items.calls_against,
    ),
)

MEASURES += (
    Measure(
        "graded_below_suggestion",
        "First graded below the policy's suggestion",
        QUALITY,
        "share",
        "First gradings whose grade was below the policy's suggested grade (each needs a reason "
        "and a review by a rank above)",
        "Episodes recorded in Harbour, reported in the period and graded",
        "Live episodes with a grading; broken down by ethnicity, age and sex it shows whether "
        "some children are graded down more often than others (adultification)",
        "The time of the report",
        HMICFRS + ": black children treated as older than they are",
        None,
    ),
    Measure(
        "gradings_with_challenged_language",
        "First gradings whose rationale uses language to challenge",
        QUALITY,
        "share",
        "First gradings whose rationale or reason for grading below holds a phrase the force "
        "asks staff to challenge (the language lexicon: 'streetwise', 'putting themselves at "
        "risk' and the like)",
        "Episodes recorded in Harbour, reported in the period and graded",
        "Live episodes with a grading",
        "The time of the report",
        "The Children's Society, Appropriate language: child sexual and/or criminal "
        "exploitation (2022); HMICFRS",
        None,
    ),
    Measure(
        "missing_again_within_14_days",
        "Children missing again within 14 days of coming back",
        QUALITY,
        "share",
        "Episodes followed by another report about the same child within 14 days of the return",
        "Child episodes found or returned, whose 14 days have passed or who went missing again",
        _CHILD,
        "The time of the report",
        APP + ": repeat missing as a sign that the causes were not addressed",
        None,
    ),
    Measure(
        "later_exploitation_concern",
        "Exploitation concern recorded after the report",
        QUALITY,
        "share",
        "Child episodes after whose report an exploitation concern was recorded about the child "
        "(a screening with concerns, an NRM referral or a warning notice), up to now",
        "Child episodes reported in the period",
        _CHILD + "; read beside the grade given, it shows exploitation the grading missed",
        "The time of the report",
        HMICFRS + ": exploitation not identified",
        None,
    ),
)

BY_NAME = {m.name: m for m in MEASURES}
