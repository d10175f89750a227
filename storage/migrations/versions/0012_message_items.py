"""message_item: which Slack message became which item (the message shortcut and the
reaction), one item per message

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_item",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("message_ts", sa.String(length=32), primary_key=True),
        sa.Column(
            "item_id", sa.Integer(), sa.ForeignKey("item.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("message_item")
