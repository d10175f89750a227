"""launch: what the imported document claims about itself; item: the scenarios in which
the document calls it critical, and its own priority before such a raise

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("launch") as batch:
        batch.add_column(sa.Column("claims", sa.Text(), nullable=True))
    with op.batch_alter_table("item") as batch:
        batch.add_column(sa.Column("critical_in", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("base_priority", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("item") as batch:
        batch.drop_column("base_priority")
        batch.drop_column("critical_in")
    with op.batch_alter_table("launch") as batch:
        batch.drop_column("claims")
