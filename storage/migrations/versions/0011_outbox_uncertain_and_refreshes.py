"""outbox: since when a row is uncertain (to give it up, never re-post it blindly), and the
key that lets a newer refresh of a message or Home tab supersede an older one

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("uncertain_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("coalesce_key", sa.String(length=200), nullable=True))
        batch.create_index("ix_outbox_coalesce", ["coalesce_key", "status"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_coalesce")
        batch.drop_column("coalesce_key")
        batch.drop_column("uncertain_since")
