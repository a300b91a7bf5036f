"""The database: engine, sessions, the declarative base and portable column types.

SQLite (the embedded default) and PostgreSQL (production) are both first-class. Services never
commit: the request, CLI command or job that owns a unit of work calls `unit_of_work()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from harbour import clock
from harbour.errors import Conflict
from harbour.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only makes INTEGER PRIMARY KEY auto-increment; PostgreSQL gets a 64-bit identity.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware, on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Harbour stores aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        zone = value.tzinfo
        if zone is None:
            return value.replace(tzinfo=UTC)
        if zone is UTC:
            return value
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Timestamps:
    """`created_at` and `updated_at`, set from Harbour's clock."""

    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


# Statements that write, or that say they are about to (SAVEPOINT, a SELECT ... FOR UPDATE).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")
_DEFERRED = "harbour_deferred"  # on Connection.info: this transaction has not taken the lock


def _intends_to_write(statement: str, context: Any) -> bool:
    if statement.lstrip()[:9].upper().startswith(_WRITES):
        return True
    compiled = getattr(getattr(context, "compiled", None), "statement", None)
    return getattr(compiled, "_for_update_arg", None) is not None


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and defers locks; take control.
    # A unit of work that may write (a POST, a CLI command, a job) is BEGIN IMMEDIATE: writers
    # queue for SQLite's one write lock (up to the busy timeout) instead of failing with
    # "database is locked" half-way through a read-then-write transaction. A read (a GET, see
    # `reading`) is a deferred BEGIN, so readers never hold the write lock and never make a
    # writer wait. A read that turns out to write (an audited page view, the once-a-minute touch
    # of a sign-in session) must not upgrade in place: in WAL mode that fails at once
    # (SQLITE_BUSY_SNAPSHOT) when anyone has committed since it began. So before its first write,
    # or its first SELECT ... FOR UPDATE (the audit head), it ends its read snapshot and begins
    # again with BEGIN IMMEDIATE. Nothing was written yet, so nothing is lost, and it never holds
    # a lock while it waits, so it cannot deadlock. What it read before then may since have
    # changed, as between statements at PostgreSQL's READ COMMITTED: rows are updated under a
    # version column or after a FOR UPDATE read, which stay correct on both databases.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        deferred = connection.get_execution_options().get(_DEFERRED, False)
        connection.info[_DEFERRED] = deferred
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(
        connection: Connection,
        cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        if connection.info.get(_DEFERRED) and _intends_to_write(statement, context):
            connection.info[_DEFERRED] = False
            cursor.execute("ROLLBACK")
            cursor.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Connection) -> None:
        connection.info.pop(_DEFERRED, None)


def read_only(connection: Connection) -> Connection:
    """Mark a connection as reading, so that on SQLite it does not queue behind writers."""
    return connection.execution_options(**{_DEFERRED: True})


# A request holds one pooled connection from its first query to its commit, and at most
# `database_pool_size` requests do so at once (`web.UnitOfWorkRoute` queues the rest), so none
# waits for a connection while holding a thread; the overflow serves what runs outside a unit of
# work (error pages, the readiness probe).
POOL_OVERFLOW = 10


def _pool() -> dict[str, int]:
    return {"pool_size": get_settings().database_pool_size, "max_overflow": POOL_OVERFLOW}


def make_engine(url: str) -> Engine:
    """Create an engine for a database URL with Harbour's connection settings."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        busy = get_settings().sqlite_busy_timeout_seconds
        pool = _pool() if path and path != ":memory:" else {}  # memory: a connection a thread
        connect = {"check_same_thread": False, "timeout": busy}
        engine = create_engine(url, connect_args=connect, **pool)
        _configure_sqlite(engine, round(busy * 1000))
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **_pool())


_engine: Engine | None = None
_factory: sessionmaker[Session] | None = None


def get_engine() -> Engine:
    """Return the process's engine for `HARBOUR_DATABASE_URL`, created on first use."""
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().database_url)
    return _engine


def session_factory() -> sessionmaker[Session]:
    """Return the factory that makes each unit of work's session."""
    global _factory
    if _factory is None:
        _factory = sessionmaker(bind=get_engine(), expire_on_commit=False)
    return _factory


def reading() -> Session:
    """Open a session for a unit of work that mostly reads (a GET): on SQLite it begins without
    the write lock and takes it only just before it first writes, so readers never hold up
    writers. Commit or roll it back as any other."""
    factory = session_factory()
    bound = factory.kw.get("bind")
    if not isinstance(bound, Engine):
        return factory()  # bound to one connection (tests): its transaction is already open
    # A view of the engine that shares its pool: a few microseconds to make, so made each time.
    return factory(bind=bound.execution_options(**{_DEFERRED: True}))


def bind(target: Engine | Connection | None) -> None:
    """Point every new session at `target` (tests bind one connection and roll it back)."""
    global _factory, _engine
    if target is None:
        _factory = None
        _engine = None
        return
    if isinstance(target, Engine):
        _engine = target
        _factory = sessionmaker(bind=target, expire_on_commit=False)
    else:
        _factory = sessionmaker(
            bind=target, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Open a session, commit it if the block succeeds, roll it back if it raises."""
    session = session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def flush_or_conflict(session: Session, message: str) -> None:
    """Flush, turning a lost optimistic-locking race (someone saved first) into a Conflict."""
    try:
        session.flush()
    except StaleDataError as exc:
        # The failed flush has ended the transaction. Roll it back now, so that whatever shows
        # the "someone else changed this" page (the form, the header's unread count) can still
        # read: left as it was, every read raised PendingRollbackError and the loser got a 500.
        if not session.in_nested_transaction():
            session.rollback()
        raise Conflict(message) from exc
