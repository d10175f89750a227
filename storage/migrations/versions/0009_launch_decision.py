"""the launch decision: category owners, sign-offs, Go/No-Go calls and votes, gate tokens

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _launch_fk(primary_key: bool = False) -> sa.Column:
    return sa.Column(
        "launch_id",
        sa.Integer(),
        sa.ForeignKey("launch.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "category_owner",
        _launch_fk(primary_key=True),
        sa.Column("category_key", sa.String(100), primary_key=True),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "signoff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        _launch_fk(),
        sa.Column("category_key", sa.String(100), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("signer", sa.String(64), nullable=False),
        sa.Column("signer_name", sa.String(80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_signoff_launch_category", "signoff", ["launch_id", "category_key"])
    op.create_table(
        "gonogo_call",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        _launch_fk(),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quorum", sa.Integer(), nullable=True),
        sa.Column("voters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("close_reason", sa.String(16), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.Column("override", sa.JSON(), nullable=True),
    )
    op.create_index("ix_gonogo_launch", "gonogo_call", ["launch_id", "opened_at"])
    op.create_table(
        "vote",
        sa.Column(
            "call_id",
            sa.Integer(),
            sa.ForeignKey("gonogo_call.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("voter", sa.String(64), primary_key=True),
        sa.Column("voter_name", sa.String(80), nullable=True),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "gate_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        _launch_fk(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("gate_token")
    op.drop_table("vote")
    op.drop_index("ix_gonogo_launch", table_name="gonogo_call")
    op.drop_table("gonogo_call")
    op.drop_index("ix_signoff_launch_category", table_name="signoff")
    op.drop_table("signoff")
    op.drop_table("category_owner")
