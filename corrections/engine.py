"""Engines: one per process and database, built on first use, never at import.

gunicorn forks its workers from a master that imported the app; a connection
opened before the fork would be shared by every worker. So engines are keyed
by the process id and built in the worker that first needs one; an engine
inherited across a fork is dropped without closing the parent's connections.

Pools are small: each worker holds at most POOL_SIZE + MAX_OVERFLOW
connections, so WEB_CONCURRENCY workers (2 by default) on two dynos, plus a
release or purge command, stay within the 20 connections of Heroku's
smallest Postgres plans. Corrections are rare next to readings: a worker's
threads queue for a connection for at most POOL_TIMEOUT_S.

PostgreSQL: pre-ping replaces connections that died while the database was
restarted, and a down or silent server fails within CONNECT_TIMEOUT_S.
SQLite: WAL (readers never block the writer), a busy timeout (writers from
several workers queue instead of failing "database is locked"), foreign keys,
and transactions that say BEGIN themselves so a writer can take the write lock
up front (BEGIN IMMEDIATE).
"""

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, make_url

from corrections.config import StoreConfig
from corrections.errors import CorrectionsDisabled, unavailable_on_connection_errors

POOL_SIZE = 2
MAX_OVERFLOW = 2
POOL_TIMEOUT_S = 3
CONNECT_TIMEOUT_S = 3
# Bounds one statement, the advisory lock's wait included: no request hangs on
# a database that accepts connections but stops answering.
STATEMENT_TIMEOUT_MS = 5000
SQLITE_BUSY_TIMEOUT_S = 3.0
# The execution option that makes SQLite's BEGIN take the write lock at once.
WRITE_LOCK = "corrections_write_lock"

_engines: dict[tuple[int, str], Engine] = {}
_engines_lock = threading.Lock()


def engine_for(config: StoreConfig) -> Engine:
    """This process's engine for `config`'s database; raises CorrectionsDisabled when off."""
    if config.database_url is None:
        raise CorrectionsDisabled(config.disabled_reason or "corrections are off")
    key = (os.getpid(), config.database_url)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            for inherited_key in [k for k in _engines if k[0] != key[0]]:
                _engines.pop(inherited_key).dispose(close=False)
            engine = _engines[key] = build_engine(config.database_url)
    return engine


@contextlib.contextmanager
def transaction(engine: Engine, action: str, *, write: bool = False) -> Iterator[Connection]:
    """A connection inside one transaction, committed at the end of the block.

    `write` takes SQLite's write lock at BEGIN (so a read-then-write cannot
    race another writer). Connection failures become StoreUnavailable, naming
    `action`."""
    with unavailable_on_connection_errors(action), engine.connect() as connection:
        if write:
            connection.execution_options(**{WRITE_LOCK: True})
        with connection.begin():
            yield connection


def _reset_after_fork() -> None:
    global _engines_lock
    _engines_lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def build_engine(url: str) -> Engine:
    """A new engine for a SQLAlchemy URL (postgresql+psycopg:// or sqlite:///path)."""
    parsed = make_url(url)
    pool = {
        "pool_size": POOL_SIZE,
        "max_overflow": MAX_OVERFLOW,
        "pool_timeout": POOL_TIMEOUT_S,
        "pool_pre_ping": True,
    }
    if parsed.get_backend_name() == "postgresql":
        # connect_args win over the URL's query: keep any options it gives (a search_path).
        timeout = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
        options = " ".join(part for part in (parsed.query.get("options"), timeout) if part)
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "options": options}
        return create_engine(parsed, connect_args=connect_args, **pool)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("the corrections store needs a SQLite file: sqlite:///path")
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            **pool,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    raise ValueError(f"the corrections store serves PostgreSQL and SQLite, not {parsed.drivername}")


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling would BEGIN (deferred) on its own;
    # with it off, _sqlite_on_begin says BEGIN, IMMEDIATE where asked.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # In WAL mode a power cut may lose the last commits, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_LOCK, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
