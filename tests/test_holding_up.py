"""No request stalls another (issue 16): what renders after a request's unit of work (an error
page, the header's unread count) never leaves a session holding the database (finding 1); after
any kind of error, twenty users' saves at once all succeed at once (the acceptance test)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from harbour import db, web
from harbour.actor import Role
from harbour.audit import service as audit
from harbour.people.models import Person
from tests.conftest import migrate
from tests.factories import PASSWORD, csrf_from, make_person, make_team, make_user, sign_in


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


# -- the acceptance test: an error of each kind, then twenty users' saves at once ---------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` with a real uvicorn server in a thread of this process; yield its base URL."""
    import uvicorn

    port = _free_port()
    # Keep-alive longer than any pause in a test: with uvicorn's 5 s, a connection a busy machine
    # left idle was closed by the server just as the test sent a save on it (a reset, in CI).
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="critical", timeout_keep_alive=300
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start within 30 seconds")
            time.sleep(0.05)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


SLOW_READ_SECONDS = 3.0


def _app_with_test_routes() -> FastAPI:
    """Harbour, plus (in this test's own app only, never Harbour's) a page that writes, then fails
    unexpectedly, and a page that reads, then takes a while before it answers."""
    from harbour.app import create_app

    extra = web.page_router()

    @extra.get("/test-only/fail")
    def fail(session: web.SessionDep, actor: web.ActorDep) -> None:
        audit.record(session, actor, "view", "test_failure", 1, justification="test")
        raise RuntimeError("a failure raised on purpose by the holding-up test")

    @extra.get("/test-only/slow-read")
    def slow_read(session: web.SessionDep, actor: web.ActorDep) -> dict[str, int]:
        people = session.scalar(select(func.count()).select_from(Person)) or 0
        time.sleep(SLOW_READ_SECONDS)  # a slow page: its unit of work stays open meanwhile
        return {"people": people}

    app = create_app()
    app.include_router(extra)
    return app


class User:
    """One signed-in browser: its own cookies, its own person to save, the version it holds."""

    def __init__(self, base: str, username: str, person_id: int) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=120)
        self.person_id = person_id
        page = self.http.get("/sign-in")
        signed = self.http.post(
            "/sign-in",
            data={"username": username, "password": PASSWORD, "next": "/"}
            | {"csrf_token": csrf_from(page.text)},
        )
        assert signed.status_code == 303, signed.text[:300]
        self.token = csrf_from(self.http.get("/").text)
        justified = self.http.post(
            f"/people/{person_id}/justify",
            data={"csrf_token": self.token, "reason": "risk_assessment"},
        )
        assert justified.status_code == 303, justified.text[:300]
        form = self.http.get(f"/people/{person_id}/edit")
        assert form.status_code == 200, form.text[:300]
        found = re.search(r'name="version" value="(\d+)"', form.text)
        assert found, "the edit form carries no version"
        self.version = int(found.group(1))
        self.saves = 0

    def save(self) -> tuple[int, float]:
        """Change this user's person; return the status and how long the save took."""
        started = time.perf_counter()
        response = self.save_response()
        return response.status_code, time.perf_counter() - started

    def save_response(self) -> httpx.Response:
        """Change this user's person from the version it holds; return the answer."""
        self.saves += 1
        form = {
            "csrf_token": self.token,
            "given_name": f"Saved{self.saves}",
            "family_name": "Holding",
            "sex": "unknown",
            "version": str(self.version),
        }
        response = self.http.post(f"/people/{self.person_id}/edit", data=form)
        if response.status_code == 303:
            self.version += 1
        return response


def _error_of_each_kind(user: User) -> dict[str, Callable[[], httpx.Response]]:
    """A way to make each kind of error page, and the status it answers."""
    edit = f"/people/{user.person_id}/edit"
    return {
        "403": lambda: user.http.get("/admin/users"),  # a hub officer may not manage users
        "404": lambda: user.http.get("/people/2000000000"),  # nobody holds it
        "403 csrf": lambda: user.http.post(edit, data={"given_name": "No token", "version": "1"}),
        "400 validation": lambda: user.http.post(
            edit, data={"csrf_token": user.token, "version": "not a number"}
        ),
        "422 form": lambda: user.http.post(
            edit,
            data={"csrf_token": user.token, "version": str(user.version), "sex": "unknown"},
        ),
        "500": lambda: user.http.get("/test-only/fail"),
    }


USERS = 20
# The saves must not queue behind anything an error page left open: a leaked session on SQLite
# holds the write lock, and every save then waits the busy timeout (10 s) or the pool's (30 s)
# and fails. Twenty saves at once on a small shared test machine take 0.4 to 1.1 s at the
# slowest (measured); this is a check against lock waits, not a benchmark, so the bound is
# generous enough for a busy machine and still below any lock wait.
SLOWEST_SAVE_SECONDS = 8.0


def test_after_an_error_of_each_kind_twenty_users_save_at_once(own_database: Engine) -> None:
    with db.unit_of_work() as session:
        team = make_team(session)
        accounts = []
        for _ in range(USERS):
            user = make_user(session, Role.hub_officer, team=team)
            accounts.append((user.username, make_person(session, user).id))
    with serving(_app_with_test_routes()) as base:
        users = [User(base, username, person_id) for username, person_id in accounts]
        with ThreadPoolExecutor(USERS) as pool:
            for kind, make_error in _error_of_each_kind(users[0]).items():
                expected = int(kind.split()[0])
                assert make_error().status_code == expected, kind
                start = threading.Barrier(USERS)

                def save(user: User, start: threading.Barrier = start) -> tuple[int, float]:
                    start.wait()
                    return user.save()

                results = list(pool.map(save, users))
                statuses = [status for status, _ in results]
                slowest = max(took for _, took in results)
                assert statuses == [303] * USERS, f"after the {kind} page: {statuses}"
                assert slowest < SLOWEST_SAVE_SECONDS, f"after the {kind} page: {slowest:.1f} s"
        for user in users:
            user.http.close()


# -- finding 21: the loser of a simultaneous save sees "someone else changed this" ---------------

ROUNDS = 10


def test_the_loser_of_two_saves_at_once_is_told_someone_else_saved(own_database: Engine) -> None:
    """On PostgreSQL both saves read the same version; the loser's UPDATE waits for the winner's
    row lock, then matches no row. The form said 409, but its page then read through the failed
    session (the header's unread count) and answered 500 in 11 of 12 rounds."""
    if own_database.dialect.name == "sqlite":
        pytest.skip(
            "SQLite cannot race here: a save takes the write lock first (BEGIN IMMEDIATE), so "
            "the second reads the new version and is refused before it writes"
        )
    with db.unit_of_work() as session:
        team = make_team(session)
        first = make_user(session, Role.hub_officer, team=team)
        second = make_user(session, Role.hub_officer, team=team)
        person_id = make_person(session, first).id
        names = (first.username, second.username)
    with serving(_app_with_test_routes()) as base:
        users = [User(base, name, person_id) for name in names]
        rounds = []
        with ThreadPoolExecutor(2) as pool:
            for _ in range(ROUNDS):
                version = max(user.version for user in users)
                for user in users:
                    user.version = version  # both open the form at the same version
                start = threading.Barrier(2)

                def save(user: User, start: threading.Barrier = start) -> httpx.Response:
                    start.wait()
                    return user.save_response()

                answers = list(pool.map(save, users))
                rounds.append(sorted(answer.status_code for answer in answers))
                for answer in answers:
                    if answer.status_code == 409:
                        assert "Someone else changed this record" in answer.text
                    if answer.status_code == 303:
                        version += 1
                for user in users:
                    user.version = version
        for user in users:
            user.http.close()
    assert rounds == [[303, 409]] * ROUNDS


# -- SQLite: readers never hold the write lock ------------------------------------------------

READERS = 4


def _accounts(count: int) -> list[tuple[str, int]]:
    with db.unit_of_work() as session:
        team = make_team(session)
        accounts = []
        for _ in range(count):
            user = make_user(session, Role.hub_officer, team=team)
            accounts.append((user.username, make_person(session, user).id))
    return accounts


def test_pages_being_read_do_not_hold_up_a_save(own_database: Engine) -> None:
    """Every unit of work was BEGIN IMMEDIATE on SQLite, reads too: while a slow page was being
    read, it held the one write lock and every save waited for it (on PostgreSQL, never)."""
    accounts = _accounts(READERS + 1)
    with serving(_app_with_test_routes()) as base:
        readers = [User(base, name, person) for name, person in accounts[:READERS]]
        writer = User(base, *accounts[READERS])
        with ThreadPoolExecutor(READERS) as pool:
            reading = [pool.submit(r.http.get, "/test-only/slow-read") for r in readers]
            time.sleep(SLOW_READ_SECONDS / 3)  # every reader is inside its unit of work
            status, took = writer.save()
            still_reading = [not page.done() for page in reading]
            answers = [page.result() for page in reading]
        assert status == 303
        # It waited behind no reader: each holds its transaction for 3 s (12 s in a queue).
        assert took < SLOW_READ_SECONDS / 2, f"the save took {took:.1f} s"
        assert all(still_reading), "the readers finished before the save: nothing was tested"
        assert [a.status_code for a in answers] == [200] * READERS
        for user in [*readers, writer]:
            user.http.close()


def test_audited_page_views_and_saves_at_once_all_succeed(own_database: Engine) -> None:
    """A page view that writes its audit event starts as a read. Upgrading a read transaction in
    place fails at once in WAL mode (SQLITE_BUSY_SNAPSHOT, "database is locked") when anyone has
    committed since it began; it must take the write lock afresh and wait its turn instead."""
    accounts = _accounts(USERS)
    with serving(_app_with_test_routes()) as base:
        users = [User(base, name, person) for name, person in accounts]
        viewers = [User(base, name, person) for name, person in accounts]  # signed in again
        start = threading.Barrier(2 * USERS)

        def view(user: User) -> int:
            start.wait()
            return user.http.get(f"/people/{user.person_id}").status_code

        def save(user: User) -> int:
            start.wait()
            return user.save()[0]

        with ThreadPoolExecutor(2 * USERS) as pool:
            views = [pool.submit(view, v) for v in viewers]
            saves = [pool.submit(save, u) for u in users]
            assert [v.result() for v in views] == [200] * USERS
            assert [s.result() for s in saves] == [303] * USERS
        for user in [*users, *viewers]:
            user.http.close()
    with db.unit_of_work() as session:
        assert audit.verify(session).ok


# -- finding 20: more requests in flight than connections queue, they do not time out ---------

# What failed was a freeze: threads waiting for a pooled connection while the requests holding
# the connections waited for a thread, until the pool's 30-second timeout and a 500. Sixty in
# flight froze SQLite's old pool of 15; PostgreSQL's old pool of 30 held at 60 of this mix of
# requests and froze at 90, so the test sends 90. They answer within a few seconds on a small
# shared machine (2.3 s for 150 on SQLite); the bound is generous and still well below 30 s.
IN_FLIGHT = 90
SLOWEST_IN_FLIGHT_SECONDS = 20.0


def test_ninety_requests_in_flight_all_succeed(own_database: Engine) -> None:
    accounts = _accounts(IN_FLIGHT // 3)
    with serving(_app_with_test_routes()) as base:
        users = [User(base, name, person) for name, person in accounts]
        start = threading.Barrier(IN_FLIGHT)

        def timed(send: Callable[[], httpx.Response]) -> tuple[int, float]:
            start.wait()
            started = time.perf_counter()
            status = send().status_code
            return status, time.perf_counter() - started

        requests: list[Callable[[], tuple[int, float]]] = []
        for user in users:  # a save, an audited page view and the home page for each
            requests.append(lambda u=user: timed(lambda: u.save_response()))
            requests.append(lambda u=user: timed(lambda: u.http.get(f"/people/{u.person_id}")))
            requests.append(lambda u=user: timed(lambda: u.http.get("/")))
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            results = list(pool.map(lambda request: request(), requests))
        for user in users:
            user.http.close()
    statuses = [status for status, _ in results]
    assert statuses == [303, 200, 200] * (IN_FLIGHT // 3), statuses
    slowest = max(took for _, took in results)
    assert slowest < SLOWEST_IN_FLIGHT_SECONDS, f"the slowest took {slowest:.1f} s"
