"""items: who verified the done state and how (claimed until someone does), how old its
evidence may get, a due date relative to the target, a stability window on a monitor;
launches: whether critical items must be verified for GO; item dependencies

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item") as batch:
        batch.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verified_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("verified_via", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("verify_every_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("due_offset_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("stability_monitor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("stability_hours", sa.Float(), nullable=True))
    with op.batch_alter_table("launch") as batch:
        batch.add_column(
            sa.Column(
                "require_verified_critical",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    op.create_table(
        "item_dependency",
        sa.Column(
            "launch_id",
            sa.Integer(),
            sa.ForeignKey("launch.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "item_id", sa.Integer(), sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "needs_id", sa.Integer(), sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_item_dependency_launch", "item_dependency", ["launch_id"])


def downgrade() -> None:
    op.drop_index("ix_item_dependency_launch", table_name="item_dependency")
    op.drop_table("item_dependency")
    with op.batch_alter_table("launch") as batch:
        batch.drop_column("require_verified_critical")
    with op.batch_alter_table("item") as batch:
        for name in (
            "stability_hours",
            "stability_monitor_id",
            "due_offset_days",
            "verify_every_days",
            "verified_via",
            "verified_by",
            "verified_at",
        ):
            batch.drop_column(name)
