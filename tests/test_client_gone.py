"""A request whose client has gone while it waited for a unit of work is dropped, not run
(issue 16: "requests whose client has gone are dropped"). Served by a real uvicorn, with one unit
of work at a time, so that the second request queues behind a slow one."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from harbour import web
from harbour.people.models import Person
from harbour.settings import reset_settings
from tests.test_holding_up import serving

SLOW = 2.0


@pytest.fixture
def one_unit_of_work(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HARBOUR_DATABASE_POOL_SIZE", "1")
    reset_settings()
    yield
    monkeypatch.delenv("HARBOUR_DATABASE_POOL_SIZE")
    reset_settings()


def _app(ran: list[str]) -> FastAPI:
    """Harbour, plus (in this test's app only) a slow page and a page that notes that it ran."""
    from harbour.app import create_app

    extra = web.page_router()

    @extra.get("/test-only/slow")
    def slow(session: web.SessionDep) -> dict[str, int]:
        ran.append("slow")
        people = session.scalar(select(func.count()).select_from(Person)) or 0
        time.sleep(SLOW)
        return {"people": people}

    @extra.get("/test-only/noted")
    def noted(session: web.SessionDep) -> dict[str, int]:
        ran.append("noted")
        return {"people": session.scalar(select(func.count()).select_from(Person)) or 0}

    app = create_app()
    app.include_router(extra)
    return app


def _send_and_hang_up(base: str, path: str) -> None:
    """Send a whole GET request, then close the connection without reading the answer."""
    where = urlsplit(base)
    with socket.create_connection((where.hostname or "127.0.0.1", where.port or 80)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {where.netloc}\r\n\r\n".encode())
        time.sleep(0.2)  # received and queued behind the slow page


def test_a_request_whose_client_has_gone_is_not_run(
    own_database: Engine, one_unit_of_work: None
) -> None:
    ran: list[str] = []
    with serving(_app(ran)) as base, httpx.Client(base_url=base, timeout=30) as http:
        slow = threading.Thread(target=http.get, args=("/test-only/slow",))
        slow.start()
        time.sleep(SLOW / 4)  # the slow page holds the one unit of work
        _send_and_hang_up(base, "/test-only/noted")
        slow.join()
        time.sleep(0.3)
        assert ran == ["slow"], "the request whose client had gone was run"
        # The same page, asked by a client that waits, is answered.
        answer = http.get("/test-only/noted")
        assert answer.status_code == 200, answer.text
        assert ran == ["slow", "noted"]
