"""Changes to the table, each in one short transaction: add (with the hourly
limit), delete with the token, review, purge by age.

The hourly limit is counted in the database inside the adding transaction,
and that transaction is serialised per client: on PostgreSQL by an advisory
lock on the client key (held until commit), on SQLite by taking the write lock
at BEGIN. Two workers, or two dynos, cannot both let through the last
correction a client is allowed.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

import corrections.tokens as tokens
from corrections.engine import transaction
from corrections.errors import InvalidCorrection, RateLimited
from corrections.records import (
    CanvasDrawing,
    NewCorrection,
    check_new,
    pack_inputs,
)
from corrections.schema import ID_LENGTH, STATUSES, corrections

HOUR = timedelta(hours=1)
DEFAULT_RETENTION_DAYS = 180
MAX_TOKEN_CHARS = 128


@dataclass(frozen=True)
class Created:
    """A stored correction's id and the delete token only its sender gets (once)."""

    id: str
    delete_token: str
    created_at: datetime


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def add_correction(
    engine: Engine,
    new: NewCorrection,
    *,
    client_address: str,
    salt: str,
    limit_per_hour: int,
    now: datetime | None = None,
) -> Created:
    """Store `new` in one transaction and return its id and delete token.

    Raises InvalidCorrection (nothing stored), RateLimited when this client
    already sent `limit_per_hour` corrections in the last hour (0: no limit),
    StoreUnavailable when the database cannot be reached."""
    check_new(new)
    if not isinstance(client_address, str) or not client_address:
        raise ValueError("client_address must be the client's address as a string")
    characters, packed = pack_inputs(new.inputs)
    key = tokens.client_key(client_address, salt)
    created_at = _now(now)
    token = tokens.new_delete_token()
    drawing = new.drawing
    is_canvas = isinstance(drawing, CanvasDrawing)
    row = {
        "id": tokens.new_id(),
        "delete_token_hash": tokens.token_hash(token),
        "created_at": created_at,
        "status": "pending",
        "wrote": new.wrote,
        "reading": new.reading,
        "confidences": [float(value) for value in new.confidences],
        "model_sha256": new.model_sha256,
        "drawing_kind": "canvas" if is_canvas else "image",
        "canvas_json": drawing.json_text if is_canvas else None,
        "canvas_width": drawing.width if is_canvas else None,
        "canvas_height": drawing.height if is_canvas else None,
        "image": None if is_canvas else drawing.data,
        "image_type": None if is_canvas else drawing.media_type,
        "characters": characters,
        "inputs": packed,
        "client_key": key,
    }
    with transaction(engine, "storing a correction", write=True) as connection:
        if limit_per_hour > 0:
            _enforce_limit(connection, key, created_at, limit_per_hour)
        connection.execute(corrections.insert().values(row))
    return Created(row["id"], token, created_at)


def _enforce_limit(connection: Connection, key: str, now: datetime, limit: int) -> None:
    if connection.dialect.name == "postgresql":
        lock = sa.select(sa.func.pg_advisory_xact_lock(tokens.advisory_lock_key(key)))
        connection.execute(lock)
    count, oldest = connection.execute(
        sa.select(sa.func.count(), sa.func.min(corrections.c.created_at)).where(
            corrections.c.client_key == key, corrections.c.created_at > now - HOUR
        )
    ).one()
    if count >= limit:
        retry_after = math.ceil((oldest + HOUR - now).total_seconds()) if oldest else 1
        # `now` is taken before the lock: a correction another worker stored while
        # this one waited can be a little newer than it. Nobody waits over an hour.
        raise RateLimited(min(max(1, retry_after), int(HOUR.total_seconds())), limit)


def _plausible(correction_id: object, token: object = "") -> bool:
    return (
        isinstance(correction_id, str)
        and 0 < len(correction_id) <= ID_LENGTH
        and isinstance(token, str)
        and len(token) <= MAX_TOKEN_CHARS
    )


def delete_correction(engine: Engine, correction_id: str, delete_token: str) -> bool:
    """Delete the correction if `delete_token` is its token; whether one was deleted.

    A wrong token, or an unknown id, deletes nothing and answers False."""
    if not _plausible(correction_id, delete_token) or not delete_token:
        return False
    table = corrections
    with transaction(engine, "deleting a correction", write=True) as connection:
        stored = connection.execute(
            sa.select(table.c.delete_token_hash).where(table.c.id == correction_id)
        ).scalar_one_or_none()
        if stored is None or not tokens.token_matches(delete_token, stored):
            return False
        deleted = connection.execute(table.delete().where(table.c.id == correction_id))
        return deleted.rowcount == 1


def remove_correction(engine: Engine, correction_id: str) -> bool:
    """Delete a correction without its token: the owner's Delete on the review
    page (the web layer checks who asks). Whether one was deleted."""
    if not _plausible(correction_id):
        return False
    table = corrections
    with transaction(engine, "removing a correction", write=True) as connection:
        return connection.execute(table.delete().where(table.c.id == correction_id)).rowcount == 1


def review_correction(
    engine: Engine, correction_id: str, status: str, *, now: datetime | None = None
) -> bool:
    """Set a correction's status (accepted, rejected, or back to pending); whether it exists.

    Raises InvalidCorrection for any other status."""
    if status not in STATUSES:
        raise InvalidCorrection(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    if not _plausible(correction_id):
        return False
    reviewed_at = None if status == "pending" else _now(now)
    change = (
        corrections.update()
        .where(corrections.c.id == correction_id)
        .values(status=status, reviewed_at=reviewed_at)
    )
    with transaction(engine, "reviewing a correction", write=True) as connection:
        return connection.execute(change).rowcount == 1


def purge_corrections(
    engine: Engine, older_than_days: int = DEFAULT_RETENTION_DAYS, *, now: datetime | None = None
) -> int:
    """Delete every correction created more than `older_than_days` days ago; how many."""
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, int):
        raise ValueError(f"older_than_days must be a whole number, got {older_than_days!r}")
    if older_than_days < 0:
        raise ValueError(f"older_than_days must be 0 or more, got {older_than_days}")
    cutoff = _now(now) - timedelta(days=older_than_days)
    purge = corrections.delete().where(corrections.c.created_at < cutoff)
    with transaction(engine, "purging corrections", write=True) as connection:
        return connection.execute(purge).rowcount
