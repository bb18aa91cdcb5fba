"""Reading the table: the export (streamed in batches), counts by status, and
the newest corrections a page at a time for the review page.

The export reads in keyset batches, each in its own short transaction, rather
than through one server-side cursor: a slow download then holds no pooled
connection (the pool is small) and no transaction open between batches, and
memory stays one batch whatever the table's size.
"""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from corrections.engine import transaction
from corrections.errors import InvalidCorrection
from corrections.records import (
    CanvasDrawing,
    Drawing,
    ImageDrawing,
    StoredCorrection,
    unpack_inputs,
)
from corrections.schema import STATUSES, corrections

EXPORT_BATCH = 200
MAX_PAGE = 100
_EXPORT_COLUMNS = [
    corrections.c[name]
    for name in (
        "id", "created_at", "status", "wrote", "reading", "model_sha256", "drawing_kind",
        "canvas_json", "canvas_width", "canvas_height", "image", "image_type", "characters",
        "inputs",
    )
]  # fmt: skip
_LIST_COLUMNS = [
    *(column for column in _EXPORT_COLUMNS if column.name not in ("characters", "inputs")),
    corrections.c.confidences,
    corrections.c.reviewed_at,
]


def _checked_status(status: str | None) -> str | None:
    if status is not None and status not in STATUSES:
        raise InvalidCorrection(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    return status


def _drawing(row: Any) -> Drawing:
    if row.drawing_kind == "canvas":
        return CanvasDrawing(row.canvas_json, row.canvas_width, row.canvas_height)
    return ImageDrawing(row.image, row.image_type)


def export_row(row: Any) -> dict[str, Any]:
    """One stored row as the export's JSON-ready dict."""
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "status": row.status,
        "wrote": row.wrote,
        "reading": row.reading,
        "model_sha256": row.model_sha256,
        "drawing": _drawing(row).as_dict(),
        "inputs": unpack_inputs(row.characters, row.inputs),
    }


def export_corrections(
    engine: Engine, *, status: str | None = None, batch_size: int = EXPORT_BATCH
) -> Iterator[dict[str, Any]]:
    """Every correction (of `status` if given), oldest first, one JSON-ready dict at a time.

    Raises InvalidCorrection for an unknown status at once, before any row."""
    _checked_status(status)
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    return _export(engine, status, batch_size)


def _export(engine: Engine, status: str | None, batch_size: int) -> Iterator[dict[str, Any]]:
    query = sa.select(*_EXPORT_COLUMNS)
    if status is not None:
        query = query.where(corrections.c.status == status)
    for row in rows_in_batches(engine, query, batch_size, "exporting corrections"):
        yield export_row(row)


def rows_in_batches(engine: Engine, query, batch_size: int, doing: str) -> Iterator[Any]:
    """The rows of a select on the corrections table, oldest first, read in keyset
    batches of `batch_size`, each in its own short transaction (`doing` names the
    work in a StoreUnavailable), so that a slow reader never holds a connection."""
    table = corrections
    query = query.order_by(table.c.created_at, table.c.id).limit(batch_size)
    after = None
    while True:
        batch = query
        if after is not None:
            created_at, last_id = after
            batch = query.where(
                sa.or_(
                    table.c.created_at > created_at,
                    sa.and_(table.c.created_at == created_at, table.c.id > last_id),
                )
            )
        with transaction(engine, doing) as connection:
            rows = connection.execute(batch).all()
        yield from rows
        if len(rows) < batch_size:
            return
        after = (rows[-1].created_at, rows[-1].id)


def count_by_status(engine: Engine) -> dict[str, int]:
    """How many corrections there are of each status (every status, zeros included)."""
    query = sa.select(corrections.c.status, sa.func.count()).group_by(corrections.c.status)
    with transaction(engine, "counting corrections") as connection:
        found = {status: count for status, count in connection.execute(query)}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def list_corrections(
    engine: Engine, *, status: str | None = None, limit: int = 20, offset: int = 0
) -> list[StoredCorrection]:
    """A page of corrections, newest first, for the review page."""
    _checked_status(status)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more")
    table = corrections
    query = (
        sa.select(*_LIST_COLUMNS)
        .order_by(table.c.created_at.desc(), table.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        query = query.where(table.c.status == status)
    with transaction(engine, "listing corrections") as connection:
        rows = connection.execute(query).all()
    return [
        StoredCorrection(
            id=row.id,
            created_at=row.created_at,
            status=row.status,
            wrote=row.wrote,
            reading=row.reading,
            confidences=list(row.confidences),
            model_sha256=row.model_sha256,
            drawing=_drawing(row),
            reviewed_at=row.reviewed_at,
        )
        for row in rows
    ]
