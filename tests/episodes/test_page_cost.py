"""What one view of an episode page costs the database: a ceiling on its SQL statements, so that
a change that adds a round trip (a query in a loop, a panel loading lazily) fails here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.risk.grades import RiskGrade
from tests.factories import (
    justify,
    make_colleague,
    make_episode,
    make_org,
    make_task,
    make_user,
    sign_in,
)

# The session and its user (1); the episode and its person (1); the justification (1); the
# audited view (lock the chain's head, insert the event, move the head: 3); reviews, tasks, the
# owners' names, actions, information, gradings, photos, colleagues (8); people named on the
# return (1); the boroughs, while the person is missing (1); the header's unread count (1).
# It was 21 before the session and its user, the episode and its person, the page's two task
# queries and its two owner-name queries were each made one. Raise it only for a new panel.
MOST_STATEMENTS = 17

# What the test's rolled-back transaction adds around each request, not the page's own work.
_NOT_THE_PAGE = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_NOT_THE_PAGE):
            seen.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_episode_page_takes_at_most_its_ceiling_of_statements(
    client: TestClient, session: Session, engine: Engine, hub: User
) -> None:
    # Something in every panel: a grading and its reviews, a task with an owner, the owner.
    episode = make_episode(session, hub, grade=RiskGrade.medium, last_seen_text="Park")
    colleague = make_colleague(session, hub, Role.hub_officer)
    colleague.display_name = "Cole Colleague"
    make_task(session, hub, episode, owner=colleague)
    episode.owner_id = colleague.id
    session.commit()
    sign_in(client, hub.username)
    url = f"/episodes/{episode.id}"
    justify(client, episode.person_id, url)
    assert client.get(url).status_code == 200  # the session's once-a-minute touch is done

    with _statements(engine) as seen:
        page = client.get(url)

    assert page.status_code == 200
    assert "Collect CCTV" in page.text and colleague.display_name in page.text
    assert len(seen) <= MOST_STATEMENTS, "\n".join(seen)
    # Cheaper, not less careful: the view is still audited with the reason given.
    views = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "view",
            AuditEvent.subject_type == "episode",
            AuditEvent.subject_id == str(episode.id),
        )
    ).all()
    assert len(views) == 2 and all(v.justification for v in views)


def test_an_episode_out_of_scope_is_still_not_found(
    client: TestClient, session: Session, hub: User
) -> None:
    # The episode and its person are read in one statement, before the usual access check: an
    # officer of another organisation still gets 404, and so does an id that is no episode.
    episode = make_episode(session, hub)
    outsider = make_user(session, Role.hub_officer, org=make_org(session))
    session.commit()
    sign_in(client, outsider.username)
    assert client.get(f"/episodes/{episode.id}").status_code == 404
    assert client.get("/episodes/2147483000").status_code == 404
