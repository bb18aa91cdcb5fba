"""Choosing the database from the environment, corrections off on Heroku without
one, the salt and the limit; engines built per process (after gunicorn forks),
with the connection settings that keep several workers safe."""

import logging
import multiprocessing
import subprocess
import sys

import pytest
import sqlalchemy as sa

from corrections import (
    CorrectionsDisabled,
    InvalidCorrection,
    add_correction,
    config_from_env,
    engine_for,
    sqlalchemy_url,
    validate_wrote,
)
from corrections.config import DEFAULT_SALT, INSTANCE_DIR, StoreConfig
from corrections.tokens import client_key
from testkit.corrections import row_count, sample_correction
from testkit.servers import ROOT


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/d1", "postgresql+psycopg://u:p@db.example:5432/d1"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////var/data/c.sqlite3", "sqlite:////var/data/c.sqlite3"),
    ],
)
def test_database_url_forms_are_read_as_the_right_database(given, expected):
    assert sqlalchemy_url(given) == expected
    assert config_from_env({"DATABASE_URL": given}).database_url == expected


@pytest.mark.parametrize("given", ["mysql://u@h/d", "just-a-path.db", "redis://h"])
def test_a_database_url_the_store_cannot_serve_is_refused_clearly(given):
    with pytest.raises(ValueError, match="DATABASE_URL"):
        config_from_env({"DATABASE_URL": given})


def test_without_database_url_a_local_machine_uses_sqlite_in_the_instance_folder():
    config = config_from_env({})
    assert config.enabled
    assert config.database_url == f"sqlite:///{INSTANCE_DIR / 'corrections.sqlite3'}"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(INSTANCE_DIR / "corrections.sqlite3")], cwd=ROOT
    )
    assert ignored.returncode == 0, "instance/ must be git-ignored"


def test_on_heroku_without_database_url_corrections_are_off_and_the_log_says_why(caplog):
    with caplog.at_level(logging.WARNING, logger="corrections"):
        config = config_from_env({"DYNO": "web.1"})
    assert not config.enabled
    assert "DATABASE_URL" in config.disabled_reason and "wiped" in config.disabled_reason
    assert config.disabled_reason in caplog.text
    with pytest.raises(CorrectionsDisabled, match="DATABASE_URL"):
        engine_for(config)
    assert config_from_env({"DYNO": "web.1", "DATABASE_URL": "postgres://h/d"}).enabled


def test_the_salt_comes_from_corrections_salt_then_secret_key_then_a_local_default():
    assert config_from_env({"CORRECTIONS_SALT": "a", "SECRET_KEY": "b"}).salt == "a"
    assert config_from_env({"SECRET_KEY": "b"}).salt == "b"
    assert config_from_env({}).salt == DEFAULT_SALT
    assert client_key("203.0.113.7", "a") != client_key("203.0.113.7", "b")


@pytest.mark.parametrize(("given", "expected"), [(None, 60), ("", 60), ("0", 0), ("5", 5)])
def test_the_hourly_limit_defaults_to_60_and_0_means_no_limit(given, expected):
    env = {} if given is None else {"CORRECTIONS_LIMIT_PER_HOUR": given}
    assert config_from_env(env).limit_per_hour == expected


@pytest.mark.parametrize("given", ["-1", "ten", "1.5"])
def test_a_bad_hourly_limit_is_refused_clearly(given):
    with pytest.raises(ValueError, match="CORRECTIONS_LIMIT_PER_HOUR"):
        config_from_env({"CORRECTIONS_LIMIT_PER_HOUR": given})


@pytest.mark.parametrize("wrote", ["0", "7", "123456789012", "000"])
def test_what_a_person_can_write_is_accepted(wrote):
    assert validate_wrote(wrote) == wrote


@pytest.mark.parametrize("wrote", ["1e3", "-1", "12.5", "\n1", "1\n", "１２"])
def test_near_misses_of_digits_are_refused(wrote):
    with pytest.raises(InvalidCorrection, match="'wrote'"):
        validate_wrote(wrote)


def test_importing_the_store_builds_no_engine():
    code = "import corrections, corrections.engine as e; print(len(e._engines))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "0", done.stderr


def _child_uses_its_own_engine(config: StoreConfig, inherited_id: int) -> None:
    engine = engine_for(config)
    assert id(engine) != inherited_id
    assert engine_for(config) is engine
    add_correction(engine, sample_correction(), client_address="c", salt="s", limit_per_hour=0)


def test_a_forked_worker_builds_its_own_engine_and_writes_through_it(store):
    database, _ = store
    config = StoreConfig(database.url, None, "s", 0)
    parent = engine_for(config)
    assert engine_for(config) is parent
    try:
        row_count(parent)  # the parent holds a pooled connection when the worker forks
        fork = multiprocessing.get_context("fork")
        child = fork.Process(target=_child_uses_its_own_engine, args=(config, id(parent)))
        child.start()
        child.join(30)
        assert child.exitcode == 0
        assert row_count(parent) == 1  # the parent's connection still works
    finally:
        parent.dispose()


def test_connections_carry_the_settings_that_keep_several_workers_safe(store):
    database, engine = store
    assert engine.pool.size() == 2 and engine.pool._max_overflow == 2
    with engine.connect() as connection:
        if database.kind == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "5s"
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
            assert schema.startswith("corrections_test_")  # the test's options were kept
