"""Model versions (the fine-tune's candidates that passed the gate) and the
one-row pointer to the version that serves.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parent", sa.String(32), nullable=False),
        sa.Column("tflite", sa.LargeBinary(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=True),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("validation_table", sa.JSON(), nullable=False),
    )
    op.create_index("ix_model_versions_created", "model_versions", ["created_at"])
    op.create_table(
        "serving_model",
        sa.Column("slot", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column(
            "version_id",
            sa.String(32),
            sa.ForeignKey("model_versions.id", name="fk_serving_model_version"),
            nullable=True,
        ),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slot = 1", name="ck_serving_model_one_row"),
    )


def downgrade() -> None:
    op.drop_table("serving_model")
    op.drop_index("ix_model_versions_created", table_name="model_versions")
    op.drop_table("model_versions")
