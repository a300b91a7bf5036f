"""A real Harbour server (uvicorn, its own SQLite database) and real Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from harbour.auth.models import User

CHROMIUM = os.environ.get("HARBOUR_CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_file = tmp_path_factory.mktemp("browser") / "harbour.db"
    env = {
        **os.environ,
        "HARBOUR_DATABASE_URL": f"sqlite:///{db_file}",
        "HARBOUR_ENV": "development",
        "HARBOUR_LOG_JSON": "false",
    }
    env.pop("HARBOUR_TEST_DATABASE_URL", None)
    cli = [sys.executable, "-m", "harbour.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "setup"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base)
    except RuntimeError:
        process.kill()
        raise
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server)
    tab = context.new_page()
    yield tab
    context.close()


def serious_violations(page: Page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations."""
    # Loaded from Harbour's own static files, which its Content-Security-Policy allows.
    page.add_script_tag(url="/static/vendor/axe.min.js")
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _wait_until_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("Harbour did not start within 30 seconds")


@contextmanager
def server_in_thread() -> Iterator[str]:
    """Serve Harbour with uvicorn in a thread of this process (so that `clock.frozen` in the test
    moves the server's clock too), on the test database; yield its base URL."""
    import uvicorn

    from harbour.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def demo_user(session: Session, username: str) -> User:
    """A demo user by username (after `set_up_demo`)."""
    from sqlalchemy import select

    from harbour.auth.models import User

    user = session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return user


def set_up_demo() -> None:
    """The demo organisations, teams and users, in a unit of work of their own."""
    from harbour import db, demo
    from harbour.actor import Channel, system_actor

    with db.unit_of_work() as session:
        demo.set_up(session, system_actor(Channel.cli, name="browser test"))


@dataclass
class Live:
    """A server in this process whose clock the test holds and moves on."""

    base: str
    advance: Callable[[timedelta], None]


@contextmanager
def frozen_server(seed: Callable[[], None]) -> Iterator[Live]:
    """Hold Harbour's clock, set up the demo and the test's own records, and serve them in a
    thread, so that `live.advance` moves the server's clock too."""
    from harbour import clock

    with clock.frozen(clock.now()) as advance:
        set_up_demo()
        seed()
        with server_in_thread() as base:
            yield Live(base, advance)


def sign_in(page: Page, username: str) -> None:
    """Sign in as a demo user on this page."""
    from harbour.demo import DEMO_PASSWORD

    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def justify(page: Page) -> None:
    """Answer the justification page with the usual reason and go on to the record."""
    expect(page.get_by_role("heading", name="Why are you viewing this record?")).to_be_visible()
    page.get_by_label("Active missing person investigation").check()
    page.get_by_role("button", name="Continue to the record").click()


def signed_in(browser: Browser, base: str, username: str) -> tuple[BrowserContext, Page]:
    """A new browser context signed in as a demo user."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    sign_in(page, username)
    return context, page


def fill_when(page: Page, name: str, minutes_ago: int) -> None:
    """Fill a date-and-time input with Harbour's clock's local time, minutes ago."""
    from harbour import clock, timefmt

    at = timefmt.local(clock.now() - timedelta(minutes=minutes_ago))
    page.locator(f"#{name}_day").fill(str(at.day))
    page.locator(f"#{name}_month").fill(str(at.month))
    page.locator(f"#{name}_year").fill(str(at.year))
    page.locator(f"#{name}_time").fill(f"{at:%H:%M}")
