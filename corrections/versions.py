"""Model versions in the store: add one, list them, promote one, and what the
web workers ask every few seconds, which version serves (`current_version`,
one small indexed read) and, when it changed, its file (`load_version_bytes`).

The shipped file is version "shipped": it has no row and serves whenever no
row is promoted. Promoting rewrites the one-row `serving_model` pointer in one
transaction, so exactly one version serves at any moment, forward or back.
A version's sha256 is the sha256 of its .tflite bytes, checked when it is
added; the web layer checks it again before LiteRT parses the bytes.
"""

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, exc

import corrections.tokens as tokens
from corrections.engine import transaction
from corrections.errors import CorrectionsError, StoreUnavailable
from corrections.schema import SHIPPED_VERSION, model_versions, serving_model

__all__ = [
    "SHIPPED_VERSION",
    "ServingPointer",
    "UnknownVersion",
    "VersionFile",
    "VersionInfo",
    "add_version",
    "current_version",
    "list_versions",
    "load_version_bytes",
    "load_version_weights",
    "promote",
]

SERVING_SLOT = 1


class UnknownVersion(CorrectionsError, LookupError):
    """No model version has this id."""


@dataclass(frozen=True)
class ServingPointer:
    """Which version serves: its id and sha256 ("shipped" and None for the shipped file)."""

    id: str
    sha256: str | None


@dataclass(frozen=True)
class VersionInfo:
    """A stored version as the owner's list shows it (no bytes)."""

    id: str
    sha256: str
    created_at: datetime
    parent: str
    promoted: bool
    table: dict[str, Any]


@dataclass(frozen=True)
class VersionFile:
    """A version's .tflite bytes, the sha256 the store recorded, and its card."""

    id: str
    sha256: str
    tflite: bytes
    card: dict[str, Any]


@contextlib.contextmanager
def _schema_errors(action: str) -> Iterator[None]:
    """A database whose schema predates migration 0003 is, for the model
    versions, unavailable: the workers keep serving what they have."""
    try:
        yield
    except exc.ProgrammingError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise StoreUnavailable(
            f"the model versions cannot be read ({action}): is the schema up to date "
            f"(python -m corrections upgrade)? {reason}"
        ) from error


def _set_serving(connection: Connection, version_id: str | None, now: datetime) -> None:
    values = {"version_id": version_id, "promoted_at": now}
    changed = connection.execute(
        serving_model.update().where(serving_model.c.slot == SERVING_SLOT).values(**values)
    )
    if changed.rowcount == 0:
        connection.execute(serving_model.insert().values(slot=SERVING_SLOT, **values))


def add_version(
    engine: Engine,
    *,
    tflite: bytes,
    card: dict[str, Any],
    table: dict[str, Any],
    parent: str,
    weights: bytes | None = None,
    promote_it: bool = False,
    now: datetime | None = None,
) -> str:
    """Store a version (and promote it in the same transaction when `promote_it`); its id.

    Raises ValueError when the card does not name the file's sha256."""
    sha256 = hashlib.sha256(tflite).hexdigest()
    if card.get("model_sha256") != sha256:
        raise ValueError(f"the card names sha256 {card.get('model_sha256')}, the file is {sha256}")
    created_at = now or datetime.now(UTC)
    version_id = tokens.new_id()
    row = {
        "id": version_id,
        "sha256": sha256,
        "created_at": created_at,
        "parent": parent,
        "tflite": tflite,
        "weights": weights,
        "card": card,
        "validation_table": table,
    }
    with (
        _schema_errors("adding a version"),
        transaction(engine, "adding a model version", write=True) as connection,
    ):
        connection.execute(model_versions.insert().values(**row))
        if promote_it:
            _set_serving(connection, version_id, created_at)
    return version_id


def promote(engine: Engine, version_id: str, *, now: datetime | None = None) -> None:
    """Make `version_id` the serving version ("shipped": the shipped file), in one
    transaction. Raises UnknownVersion for an id with no row."""
    if not isinstance(version_id, str) or not 0 < len(version_id) <= 64:
        raise UnknownVersion(f"no model version {str(version_id)[:64]!r}")
    with (
        _schema_errors("promoting"),
        transaction(engine, "promoting a model version", write=True) as connection,
    ):
        target = None
        if version_id != SHIPPED_VERSION:
            found = connection.execute(
                sa.select(model_versions.c.id).where(model_versions.c.id == version_id)
            ).scalar_one_or_none()
            if found is None:
                raise UnknownVersion(f"no model version {version_id!r}")
            target = version_id
        _set_serving(connection, target, now or datetime.now(UTC))


def current_version(engine: Engine) -> ServingPointer:
    """The serving version's id and sha256: one read of a one-row table joined
    by primary key (what each worker asks every few seconds)."""
    query = sa.select(serving_model.c.version_id, model_versions.c.sha256).select_from(
        serving_model.outerjoin(model_versions, serving_model.c.version_id == model_versions.c.id)
    )
    with (
        _schema_errors("reading the serving version"),
        transaction(engine, "reading the serving version") as connection,
    ):
        row = connection.execute(query.where(serving_model.c.slot == SERVING_SLOT)).first()
    if row is None or row.version_id is None:
        return ServingPointer(SHIPPED_VERSION, None)
    return ServingPointer(row.version_id, row.sha256)


def list_versions(engine: Engine) -> list[VersionInfo]:
    """Every stored version, newest first (the shipped file is not among them)."""
    serving = current_version(engine).id
    columns = [model_versions.c[name] for name in ("id", "sha256", "created_at", "parent")]
    query = sa.select(*columns, model_versions.c.validation_table).order_by(
        model_versions.c.created_at.desc(), model_versions.c.id.desc()
    )
    with (
        _schema_errors("listing versions"),
        transaction(engine, "listing model versions") as connection,
    ):
        rows = connection.execute(query).all()
    return [
        VersionInfo(
            id=row.id,
            sha256=row.sha256,
            created_at=row.created_at,
            parent=row.parent,
            promoted=row.id == serving,
            table=row.validation_table,
        )
        for row in rows
    ]


def load_version_bytes(engine: Engine, version_id: str) -> VersionFile:
    """A version's .tflite bytes, recorded sha256 and card; raises UnknownVersion."""
    columns = [model_versions.c[name] for name in ("id", "sha256", "tflite", "card")]
    with (
        _schema_errors("loading a version"),
        transaction(engine, "loading a model version") as connection,
    ):
        row = connection.execute(
            sa.select(*columns).where(model_versions.c.id == version_id)
        ).first()
    if row is None:
        raise UnknownVersion(f"no model version {version_id!r}")
    return VersionFile(row.id, row.sha256, bytes(row.tflite), dict(row.card))


def load_version_weights(engine: Engine, version_id: str) -> bytes | None:
    """The Keras weights (.weights.h5 bytes) a version was exported from, if kept."""
    with (
        _schema_errors("loading weights"),
        transaction(engine, "loading a model version's weights") as connection,
    ):
        weights = connection.execute(
            sa.select(model_versions.c.weights).where(model_versions.c.id == version_id)
        ).scalar_one_or_none()
    return None if weights is None else bytes(weights)
