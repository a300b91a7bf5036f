"""Every measure computed by hand on a small world built for the test, and compared.

The world (June 2026, the clock at 30 June 12:00 UTC; the period is 1-30 June in UK time):

child A  girl, 14, Black African, Camden, looked after, flagged CCE
         A1 10 Apr (imported), A2 2 Jun, A3 10 Jun (her third in 90 days)
child B  boy, 16, White British, Hackney
         B0 31 May 23:30 BST (before the period), B1 5 Jun, B2 29 Jun (his third in 90 days)
child F  girl, 16, Mixed White and Asian, Hackney: F1 20 Jun (imported)
         F2 1 Jul 00:30 BST (after the period)
adult C  woman, 36, Indian, Camden: C1 15 Jun
D        age and ethnicity unknown: D1 20 Jun (imported)
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.errors import Forbidden, ValidationFailed
from harbour.measures import population, service
from tests.factories import actor_of, make_user
from tests.measures.world import FIRST, LAST, NOW


def _figures(session: Session, actor: Any, **options: Any) -> dict[tuple[str, str], Any]:
    with clock.frozen(NOW):
        facts = service.read(session, actor, FIRST, LAST)
        found = service.figures(facts, suppress_below=0, **options)
    return {(f.measure, f.group): (f.numerator, f.denominator, f.value) for f in found}


def test_each_measure_matches_the_count_by_hand(session: Session, world: Any) -> None:
    _, actor = world
    got = _figures(session, actor)
    expected = {
        # Live episodes A2, A3, B1, B2, C1: A2 20 min, B1 10, C1 25 on time; A3 60 min late;
        # B2 ungraded 14 hours after its report.
        "graded_within_target": (3, 5, 0.6),
        "first_grading_minutes_median": (None, 4, 22.5),  # 10, 20, 25, 60
        "graded_with_force_data": (2, 4, 0.5),  # A2 and C1 shown; A3 not; B1 not known
        # R1 (A2) on time; R2 (A3) an hour late; R3 (B1) never done. Cancelled, first-grade,
        # not yet due and next month's reviews do not count.
        "reviews_on_time": (1, 3, 1 / 3),
        "reviews_on_time_high": (0, 1, 0.0),  # R2: A3 was high when it fell due
        "reviews_on_time_medium": (1, 2, 0.5),  # R1, R3
        "reviews_on_time_low": (0, 0, None),
        "reviews_on_time_very_low": (0, 0, None),
        # Children found: A2 face to face, A3 by phone, B1 no check, F1 face to face.
        "children_seen_in_person": (2, 4, 0.5),
        # A2 held after 38 h; A3 after 112 h; B1 declined; F1 offered, never held.
        "return_interviews_on_time": (1, 4, 0.25),
        "repeat_missing_children": (2, 3, 2 / 3),  # A (A1, A2, A3) and B (B0, B1, B2); not F
        "top_6pc_share": (2, 5, 0.4),  # the top 1 of 3 children has 2 of the 5 child episodes
        # Ended: A2, A3, B1, C1, D1, F1 (B2 is still missing).
        "found_harmed": (1, 6, 1 / 6),
        "found_dead": (1, 6, 1 / 6),
        "children_reported_missing": (3, None, 3.0),
        "child_episodes": (5, None, 5.0),
        "exploitation_flagged_children": (1, 3, 1 / 3),
        "screenings": (1, None, 1.0),
        "nrm_referrals": (2, None, 2.0),
        "nrm_positive_reasonable_grounds": (1, 1, 1.0),
        "cawns_issued": (1, None, 1.0),
        # Latest decisions: A's call refer_partner (suggested police), C's police, the third
        # advice. May's call is outside the period.
        "calls_not_police": (2, 3, 2 / 3),
        "calls_deflected_against_suggestion": (1, 2, 0.5),
        # First gradings A2, A3, B1, C1: B1 medium where high was suggested; C1's rationale
        # calls her "streetwise".
        "graded_below_suggestion": (1, 4, 0.25),
        "gradings_with_challenged_language": (1, 4, 0.25),
        # Children back: A2 (A3 reported 8 days later), A3 (no later report in 14 days), B1
        # (B2 24 days later), F1 (F2 10 days later, after the period).
        "missing_again_within_14_days": (2, 4, 0.5),
        # A's concerns (screenings, NRM, CAWN) last on 13 Jun: after A2 and A3; B's NRM on
        # 20 Jun: after B1, not B2; none for F.
        "later_exploitation_concern": (3, 5, 0.6),
    }
    assert {m for m, _ in got} == set(expected)
    for name, (numerator, denominator, value) in expected.items():
        n, d, v = got[(name, "all")]
        assert (n, d) == (numerator, denominator), name
        assert v == pytest.approx(value) if value is not None else v is None, name


def test_breakdowns_by_borough_and_a_filter(session: Session, world: Any) -> None:
    _, actor = world
    by_borough = _figures(session, actor, by="borough")
    assert by_borough[("graded_within_target", "Camden")] == (2, 3, pytest.approx(2 / 3))
    assert by_borough[("graded_within_target", "Hackney")] == (1, 2, 0.5)
    assert by_borough[("children_reported_missing", "Camden")][0] == 1
    assert by_borough[("children_reported_missing", "Hackney")][0] == 2
    # The call about no one falls in "not known".
    assert by_borough[("calls_not_police", "unknown")] == (1, 1, 1.0)
    hackney = _figures(session, actor, where={"borough": "Hackney"})
    assert hackney[("children_seen_in_person", "all")] == (1, 2, 0.5)  # B1 no, F1 yes
    by_age = _figures(session, actor, by="age_band")
    assert by_age[("found_harmed", "12-14")] == (1, 2, 0.5)  # A2, A3
    assert by_age[("found_harmed", "unknown")] == (0, 1, 0.0)  # D1
    by_care = _figures(session, actor, by="looked_after")
    assert by_care[("exploitation_flagged_children", "yes")] == (1, 1, 1.0)
    assert by_care[("exploitation_flagged_children", "unknown")] == (0, 1, 0.0)  # F


def test_small_groups_are_suppressed(session: Session, world: Any) -> None:
    _, actor = world
    with clock.frozen(NOW):
        facts = service.read(session, actor, FIRST, LAST)
        found = service.figures(facts, by="sex", suppress_below=5)
        whole = service.figures(facts, suppress_below=5)
    female = next(f for f in found if f.measure == "graded_within_target" and f.group == "female")
    assert female.suppressed and female.numerator is None and female.value is None
    assert female.denominator == 3
    assert not any(f.suppressed for f in whole)  # the whole is never suppressed


def test_trend_by_week_and_month(session: Session, world: Any) -> None:
    _, actor = world
    with clock.frozen(NOW):
        facts = service.read(session, actor, FIRST, LAST)
        weeks = service.trend(facts, "graded_within_target", "week")
        months = service.trend(facts, "graded_within_target", "month")
    assert [(p.starts, p.numerator, p.denominator) for p in weeks] == [
        (date(2026, 6, 1), 2, 2),  # A2, B1
        (date(2026, 6, 8), 0, 1),  # A3
        (date(2026, 6, 15), 1, 1),  # C1
        (date(2026, 6, 22), 0, 0),
        (date(2026, 6, 29), 0, 1),  # B2
    ]
    assert [(p.starts, p.numerator, p.denominator) for p in months] == [(date(2026, 6, 1), 3, 5)]


def test_disproportionality_against_the_census(session: Session, world: Any) -> None:
    _, actor = world
    with clock.frozen(NOW):
        facts = service.read(session, actor, FIRST, LAST)
        ratios = {r.group: r for r in service.disproportionality(facts, suppress_below=0)}
    black = ratios["black"]
    # One Black child and one White child: the ratio is the inverse of their census shares.
    assert black.count == 1
    assert black.ratio == pytest.approx(53.8 / 13.5)
    spread = 1.96 * math.sqrt(2)
    assert black.low == pytest.approx(53.8 / 13.5 * math.exp(-spread))
    assert black.rate == pytest.approx(1 / population.residents("black") * 100_000)  # type: ignore[operator]
    assert ratios["white"].ratio == pytest.approx(1.0)
    assert ratios["asian"].count == 0 and ratios["asian"].ratio is None  # C is an adult
    with clock.frozen(NOW):
        hidden = {r.group: r for r in service.disproportionality(facts, suppress_below=5)}
    assert hidden["black"].suppressed and hidden["black"].ratio is None


def test_measures_need_the_permission_and_count_only_the_force(
    session: Session, world: Any
) -> None:
    officer = actor_of(make_user(session, Role.officer))
    with clock.frozen(NOW), pytest.raises(Forbidden):
        service.read(session, officer, FIRST, LAST)
    elsewhere = actor_of(make_user(session, Role.inspector))  # another force
    got = _figures(session, elsewhere)
    assert got[("child_episodes", "all")][0] == 0
    events = session.query(AuditEvent).filter(AuditEvent.subject_type == "measures").all()
    assert events and all(e.action == "view" for e in events)


def test_a_bad_period_or_breakdown_is_refused_in_words(session: Session, world: Any) -> None:
    _, actor = world
    with pytest.raises(ValidationFailed) as refused:
        service.read(session, actor, LAST, FIRST)
    assert "on or after its start" in refused.value.field_errors["to"]
    with clock.frozen(NOW):
        facts = service.read(session, actor, FIRST, LAST)
    with pytest.raises(ValidationFailed) as refused:
        service.figures(facts, by="shoe_size")
    assert "borough" in refused.value.field_errors["by"]


def test_grader_against_policy_against_outcome(session: Session, world: Any) -> None:
    _, actor = world
    with clock.frozen(NOW):
        facts = service.read(session, actor, FIRST, LAST)
    rows = {q.grade: q for q in service.decision_quality(facts)}
    # Live child episodes graded: A3 high; A2 and B1 medium (B1 below a suggested high).
    assert rows["high"] == service.Quality("high", 1, 0, 1, 0, 1)
    assert rows["medium"] == service.Quality("medium", 2, 1, 0, 1, 2)
    assert rows["low"].episodes == rows["very_low"].episodes == 0
    hackney = {q.grade: q for q in service.decision_quality(facts, where={"borough": "Hackney"})}
    assert hackney["medium"] == service.Quality("medium", 1, 1, 0, 0, 1)  # B1
