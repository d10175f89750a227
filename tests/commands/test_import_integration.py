"""The importer as a user meets it: files of any kind, the document's claims beside
readybot's verdict (in the import and in status), scenario conditions that follow the
launch's scenario, and exports in every format that import back the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.render.text import render
from commands import importing
from commands.errors import CommandError
from commands.replies import ImportReply, StatusReply
from tests.commands.helpers import events, fingerprint, ok
from tests.conftest import make_ctx

CORPUS = Path(__file__).parent / "data" / "corpus"

CLAIMING = """# Checkout v2 — Production Readiness
**Date:** October 27, 2025

## Summary
Overall Readiness: 90/100
Ready for go-live: ✅ YES

## Security
- [ ] Configure SSL/TLS certificates (critical)
- [ ] Rotate the database password (critical)
- [x] Enable audit logging
"""


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_sets_readybots_verdict_beside_the_documents_claims(store) -> None:
    ctx = make_ctx("alice")
    reply = importing.import_text(store, ctx, CLAIMING, dry_run=False)
    assert isinstance(reply, ImportReply)
    assert reply.score is not None and reply.score < 50 and reply.verdict == "NO-GO"
    assert reply.claims is not None and reply.claims.score == 90
    # Both disagreements are named: the points apart and the verdict.
    assert any("points apart" in w for w in reply.disagreements)
    assert "readybot says NO-GO" in reply.disagreements  # the document's side is said above
    text = render(reply)
    assert "readybot: " in text and "The document (Mon Oct 27, 2025) says 90/100, GO" in text

    status = ok(store, ctx, "status")
    assert isinstance(status, StatusReply) and status.launch.claims is not None
    assert "points apart" in render(status)


def test_claims_that_agree_say_so_and_a_document_without_claims_warns_of_nothing(store) -> None:
    ctx = make_ctx("alice")
    agreeing = "# Small\nOverall readiness: 100/100\n\n## Ops\n- [x] Runbook\n- [x] Pager\n"
    reply = importing.import_text(store, ctx, agreeing, dry_run=False)
    assert reply.disagreements == () and reply.claims is not None
    assert "readybot agrees" in render(ok(store, ctx, "status"))
    quiet = importing.import_text(
        store, make_ctx("bob", channel="C2"), "## Ops\n- [ ] Pager\n", dry_run=True
    )
    assert quiet.claims is None and quiet.disagreements == ()


def test_a_dry_run_stores_no_claims_and_changes_nothing(store) -> None:
    ctx = make_ctx("alice")
    before = fingerprint(store)
    preview = importing.import_text(store, ctx, CLAIMING, dry_run=True)
    assert preview.dry_run and preview.claims is not None and preview.preview is not None
    assert fingerprint(store) == before


def test_scenario_conditions_raise_priority_only_in_their_scenario(store) -> None:
    ctx = make_ctx("alice")
    text = (CORPUS / "14-scenarios.md").read_text(encoding="utf-8")
    ok(store, ctx, "launch new Lab date dec 20 scenario internal")
    importing.import_text(store, ctx, text, dry_run=False, launch_name="Lab")
    # "Single sign-on is MANDATORY" behind the VPN; "SSL is MANDATORY" on the internet.
    assert _by_title(store, "Single sign-on").priority == "critical"
    assert _by_title(store, "TLS certificates installed").priority == "medium"
    ok(store, ctx, "launch scenario internet-facing")
    assert _by_title(store, "Single sign-on").priority == "medium"
    assert _by_title(store, "TLS certificates installed").priority == "critical"
    changed = [e for e in events(store) if e.action == "reprioritised"]
    assert len(changed) == 2 and all(e.note for e in changed)
    ok(store, ctx, "launch scenario regulated")
    assert _by_title(store, "Audit trail for record changes").priority == "critical"
    assert _by_title(store, "TLS certificates installed").priority == "medium"
    # Re-importing under a scenario keeps the same rule, and the export keeps the own priority.
    importing.import_text(store, ctx, text, dry_run=False, launch_name="Lab")
    assert _by_title(store, "Audit trail for record changes").priority == "critical"
    assert "| critical" not in importing.export(store, ctx, "Lab").markdown.split("Audit")[1][:80]


def _by_title(store, title: str):
    from sqlmodel import select

    from storage.models import Item

    with store.read() as session:
        found = session.exec(select(Item).where(Item.title == title)).one()
        session.expunge(found)
        return found


@pytest.mark.parametrize("name", ["plan.csv", "plan.CSV", None])
def test_csv_files_and_pasted_csv_import(store, name) -> None:
    sheet = (
        "Check;Result;Importance;Responsible;Deadline;Area\n"
        "TLS on the load balancer;Pass;High;@dana;2026-12-10;Security\n"
        "Restore drill;Not started;Must;;;Operations\n"
        "Pager rota;Blocked;Low;;;Operations\n"
    )
    ctx = make_ctx("alice")
    if name is None:  # pasted as text, as the console and the Slack modal take it
        reply = importing.import_text(store, ctx, sheet, dry_run=True, launch_name="Sheet")
    else:
        reply = importing.import_file(
            store, ctx, sheet.encode("utf-8"), name=name, dry_run=True, launch_name="Sheet"
        )
    assert reply.counts == {"Security": {"done": 1}, "Operations": {"todo": 1, "blocked": 1}}


def test_xlsx_files_import_by_their_bytes_whatever_their_name(store) -> None:
    data = workbook(
        [
            ["Readiness checklist"],  # a title row above the header
            [],
            ["Status", "Item", "Priority", "Notes"],
            ["✅", "Backups verified", "Critical", "restored on Nov 3"],
            ["❌", "Load test at 2x peak", "High", None],
        ]
    )
    reply = importing.import_file(
        store, make_ctx("alice"), data, name="upload.bin", dry_run=False, launch_name="Book"
    )
    assert reply.created == 2
    done = _by_title(store, "Backups verified")
    assert (done.status, done.priority, done.notes) == ("done", "critical", "restored on Nov 3")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 not really a zip", b"PK\x03\x04" + bytes(range(256)) * 4]
)
def test_a_damaged_workbook_is_refused_and_changes_nothing(store, data) -> None:
    before = fingerprint(store)
    with pytest.raises(CommandError, match=r"could not read book\.xlsx as an XLSX workbook"):
        importing.import_file(store, make_ctx("alice"), data, name="book.xlsx", dry_run=False)
    assert fingerprint(store) == before


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx"])
def test_every_export_format_imports_back_the_same(store, fmt) -> None:
    ctx = make_ctx("alice")
    text = (CORPUS / "14-scenarios.md").read_text(encoding="utf-8")
    importing.import_text(store, ctx, text, dry_run=False, launch_name="Lab")
    ok(store, ctx, "block single sign-on waiting on the identity team")
    exported = importing.export(store, ctx, "Lab", format=fmt)
    assert exported.data and exported.format == fmt
    copy = importing.import_file(
        store, ctx, exported.data, name=f"lab.{fmt}", dry_run=False, launch_name="Copy"
    )
    assert copy.created == exported.items
    again = importing.export(store, ctx, "Copy", format=fmt)
    if fmt != "xlsx":  # a workbook's bytes carry its creation time
        assert again.markdown.replace("Copy", "Lab") == exported.markdown.replace("Copy", "Lab")


def test_an_unknown_export_format_says_which_exist(store) -> None:
    ctx = make_ctx("alice")
    ok(store, ctx, "launch new Lab")
    with pytest.raises(CommandError, match="md, csv, xlsx"):
        importing.export(store, ctx, "Lab", format="pdf")
