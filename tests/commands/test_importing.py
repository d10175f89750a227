"""Import and export against a real database: previews, idempotency, round trips."""

from pathlib import Path

import pytest
from sqlalchemy import select

from commands import importing
from commands.replies import ImportReply
from storage.models import Item
from tests.commands.helpers import events, fails, fingerprint, ok
from tests.conftest import make_ctx

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.md"))
FIELDS = (
    "key",
    "title",
    "category",
    "priority",
    "status",
    "owner",
    "due_date",
    "effort",
    "notes",
    "evidence",
    "blocked_reason",
    "waiver_reason",
    "waiver_until",
    "scenarios",
)


def items_of(store, launch_name: str) -> list[tuple]:
    with store.read() as session:
        from storage.models import Launch

        launch = session.exec(select(Launch).where(Launch.name == launch_name)).scalars().one()
        rows = session.exec(
            select(Item).where(Item.launch_id == launch.id).order_by(Item.seq)
        ).scalars()
        return [tuple(getattr(row, f) for f in FIELDS) for row in rows]


def load(path: Path) -> str:
    from commands.assessment.repair import decode_document

    return decode_document(path.read_bytes())


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_dry_run_previews_and_changes_nothing(store, seed: Path) -> None:
    ctx = make_ctx(channel=None)
    before = fingerprint(store)
    reply = importing.import_text(store, ctx, load(seed), dry_run=True, source_name=seed.name)
    assert isinstance(reply, ImportReply) and reply.dry_run
    assert reply.created == sum(sum(s.values()) for s in reply.counts.values()) > 20
    assert reply.repaired in ("mac_roman", "cp1252")
    assert fingerprint(store) == before


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_importing_the_same_seed_twice_adds_nothing_the_second_time(store, seed: Path) -> None:
    ctx = make_ctx(channel=None)
    first = importing.import_text(store, ctx, load(seed), dry_run=False, source_name=seed.name)
    after_first = fingerprint(store)
    second = importing.import_text(store, ctx, load(seed), dry_run=False, source_name=seed.name)
    assert first.created > 20 and first.launch_created
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert fingerprint(store) == after_first
    assert {e.via for e in events(store)} == {"import"}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_export_then_import_into_a_new_launch_gives_the_same_checklist(store, seed: Path) -> None:
    ctx = make_ctx(channel=None)
    reply = importing.import_text(store, ctx, load(seed), dry_run=False, source_name=seed.name)
    name = reply.launch_name
    channel_ctx = make_ctx(channel="C-ORIG")
    ok(store, make_ctx(channel="C-ORIG"), f"launch use {name}")
    first_key = next(row[0] for row in items_of(store, name) if row[4] == "todo")
    ok(store, channel_ctx, f"block {first_key} waiting on legal")
    ok(store, channel_ctx, f"assign {first_key} <@U42>")
    exported = importing.export(store, ctx, name).markdown
    copy = importing.import_text(store, ctx, exported, dry_run=False, launch_name="Copy")
    assert copy.launch_created
    assert items_of(store, "Copy") == items_of(store, name)


def test_reimport_keeps_work_done_in_readybot_but_an_edited_export_applies(store) -> None:
    ctx = make_ctx()
    doc = "# Launch - Checkout\n## Security\n- [ ] 🔴 Configure SSL\n- [ ] Enable MFA\n"
    ok(store, ctx, "launch new Checkout")
    importing.import_text(store, ctx, doc, dry_run=False)
    ok(store, ctx, "done configure ssl")
    again = importing.import_text(store, ctx, doc, dry_run=False)
    assert again.warnings and "kept 1" in again.warnings[0]
    assert ok(store, ctx, "list done").total == 1
    exported = importing.export(store, ctx).markdown.replace(
        "- [ ] 🟡 Medium — Enable MFA", "- [x] 🟡 Medium — Enable MFA"
    )
    edited = importing.import_text(store, ctx, exported, dry_run=False)
    assert edited.updated == 1
    assert ok(store, ctx, "list done").total == 2


def test_import_into_someone_elses_launch_is_refused(store) -> None:
    ok(store, make_ctx("alice"), "launch new Checkout")
    before = fingerprint(store)
    reply = fails(store, make_ctx("bob"), "import ## Security\n- [ ] Configure SSL")
    assert "launch owner" in reply.message
    assert fingerprint(store) == before


def test_text_without_items_explains_what_is_understood(store) -> None:
    ok(store, make_ctx(), "launch new Checkout")
    reply = fails(store, make_ctx(), "import just some prose, no list at all")
    assert "- [ ]" in reply.message and reply.usage.startswith("/ready import")


def test_slash_import_goes_into_the_channels_launch(store) -> None:
    ctx = make_ctx()
    ok(store, ctx, "launch new Checkout")
    reply = ok(store, ctx, "import ## Security\n- [x] MFA enabled\n- [ ] 🔴 Configure SSL")
    assert (reply.launch_name, reply.created) == ("Checkout", 2)
    status = ok(store, ctx, "status").report
    assert status.score.percent == 28  # medium done (2) of medium + critical (2 + 5)
    assert not status.verdict.go
