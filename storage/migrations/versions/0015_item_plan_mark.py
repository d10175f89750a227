"""item.plan_mark: the launch's plan revision when the item last changed in a way status
reads (or gained or lost a dependency), and launch.items_removed: how many of its items
were deleted, both kept by triggers, so what status reads of a launch's items is brought up
to date from the rows that changed instead of read whole after every change

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:00:00

Triggers rather than application code: every path that changes an item (commands, imports,
monitors, scheduled jobs, a hand-written UPDATE) keeps the mark, or what is kept would go
stale without a sound. A writer holds the launch's lock while it changes items (see
storage.launches.lock_launch), so an item's mark is at least the revision the launch had
when the writer took it: items read at revision R miss nothing changed later if the rows
marked R or later are read back (storage.readiness.state_changes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not composed: what the triggers fire on is what the plan reads of an item
# (storage.readiness.STATE_COLUMNS). A note, evidence text or a timestamp
# does not move the mark.
SQLITE = [
    """CREATE TRIGGER item_plan_mark_insert AFTER INSERT ON item BEGIN
        UPDATE item SET plan_mark =
            (SELECT plan_revision FROM launch WHERE launch.id = NEW.launch_id)
            WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER item_plan_mark_update AFTER UPDATE OF
        launch_id, key, seq, title, category, priority, status, owner, due_date, effort,
        scenarios, blocked_reason, blocked_at, waiver_until, verified_at
    ON item BEGIN
        UPDATE item SET plan_mark =
            (SELECT plan_revision FROM launch WHERE launch.id = NEW.launch_id)
            WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER item_removed AFTER DELETE ON item BEGIN
        UPDATE launch SET items_removed = items_removed + 1 WHERE id = OLD.launch_id;
    END""",
    """CREATE TRIGGER item_moved AFTER UPDATE OF launch_id ON item
        WHEN OLD.launch_id <> NEW.launch_id BEGIN
        UPDATE launch SET items_removed = items_removed + 1 WHERE id = OLD.launch_id;
    END""",
    """CREATE TRIGGER item_dependency_plan_mark_insert AFTER INSERT ON item_dependency BEGIN
        UPDATE item SET plan_mark =
            (SELECT plan_revision FROM launch WHERE launch.id = NEW.launch_id)
            WHERE id = NEW.item_id;
    END""",
    """CREATE TRIGGER item_dependency_plan_mark_delete AFTER DELETE ON item_dependency BEGIN
        UPDATE item SET plan_mark =
            (SELECT plan_revision FROM launch WHERE launch.id = OLD.launch_id)
            WHERE id = OLD.item_id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS item_plan_mark_insert",
    "DROP TRIGGER IF EXISTS item_plan_mark_update",
    "DROP TRIGGER IF EXISTS item_removed",
    "DROP TRIGGER IF EXISTS item_moved",
    "DROP TRIGGER IF EXISTS item_dependency_plan_mark_insert",
    "DROP TRIGGER IF EXISTS item_dependency_plan_mark_delete",
]

POSTGRESQL = [
    """CREATE FUNCTION readybot_item_plan_mark() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.plan_mark := (SELECT plan_revision FROM launch WHERE launch.id = NEW.launch_id);
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER item_plan_mark BEFORE INSERT OR UPDATE OF
        launch_id, key, seq, title, category, priority, status, owner, due_date, effort,
        scenarios, blocked_reason, blocked_at, waiver_until, verified_at
    ON item FOR EACH ROW EXECUTE FUNCTION readybot_item_plan_mark()""",
    # Per statement, from the deleted rows: a re-import that deletes thousands of items
    # bumps each launch once.
    """CREATE FUNCTION readybot_item_removed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE launch SET items_removed = items_removed + 1
                WHERE id IN (SELECT DISTINCT launch_id FROM gone);
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER item_removed AFTER DELETE ON item REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION readybot_item_removed()""",
    """CREATE FUNCTION readybot_item_moved() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.launch_id <> NEW.launch_id THEN
                UPDATE launch SET items_removed = items_removed + 1 WHERE id = OLD.launch_id;
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER item_moved AFTER UPDATE OF launch_id ON item
        FOR EACH ROW EXECUTE FUNCTION readybot_item_moved()""",
    """CREATE FUNCTION readybot_dependency_plan_mark() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE edge item_dependency;
        BEGIN
            IF TG_OP = 'DELETE' THEN edge := OLD; ELSE edge := NEW; END IF;
            UPDATE item SET plan_mark =
                (SELECT plan_revision FROM launch WHERE launch.id = edge.launch_id)
                WHERE id = edge.item_id;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER item_dependency_plan_mark AFTER INSERT OR DELETE ON item_dependency
        FOR EACH ROW EXECUTE FUNCTION readybot_dependency_plan_mark()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS item_dependency_plan_mark ON item_dependency",
    "DROP FUNCTION IF EXISTS readybot_dependency_plan_mark()",
    "DROP TRIGGER IF EXISTS item_moved ON item",
    "DROP FUNCTION IF EXISTS readybot_item_moved()",
    "DROP TRIGGER IF EXISTS item_removed ON item",
    "DROP FUNCTION IF EXISTS readybot_item_removed()",
    "DROP TRIGGER IF EXISTS item_plan_mark ON item",
    "DROP FUNCTION IF EXISTS readybot_item_plan_mark()",
]


def upgrade() -> None:
    op.add_column(
        "launch", sa.Column("items_removed", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("item", sa.Column("plan_mark", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_item_launch_plan_mark", "item", ["launch_id", "plan_mark"])
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_DROP if postgresql else SQLITE_DROP:
        op.execute(statement)
    op.drop_index("ix_item_launch_plan_mark", table_name="item")
    with op.batch_alter_table("item") as batch:
        batch.drop_column("plan_mark")
    with op.batch_alter_table("launch") as batch:
        batch.drop_column("items_removed")
