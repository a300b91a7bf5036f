"""Test fixtures: one database per run built by the migrations, one rolled-back transaction a test.

The suite runs on SQLite by default and on PostgreSQL when HARBOUR_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import URL, Connection, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HARBOUR_ENV", "test")
os.environ["HARBOUR_LOG_JSON"] = "false"
os.environ["HARBOUR_LOG_LEVEL"] = "WARNING"
# Real Argon2id, at a lower cost than production so that the suite creates users quickly.
os.environ["HARBOUR_PASSWORD_HASH_TIME_COST"] = "1"
os.environ["HARBOUR_PASSWORD_HASH_MEMORY_KIB"] = "8192"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("HARBOUR_TEST_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'harbour-test.db'}"


def migrate(engine: Engine) -> None:
    """Build the schema the way production does: by running every migration."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            connection.commit()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


@contextmanager
def scratch_postgres(url: URL | str, suffix: str) -> Iterator[str]:
    """A PostgreSQL database of its own beside `url`'s (same server), dropped afterwards; yield
    its URL."""
    base = make_url(url)
    name = f"{base.database}_{suffix}_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    with admin.connect() as connection:
        connection.execute(text(drop))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(drop))
        admin.dispose()


@pytest.fixture
def own_database(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A database of the test's own, built by the migrations, where work really commits (a
    SQLite file, or on PostgreSQL a scratch database beside the test database), bound as
    Harbour's database while the test runs."""
    from harbour import db

    with ExitStack() as stack:
        if engine.dialect.name == "sqlite":
            url = f"sqlite:///{tmp_path / 'own.db'}"
        else:
            url = stack.enter_context(scratch_postgres(engine.url, "own"))
        own = db.make_engine(url)
        migrate(own)
        db.bind(own)
        try:
            yield own
        finally:
            db.bind(engine)
            own.dispose()


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from harbour import db, startup
    from harbour.settings import reset_settings

    startup.start()

    url = _database_url(tmp_path_factory)
    os.environ["HARBOUR_DATABASE_URL"] = url
    reset_settings()
    test_engine = db.make_engine(url)
    migrate(test_engine)
    db.bind(test_engine)
    yield test_engine
    db.bind(None)
    test_engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose outer transaction is rolled back after the test."""
    from harbour import db

    conn = engine.connect()
    transaction = conn.begin()
    db.bind(conn)
    try:
        yield conn
    finally:
        db.bind(engine)
        if transaction.is_active:
            transaction.rollback()
        conn.close()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    from harbour import db

    s = db.session_factory()()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def app(engine: Engine) -> FastAPI:
    from harbour.app import create_app

    return create_app()


@pytest.fixture
def client(app: FastAPI, connection: Connection) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c
