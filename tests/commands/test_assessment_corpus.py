"""A corpus of documents, one per shape the importer reads, against a careful reading.

`data/corpus/expected.json` holds what a person counts in each document: items, done and
blocked items, priorities, categories, the first titles and the launch name. The tests
below it check what a count cannot: merges, scenarios, evidence, claims, dependencies.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from commands.assessment.claims import disagreements
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.parse_md import parse_assessment
from commands.assessment.preview import build_preview, explain_lines, render_preview
from commands.assessment.repair import decode_document
from commands.assessment.spreadsheet import read_csv, read_xlsx, write_xlsx
from storage.vocabulary import Priority, Status

CORPUS = Path(__file__).parent / "data" / "corpus"
EXPECTED: dict[str, dict[str, object]] = json.loads((CORPUS / "expected.json").read_text())


def read(name: str) -> Assessment:
    path = CORPUS / name
    return parse_assessment(decode_document(path.read_bytes()), source_name=path.name)


def by_title(assessment: Assessment, title: str) -> ParsedItem:
    found = [item for item in assessment.items if item.title == title]
    assert len(found) == 1, [item.title for item in assessment.items]
    return found[0]


def test_the_corpus_has_a_document_for_every_shape() -> None:
    assert len(EXPECTED) >= 15
    assert sorted(EXPECTED) == sorted(path.name for path in CORPUS.glob("*.md"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_reads_as_a_person_reads_it(name: str) -> None:
    expected = EXPECTED[name]
    assessment = read(name)
    items = assessment.items
    priorities = Counter(item.priority.value for item in items if item.priority)

    assert len(items) == expected["items"]
    assert sum(item.status is Status.DONE for item in items) == expected["done"]
    assert sum(item.status is Status.BLOCKED for item in items) == expected["blocked"]
    assert dict(priorities) == expected["priorities"]
    assert list(dict.fromkeys(item.category for item in items)) == expected["categories"]
    assert [item.title for item in items][:3] == expected["titles"]
    assert assessment.name == expected["name"]
    for item in items:  # every item can be explained by the line it came from
        assert item.line > 0 and item.source


def test_a_wrapped_title_is_one_title_and_nested_boxes_are_items_under_their_parent() -> None:
    assessment = read("01-nested-checkboxes.md")

    nested = by_title(assessment, "Long-running migration split into batches of 10,000 rows")
    assert nested.parent == "Database migrations run against a copy of production data and timed"
    assert (
        by_title(assessment, "Background workers drain their queues on shutdown").owner == "@mira"
    )


def test_heading_items_take_their_id_fields_and_dependencies() -> None:
    assessment = read("03-go-live-heading-items.md")

    backups = by_title(assessment, "Backups verified")
    assert (backups.key, backups.priority, backups.status) == (
        "GL-004",
        Priority.CRITICAL,
        Status.TODO,
    )
    assert backups.owner == "DBA on call"
    assert backups.depends_on == ("GL-001",)
    assert backups.notes == "The last restore drill was in 2024."
    assert by_title(assessment, "Load balancer health checks").due == date(2026, 3, 10)
    retention = by_title(assessment, "Data retention policy signed")
    assert (retention.status, retention.blocked_reason) == (
        Status.BLOCKED,
        "Pending legal approval",
    )
    claims = assessment.claims
    assert (claims.verdict, claims.done, claims.total, claims.date) == (
        "NO-GO",
        2,
        5,
        date(2026, 3, 2),
    )


def test_level_columns_say_where_an_item_applies_never_that_it_is_done() -> None:
    assessment = read("04-level-columns.md")

    assert {item.status for item in assessment.items} == {Status.TODO}
    assert by_title(assessment, "Auto scale").notes == (
        "It scales horizontally.\nApplies to: Level B, Level A"
    )
    assert by_title(assessment, "TLS certificates").priority is Priority.CRITICAL  # Required


def test_moscow_words_rank_only_where_they_are_labels() -> None:
    assessment = read("06-moscow.md")

    assert by_title(assessment, "Crypto payments").status is Status.WAIVED
    prose = [item for item in assessment.items if item.title.startswith("Refund webhooks")]
    assert prose[0].priority is None  # "we should", "we must" in a sentence


def test_status_marks_on_headings_are_hints_and_mojibake_is_repaired() -> None:
    assessment = read("09-status-decorated-headings.md")

    assert assessment.repaired == "cp1252"
    assert by_title(assessment, "Penetration test").status is Status.IN_PROGRESS
    assert by_title(assessment, "Escalation path").status is Status.TODO
    assert by_title(assessment, "Autoscaling").status is Status.DONE


def test_next_steps_that_restate_a_finding_are_merged_into_it() -> None:
    assessment = read("11-next-steps.md")

    restated = {(merge.title, merge.into_title) for merge in assessment.merges}
    assert ("Add query latency alerting", "No query latency alerting") in restated
    assert ("Speed up the index rebuild", "Index rebuild takes 6 hours") in restated
    assert by_title(assessment, "Write the relaunch announcement").status is Status.TODO


def test_scenario_sections_are_conditions_on_the_items_they_name() -> None:
    assessment = read("14-scenarios.md")

    tls = by_title(assessment, "TLS certificates installed")
    assert tls.critical_in == ("internet-facing",)
    assert tls.scenarios == ("internet-facing", "regulated")  # optional when internal
    assert by_title(assessment, "Single sign-on").critical_in == ("internal",)
    assert by_title(assessment, "Audit trail for record changes").critical_in == ("regulated",)
    waf = by_title(assessment, "Web application firewall in front of the app")
    assert waf.scenarios == ("internet-facing",)
    assert not [item for item in assessment.items if "MANDATORY" in item.title]
    assert assessment.skipped.counts["scenario conditions"] == 5


def test_the_same_item_said_three_times_is_one_item_and_near_misses_stay_apart() -> None:
    assessment = read("15-duplicates-and-near-misses.md")

    tls = by_title(assessment, "Configure SSL/TLS certificates")
    assert tls.priority is Priority.CRITICAL
    merged = {merge.title for merge in assessment.merges if merge.into_title == tls.title}
    assert merged == {"HTTPS/SSL", "SSL/TLS Not Configured"}
    # "Database backups" (done) and "Database backup restore test" are different checks.
    assert by_title(assessment, "Database backups").status is Status.DONE
    assert by_title(assessment, "Database backup restore test").priority is Priority.CRITICAL
    assert by_title(assessment, "Monitoring").status is Status.IN_PROGRESS


def test_citations_and_links_leave_titles_and_become_evidence() -> None:
    assessment = read("16-citations-and-links.md")

    routes = by_title(assessment, "Routes are versioned")
    assert routes.evidence_items == ("backend/src/routes/index.ts, lines 1–35",)
    validation = by_title(assessment, "Input validation on every handler")
    assert validation.evidence == ("backend/src/middleware/validate.ts, line 12\nhttps://zod.dev")
    assert assessment.skipped.counts == {"links": 2}


def test_claims_are_read_and_compared_with_readybots_own_result() -> None:
    claims = read("19-claims.md").claims

    assert (claims.score, claims.score_variant, claims.verdict) == (85, "95/100 with SSL", "NO-GO")
    assert claims.date == date(2026, 3, 3)
    assert disagreements(claims, 80, False) == []
    assert disagreements(claims, 60, True) == [
        "the document says 85/100, readybot computes 60/100 (25 points apart)",
        "the document says NO-GO, readybot says GO",
    ]


def test_the_preview_lists_categories_merges_skipped_lines_and_claims() -> None:
    assessment = read("15-duplicates-and-near-misses.md")
    preview = build_preview(assessment)
    text = render_preview(preview, computed=(20, False))

    assert preview.items == 5 and preview.categories[0].category == "General"
    assert "Merged 3 repeated statements:" in text
    assert "readybot says: 20/100, NO-GO" in text
    explained = explain_lines(assessment)
    # The merged item is explained by its first statement, the table row.
    assert len(explained) == 5
    assert (
        explained[0] == " 7  [todo] General | Configure SSL/TLS certificates  ← | HTTPS/SSL | ❌ |"
    )


def test_a_csv_with_title_rows_and_other_words_is_read() -> None:
    text = (
        "Acme launch tracker\n"
        "Exported 2026-03-01\n"
        "\n"
        "ID,Area,Check item,Done?,Severity,Responsible,Deadline\n"
        "OPS-1,Operations,Runbook written,✅,High,@ana,2026-03-05\n"
        "OPS-2,Operations,Pager rota,No,Must,,\n"
        "SEC-1,Security,Pen test,Blocked,Critical,@bo,March 9, 2026\n"
    ).replace("March 9, 2026", '"March 9, 2026"')

    assessment = read_csv(text)

    assert [(i.key, i.category, i.title, i.status, i.priority) for i in assessment.items] == [
        ("OPS-1", "Operations", "Runbook written", Status.DONE, Priority.HIGH),
        ("OPS-2", "Operations", "Pager rota", Status.TODO, Priority.CRITICAL),
        ("SEC-1", "Security", "Pen test", Status.BLOCKED, Priority.CRITICAL),
    ]
    assert assessment.items[2].due == date(2026, 3, 9)
    assert assessment.items[0].owner == "@ana"


def test_an_xlsx_built_here_is_read_and_written_back() -> None:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Go-live checklist"])
    sheet.append([])
    sheet.append(["Status", "Task", "Owner", "Category", "Due date", "Comments"])
    sheet.append(["Done", "Backups restored", "DBA", "Data", date(2026, 4, 1), "drill ok"])
    sheet.append(["In progress", "Status page", None, "Comms", None, None])
    out = io.BytesIO()
    workbook.save(out)

    assessment = read_xlsx(out.getvalue(), name="Go-live")

    first, second = assessment.items
    assert (first.title, first.status, first.owner, first.due, first.notes) == (
        "Backups restored",
        Status.DONE,
        "DBA",
        date(2026, 4, 1),
        "drill ok",
    )
    assert (second.category, second.status) == ("Comms", Status.IN_PROGRESS)
    again = read_xlsx(write_xlsx(assessment))
    assert [(i.title, i.status, i.due) for i in again.items] == [
        (i.title, i.status, i.due) for i in assessment.items
    ]


# --- documents as other tools and teams write them (21-32) ---------------------------------


def test_confluence_html_tables_and_inline_tasks_are_read_like_markdown() -> None:
    assessment = read("21-confluence-export.md")

    alerts = by_title(assessment, "Latency & error-rate alerts page the on-call")
    assert (alerts.status, alerts.owner, alerts.category) == (
        Status.DONE,
        "Kofi Mensah",
        "Monitoring",
    )
    assert alerts.notes == "Alert rules in `alerts/payments.yaml`"
    runbook = by_title(assessment, "Runbook published in the ops space")
    assert runbook.evidence_items == ("https://wiki.example.com/display/OPS/Payments+Runbook",)
    # "(/) Done", "(!) In progress": Confluence's emoticons as text.
    assert by_title(
        assessment, "Card data never logged (PAN and CVV masked in all log sinks)"
    ).status is (Status.DONE)
    assert by_title(assessment, "Secrets rotated & stored in Vault").status is Status.IN_PROGRESS
    signoffs = [item for item in assessment.items if item.category == "Sign-off"]
    assert [item.status for item in signoffs] == [Status.DONE, Status.TODO, Status.TODO]


def test_a_notion_callout_that_says_blocked_blocks_its_sections_open_items() -> None:
    assessment = read("22-notion-export.md")

    regression = by_title(assessment, "Regression suite green on 2.4.1")
    assert (regression.status, regression.blocked_reason) == (
        Status.BLOCKED,
        "waiting on the 2.4.1 build from the release train",
    )
    assert by_title(assessment, "Retest report received").parent == "Pen test by an external vendor"
    assert assessment.target_date == date(2026, 4, 14)


def test_a_struck_through_box_does_not_apply() -> None:
    assessment = read("24-github-issue-template.md")

    assert by_title(assessment, "Multi-region failover").status is Status.WAIVED
    assert by_title(assessment, "production").parent == "Secrets"


def test_action_items_that_name_a_question_fold_into_it() -> None:
    assessment = read("25-sre-prr-questions.md")

    degraded = by_title(assessment, "Can the service run with a dependency down (degraded mode)?")
    assert (degraded.key, degraded.owner, degraded.due) == ("A3", "@raj", date(2026, 3, 15))
    assert by_title(assessment, "Is autoscaling configured and tested?").status is Status.WAIVED
    assert {merge.reason for merge in assessment.merges} == {"restates"}


def test_a_findings_table_and_its_detail_sections_are_one_finding_each() -> None:
    assessment = read("26-security-findings.md")

    xss = by_title(assessment, "Stored XSS in the tenant display name")
    assert (xss.key, xss.priority, xss.status) == ("TAP-03", Priority.HIGH, Status.TODO)
    assert xss.notes is not None and "dangerouslySetInnerHTML" in xss.notes
    assert by_title(assessment, "Verbose stack traces on 500 errors").status is Status.WAIVED
    assert by_title(assessment, "Session cookie without SameSite attribute").status is Status.DONE
    jquery = by_title(assessment, "Outdated jQuery 3.4.1 in the legacy admin pages")
    assert jquery.priority is Priority.LOW  # Informational


def test_raci_tables_are_owned_by_the_responsible_column_and_dates_are_read() -> None:
    assessment = read("27-raci-launch-plan.md")

    dues = [item.due for item in assessment.items]
    assert dues == [
        date(2026, 3, 9),
        date(2026, 3, 9),
        date(2026, 3, 12),
        date(2026, 3, 13),
        date(2026, 3, 20),  # "Fri 20 Mar 2026"
        date(2026, 3, 20),  # "20/03/2026"
        date(2026, 3, 23),  # "w/c 23 Mar": the year of "Last updated: 05/03/2026"
    ]
    assert [item.owner for item in assessment.items][:2] == ["Backend", "Partnerships"]
    assert by_title(assessment, "Customer support trained").status is Status.IN_PROGRESS


def test_a_ragged_table_row_without_a_title_continues_the_row_above() -> None:
    assessment = read("28-ragged-tables.md")

    orders = by_title(assessment, "Orders ingest")
    assert (orders.status, orders.notes) == (
        Status.DONE,
        "row counts match\nchecked 3 days in a row",
    )
    assert by_title(assessment, "Currency rates").status is Status.WAIVED


def test_a_ranked_action_plan_only_restates_and_lifts_priorities() -> None:
    assessment = read("29-llm-long-assessment.md")

    assert by_title(assessment, "Backup restore test").priority is Priority.CRITICAL
    assert by_title(assessment, "No load testing performed").priority is Priority.HIGH
    assert by_title(assessment, "Tracing").priority is Priority.MEDIUM
    assert by_title(assessment, "Centralised logging").priority is None  # 🟡 grades a score
    assert len([m for m in assessment.merges if m.reason == "restates"]) == 8
    claims = assessment.claims
    assert (claims.score, claims.verdict) == (68, "NO-GO")


def test_plain_text_lines_with_boxes_and_prefixes_are_checkboxes() -> None:
    assessment = read("30-plain-text-checklist.md")

    assert by_title(assessment, "PodDisruptionBudget").status is Status.TODO
    assert by_title(assessment, "DNS: billing.internal -> ingress").status is Status.DONE
    assert by_title(assessment, "feature flag (no user-facing change)").status is Status.WAIVED
    comms = by_title(assessment, "comms to finance team")
    assert comms.blocked_reason == "waiting on Dana for wording"
    assert by_title(assessment, "backfill invoices 2019-2021").effort == "~4h"


def test_a_crlf_document_with_a_bom_and_lost_bytes_reads_clean() -> None:
    assessment = read("31-crlf-bom-cp1252.md")

    assert assessment.repaired == "cp1252"
    ce = by_title(assessment, "CE declaration for the picking arms")
    assert ce.notes == "Vendor “will send it next week”"  # not a zero-width joiner
    risk = by_title(assessment, "Risk assessment reviewed by the union rep")
    assert (risk.status, risk.blocked_reason) == (Status.BLOCKED, "Pending sign-off")


def test_headings_with_status_lines_are_items_whatever_their_words() -> None:
    assessment = read("32-heading-status-lines.md")

    faq = by_title(assessment, "Helpdesk FAQ published")
    assert (faq.status, faq.notes) == (Status.TODO, "The FAQ draft is in the shared drive.")
    reviews = by_title(assessment, "Access reviews scheduled quarterly")
    assert reviews.status is Status.DONE
    assert "https://jira.example.com/browse/GRC-118" in reviews.evidence_items


# --- converters, word processors and plain lines (33-39) ------------------------------------


def test_pandoc_grid_tables_are_tables_with_their_own_line_numbers_and_no_footnotes() -> None:
    assessment = read("33-pandoc-grid-tables.md")

    cluster = by_title(assessment, "Production cluster sized for peak load")  # wrapped cell
    assert (cluster.line, cluster.notes) == (20, "Sized for 3x peak; see the capacity plan")
    assert cluster.source.startswith("| Production cluster sized for |")
    assert by_title(assessment, "Secrets held in Vault").status is Status.DONE  # {.underline}
    assert by_title(assessment, "Runbook reviewed by the service desk").status is Status.TODO
    assert assessment.skipped.counts["footnotes"] == 3


def test_pandoc_simple_and_multiline_tables_are_tables() -> None:
    assessment = read("34-pandoc-simple-tables.md")

    queue = by_title(assessment, "Job queue autoscaling")
    assert (queue.status, queue.line) == (Status.BLOCKED, 23)
    assert by_title(assessment, "Push notification certificates").owner == "Tom"


def test_lines_led_by_marks_and_shares_done_are_items_under_their_label_line() -> None:
    assessment = read("36-emoji-lines-and-percentages.md")

    assert [(i.title, i.status, i.notes) for i in assessment.items[4:8]] == [
        ("Load testing", Status.IN_PROGRESS, "60% done"),
        ("Regression suite", Status.DONE, "100% done"),
        ("Accessibility audit", Status.TODO, "0% done"),
        ("Browser matrix", Status.IN_PROGRESS, "85% done (Safari 16 outstanding)"),
    ]


def test_counts_done_draft_only_yearless_dates_and_evidence_links() -> None:
    assessment = read("38-progress-and-dates-in-cells.md")

    assert assessment.claims.date == date(2026, 3, 5)  # "05/03/2026", day first as "13 Mar"
    firmware = by_title(assessment, "Scanner firmware 4.2 on all devices")
    assert (firmware.status, firmware.due, firmware.notes) == (
        Status.IN_PROGRESS,
        date(2026, 3, 23),
        "12 of 40 done",
    )
    assert by_title(assessment, "Spare battery stock").status is Status.TODO  # 0 of 80
    assert by_title(assessment, "Picker quick-start guide").status is Status.IN_PROGRESS
    printer = by_title(assessment, "Label printer driver")
    assert printer.evidence_items == ("https://wiki.example.com/x/zebra-test",)


def test_a_tracker_export_takes_keys_owners_and_components_from_their_columns() -> None:
    assessment = read("46-jira-export.md")

    rotate = by_title(assessment, "Rotate the acquirer API keys before cut-over")
    assert (rotate.key, rotate.owner, rotate.priority, rotate.due) == (
        "PAY-812",
        "Dana Whitfield",
        Priority.CRITICAL,  # Jira's "Highest"
        date(2026, 2, 9),
    )
    assert by_title(assessment, "Latency SLO alert wired to PagerDuty").owner is None  # Unassigned
    assert (
        by_title(assessment, "Status page component for the new gateway").priority is Priority.LOW
    )
    assert by_title(assessment, "Customer support macros updated").status is Status.WAIVED


def test_an_id_column_is_the_key_and_the_words_beside_it_the_title() -> None:
    assessment = read("48-compliance-audit.md")

    mfa = by_title(assessment, "MFA enforced for all workforce accounts")
    assert mfa.key == "CC6.1" and mfa.category == "CC6 — Logical and Physical Access"
    claims = assessment.claims
    assert (claims.done, claims.total, claims.verdict) == (7, 12, "NO-GO")


def test_a_runbook_s_steps_lose_their_step_numbers_and_its_go_no_go_line_is_a_verdict() -> None:
    assessment = read("49-go-live-runbook.md")

    assert assessment.claims.verdict == "NO-GO"
    assert assessment.target_date == date(2026, 3, 28)
    sign_off = by_title(assessment, "Sign-off from the clinical safety officer")
    assert (sign_off.status, sign_off.blocked_reason) == (
        Status.BLOCKED,
        "Waiting on the hazard log review",
    )


def test_a_rank_that_counts_other_things_does_not_rank_the_item() -> None:
    assessment = read("50-crlf-bom.md")

    assert by_title(assessment, "All P1 bugs closed").priority is None
    assert assessment.target_date == date(2026, 4, 6)


def test_an_optimistic_document_s_claims_are_read_and_disagree_with_readybot() -> None:
    assessment = read("53-optimistic-claims.md")

    assert (assessment.claims.percent, assessment.claims.verdict) == (92, "GO")
    assert disagreements(assessment.claims, 38, False) == [
        "the document says 92/100, readybot computes 38/100 (54 points apart)",
        "the document says GO, readybot says NO-GO",
    ]


def test_a_facts_table_names_the_target_date() -> None:
    assert read("52-confluence-status.md").target_date == date(2026, 5, 4)


def test_a_seed_shaped_assessment_merges_its_gaps_table_rows_and_next_steps() -> None:
    assessment = read("56-llm-assessment-seed-shaped.md")

    tls = by_title(assessment, "HTTPS/TLS")
    assert tls.priority is Priority.CRITICAL  # a critical gap, said again in the table
    assert tls.evidence_items == ("deploy/nginx.conf, lines 1–20",)  # lost bytes and all
    assert "The app is served over plain HTTP behind the load balancer." in (tls.notes or "")
    merged = {(merge.title, merge.into_title) for merge in assessment.merges}
    assert merged == {
        ("TLS Not Configured", "HTTPS/TLS"),
        ("Configure TLS certificates on the load balancer", "HTTPS/TLS"),
        ("Schedule nightly database backups and test a restore", "No Automated Backups"),
        ("Raise the minimum password length to 12", "Password policy"),
    }
    assert by_title(assessment, "Electronic signatures").critical_in == ("regulated",)
    intake = by_title(assessment, "Sample intake with barcode scanning")
    assert intake.evidence_items == ("labtrack/intake/views.py, lines 10–88",)
    assert (assessment.claims.score, assessment.claims.verdict) == (68, "NO-GO")


def test_a_step_that_shares_one_word_with_an_item_and_nothing_with_its_notes_stays_apart() -> None:
    text = (
        "# Launch\n\n## Security\n\n| Check | Status | Notes |\n|---|---|---|\n"
        "| Backups | ❌ | Nightly dumps to S3 are not set up |\n\n"
        "## Next steps\n\n1. Document the backup retention for auditors\n"
    )
    assessment = parse_assessment(text)

    assert [item.title for item in assessment.items] == [
        "Backups",
        "Document the backup retention for auditors",
    ]


def test_yes_no_na_columns_say_the_status_by_where_the_mark_is() -> None:
    assessment = read("60-yes-no-na-questionnaire.md")

    statuses = [item.status for item in assessment.items]
    assert statuses == [
        Status.DONE,
        Status.DONE,
        Status.TODO,
        Status.TODO,
        Status.WAIVED,  # N/A
        Status.DONE,
    ]
    assert by_title(assessment, "Is there 24x7 support coverage?").notes == "Business hours only"


def test_a_blank_yes_no_questionnaire_is_a_checklist_with_nothing_done() -> None:
    text = "# Q\n\n| Question | Yes | No |\n|---|---|---|\n| Backups? | | |\n| DR plan? | | |\n"

    assessment = parse_assessment(text)

    assert [(item.title, item.status) for item in assessment.items] == [
        ("Backups?", Status.TODO),
        ("DR plan?", Status.TODO),
    ]


def test_a_verdict_opens_a_long_line_and_a_summary_table_does_not_double_the_items() -> None:
    assert read("61-emoji-findings-bullets.md").claims.verdict == "GO"  # "Conditional GO — ..."
    report = read("59-go-live-report-summary-detail.md")
    assert (report.claims.done, report.claims.total, report.claims.verdict) == (2, 5, "NO-GO")
    assert by_title(report, "Penetration test remediated").due == date(2026, 5, 20)
