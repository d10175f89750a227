"""covering index for status counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_item_status_counts",
            ["launch_id", "category", "priority", "status", "scenarios"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_status_counts")
