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
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        port = env.get("PORT")
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
        )

    @property
    def dev_address(self) -> tuple[str, int]:
        """Where `python dashboard.py` listens."""
        return self.host or DEV_HOST, self.port or DEV_PORT

    @property
    def bind(self) -> str:
        """Where gunicorn listens."""
        return f"{self.host or SERVER_HOST}:{self.port or SERVER_PORT}"
