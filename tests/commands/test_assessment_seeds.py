"""The three real assessment files, parsed end to end (commands.assessment.parse_md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

from commands.assessment.export_md import export_markdown
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.parse_md import parse_assessment
from commands.assessment.repair import decode_document
from storage.vocabulary import Priority, Status

SEEDS = Path(__file__).parent / "data" / "seeds"
EHR = "ehr-aws-assessment"
MEDIATION = "mediation-platform-assessment"
SCHOOL = "school-portal-gaps"


def parse_seed(name: str) -> Assessment:
    data = (SEEDS / f"{name}.md").read_bytes()
    return parse_assessment(decode_document(data), source_name=f"{name}.md")


@pytest.fixture(scope="module")
def ehr() -> Assessment:
    return parse_seed(EHR)


@pytest.fixture(scope="module")
def mediation() -> Assessment:
    return parse_seed(MEDIATION)


@pytest.fixture(scope="module")
def school() -> Assessment:
    return parse_seed(SCHOOL)


def item(assessment: Assessment, title: str, category: str | None = None) -> ParsedItem:
    found = [
        candidate
        for candidate in assessment.items
        if candidate.title == title and category in (None, candidate.category)
    ]
    assert len(found) == 1, f"{title!r}: {len(found)} items"
    return found[0]


def summary(assessment: Assessment) -> dict[str, dict[str, int]]:
    """Items per category and status, in document order."""
    counts: dict[str, Counter[str]] = {}
    for parsed in assessment.items:
        counts.setdefault(parsed.category, Counter())[parsed.status.value] += 1
    return {category: dict(counter) for category, counter in counts.items()}


def without_lines(items: list[ParsedItem]) -> list[dict[str, object]]:
    # Where an item was read (line and its text) differs between a document and its export.
    return [
        {k: v for k, v in asdict(parsed).items() if k not in ("line", "source")} for parsed in items
    ]


# --- all seeds -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [EHR, MEDIATION, SCHOOL])
def test_every_seed_is_repaired_from_mac_roman(name: str) -> None:
    assessment = parse_seed(name)

    assert assessment.repaired == "mac_roman"
    for parsed in assessment.items:
        assert "\uf8ff" not in (parsed.notes or "") + parsed.title
        assert "‚úÖ" not in (parsed.notes or "")


@pytest.mark.parametrize("name", [EHR, MEDIATION, SCHOOL])
def test_no_seed_has_a_duplicate_junk_or_path_title(name: str) -> None:
    assessment = parse_seed(name)
    keys = [(parsed.category, parsed.title.casefold()) for parsed in assessment.items]

    assert len(keys) == len(set(keys))
    for parsed in assessment.items:
        assert parsed.title.casefold() not in {"risk", "action required", "status", "timeline"}
        assert "/" not in parsed.title or " " in parsed.title
        assert "**" not in parsed.title and "`" not in parsed.title
        assert not any(symbol in parsed.title for symbol in "✅❌⚠🔴🟠🟡🟢")
        assert 0 < len(parsed.title) <= 500


@pytest.mark.parametrize("name", [EHR, MEDIATION, SCHOOL])
def test_every_seed_survives_export_and_import(name: str) -> None:
    assessment = parse_seed(name)

    again = parse_assessment(export_markdown(assessment))

    assert without_lines(again.items) == without_lines(assessment.items)
    assert again.name == assessment.name
    assert again.stated_readiness == assessment.stated_readiness
    assert again.repaired is None


@pytest.mark.parametrize("variant", ["cp1252-mojibake", "mixed-mojibake"])
def test_broken_copies_of_the_ehr_seed_give_the_same_checklist(
    variant: str, ehr: Assessment
) -> None:
    copy = parse_seed(f"{EHR}.{variant}")

    assert copy.repaired == ("cp1252" if variant == "cp1252-mojibake" else "mac_roman")
    assert without_lines(copy.items) == without_lines(ehr.items)


# --- ehr-aws-assessment ----------------------------------------------------------------------


def test_the_ehr_seed_is_named_after_its_file(ehr: Assessment) -> None:
    assert ehr.title == "Production Readiness Assessment"
    assert ehr.name == "ehr-aws-assessment"
    assert ehr.stated_readiness == 85


def test_the_ehr_seed_gives_this_checklist(ehr: Assessment) -> None:
    assert summary(ehr) == {
        "AWS Infrastructure": {"done": 6, "todo": 4},
        "Supabase": {"done": 4, "todo": 3},
        "Application": {"done": 6},
        "Security": {"todo": 4},
        "Functionality": {"todo": 3},
        "Testing": {"todo": 3},
        "Monitoring": {"todo": 3},
        "Domain & DNS": {"todo": 4},
        "Infrastructure Compliance": {"done": 6, "in_progress": 2},
        "Application Compliance": {"done": 1, "in_progress": 2, "todo": 4},
        "Operational Compliance": {"todo": 5},
        # "10. IMMEDIATE NEXT STEPS": steps that restate no finding are todo items.
        "Basic Testing": {"todo": 5},
    }


def test_ehr_database_deletion_protection_is_a_critical_todo(ehr: Assessment) -> None:
    parsed = item(ehr, "Database Deletion Protection")

    assert parsed.category == "AWS Infrastructure"
    assert parsed.priority is Priority.CRITICAL
    assert parsed.status is Status.TODO  # "Status: User manually re-enabled" is not a status
    assert parsed.notes is not None
    assert parsed.notes.splitlines() == [
        "Currently DISABLED",
        "Risk: Database can be accidentally deleted",
        "Action Required: Enable via AWS Console or CLI",
        "Status: User manually re-enabled (needs verification)",
    ]


def test_ehr_vpc_is_done_with_its_description_as_notes(ehr: Assessment) -> None:
    parsed = item(ehr, "VPC")

    assert parsed.status is Status.DONE
    assert parsed.category == "AWS Infrastructure"
    assert parsed.notes == "Fully configured with public, private, and isolated subnets"


def test_ehr_sub_bullets_are_notes_of_their_item(ehr: Assessment) -> None:
    aurora = item(ehr, "Aurora Serverless v2")

    assert aurora.notes is not None
    assert "Endpoint: `mentalspaceehrstack-databaseb269d8bb" in aurora.notes
    assert "Backups: ✅ 30 days automated" in aurora.notes
    assert not [parsed for parsed in ehr.items if parsed.title.startswith("Core EHR tables")]


def test_ehr_aws_baa_is_critical_with_its_timeline_as_effort(ehr: Assessment) -> None:
    parsed = item(ehr, "AWS BAA (Business Associate Agreement)")

    assert parsed.priority is Priority.CRITICAL
    assert parsed.status is Status.TODO
    assert parsed.effort == "1-2 business days"
    assert parsed.notes is not None and "Timeline" not in parsed.notes


def test_ehr_yellow_findings_are_medium(ehr: Assessment) -> None:
    parsed = item(ehr, "Database Password in Supabase Secrets")

    assert parsed.priority is Priority.MEDIUM
    assert parsed.effort == "5 minutes"


def test_ehr_security_findings_take_high_from_their_heading_words(ehr: Assessment) -> None:
    parsed = item(ehr, "No user testing in production environment")

    assert parsed.category == "Security"
    assert parsed.priority is Priority.HIGH  # "#### 🔴 SECURITY (High Priority)"
    assert parsed.status is Status.TODO
    assert parsed.notes == "Need to create test users and verify all flows"
    assert item(ehr, "No load testing performed").priority is Priority.MEDIUM


def test_ehr_hipaa_bullets_take_their_status_from_the_emoji(ehr: Assessment) -> None:
    retention = item(ehr, "Data retention policies")
    assert retention.status is Status.TODO
    assert retention.category == "Application Compliance"
    assert retention.notes == "not implemented"

    deletion = item(ehr, "Deletion protection")
    assert deletion.status is Status.IN_PROGRESS
    assert deletion.notes == "needs verification"

    assert item(ehr, "Encryption at rest (Aurora, S3)").status is Status.DONE
    assert item(ehr, "AWS BAA not signed").priority is Priority.CRITICAL
    assert item(ehr, "Patient data export (HIPAA right of access)").status is Status.TODO


def test_ehr_domain_findings_are_critical_with_nested_notes(ehr: Assessment) -> None:
    parsed = item(ehr, "Route 53 or DNS Configuration")

    assert parsed.category == "Domain & DNS"
    assert parsed.priority is Priority.CRITICAL
    assert parsed.notes is not None
    assert "  `api.mentalspaceehr.com` → API Gateway" in parsed.notes.splitlines()
    assert item(ehr, "SSL/TLS Certificate").effort == "5-30 minutes (depending on DNS provider)"


def test_nothing_comes_from_the_ehr_plans_and_code_blocks(ehr: Assessment) -> None:
    titles = {parsed.title for parsed in ehr.items}

    # Critical Path, Cost Analysis, Recommendations, Next Steps and their code blocks.
    assert not titles & {"Sign AWS BAA", "Enable Database Deletion Protection", "AWS Total"}
    assert not [title for title in titles if "aws rds" in title or title.startswith("#")]
    # "## 6. Cost Analysis" to "## 9. ANSWERS" yield nothing; "## 10. IMMEDIATE NEXT STEPS"
    # yields its steps that restate no finding.
    assert not [parsed for parsed in ehr.items if 220 < parsed.line < 420]
    assert {parsed.category for parsed in ehr.items if parsed.line > 420} == {"Basic Testing"}


# --- mediation-platform-assessment -----------------------------------------------------------


def test_the_mediation_seed_is_named_after_its_title(mediation: Assessment) -> None:
    assert mediation.name == "Mediation Platform"
    assert mediation.stated_readiness == 75


def test_the_mediation_seed_gives_this_checklist(mediation: Assessment) -> None:
    done = dict.fromkeys(
        [
            "Authentication & Authorization",
            "Multi-Tenant Organization System",
            "User Invitation System",
            "Case Management",
            "Document Management",
            "AI Assistant Integration",
            "Dashboards for All Roles",
            "Communication System",
            "Notification System",
            "UI/UX Components",
        ]
    )
    todo = [
        "Environment Configuration",
        "File Storage Solution",
        "Production Database Migration",
        "Email Service Production Setup",
        "Security Hardening",
        "Data Privacy & Compliance",
        "Error Handling & Logging",
        "Testing Coverage",
        "Performance Optimization",
        "Organization Sidebar",
        "Deployment Infrastructure",
        "User Onboarding & Help",
        "Legal & Compliance Documentation",
        "Payment & Billing System",
        "Admin Tools & Monitoring",
    ]
    result = summary(mediation)

    assert list(result) == [*done, *todo]
    assert all(set(result[category]) == {"done"} for category in done)
    assert all(set(result[category]) == {"todo"} for category in todo)
    assert sum(sum(counts.values()) for counts in result.values()) == 171


def test_mediation_environment_variables_are_a_critical_todo_with_the_section_effort(
    mediation: Assessment,
) -> None:
    parsed = item(mediation, "Environment variable system (.env files)")

    assert parsed.category == "Environment Configuration"
    assert parsed.status is Status.TODO
    assert parsed.priority is Priority.CRITICAL
    assert parsed.effort == "1-2 days"


def test_mediation_ticked_boxes_are_done(mediation: Assessment) -> None:
    parsed = item(mediation, "JWT authentication with secure token handling")

    assert parsed.status is Status.DONE
    assert parsed.category == "Authentication & Authorization"


def test_mediation_section_priority_lines_override_the_heading(mediation: Assessment) -> None:
    assert item(mediation, "Add DashboardFrame to OrganizationDetailPage").priority is (
        Priority.LOW
    )
    assert item(mediation, "Invoice generation").priority is Priority.HIGH  # "HIGH (if ...)"
    assert item(mediation, "CSRF token implementation").priority is Priority.HIGH
    assert item(mediation, "Pricing page").effort == "5-7 days"


def test_the_mediation_percentage_table_and_plans_yield_nothing(mediation: Assessment) -> None:
    titles = {parsed.title for parsed in mediation.items}

    assert not titles & {"Features", "Security", "Infrastructure", "Testing"}  # the table
    assert "Environment variables (.env setup)" not in titles  # Production Launch Checklist
    assert "Excellent feature set" not in titles  # Bottom Line
    assert "Production infrastructure" not in titles


# --- school-portal-gaps ----------------------------------------------------------------------


def test_the_school_seed_is_named_after_its_file(school: Assessment) -> None:
    assert school.title == "What's Missing for Production Success"
    assert school.name == "school-portal-gaps"
    assert school.stated_readiness == 45


def test_the_school_seed_gives_this_checklist(school: Assessment) -> None:
    assert summary(school) == {
        "CASES ETL": {"todo": 7},
        "Authentication": {"todo": 6},
        "Database Migrations & Seeding": {"todo": 5},
        "Compass API Integration": {"todo": 6},
        "Microsoft Graph API": {"todo": 7},
        "Testing Infrastructure": {"todo": 6},
        "Error Handling & Logging": {"todo": 6},
        "Security Hardening": {"todo": 9},
        "Performance Optimization": {"todo": 8},
        "Deployment Infrastructure": {"todo": 8},
        "Mobile Responsiveness": {"todo": 4},
        "User Documentation": {"todo": 4},
        "Monitoring & Observability": {"todo": 5},
        "Data Backup & Recovery": {"todo": 4},
    }


def test_school_critical_gaps_are_critical(school: Assessment) -> None:
    parsed = item(school, "Get actual CASES file samples from your school")

    assert parsed.category == "CASES ETL"
    assert parsed.priority is Priority.CRITICAL
    assert parsed.status is Status.TODO


def test_school_high_priority_section_is_high_despite_its_yellow_dots(school: Assessment) -> None:
    for category in ["Mobile Responsiveness", "User Documentation", "Data Backup & Recovery"]:
        priorities = {p.priority for p in school.items if p.category == category}
        assert priorities == {Priority.HIGH}


def test_school_bold_words_inside_a_box_stay_in_the_title(school: Assessment) -> None:
    parsed = item(school, "Azure AD app registrations actually created (not just configured)")

    assert parsed.category == "Authentication"


def test_school_action_items_file_lists_and_summaries_yield_nothing(school: Assessment) -> None:
    titles = {parsed.title for parsed in school.items}

    assert not [title for title in titles if "backend/" in title or title.endswith(".ts")]
    assert "Jest configuration (backend/jest.config.js)" not in titles  # "What I Added"
    assert "Request sample CASES files from your IT team" not in titles  # Action Items
    assert "Gap Analysis Document" not in titles  # What I Just Added
    assert "CASES ETL" not in titles  # Blockers
    assert "Run Database Migrations" not in titles  # Quick Wins
