"""The store's commands: `upgrade` (the schema to the newest migration: the
Procfile's release phase and `make run`) and `purge` (corrections older than
N days, default 180: the retention the privacy page promises).

    python -m corrections upgrade
    python -m corrections purge [--days N]

When corrections are off (on Heroku without DATABASE_URL) both say so and
succeed: reading digits does not need the store, and a deploy must not fail
for it.
"""

import argparse
import logging
import sys

from corrections.config import config_from_env
from corrections.engine import engine_for
from corrections.errors import StoreUnavailable
from corrections.migrate import upgrade
from corrections.writes import DEFAULT_RETENTION_DAYS, purge_corrections


def _redacted(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m corrections", description="The corrections store's commands."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="bring the schema up to date")
    purge = commands.add_parser("purge", help="delete corrections older than --days")
    purge.add_argument("--days", type=int, default=DEFAULT_RETENTION_DAYS, metavar="N")
    args = parser.parse_args(argv)
    if args.command == "purge" and args.days < 0:
        parser.error("--days must be 0 or more")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    try:
        config = config_from_env()
    except ValueError as error:
        print(f"corrections: {error}", file=sys.stderr)
        return 2
    if config.database_url is None:
        print(f"corrections: {config.disabled_reason}; nothing to do")
        return 0
    engine = engine_for(config)
    where = _redacted(config.database_url)
    try:
        if args.command == "upgrade":
            revision = upgrade(engine)
            print(f"corrections: schema at revision {revision} in {where}")
        else:
            count = purge_corrections(engine, args.days)
            print(f"corrections: purged {count} older than {args.days} days from {where}")
    except StoreUnavailable as error:
        print(f"corrections: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
