"""Bringing a database's schema up to date with the Alembic migrations in
corrections/migrations, from code: no alembic.ini is needed.

The version is kept in its own table (corrections_version), so the store can
share a database with other applications' Alembic histories.
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from corrections.engine import transaction
from corrections.errors import unavailable_on_connection_errors

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "corrections_version"
# Two release commands at once (two deploys) take turns on PostgreSQL.
_UPGRADE_LOCK = 0x636F727265637431


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic Config for these migrations, running on `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["version_table"] = VERSION_TABLE
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None before the first migration)."""
    with unavailable_on_connection_errors("reading the schema's version"), engine.connect() as c:
        context = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database up to `revision` in one transaction; the revision it is at."""
    with transaction(engine, "migrating", write=True) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_UPGRADE_LOCK)))
        command.upgrade(alembic_config(connection), revision)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str) -> str | None:
    """Migrate the database down to `revision` (\"base\": no table left)."""
    with transaction(engine, "migrating", write=True) as connection:
        command.downgrade(alembic_config(connection), revision)
    return current_revision(engine)
