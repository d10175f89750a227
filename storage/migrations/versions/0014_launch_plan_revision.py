"""launch.plan_revision: bumped by every change that may move the launch's plan, so the
critical path and the shortest path to GO are kept across a note

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "launch", sa.Column("plan_revision", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    with op.batch_alter_table("launch") as batch:
        batch.drop_column("plan_revision")
