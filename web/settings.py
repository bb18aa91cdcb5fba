"""The web layer's settings, read from the environment in one place.

`Settings.from_env()` reads them when it is called, never at import:
HOST and PORT (where to listen), DASH_DEBUG=1 (Dash's debug mode, never on
otherwise), WEB_CONCURRENCY (gunicorn's worker processes; Heroku sets it per
dyno size), GUNICORN_THREADS (connections one worker serves at once), and
GUNICORN_READ_TIMEOUT and GUNICORN_SEND_TIMEOUT (seconds a client has to send
its request and to take each part of the answer; the tests shorten them),
GUNICORN_IDLE_TIMEOUT (seconds a connection may stay open before its first
byte) and GUNICORN_MAX_IDLE (connections without a byte yet that one worker
keeps; the oldest is closed for a new one).
The development server (`python dashboard.py`) listens on 127.0.0.1:8050 and
gunicorn on 0.0.0.0:8000 unless HOST and PORT say otherwise.

Corrections (issue 27): REVIEW_TOKEN turns on the owner's routes and the
review page (off, 404, when unset); DYNO (set by Heroku on every dyno) says
the app runs behind Heroku's router, so the client is the address the router
appends to X-Forwarded-For. The store's own settings (DATABASE_URL,
CORRECTIONS_*) are corrections.config_from_env's: `Settings.from_env(...,
with_store=True)` reads them too, once, for create_app.

Model versions (issue 28): MODEL_CHECK_INTERVAL_S (default 15) is how often a
worker asks the store which model version serves (web/serving.py).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store's settings are read only with_store, so import nothing here
    from corrections.config import StoreConfig

# Where create_app() keeps the app's Settings (server.extensions).
SETTINGS_KEY = "web_settings"
DEV_HOST, DEV_PORT = "127.0.0.1", 8050
SERVER_HOST, SERVER_PORT = "0.0.0.0", 8000


@dataclass(frozen=True)
class Settings:
    host: str | None = None  # None: the development server's or gunicorn's default
    port: int | None = None
    debug: bool = False
    workers: int = 2
    threads: int = 32
    read_timeout_s: float = 20.0
    send_timeout_s: float = 20.0
    idle_timeout_s: float = 10.0
    max_idle: int = 500
    review_token: str | None = None
    behind_heroku_router: bool = False
    model_check_interval_s: float = 15.0
    # None unless read with_store (gunicorn.conf.py needs no database settings).
    store: "StoreConfig | None" = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, with_store: bool = False
    ) -> "Settings":
        env = os.environ if environ is None else environ
        port = env.get("PORT")
        store = None
        if with_store:
            from corrections.config import config_from_env

            store = config_from_env(env)
        return cls(
            host=env.get("HOST") or None,
            port=int(port) if port else None,
            debug=env.get("DASH_DEBUG") == "1",
            workers=int(env.get("WEB_CONCURRENCY", cls.workers)),
            threads=int(env.get("GUNICORN_THREADS", cls.threads)),
            read_timeout_s=float(env.get("GUNICORN_READ_TIMEOUT", cls.read_timeout_s)),
            send_timeout_s=float(env.get("GUNICORN_SEND_TIMEOUT", cls.send_timeout_s)),
            idle_timeout_s=float(env.get("GUNICORN_IDLE_TIMEOUT", cls.idle_timeout_s)),
            max_idle=int(env.get("GUNICORN_MAX_IDLE", cls.max_idle)),
            review_token=env.get("REVIEW_TOKEN") or None,
            behind_heroku_router=bool(env.get("DYNO")),
            model_check_interval_s=float(
                env.get("MODEL_CHECK_INTERVAL_S", cls.model_check_interval_s)
            ),
            store=store,
        )

    @property
    def dev_address(self) -> tuple[str, int]:
        """Where `python dashboard.py` listens."""
        return self.host or DEV_HOST, self.port or DEV_PORT

    @property
    def bind(self) -> str:
        """Where gunicorn listens."""
        return f"{self.host or SERVER_HOST}:{self.port or SERVER_PORT}"


def current_settings() -> Settings:
    """The Settings create_app() read for the app serving this request."""
    import flask

    return flask.current_app.extensions[SETTINGS_KEY]
