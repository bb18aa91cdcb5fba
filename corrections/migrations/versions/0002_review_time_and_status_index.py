"""When a correction was reviewed, and an index for the review page and the
export by status (newest or oldest first within a status).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("corrections", sa.Column("reviewed_at", sa.DateTime(timezone=True)))
    op.create_index("ix_corrections_status_created", "corrections", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_corrections_status_created", table_name="corrections")
    with op.batch_alter_table("corrections") as batch:
        batch.drop_column("reviewed_at")
