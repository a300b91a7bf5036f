"""The small world of the measures tests (its people and episodes: test_by_hand's docstring)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import Organisation
from harbour.episodes.models import Outcome
from harbour.people.models import Sex
from harbour.risk.grades import RiskGrade
from tests.factories import actor_of, make_user
from tests.measures.world import World, at


def _check(f2f: bool | None, held: datetime) -> dict[str, Any]:
    check: dict[str, Any] = {"held_at": held.isoformat()}
    if f2f is not None:
        check["face_to_face"] = f2f
    return check


@pytest.fixture
def world(session: Session) -> tuple[World, Any]:
    inspector = make_user(session, Role.inspector)
    org = session.get(Organisation, inspector.organisation_id)
    assert org is not None
    w = World(session, org)
    a = w.person(
        "A",
        "Camden",
        date_of_birth=date(2012, 1, 1),
        sex=Sex.female,
        ethnicity="black_african",
        looked_after=True,
        flags=["cce_risk"],
    )
    b = w.person(
        "B",
        "Hackney",
        date_of_birth=date(2010, 3, 1),
        sex=Sex.male,
        ethnicity="white_british",
        looked_after=False,
    )
    f = w.person(
        "F",
        "Hackney",
        date_of_birth=date(2010, 2, 1),
        sex=Sex.female,
        ethnicity="mixed_white_asian",
    )
    c = w.person(
        "C", "Camden", date_of_birth=date(1990, 5, 5), sex=Sex.female, ethnicity="asian_indian"
    )
    d = w.person("D")
    safe, harmed = Outcome.found_safe, Outcome.found_harmed
    w.episode(a, at(4, 10, 9), imported=True, found_at=at(4, 10, 20), outcome=safe)
    a2 = w.episode(
        a,
        at(6, 2, 10),
        found_at=at(6, 2, 20),
        outcome=safe,
        prevention_interview=_check(True, at(6, 3, 8)),
        rhi={"status": "held", "held_at": at(6, 4, 10).isoformat()},
    )
    a3 = w.episode(
        a,
        at(6, 10, 10),
        found_at=at(6, 10, 18),
        outcome=harmed,
        prevention_interview=_check(False, at(6, 11, 8)),
        rhi={"status": "held", "held_at": at(6, 15, 10).isoformat()},
    )
    w.episode(b, at(5, 31, 22, 30), imported=True, found_at=at(6, 1, 2), outcome=safe)
    b1 = w.episode(
        b, at(6, 5, 9), found_at=at(6, 5, 12), outcome=Outcome.returned, rhi={"status": "declined"}
    )
    b2 = w.episode(b, at(6, 29, 22))
    w.episode(
        f,
        at(6, 20, 9),
        imported=True,
        found_at=at(6, 20, 15),
        outcome=safe,
        prevention_interview=_check(True, at(6, 21, 9)),
        rhi={"offered_at": at(6, 21, 10).isoformat()},
    )
    w.episode(f, at(6, 30, 23, 30), imported=True)
    c1 = w.episode(c, at(6, 15, 8), found_at=at(6, 15, 10), outcome=Outcome.found_dead)
    w.episode(d, at(6, 20, 12), imported=True, found_at=at(6, 20, 18), outcome=safe)
    w.grading(a2, at(6, 2, 10, 20), RiskGrade.medium, True)
    w.grading(a3, at(6, 10, 11), RiskGrade.high, False)
    w.grading(b1, at(6, 5, 9, 10), RiskGrade.medium, None, suggested=RiskGrade.high)
    w.grading(c1, at(6, 15, 8, 25), RiskGrade.medium, True, rationale="She is streetwise.")
    w.review(a2, "first", at(6, 2, 11, 20), done_at=at(6, 2, 11))
    w.review(a3, "regular", at(6, 10, 15), done_at=at(6, 10, 16))
    w.review(b1, "first", at(6, 5, 13, 10))
    w.review(c1, "first", at(6, 15, 12), cancelled_at=at(6, 15, 10))
    w.review(b2, "grading", at(6, 29, 22, 30))
    w.review(c1, "regular", at(7, 2, 9))
    w.review(a2, "regular", at(6, 30, 13))
    w.call(a, [("refer_partner", "police_attend")], at(6, 3, 9))
    w.call(c, [("advice_only", "advice_only"), ("police_attend", "police_attend")], at(6, 16, 9))
    w.call(None, [("advice_only", "advice_only")], at(6, 18, 9))
    w.call(a, [("advice_only", "police_attend")], at(5, 20, 9))
    w.screening(a, at(6, 11, 9))
    w.screening(a, at(5, 1, 9))
    w.nrm(a, at(6, 12, 9), "positive")
    w.nrm(b, at(6, 20, 9), None)
    w.cawn(a, c, at(6, 13, 9))
    return w, actor_of(inspector)
