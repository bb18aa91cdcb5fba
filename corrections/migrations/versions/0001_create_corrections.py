"""Create the corrections table, with its index for the hourly limit.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("delete_token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("wrote", sa.String(12), nullable=False),
        sa.Column("reading", sa.String(64), nullable=True),
        sa.Column("confidences", sa.JSON(), nullable=False),
        sa.Column("model_sha256", sa.String(64), nullable=False),
        sa.Column("drawing_kind", sa.String(8), nullable=False),
        sa.Column("canvas_json", sa.Text(), nullable=True),
        sa.Column("canvas_width", sa.Float(), nullable=True),
        sa.Column("canvas_height", sa.Float(), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("image_type", sa.String(64), nullable=True),
        sa.Column("characters", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.LargeBinary(), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')", name="ck_corrections_status"
        ),
        sa.CheckConstraint(
            "(drawing_kind = 'canvas' AND canvas_json IS NOT NULL AND image IS NULL)"
            " OR (drawing_kind = 'image' AND image IS NOT NULL AND image_type IS NOT NULL"
            " AND canvas_json IS NULL)",
            name="ck_corrections_drawing",
        ),
        sa.CheckConstraint(
            "characters >= 0 AND characters <= 12", name="ck_corrections_characters"
        ),
        sa.CheckConstraint("length(inputs) = characters * 784", name="ck_corrections_inputs"),
        sa.CheckConstraint("length(wrote) BETWEEN 1 AND 12", name="ck_corrections_wrote"),
    )
    op.create_index("ix_corrections_client_created", "corrections", ["client_key", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_corrections_client_created", table_name="corrections")
    op.drop_table("corrections")
