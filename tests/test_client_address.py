"""Who the client is (web/client_address.py) and the settings that decide it
(web/settings.py): one hop of X-Forwarded-For, the router's, trusted only on
Heroku; REVIEW_TOKEN and the store's settings read once, from one mapping."""

import flask
import pytest

from web.client_address import client_address, forwarded_by_router
from web.settings import Settings


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["198.51.100.7"], "198.51.100.7"),
        (["1.2.3.4, 198.51.100.7"], "198.51.100.7"),
        (["1.2.3.4,198.51.100.7 "], "198.51.100.7"),
        (["1.2.3.4", "198.51.100.7"], "198.51.100.7"),  # two headers: the router's is last
        (["2001:db8::1"], "2001:db8::1"),
        ([""], None),
        ([" , "], None),
        ([], None),
    ],
)
def test_the_router_entry_is_the_last_one(headers, expected):
    assert forwarded_by_router(headers) == expected


def _request(forwarded: str | None, remote: str = "10.0.0.1") -> flask.Request:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    app = flask.Flask(__name__)
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": remote}):
        return flask.request._get_current_object()


def test_on_heroku_the_forwarded_address_counts():
    assert client_address(_request("6.6.6.6, 198.51.100.7"), True) == "198.51.100.7"
    assert client_address(_request(None), True) == "10.0.0.1"  # no header: the socket's


def test_elsewhere_the_header_is_ignored():
    assert client_address(_request("198.51.100.7"), False) == "10.0.0.1"
    assert client_address(_request(None, remote=""), False) == "unknown"


def test_settings_read_the_review_token_heroku_and_the_store_once():
    settings = Settings.from_env(
        {"REVIEW_TOKEN": "t", "DYNO": "web.1", "DATABASE_URL": "postgres://u@h/db"},
        with_store=True,
    )
    assert settings.review_token == "t" and settings.behind_heroku_router
    assert settings.store.database_url == "postgresql+psycopg://u@h/db"
    local = Settings.from_env({"REVIEW_TOKEN": ""}, with_store=True)
    assert local.review_token is None and not local.behind_heroku_router
    assert local.store.database_url.startswith("sqlite:///")
    assert Settings.from_env({}).store is None  # gunicorn.conf.py reads no store settings
    off = Settings.from_env({"DYNO": "web.1"}, with_store=True).store
    assert not off.enabled and "DATABASE_URL" in off.disabled_reason
