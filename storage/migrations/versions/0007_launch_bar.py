"""launch: the score it needs for GO; event: the actor's name (to name them without a ping)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("launch") as batch:
        batch.add_column(sa.Column("bar", sa.Integer(), nullable=False, server_default="80"))
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("actor_name", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("actor_name")
    with op.batch_alter_table("launch") as batch:
        batch.drop_column("bar")
