"""The migrations, on PostgreSQL and SQLite: they build an empty database that
matches what the code reads and writes, and they upgrade a database made by
the previous migration, rows in it, without losing a row. The command line
(`python -m corrections upgrade|purge`) runs them as Heroku's release phase does."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from corrections import (
    add_correction,
    current_revision,
    export_corrections,
    head_revision,
    list_corrections,
    review_correction,
    upgrade,
)
from corrections.migrate import VERSION_TABLE, downgrade
from corrections.schema import metadata
from testkit.corrections import row_count, sample_correction
from testkit.servers import ROOT


def add(engine, seed: int = 0, now=None):
    return add_correction(
        engine,
        sample_correction(seed, image=seed % 2 == 1),
        client_address=f"192.0.2.{seed}",
        salt="s",
        limit_per_hour=60,
        now=now,
    )


def differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        return compare_metadata(context, metadata)


def index_names(engine) -> set[str]:
    return {index["name"] for index in sa.inspect(engine).get_indexes("corrections")}


def test_the_migrations_build_an_empty_database_that_matches_the_code(database):
    engine = database.engine()
    assert current_revision(engine) is None
    assert upgrade(engine) == head_revision() == "0003"
    assert differences(engine) == []
    assert row_count(engine) == 0
    assert upgrade(engine) == "0003"  # again: nothing to do, nothing broken


def test_upgrading_a_database_made_by_0001_keeps_its_rows(database):
    engine = database.engine()
    assert upgrade(engine, "0001") == "0001"
    assert "reviewed_at" not in {c["name"] for c in sa.inspect(engine).get_columns("corrections")}
    assert index_names(engine) == {"ix_corrections_client_created"}
    start = datetime.now(UTC) - timedelta(days=3)
    created = [add(engine, seed, now=start + timedelta(minutes=seed)) for seed in range(5)]
    before = list(export_corrections(engine))

    assert upgrade(engine) == "0003"
    engine.dispose()  # as a release phase does: the web dynos start afresh
    assert list(export_corrections(engine)) == before
    assert index_names(engine) == {"ix_corrections_client_created", "ix_corrections_status_created"}
    assert all(row.reviewed_at is None for row in list_corrections(engine))
    assert review_correction(engine, created[0].id, "accepted")
    reviewed = {row.id: row for row in list_corrections(engine)}[created[0].id]
    assert reviewed.status == "accepted" and reviewed.reviewed_at is not None
    assert differences(engine) == []


def test_the_migrations_go_down_to_nothing_and_up_again(database):
    engine = database.engine()
    upgrade(engine)
    add(engine)
    assert downgrade(engine, "0001") == "0001"
    assert row_count(engine) == 1
    assert downgrade(engine, "base") is None
    assert not sa.inspect(engine).has_table("corrections")
    assert upgrade(engine) == "0003"
    assert differences(engine) == []


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DYNO")}
    return subprocess.run(
        [sys.executable, "-m", "corrections", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_release_command_upgrades_and_the_purge_command_purges(database):
    engine = database.engine()
    done = run_cli("upgrade", env={"DATABASE_URL": database.url})
    assert done.returncode == 0, done.stderr
    assert "revision 0003" in done.stdout
    assert current_revision(engine) == "0003"
    now = datetime.now(UTC)
    for seed, age in enumerate((200, 40, 1)):
        add(engine, seed, now=now - timedelta(days=age))
    done = run_cli("purge", env={"DATABASE_URL": database.url})
    assert done.returncode == 0, done.stderr
    assert "purged 1 older than 180 days" in done.stdout
    done = run_cli("purge", "--days", "30", env={"DATABASE_URL": database.url})
    assert "purged 1 older than 30 days" in done.stdout
    assert row_count(engine) == 1


def test_on_heroku_without_a_database_the_release_command_says_corrections_are_off():
    done = run_cli("upgrade", env={"DYNO": "release.1"})
    assert done.returncode == 0  # a deploy does not fail: reading digits needs no store
    assert "corrections are off" in done.stdout
    assert "DATABASE_URL" in done.stdout


@pytest.mark.parametrize("args", [("purge", "--days", "-1"), ("purge", "--days", "x"), ()])
def test_the_command_line_refuses_bad_arguments(args):
    done = run_cli(*args, env={"DATABASE_URL": "sqlite:////nonexistent/never-used.sqlite3"})
    assert done.returncode == 2
    assert "usage:" in done.stderr


def test_a_database_that_cannot_be_reached_fails_the_release_command_clearly():
    done = run_cli("upgrade", env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"})
    assert done.returncode == 1
    assert "corrections database is unavailable" in done.stderr
