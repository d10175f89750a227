"""item: `list` reads its page in order from ix_item_launch_order and counts its open items
from the covering ix_item_launch_open (which replaces ix_item_launch_status, its prefix)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_item_launch_open", "item", ["launch_id", "status", "waiver_until"])
    op.create_index("ix_item_launch_order", "item", ["launch_id", "category", "seq"])
    op.drop_index("ix_item_launch_status", table_name="item")


def downgrade() -> None:
    op.create_index("ix_item_launch_status", "item", ["launch_id", "status"])
    op.drop_index("ix_item_launch_order", table_name="item")
    op.drop_index("ix_item_launch_open", table_name="item")
