"""Checklists as spreadsheet apps and trackers export them, against a careful reading:
Excel CSVs with title and blank rows above the header, European semicolon CSVs with a
BOM, workbooks with a sheet per category and a cover sheet, Jira, Linear, Asana and
Trello exports. XLSX fixtures are built here with openpyxl."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from commands.assessment.model import Assessment
from commands.assessment.spreadsheet import read_csv, read_xlsx
from commands.importing import read_document
from storage.vocabulary import Priority, Status


def rows_of(assessment: Assessment) -> list[tuple[object, ...]]:
    return [(i.category, i.title, i.status, i.priority, i.owner, i.due) for i in assessment.items]


def test_an_excel_csv_with_a_title_row_and_blank_rows_above_its_header() -> None:
    text = (
        "Go-Live Checklist - Payments API,,,,\r\n"
        ",,,,\r\n"
        "Prepared by PMO,,,,\r\n"
        ",,,,\r\n"
        "Task,Owner,Status,Due Date,Comments\r\n"
        "Runbook reviewed,Ana,Complete,3/20/2026,\r\n"
        'Pager rota agreed,Bo,In Progress,3/24/2026,"needs 2nd, 3rd line"\r\n'
        ",,,,\r\n"
        "Status page wired,,Not Started,,\r\n"
    )
    assessment = read_document(text.encode(), name="payments.csv")

    assert rows_of(assessment) == [
        ("General", "Runbook reviewed", Status.DONE, None, "Ana", date(2026, 3, 20)),
        ("General", "Pager rota agreed", Status.IN_PROGRESS, None, "Bo", date(2026, 3, 24)),
        ("General", "Status page wired", Status.TODO, None, None, None),
    ]
    assert assessment.items[1].notes == "needs 2nd, 3rd line"


def test_a_semicolon_csv_with_a_bom_from_european_excel() -> None:
    text = (
        "\ufeffCheckliste;;;\r\n"
        "Bereich;Prüfpunkt;Erledigt;Fällig\r\n"  # no English header: not read ...
        "\r\n"
        "Category;Item;Done;Due\r\n"
        "Security;Penetration test; N ;05.03.2026\r\n"
        "Security;Secrets in Vault;Y;01.03.2026\r\n"
        "Operations;On-call rota; ✓ ;\r\n"
        "Operations;Backups restored; x ;\r\n"
    )
    assessment = read_document(text.encode("utf-8"), name="checkliste.csv")

    assert [(i.category, i.title, i.status, i.due) for i in assessment.items] == [
        ("Security", "Penetration test", Status.TODO, date(2026, 3, 5)),
        ("Security", "Secrets in Vault", Status.DONE, date(2026, 3, 1)),
        ("Operations", "On-call rota", Status.DONE, None),
        ("Operations", "Backups restored", Status.DONE, None),
    ]


def _workbook() -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append(["Readiness workbook - Claims Portal"])
    cover.append(["Owner", "Platform team"])
    cover.append(["Fill in one sheet per area; Y when done."])
    for name, rows in (
        ("Security", [["Pen test", "N", "High", "Ines"], ["WAF enabled", "Y", "Medium", "Ines"]]),
        (
            "Operations",
            [["Runbook", "✓", "Low", "Raj"], ["Alerts", "x", "", ""], ["DR test", "", "", ""]],
        ),
    ):
        sheet = workbook.create_sheet(name)
        sheet.append([f"{name} checklist"])
        sheet.merge_cells("A1:D1")
        sheet.append([])
        sheet.append(["Last reviewed", date(2026, 3, 2)])
        sheet.append(["Check", "Done?", "Priority", "Owner"])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_with_a_sheet_per_category_and_a_cover_sheet() -> None:
    assessment = read_xlsx(_workbook(), name="claims")

    assert [(i.category, i.title, i.status, i.priority) for i in assessment.items] == [
        ("Security", "Pen test", Status.TODO, Priority.HIGH),
        ("Security", "WAF enabled", Status.DONE, Priority.MEDIUM),
        ("Operations", "Runbook", Status.DONE, Priority.LOW),
        ("Operations", "Alerts", Status.DONE, None),
        ("Operations", "DR test", Status.TODO, None),
    ]
    assert assessment.items[0].line == 5  # the sheet's own row


def test_a_jira_export() -> None:
    text = (
        "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Labels,"
        "Labels,Due date,Created\n"
        "Load test at 2x peak,OPS-101,10001,Task,In Progress,Highest,Raj Patel,Ines,perf,"
        "launch,24/Mar/26 12:00 AM,01/Mar/26 9:14 AM\n"
        "Rotate DB credentials,OPS-102,10002,Task,To Do,High,,Ines,security,,,"
        "01/Mar/26 9:20 AM\n"
        "Runbook for the queue,OPS-103,10003,Task,Done,Medium,Ana Silva,Ines,ops,,,"
        "02/Mar/26 10:00 AM\n"
        "Multi-region failover,OPS-104,10004,Task,Won't Do,Lowest,,Ines,,,,"
        "02/Mar/26 10:05 AM\n"
    )
    assessment = read_csv(text, name="jira")

    assert rows_of(assessment) == [
        (
            "perf",
            "Load test at 2x peak",
            Status.IN_PROGRESS,
            Priority.CRITICAL,
            "Raj Patel",
            date(2026, 3, 24),
        ),
        ("security", "Rotate DB credentials", Status.TODO, Priority.HIGH, None, None),
        ("ops", "Runbook for the queue", Status.DONE, Priority.MEDIUM, "Ana Silva", None),
        ("General", "Multi-region failover", Status.WAIVED, Priority.LOW, None, None),
    ]
    assert [i.key for i in assessment.items] == ["OPS-101", "OPS-102", "OPS-103", "OPS-104"]


def test_a_linear_export() -> None:
    text = (
        "ID,Team,Title,Description,Status,Estimate,Priority,Project,Creator,Assignee,"
        "Labels,Due Date,Created\n"
        "ENG-12,Eng,Error budget alert,,Backlog,2,Urgent,Launch,ana,raj,Observability,"
        "2026-03-20,2026-03-01T10:00:00.000Z\n"
        "ENG-13,Eng,Blue/green deploys,,In Review,3,No priority,Launch,ana,,"
        '"Delivery, Infra",,2026-03-01T10:00:00.000Z\n'
        "ENG-14,Eng,Legacy importer,,Canceled,1,Low,Launch,ana,,,,2026-03-01T10:00:00.000Z\n"
    )
    assessment = read_csv(text)

    assert [(i.key, i.category, i.status, i.priority, i.due) for i in assessment.items] == [
        ("ENG-12", "Observability", Status.TODO, Priority.CRITICAL, date(2026, 3, 20)),
        ("ENG-13", "Delivery", Status.IN_PROGRESS, None, None),
        ("ENG-14", "General", Status.WAIVED, Priority.LOW, None),
    ]


def test_an_asana_export_is_done_by_its_completion_date() -> None:
    text = (
        "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,"
        "Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task\n"
        "1201,2026-02-20,2026-03-02,2026-03-02,Sign DPA with vendor,Legal,Mia,mia@x.io,,"
        "2026-03-01,,Countersigned,Launch,\n"
        "1202,2026-02-20,,2026-03-03,Cookie banner copy,Legal,,,,2026-03-10,,,Launch,\n"
        "1203,2026-02-21,,2026-03-03,Status page,Comms,Leo,leo@x.io,,,,,Launch,\n"
    )
    assessment = read_csv(text)

    assert rows_of(assessment) == [
        ("Legal", "Sign DPA with vendor", Status.DONE, None, "Mia", date(2026, 3, 1)),
        ("Legal", "Cookie banner copy", Status.TODO, None, None, date(2026, 3, 10)),
        ("Comms", "Status page", Status.TODO, None, "Leo", None),
    ]


def test_a_trello_export_takes_its_list_as_the_status() -> None:
    text = (
        "Card ID,Card Name,Card URL,Card Description,Labels,Members,Due Date,List Name,"
        "Archived\n"
        "a1,Smoke tests in prod,https://trello.com/c/a1,,QA,@kim,2026-03-12T17:00:00.000Z,"
        "Doing,false\n"
        "a2,Feature flags cleaned up,https://trello.com/c/a2,,Dev,,,Done,false\n"
        "a3,Launch tweet drafted,https://trello.com/c/a3,,Marketing,@lou,,To Do,false\n"
    )
    assessment = read_csv(text)

    assert rows_of(assessment) == [
        ("QA", "Smoke tests in prod", Status.IN_PROGRESS, None, "@kim", date(2026, 3, 12)),
        ("Dev", "Feature flags cleaned up", Status.DONE, None, None, None),
        ("Marketing", "Launch tweet drafted", Status.TODO, None, "@lou", None),
    ]
    assert assessment.items[0].evidence == "https://trello.com/c/a1"


def test_section_rows_name_the_category_of_the_rows_below_them() -> None:
    csv_text = (
        "Check,Status,Owner\n"
        "Security,,\n"
        "Pen test closed,Done,@noor\n"
        "Secrets rotated,In progress,@noor\n"
        ",,\n"
        "Operations,,\n"
        "On-call rota,Done,@ben\n"
        "Runbook reviewed,,\n"
        "Capacity plan,Not started,@ana\n"
        "Data & Privacy,,\n"
        "Retention policy signed,Done,@mia\n"
    )
    assessment = read_csv(csv_text)

    assert [(item.title, item.category) for item in assessment.items] == [
        ("Pen test closed", "Security"),
        ("Secrets rotated", "Security"),
        ("On-call rota", "Operations"),
        ("Runbook reviewed", "Operations"),  # a title alone under a section: still an item
        ("Capacity plan", "Operations"),
        ("Retention policy signed", "Data & Privacy"),  # no blank row: named as a group
    ]


def test_a_section_in_the_id_column_and_titles_alone_that_are_items() -> None:
    by_id = read_csv("ID,Item,Status\nA. Access,,\nA1,SSO enforced,Done\nA2,MFA for admins,Todo\n")
    assert [(i.key, i.category) for i in by_id.items] == [("A1", "A. Access"), ("A2", "A. Access")]
    # A sheet that opens with items: a row with only its title is an item with no status yet.
    mixed = read_csv("Item,Status\nTLS,Done\nBackups,\nWAF,Todo\n")
    assert [(i.title, i.category, i.status) for i in mixed.items] == [
        ("TLS", "General", Status.DONE),
        ("Backups", "General", Status.TODO),
        ("WAF", "General", Status.TODO),
    ]
    # A blank template: every row is a title alone.
    blank = read_csv("Item,Status,Owner\nSecurity,,\nTLS,,\nBackups,,\n")
    assert [i.title for i in blank.items] == ["Security", "TLS", "Backups"]
