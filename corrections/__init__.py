"""The corrections store: what people say they wrote, kept in PostgreSQL or SQLite.

A package of its own, below the web layer: it knows nothing of HTTP or of the
reader. Pure functions over a SQLAlchemy engine (Core, no ORM); the schema is
managed by Alembic migrations (`python -m corrections upgrade`).

    config = config_from_env()              # the environment, read once
    engine = engine_for(config)             # this process's engine, built on first use
    created = add_correction(engine, new, client_address=..., salt=config.salt,
                             limit_per_hour=config.limit_per_hour)
"""

from corrections.config import StoreConfig, config_from_env, sqlalchemy_url
from corrections.engine import build_engine, engine_for
from corrections.errors import (
    CorrectionsDisabled,
    CorrectionsError,
    InvalidCorrection,
    RateLimited,
    StoreUnavailable,
)
from corrections.migrate import current_revision, head_revision, upgrade
from corrections.reads import count_by_status, export_corrections, list_corrections
from corrections.records import (
    CanvasDrawing,
    ImageDrawing,
    NewCorrection,
    StoredCorrection,
    validate_wrote,
)
from corrections.schema import STATUSES
from corrections.training_set import TrainingCorrection, accepted_corrections
from corrections.versions import (
    SHIPPED_VERSION,
    ServingPointer,
    UnknownVersion,
    VersionFile,
    VersionInfo,
    add_version,
    current_version,
    list_versions,
    load_version_bytes,
    load_version_weights,
    promote,
)
from corrections.writes import (
    Created,
    add_correction,
    delete_correction,
    purge_corrections,
    remove_correction,
    review_correction,
)

__all__ = [
    "SHIPPED_VERSION",
    "STATUSES",
    "CanvasDrawing",
    "CorrectionsDisabled",
    "CorrectionsError",
    "Created",
    "ImageDrawing",
    "InvalidCorrection",
    "NewCorrection",
    "RateLimited",
    "ServingPointer",
    "StoreConfig",
    "StoreUnavailable",
    "StoredCorrection",
    "TrainingCorrection",
    "UnknownVersion",
    "VersionFile",
    "VersionInfo",
    "accepted_corrections",
    "add_correction",
    "add_version",
    "build_engine",
    "config_from_env",
    "count_by_status",
    "current_revision",
    "current_version",
    "delete_correction",
    "engine_for",
    "export_corrections",
    "head_revision",
    "list_corrections",
    "list_versions",
    "load_version_bytes",
    "load_version_weights",
    "promote",
    "purge_corrections",
    "remove_correction",
    "review_correction",
    "sqlalchemy_url",
    "upgrade",
    "validate_wrote",
]
