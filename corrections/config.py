"""Where the store's settings come from: the only reader of its environment variables.

DATABASE_URL picks the database (PostgreSQL in Heroku's `postgres://` form or
as `postgresql://`, or `sqlite:///path`); unset, a SQLite file in the
git-ignored `instance/` folder. On Heroku (DYNO is set) the dyno's disk is
wiped on every restart, so without DATABASE_URL corrections are off rather
than silently lost. CORRECTIONS_SALT (else SECRET_KEY) salts the client key;
CORRECTIONS_LIMIT_PER_HOUR bounds each client's corrections (0: no limit).
"""

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEFAULT_SQLITE_PATH = INSTANCE_DIR / "corrections.sqlite3"
DEFAULT_LIMIT_PER_HOUR = 60
# For a local machine only: anyone who knows it can test guessed addresses
# against stored client keys, so a deployment sets CORRECTIONS_SALT.
DEFAULT_SALT = "digit-dashboard-local-salt"
HEROKU_WITHOUT_DATABASE = (
    "corrections are off: this Heroku dyno has no DATABASE_URL, and its disk is wiped on "
    "every restart (attach Heroku Postgres to turn them on)"
)


@dataclass(frozen=True)
class StoreConfig:
    """The store's settings. `database_url` is SQLAlchemy's form, or None when disabled."""

    database_url: str | None
    disabled_reason: str | None
    salt: str
    limit_per_hour: int

    @property
    def enabled(self) -> bool:
        return self.database_url is not None


def sqlalchemy_url(url: str) -> str:
    """DATABASE_URL as SQLAlchemy names it: PostgreSQL through psycopg 3.

    Raises ValueError for a scheme the store does not serve."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(
            f"DATABASE_URL must look like postgres://... or sqlite:///path, got {url!r}"
        )
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":
        return url
    raise ValueError(f"DATABASE_URL scheme {scheme!r} is not served: use postgres:// or sqlite:///")


def _limit(text: str | None) -> int:
    if text is None or not text.strip():
        return DEFAULT_LIMIT_PER_HOUR
    try:
        value = int(text)
    except ValueError:
        message = f"CORRECTIONS_LIMIT_PER_HOUR must be a whole number, got {text!r}"
        raise ValueError(message) from None
    if value < 0:
        raise ValueError(f"CORRECTIONS_LIMIT_PER_HOUR must be 0 (no limit) or more, got {value}")
    return value


def config_from_env(environ: Mapping[str, str] | None = None) -> StoreConfig:
    """The store's settings from `environ` (os.environ by default); logs why when off."""
    env = os.environ if environ is None else environ
    on_heroku = bool(env.get("DYNO"))
    salt = env.get("CORRECTIONS_SALT") or env.get("SECRET_KEY") or DEFAULT_SALT
    limit = _limit(env.get("CORRECTIONS_LIMIT_PER_HOUR"))
    url = env.get("DATABASE_URL", "").strip()
    if url:
        database_url: str | None = sqlalchemy_url(url)
        reason = None
    elif on_heroku:
        database_url, reason = None, HEROKU_WITHOUT_DATABASE
        log.warning(reason)
    else:
        database_url, reason = f"sqlite:///{DEFAULT_SQLITE_PATH}", None
    if on_heroku and salt == DEFAULT_SALT and database_url:
        log.warning("CORRECTIONS_SALT is not set: client keys use the public default salt")
    return StoreConfig(database_url, reason, salt, limit)
