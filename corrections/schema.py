"""The corrections table as the code reads and writes it (the migrations' head).

The migrations under corrections/migrations create and change the table; this
module only describes its current shape for SQLAlchemy Core, and a test checks
that the two agree.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

STATUSES = ("pending", "accepted", "rejected")
DRAWING_KINDS = ("canvas", "image")
ID_LENGTH = 32
HASH_LENGTH = 64  # sha256, hex


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both databases.

    PostgreSQL keeps `timestamp with time zone`; SQLite keeps text without a
    zone, so values go in as naive UTC (their text then sorts as time does)
    and come back marked UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("corrections keep timezone-aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("delete_token_hash", sa.String(HASH_LENGTH), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("wrote", sa.String(12), nullable=False),
    sa.Column("reading", sa.String(64), nullable=True),
    sa.Column("confidences", sa.JSON(), nullable=False),
    sa.Column("model_sha256", sa.String(HASH_LENGTH), nullable=False),
    sa.Column("drawing_kind", sa.String(8), nullable=False),
    sa.Column("canvas_json", sa.Text(), nullable=True),
    sa.Column("canvas_width", sa.Float(), nullable=True),
    sa.Column("canvas_height", sa.Float(), nullable=True),
    sa.Column("image", sa.LargeBinary(), nullable=True),
    sa.Column("image_type", sa.String(64), nullable=True),
    sa.Column("characters", sa.Integer(), nullable=False),
    sa.Column("inputs", sa.LargeBinary(), nullable=False),
    sa.Column("client_key", sa.String(HASH_LENGTH), nullable=False),
    sa.Column("reviewed_at", UTCDateTime(), nullable=True),  # migration 0002
    sa.CheckConstraint(
        "status IN ('pending', 'accepted', 'rejected')", name="ck_corrections_status"
    ),
    sa.CheckConstraint(
        "(drawing_kind = 'canvas' AND canvas_json IS NOT NULL AND image IS NULL)"
        " OR (drawing_kind = 'image' AND image IS NOT NULL AND image_type IS NOT NULL"
        " AND canvas_json IS NULL)",
        name="ck_corrections_drawing",
    ),
    sa.CheckConstraint("characters >= 0 AND characters <= 12", name="ck_corrections_characters"),
    sa.CheckConstraint("length(inputs) = characters * 784", name="ck_corrections_inputs"),
    sa.CheckConstraint("length(wrote) BETWEEN 1 AND 12", name="ck_corrections_wrote"),
    sa.Index("ix_corrections_client_created", "client_key", "created_at"),
    sa.Index("ix_corrections_status_created", "status", "created_at"),  # migration 0002
)

# Model versions (migration 0003): each fine-tuned model, with its file, card,
# validation table, weights (what the next fine-tune starts from) and parent.
# The shipped file is not a row: it serves whenever no version is promoted.
SHIPPED_VERSION = "shipped"
model_versions = sa.Table(
    "model_versions",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("sha256", sa.String(HASH_LENGTH), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("parent", sa.String(ID_LENGTH), nullable=False),
    sa.Column("tflite", sa.LargeBinary(), nullable=False),
    sa.Column("weights", sa.LargeBinary(), nullable=True),
    sa.Column("card", sa.JSON(), nullable=False),
    sa.Column("validation_table", sa.JSON(), nullable=False),
    sa.Index("ix_model_versions_created", "created_at"),
)

# One row at most (slot = 1): which version serves. Promoting rewrites that one
# row in one transaction, so there is never a moment with two promoted or none
# chosen by mistake; no row, or version_id NULL, means the shipped file.
serving_model = sa.Table(
    "serving_model",
    metadata,
    sa.Column("slot", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column(
        "version_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("model_versions.id", name="fk_serving_model_version"),
        nullable=True,
    ),
    sa.Column("promoted_at", UTCDateTime(), nullable=False),
    sa.CheckConstraint("slot = 1", name="ck_serving_model_one_row"),
)
