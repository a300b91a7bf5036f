"""No request stalls another: what renders after a request's unit of work (an error page, the
header's unread count) never leaves a session holding the database (issue 16, finding 1)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from harbour import db
from harbour.actor import Role
from tests.conftest import migrate
from tests.factories import make_user, sign_in


def test_a_refused_page_leaves_no_session_holding_the_write_lock(
    engine: Engine, tmp_path: Path
) -> None:
    from harbour.app import create_app

    path = tmp_path / "lock.db"
    own = db.make_engine(f"sqlite:///{path}")
    migrate(own)
    db.bind(own)
    try:
        with db.unit_of_work() as session:
            officer = make_user(session, Role.officer)
            username = officer.username
        with TestClient(create_app(), follow_redirects=False) as client:
            sign_in(client, username)
            refused = client.get("/admin/users")  # an officer may not: "You cannot do this"
            assert refused.status_code == 403
            missing = client.get("/people/999999")  # and a record nobody holds
            assert missing.status_code == 404
            # Another writer gets the lock at once: nothing from those pages still holds it.
            other = sqlite3.connect(path, timeout=1)
            other.isolation_level = None
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other.close()
    finally:
        db.bind(engine)
        own.dispose()
