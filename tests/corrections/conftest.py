"""Fixtures for the corrections store's tests: `database`, an empty one of each
kind (SQLite, then PostgreSQL), `store`, the same migrated to head, and
`postgres_store` for the cases only a server has.

Without a reachable PostgreSQL the PostgreSQL cases skip, saying why; under
CI=true they fail instead.
"""

import functools
import os

import pytest

from corrections import upgrade
from testkit.corrections import (
    ScratchDatabase,
    postgres_database,
    postgres_unreachable_reason,
    sqlite_database,
)


@functools.cache
def _postgres_reason() -> str | None:
    return postgres_unreachable_reason()


def require_postgres() -> None:
    """Skip (fail under CI=true) when the test PostgreSQL cannot be reached."""
    reason = _postgres_reason()
    if reason is None:
        return
    message = f"{reason} (set TEST_DATABASE_URL, or start it: pg_ctlcluster 15 main start)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        with sqlite_database(tmp_path) as scratch:
            yield scratch
    else:
        require_postgres()
        with postgres_database() as scratch:
            yield scratch


@pytest.fixture
def store(database: ScratchDatabase):
    """`database` migrated to head, with an engine on it: (database, engine)."""
    engine = database.engine()
    upgrade(engine)
    return database, engine


@pytest.fixture
def postgres_store(tmp_path):
    """A fresh PostgreSQL schema migrated to head: (database, engine)."""
    require_postgres()
    with postgres_database() as scratch:
        engine = scratch.engine()
        upgrade(engine)
        yield scratch, engine
