"""Review documents: ORR / Well-Architected questions with answers and risks, comments
after a dash, the document's date in words, sign-off tables (corpus 40 and after)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.parse_md import parse_assessment
from commands.assessment.repair import decode_document
from commands.assessment.titles import comment_after_dash
from storage.vocabulary import Priority, Status

CORPUS = Path(__file__).parent / "data" / "corpus"


def read(name: str) -> Assessment:
    path = CORPUS / name
    return parse_assessment(decode_document(path.read_bytes()), source_name=path.name)


def by_key(assessment: Assessment, key: str) -> ParsedItem:
    found = [item for item in assessment.items if item.key == key]
    assert len(found) == 1, [item.key for item in assessment.items]
    return found[0]


def test_bold_questions_take_their_risk_answer_and_action() -> None:
    assessment = read("40-orr-bold-questions.md")

    assert assessment.claims.date == date(2026, 3, 6)  # "· Review date: 2026-03-06"
    zones = by_key(assessment, "REL-01")
    assert (zones.status, zones.priority) == (Status.DONE, None)  # Risk: None
    spof = by_key(assessment, "REL-02")
    assert (spof.status, spof.priority, spof.owner, spof.due) == (
        Status.TODO,
        Priority.HIGH,
        "@tom",
        date(2026, 3, 20),
    )
    assert spof.notes == (
        "Answer: The Redis cache is a single node.\nAction: Move to ElastiCache with a replica"
    )
    assert by_key(assessment, "REL-03").status is Status.IN_PROGRESS  # "Partially; ..."
    alarms = by_key(assessment, "OPS-01")
    assert (alarms.owner, alarms.due) == ("@priya", date(2026, 3, 13))
    assert by_key(assessment, "SEC-04").status is Status.TODO  # "No." and no risk


def test_question_headings_read_risk_levels_and_improvement_plans() -> None:
    assessment = read("41-orr-heading-questions.md")

    assert assessment.claims.date == date(2026, 3, 9)  # "Last reviewed 2026-03-09 by ..."
    deploys = by_key(assessment, "OPS 6")
    assert deploys.title == "How do you mitigate deployment risks?"
    assert (deploys.priority, deploys.owner, deploys.due) == (
        Priority.HIGH,
        "Dana Ruiz",
        date(2026, 4, 15),
    )
    backups = by_key(assessment, "REL 9")
    assert (backups.priority, backups.owner, backups.due) == (
        Priority.MEDIUM,
        "@marco",
        date(2026, 3, 31),
    )
    assert by_key(assessment, "REL 10").status is Status.DONE  # "Yes, ..." and no risk
    assert by_key(assessment, "SEC 8").owner == "security team"


def test_numbered_questions_with_nested_answers_are_items_among_other_items() -> None:
    text = (CORPUS / "42-orr-numbered-questions.md").read_text()
    text += "\n## Launch\n\n- [x] Status page updated\n"
    assessment = parse_assessment(text)

    assert assessment.name == "Payments Gateway v2"
    assert assessment.claims.date == date(2026, 2, 27)  # front matter
    assert len(assessment.items) == 7
    shed = next(item for item in assessment.items if item.title.startswith("Can the gateway"))
    assert (shed.priority, shed.owner, shed.due) == (
        Priority.CRITICAL,
        "@sven",
        date(2026, 3, 4),
    )
    statuses = [item.status for item in assessment.items]
    assert statuses.count(Status.WAIVED) == 1  # "Answer: N/A — ..."


def test_a_question_without_answer_lines_is_not_read_as_a_review_question() -> None:
    text = "# Notes\n\n## Ops\n\n**Do we need a pager?**\nWe think so; ask Dana.\n"
    assert parse_assessment(text).items == []
    # A box says its own status; a risk that rates nothing stays a note.
    text = "# X\n\n- [x] Is the runbook linked?\n  - Answer: No\n  - Risk: customers notice\n"
    [box] = parse_assessment(text).items
    assert (box.status, box.notes) == (Status.DONE, "Answer: No\nRisk: customers notice")


def test_a_question_table_with_a_risk_column_is_rated_by_it() -> None:
    text = """# PRR: Billing

| # | Question | Answer | Risk |
|---|----------|--------|------|
| 1 | Are backups restored monthly? | Yes | None |
| 2 | Is there a runbook per alert? | Partial | Medium |
| 3 | Is the service multi-AZ? | No | High |
"""
    items = parse_assessment(text).items
    assert [(i.status, i.priority) for i in items] == [
        (Status.DONE, None),
        (Status.IN_PROGRESS, Priority.MEDIUM),
        (Status.TODO, Priority.HIGH),
    ]


def test_a_remark_after_a_dash_is_a_note_and_a_name_after_one_stays_in_the_title() -> None:
    assessment = read("43-dash-comments.md")
    read_as = {item.title: item.notes for item in assessment.items}

    assert read_as["Rate limiting"] == "only on /api/pay so far"
    assert read_as["WAF managed rules"] == "still in count mode, not blocking"
    assert read_as["Graceful shutdown"] == "partially, workers still drop jobs"  # " - "
    assert read_as["Read replicas"] == "Europe only, none in APAC yet"
    for named in ("Backups — daily", "CDN — Fastly", "Runbook — payments"):
        assert read_as[named] is None
    budget = next(i for i in assessment.items if i.title == "Error budget policy")
    assert (budget.status, budget.blocked_reason) == (Status.BLOCKED, "needs sign-off from product")


@pytest.mark.parametrize(
    ("title", "split"),
    [
        ("Rate limiting — only on /api/pay so far", ("Rate limiting", "only on /api/pay so far")),
        ("Backups — daily, but restores untested", ("Backups", "daily, but restores untested")),
        ("Status page – not yet public", ("Status page", "not yet public")),
        ("Backups — daily", ("Backups — daily", None)),
        ("Blue-green deploys — Argo Rollouts", ("Blue-green deploys — Argo Rollouts", None)),
        ("Kiosk mode locks the browser — no address bar", None),
        ("Marketing email — blocked by legal review", None),  # blocked: `finish` reads it
        ("Pre-flight checks", None),
    ],
)
def test_which_dash_tails_are_remarks(title: str, split: tuple[str, str | None] | None) -> None:
    assert comment_after_dash(title) == (split or (title, None))


def test_sign_off_tables_are_skipped_and_their_roles_name_category_owners() -> None:
    signed = read("44-signoff-table.md")

    assert not [item for item in signed.items if item.category == "Sign-off"]
    assert signed.skipped.counts == {"sign-off table": 6}
    assert signed.category_owners == {"Security": "Noor Haddad", "Operations": "Ben Okafor"}
    approvals = read("45-approvals-and-review-date.md")
    assert approvals.claims.date == date(2026, 3, 4)  # "Reviewed on 4 March 2026 by ..."
    assert approvals.skipped.counts["sign-off table"] == 5
    assert approvals.category_owners == {"Infrastructure": "R. Patel", "Support": "J. Moreno"}


def test_a_checklist_with_a_team_and_an_approved_column_is_still_a_checklist() -> None:
    text = """# Go-live

## Security

| Item | Team | Approved |
|------|------|----------|
| Pen test closed | AppSec | ✅ |
| Secrets rotated | Platform | ❌ |
"""
    assessment = parse_assessment(text)
    assert [(i.title, i.status) for i in assessment.items] == [
        ("Pen test closed", Status.DONE),
        ("Secrets rotated", Status.TODO),
    ]
    # Under an "Approvals" heading, names and roles alone are a sign-off table.
    text = "# Go-live\n\n## Approvals\n\n| Name | Role |\n|---|---|\n| Ana | Security lead |\n"
    assert parse_assessment(text).items == []


def test_answers_in_paragraphs_of_their_own_still_answer_the_question_above() -> None:
    text = (
        "# ORR: Ledger\n\n## Security\n\n**SEC-1. Are secrets in a vault?**\n\nAnswer: Yes.\n"
        "Risk: None\n\n**SEC-2. Is MFA enforced for admins?**\n\nAnswer: No.\n\nRisk: High\n\n"
        "- [x] Pen test done\n"
    )
    items = parse_assessment(text).items
    assert [(i.key, i.status, i.priority) for i in items] == [
        ("SEC-1", Status.DONE, None),
        ("SEC-2", Status.TODO, Priority.HIGH),
        (None, Status.DONE, None),
    ]


def test_a_stray_carriage_return_does_not_end_a_line() -> None:
    # Found by the property test: markdown-it ended a line at a lone "\r", so the item's
    # line number pointed past the document's last "\n" line.
    [item] = parse_assessment("\r0\n[ ] 1. Backups").items
    assert (item.line, item.title) == (2, "Backups")
