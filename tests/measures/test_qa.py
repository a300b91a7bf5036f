"""Decision-quality reviews: a supervisor draws a sample of children graded low and calls not
sent to police from the small world, and records verdicts."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.errors import Conflict, Forbidden, NotFound, ValidationFailed
from harbour.measures import qa
from tests.factories import actor_of, csrf_from, make_user, sign_in
from tests.measures.world import FIRST, LAST, NOW


def test_the_sample_is_of_low_grades_and_deflections_and_never_twice(
    session: Session, world: Any
) -> None:
    _, actor = world
    with clock.frozen(NOW):
        added = qa.draw(session, actor, FIRST, LAST, size=10)
        again = qa.draw(session, actor, FIRST, LAST, size=10)
    # Children graded low: A2 (medium, the child minimum) and B1 (medium where high was
    # suggested); not A3 (high) nor C1 (an adult). Calls: A's referral to a partner and the
    # advice-only call; not C's (police) nor May's (outside the period).
    assert added == {qa.LOW_GRADE: 2, qa.DEFLECTION: 2}
    assert again == {qa.LOW_GRADE: 0, qa.DEFLECTION: 0}
    waiting = qa.listed(session, actor).waiting
    assert sorted(r.decided for r in waiting if r.kind == qa.LOW_GRADE) == [
        "medium (suggested high)",
        "medium (suggested medium)",
    ]
    assert sorted(r.decided for r in waiting if r.kind == qa.DEFLECTION) == [
        "advice only (suggested advice only)",
        "refer partner (suggested police attend)",
    ]
    with clock.frozen(NOW), pytest.raises(ValidationFailed) as refused:
        qa.draw(session, actor, FIRST, LAST, size=0)
    assert "from 1 to 50" in refused.value.field_errors["size"]


def test_a_verdict_is_recorded_once_with_a_reason_unless_right(
    session: Session, world: Any
) -> None:
    _, actor = world
    with clock.frozen(NOW):
        qa.draw(session, actor, FIRST, LAST, size=1)
    review = next(r for r in qa.listed(session, actor).waiting if r.kind == qa.LOW_GRADE)
    with pytest.raises(ValidationFailed) as refused:
        qa.record_verdict(session, actor, review.id, "higher", "  ", review.version)
    assert "should have been decided" in refused.value.field_errors[f"notes-{review.id}"]
    with pytest.raises(ValidationFailed):
        qa.record_verdict(session, actor, review.id, "police", "", review.version)
    qa.record_verdict(
        session, actor, review.id, "higher", "Exploitation indicators were known.", review.version
    )
    listed = qa.listed(session, actor)
    assert listed.counts == {(qa.LOW_GRADE, "higher"): 1}
    assert listed.done[0].reviewed_by_name == actor.display_name
    with pytest.raises(Conflict):
        qa.record_verdict(session, actor, review.id, "right", "", review.version)


def test_reviews_are_for_supervisors_of_the_same_force(session: Session, world: Any) -> None:
    _, actor = world
    with clock.frozen(NOW):
        qa.draw(session, actor, FIRST, LAST, size=1)
    review = qa.listed(session, actor).waiting[0]
    with pytest.raises(Forbidden):
        qa.listed(session, actor_of(make_user(session, Role.analyst)))
    elsewhere = actor_of(make_user(session, Role.sergeant))
    assert qa.listed(session, elsewhere).waiting == []
    with pytest.raises(NotFound):
        qa.record_verdict(session, elsewhere, review.id, "right", "", review.version)


def test_the_review_page_draws_and_records(
    client: TestClient, session: Session, world: Any
) -> None:
    _, actor = world
    user = make_user(session, Role.sergeant)
    user.organisation_id, user.team_id = actor.organisation_id, actor.team_id
    session.commit()
    sign_in(client, user.username)
    with clock.frozen(NOW):
        page = client.get("/measures/qa")
        token = csrf_from(page.text)
        drawn = client.post(
            "/measures/qa/draw",
            data={"from": "2026-06-01", "to": "2026-06-30", "size": "1", "csrf_token": token},
            follow_redirects=False,
        )
        shown = client.get(drawn.headers["location"])
        bad = client.post(
            "/measures/qa/draw",
            data={"from": "2026-06-30", "to": "2026-06-01", "size": "1", "csrf_token": token},
        )
    assert drawn.status_code == 303
    assert "Sample drawn: 1 child graded low and 1 call not sent to police" in shown.text
    assert shown.text.count('data-testid="qa-waiting"') == 2
    assert bad.status_code == 422 and "on or after its start" in bad.text
