"""outbox: transport (slack or console) and the parent message a row threads under

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("transport", sa.String(length=16), nullable=False, server_default="slack")
        )
        batch.add_column(sa.Column("parent_key", sa.String(length=200), nullable=True))
        batch.drop_index("ix_outbox_due")
        batch.create_index("ix_outbox_due", ["transport", "status", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_due")
        batch.create_index("ix_outbox_due", ["status", "next_attempt_at"])
        batch.drop_column("parent_key")
        batch.drop_column("transport")
