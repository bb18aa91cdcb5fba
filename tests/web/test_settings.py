"""web/settings.py: every environment variable the web process reads, read in
one place and only when asked."""

import pytest

from web.settings import Settings


def test_without_the_environment_the_defaults_are_the_dyno_s():
    settings = Settings.from_env({})
    assert settings.dev_address == ("127.0.0.1", 8050)
    assert settings.bind == "0.0.0.0:8000"
    assert (settings.workers, settings.threads, settings.debug) == (2, 32, False)
    assert (settings.read_timeout_s, settings.send_timeout_s) == (20.0, 20.0)
    assert (settings.idle_timeout_s, settings.max_idle) == (10.0, 500)


def test_each_variable_sets_its_setting():
    settings = Settings.from_env(
        {
            "HOST": "10.0.0.1",
            "PORT": "5000",
            "DASH_DEBUG": "1",
            "WEB_CONCURRENCY": "3",
            "GUNICORN_THREADS": "8",
            "GUNICORN_READ_TIMEOUT": "2.5",
            "GUNICORN_SEND_TIMEOUT": "4",
            "GUNICORN_IDLE_TIMEOUT": "1.5",
            "GUNICORN_MAX_IDLE": "7",
        }
    )
    assert settings.dev_address == ("10.0.0.1", 5000)
    assert settings.bind == "10.0.0.1:5000"
    assert (settings.workers, settings.threads, settings.debug) == (3, 8, True)
    assert (settings.read_timeout_s, settings.send_timeout_s) == (2.5, 4.0)
    assert (settings.idle_timeout_s, settings.max_idle) == (1.5, 7)


@pytest.mark.parametrize("value", ["0", "true", "yes", ""])
def test_debug_is_on_only_for_dash_debug_1(value):
    assert Settings.from_env({"DASH_DEBUG": value}).debug is False


def test_the_environment_is_read_when_asked_not_at_import(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert Settings.from_env().workers == 5
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert Settings.from_env().workers == 1
