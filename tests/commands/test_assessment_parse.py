"""Reading free-form assessment documents (commands.assessment.parse_md / freeform)."""

from __future__ import annotations

from datetime import date
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.parse_md import import_ref, parse_assessment
from storage.vocabulary import Priority, Status


def parse(markdown: str, **kwargs: str) -> Assessment:
    return parse_assessment(dedent(markdown), **kwargs)


def titles(assessment: Assessment) -> list[str]:
    return [parsed.title for parsed in assessment.items]


def only(assessment: Assessment) -> ParsedItem:
    assert len(assessment.items) == 1, titles(assessment)
    return assessment.items[0]


# --- checkboxes and status emoji -------------------------------------------------------------


def test_it_reads_task_list_boxes_in_every_marker_style() -> None:
    assessment = parse(
        """
        ## Launch
        - [ ] Open item
        - [x] Ticked item
        * [X] Capital X
        + [ ] Plus marker
        1. [x] Numbered box
        """
    )

    assert [(p.title, p.status) for p in assessment.items] == [
        ("Open item", Status.TODO),
        ("Ticked item", Status.DONE),
        ("Capital X", Status.DONE),
        ("Plus marker", Status.TODO),
        ("Numbered box", Status.DONE),
    ]


def test_it_reads_extended_boxes_for_the_other_three_states() -> None:
    assessment = parse(
        """
        - [~] Started
        - [/] Also started
        - [!] Stuck
        - [-] Not needed
        """
    )

    assert [p.status for p in assessment.items] == [
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        Status.BLOCKED,
        Status.WAIVED,
    ]


def test_it_reads_bullets_that_start_with_a_status_emoji() -> None:
    assessment = parse(
        """
        - ✅ Encryption at rest (Aurora, S3)
        - ❌ Data retention policies (not implemented)
        - ⚠️ Deletion protection (needs verification)
        - ⛔ Vendor sign-off
        """
    )

    assert [(p.title, p.status, p.notes) for p in assessment.items] == [
        ("Encryption at rest (Aurora, S3)", Status.DONE, None),
        ("Data retention policies", Status.TODO, "not implemented"),
        ("Deletion protection", Status.IN_PROGRESS, "needs verification"),
        ("Vendor sign-off", Status.BLOCKED, None),
    ]


def test_a_box_decides_open_or_closed_and_an_emoji_only_refines_it() -> None:
    assessment = parse(
        """
        - [ ] ⚠️ Half done
        - [x] ❌ Ticked anyway
        """
    )

    assert [p.status for p in assessment.items] == [Status.IN_PROGRESS, Status.DONE]


def test_plain_bullets_and_numbered_steps_are_not_items() -> None:
    assessment = parse(
        """
        ## Deployment
        - Configure the load balancer
        1. Run the migrations
        2. Restart the workers
        Some prose with a ✅ in it.

        ## Security
        - [ ] Rotate keys
        """
    )

    assert titles(assessment) == ["Rotate keys"]


def test_a_document_of_plain_bullets_is_a_plain_checklist() -> None:
    # Nothing else marks items: the bullets are the checklist (a careful reader agrees).
    assessment = parse(
        """
        # Launch checklist
        ## Deployment
        - Configure the load balancer
        - Restart the workers
        """
    )

    assert titles(assessment) == ["Configure the load balancer", "Restart the workers"]
    assert {p.status for p in assessment.items} == {Status.TODO}


# --- bold-titled findings --------------------------------------------------------------------


def test_it_reads_bold_titled_findings_with_their_notes() -> None:
    assessment = parse(
        """
        ## AWS
        - ✅ **VPC**: Fully configured with public and private subnets
        1. **🔴 Database Deletion Protection**: Currently DISABLED
           - **Risk**: Database can be accidentally deleted
           - Endpoint: `db.example.com`
           plain detail line
        2. **Backups:** nightly, untested
        3. **CASES ETL** - Can't sync staff data
        """
    )

    vpc, protection, backups, etl = assessment.items
    assert (vpc.title, vpc.status, vpc.notes) == (
        "VPC",
        Status.DONE,
        "Fully configured with public and private subnets",
    )
    assert protection.title == "Database Deletion Protection"
    assert protection.priority is Priority.CRITICAL
    assert protection.status is Status.TODO
    assert protection.notes == (
        "Currently DISABLED\n"
        "Risk: Database can be accidentally deleted\n"
        "Endpoint: `db.example.com`\n"
        "plain detail line"
    )
    assert (backups.title, backups.notes) == ("Backups", "nightly, untested")
    assert (etl.title, etl.notes) == ("CASES ETL", "Can't sync staff data")


def test_labels_of_details_are_not_items() -> None:
    assessment = parse(
        """
        ## Findings
        - **Risk**: data loss
        - **Action Required**: enable it
        - ✅ `backend/prisma/seed.ts`
        - ✅ https://example.com/runbook
        """
    )

    assert assessment.items == []


def test_nested_detail_bullets_keep_their_depth_in_the_notes() -> None:
    parsed = only(
        parse(
            """
            1. **🔴 DNS Configuration**
               - Configure subdomains:
                 - `app.example.com` → Frontend
                 - `api.example.com` → API
               - Wait for propagation
            """
        )
    )

    assert parsed.notes == (
        "Configure subdomains:\n"
        "  `app.example.com` → Frontend\n"
        "  `api.example.com` → API\n"
        "Wait for propagation"
    )


def test_detail_lines_fill_known_fields() -> None:
    parsed = only(
        parse(
            """
            - [ ] Rotate keys
              - Owner: @dana
              - Due: 2026-03-01
              - **Status**: In progress
              - Priority: high
              - Evidence: https://ci.example.com/run/1
              - Blocked by: nothing yet
              - Scenarios: internet-facing, regulated
              - Note this one
            """
        )
    )

    assert parsed.owner == "@dana"
    assert parsed.due == date(2026, 3, 1)
    assert parsed.status is Status.IN_PROGRESS
    assert parsed.priority is Priority.HIGH
    assert parsed.evidence == "https://ci.example.com/run/1"
    assert parsed.blocked_reason == "nothing yet"
    assert parsed.scenarios == ("internet-facing", "regulated")
    assert parsed.notes == "Note this one"


def test_a_status_detail_that_does_not_state_a_status_is_a_note() -> None:
    parsed = only(
        parse(
            """
            - ❌ **Deletion protection**: disabled
              - **Status**: User re-enabled it (needs verification)
            """
        )
    )

    assert parsed.status is Status.TODO
    assert parsed.notes == "disabled\nStatus: User re-enabled it (needs verification)"


# --- effort ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "effort"),
    [
        ("- [ ] Ship it\n  - Effort: 1-2 days", "1-2 days"),
        ("- [ ] Ship it\n  - **Effort:** 2-3 days", "2-3 days"),
        ("- [ ] Ship it\n  - **Timeline**: 5 minutes", "5 minutes"),
        ("- [ ] Ship it (30 minutes)", "30 minutes"),
        ("1. **Ship it** (1-2 days)", "1-2 days"),
        ("- [ ] Ship it (2 days with legal help)", "2 days with legal help"),
    ],
)
def test_it_reads_effort_estimates(line: str, effort: str) -> None:
    parsed = only(parse(line))

    assert parsed.title == "Ship it"
    assert parsed.effort == effort


def test_a_parenthetical_that_only_looks_like_a_duration_stays_in_the_title() -> None:
    parsed = only(parse("- ✅ Automated backups (30 days retention)"))

    assert parsed.title == "Automated backups (30 days retention)"
    assert parsed.effort is None


def test_a_section_effort_line_applies_to_its_items_without_their_own() -> None:
    assessment = parse(
        """
        ### 1. **Environment Configuration** ❌ CRITICAL
        - [ ] Environment variables
        - [ ] Secret rotation (2 hours)

        **Effort:** 1-2 days

        ### 2. Other
        - [ ] Unrelated
        """
    )

    assert [p.effort for p in assessment.items] == ["1-2 days", "2 hours", None]


# --- priority --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "priority"),
    [
        ("- [ ] 🔴 Thing", Priority.CRITICAL),
        ("- [ ] 🟠 Thing", Priority.HIGH),
        ("- [ ] 🟡 Thing", Priority.MEDIUM),
        ("- [ ] 🟢 Thing", Priority.LOW),
        ("- [ ] Thing (CRITICAL)", Priority.CRITICAL),
        ("- [ ] Thing (High Priority)", Priority.HIGH),
        ("- [ ] 🟡 Thing (HIGH)", Priority.HIGH),
        ("- [ ] P0 Thing", Priority.CRITICAL),
        ("- [ ] Unit tests for critical functions", None),
    ],
)
def test_it_reads_item_priorities_and_words_beat_emoji(
    line: str, priority: Priority | None
) -> None:
    assert only(parse(line)).priority is priority


@pytest.mark.parametrize(
    ("heading", "priority"),
    [
        ("## 🔴 CRITICAL GAPS (Must Fix Before Launch)", Priority.CRITICAL),
        ("## 🟡 HIGH PRIORITY (Fix Soon After Launch)", Priority.HIGH),
        ("## Must Fix", Priority.CRITICAL),
        ("## Must-Do", Priority.CRITICAL),
        ("## Nice to Have", Priority.LOW),
        ("## Phase 4: Nice-to-Have", Priority.LOW),
        ("## Testing (Medium Priority)", Priority.MEDIUM),
        ("## High Availability", None),
    ],
)
def test_headings_give_their_items_a_priority(heading: str, priority: Priority | None) -> None:
    parsed = only(parse(f"{heading}\n- [ ] Thing\n"))

    assert parsed.priority is priority


def test_item_beats_section_line_beats_heading() -> None:
    assessment = parse(
        """
        ## 🔴 CRITICAL GAPS
        ### 4. Email ⚠️ HIGH
        - [ ] Templates
        - [ ] 🟢 Unsubscribe link

        **Priority:** 🟡 MEDIUM

        ### 5. Storage
        - [ ] Buckets
        """
    )

    assert [p.priority for p in assessment.items] == [
        Priority.MEDIUM,  # the section's Priority line, although it comes after the item
        Priority.LOW,  # the item's own dot
        Priority.CRITICAL,  # the enclosing heading
    ]


def test_a_priority_word_on_an_outer_heading_beats_a_dot_on_an_inner_one() -> None:
    parsed = only(
        parse(
            """
            ## 🟡 HIGH PRIORITY (Fix Soon After Launch)
            ### 11. Mobile Responsiveness 🟡
            - [ ] Touch-friendly interactions
            """
        )
    )

    assert parsed.priority is Priority.HIGH


# --- headings and categories -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "category"),
    [
        ("## 1. AWS Infrastructure Assessment", "AWS Infrastructure"),
        ("## 4. Domain & DNS Assessment", "Domain & DNS"),
        ("### 1. **Environment Configuration** ❌ CRITICAL", "Environment Configuration"),
        ("### 10. **Organization Sidebar Missing** 🟢 LOW", "Organization Sidebar"),
        ("### 14. **Payment & Billing System** ⚠️ HIGH (if monetized)", "Payment & Billing System"),
        ("### 1. CASES ETL - Daily Export Processing ⚠️ (You're Working on This)", "CASES ETL"),
        ("### Infrastructure Compliance: ✅ 90% Complete", "Infrastructure Compliance"),
        ("#### 🔴 SECURITY (High Priority)", "Security"),
        ("## SECURITY & CI/CD FOR THE API", "Security & CI/CD for the API"),
        ("### 10. UI/UX Components ✅", "UI/UX Components"),
    ],
)
def test_headings_name_categories(heading: str, category: str) -> None:
    assert only(parse(f"{heading}\n- [ ] Thing\n")).category == category


@pytest.mark.parametrize(
    "heading",
    [
        "### ✅ COMPLETED (100%)",
        "### ✅ COMPLETED Features",
        "## ⚠️ Critical Gaps (Must Fix Before Production)",
        "## ✅ What's Working Well (Completed Features)",
        "### Current Status: 🔴 **NOT READY**",
        "### Required Before Using Domain:",
        "## 🟡 HIGH PRIORITY (Fix Soon After Launch)",
    ],
)
def test_headings_that_only_state_a_status_or_priority_keep_the_parent_category(
    heading: str,
) -> None:
    parsed = only(parse(f"## Payments\n#{heading}\n- [ ] Thing\n"))  # one level deeper

    assert parsed.category == "Payments"


def test_a_sub_heading_that_restates_its_parent_keeps_the_parent_category() -> None:
    parsed = only(
        parse(
            """
            ## 1. AWS Infrastructure Assessment
            ### ⚠️ CRITICAL AWS ISSUES
            1. **🔴 Deletion Protection**: disabled
            """
        )
    )

    assert parsed.category == "AWS Infrastructure"
    assert parsed.priority is Priority.CRITICAL


def test_the_nearest_topical_heading_is_the_category() -> None:
    assessment = parse(
        """
        ## Application
        ### ⚠️ CRITICAL APPLICATION ISSUES
        #### 🔴 SECURITY (High Priority)
        1. **MFA not verified**
        #### 🟡 TESTING (Medium Priority)
        1. **No load testing**
        ## Other
        - [ ] Something
        """
    )

    assert [(p.category, p.priority) for p in assessment.items] == [
        ("Security", Priority.HIGH),
        ("Testing", Priority.MEDIUM),
        ("Other", None),
    ]


def test_items_outside_any_topical_heading_are_general() -> None:
    assert only(parse("# Title\n- [ ] Thing\n")).category == "General"


def test_a_heading_status_applies_to_items_that_state_none() -> None:
    assessment = parse(
        """
        ## Platform
        ### ✅ COMPLETED (100%)
        - **Auth**: done via SSO
        ### Gaps
        - **Backups**: missing
        """
    )

    assert [(p.title, p.status) for p in assessment.items] == [
        ("Auth", Status.DONE),
        ("Backups", Status.TODO),
    ]


# --- what is skipped -------------------------------------------------------------------------


def test_fenced_code_blocks_are_skipped_entirely() -> None:
    assessment = parse(
        """
        ## Security
        ```bash
        # Enable deletion protection
        - [ ] not an item
        ```
        ~~~
        ## not a heading
        ~~~
        - [ ] Real item
        """
    )

    assert [(p.title, p.category) for p in assessment.items] == [("Real item", "Security")]


def test_a_fenced_block_inside_an_item_does_not_end_the_item() -> None:
    parsed = only(
        parse(
            """
            1. **🔴 Enable protection** (5 minutes)
               ```bash
               aws rds modify-db-cluster --deletion-protection
               ```
               - Verify in the console
            """
        )
    )

    assert parsed.effort == "5 minutes"
    assert parsed.notes == "Verify in the console"


@pytest.mark.parametrize(
    "heading",
    [
        "## Executive Summary",
        "## 6. Cost Analysis",
        "## 7. Critical Path to Production",
        "## 8. RECOMMENDATIONS",
        "## Recommended Timeline",
        "## Bottom Line",
        "## 📋 Quick Wins (Can Do Today)",
        "### Phase 1: Critical Foundation (Week 1) 🔴",
        "### Week 2: Integration Testing",
        "## 🎯 Minimum Viable Product (MVP) for Launch",
        "## 💡 Summary",
        "## 📚 Documentation Created",
        "## ✅ What I Just Added",
        "## CONCLUSION",
    ],
)
def test_plan_and_summary_sections_yield_no_findings(heading: str) -> None:
    assessment = parse(
        f"""
        {heading}
        1. ✅ Environment variables (.env setup)
        - ❌ Production infrastructure
        2. **Sign AWS BAA** (1-2 days)
        """
    )

    assert assessment.items == []


def test_checkboxes_are_read_even_in_plan_sections() -> None:
    assessment = parse(
        """
        ## Recommendations
        - [ ] Announce the launch
        1. ✅ Restated gap
        """
    )

    assert titles(assessment) == ["Announce the launch"]


def test_lists_after_action_item_and_file_labels_yield_no_findings() -> None:
    assessment = parse(
        """
        ## Testing
        **Action Items**:
        1. **Install dependencies**: `npm install`
        2. ✅ Write tests

        **Files to Update**:
        - ✅ **`frontend/lib/msal.ts`** - Add real client ID

        **What I Added**:
        - ✅ Jest configuration (`backend/jest.config.js`)
        - [ ] A checkbox still counts

        **What's Missing**:
        - ❌ Coverage reporting
        """
    )

    assert titles(assessment) == ["A checkbox still counts", "Coverage reporting"]


def test_html_comments_are_ignored() -> None:
    assessment = parse(
        """
        <!-- - [ ] hidden
        - [ ] also hidden -->
        - [ ] Visible
        """
    )

    assert titles(assessment) == ["Visible"]


# --- tables ----------------------------------------------------------------------------------


def test_it_reads_status_tables() -> None:
    assessment = parse(
        """
        ## Security

        | Check | Status | Owner | Priority | Notes |
        |-------|:------:|-------|----------|-------|
        | **TLS everywhere** | ✅ Done | @ana | High | via ALB |
        | WAF rules | ⚠️ Partial (60%) | | | |
        | Pen test | ❌ | @bo | | booked |
        | Bug bounty | N/A | | | |
        | Secrets rotation | Blocked | | | vendor \\| legal |
        | Audit log | Yes | | | |
        | Backups | No | | | |
        | Load test | | | | |
        | DR drill | Vendor reviewing | | | |
        """
    )

    assert [(p.title, p.status) for p in assessment.items] == [
        ("TLS everywhere", Status.DONE),
        ("WAF rules", Status.IN_PROGRESS),
        ("Pen test", Status.TODO),
        ("Bug bounty", Status.WAIVED),
        ("Secrets rotation", Status.BLOCKED),
        ("Audit log", Status.DONE),
        ("Backups", Status.TODO),
        ("Load test", Status.TODO),
        ("DR drill", Status.TODO),
    ]
    assert assessment.items[-1].notes == "Status: Vendor reviewing"
    tls = assessment.items[0]
    assert (tls.owner, tls.priority, tls.notes, tls.category) == (
        "@ana",
        Priority.HIGH,
        "via ALB",
        "Security",
    )
    assert assessment.items[4].notes == "vendor | legal"


def test_it_finds_the_status_column_by_its_values() -> None:
    assessment = parse(
        """
        | Area | Finding | Ready? |
        |---|---|---|
        | Backups | Nightly snapshots | ✅ |
        | Alerts | Pager rota missing | ❌ |
        """
    )

    assert [(p.title, p.status, p.notes) for p in assessment.items] == [
        ("Backups", Status.DONE, "Finding: Nightly snapshots"),
        ("Alerts", Status.TODO, "Finding: Pager rota missing"),
    ]


def test_tables_without_a_status_column_are_not_checklists() -> None:
    assessment = parse(
        """
        | Category | Current | Production | Gap |
        |----------|---------|------------|-----|
        | **Features** | 90% | 95% | Small - mostly polish |
        | **Security** | 50% | 100% | Large - critical work needed |

        | Attribute | Value |
        |---|---|
        | Stack | Node 20 |
        """
    )

    assert assessment.items == []


def test_a_table_of_ranked_findings_is_a_checklist_of_open_items() -> None:
    assessment = parse(
        """
        | Finding | Severity |
        |---|---|
        | No backups configured | High |
        | No alerting in place | Medium |
        """
    )

    assert [(p.title, p.status, p.priority) for p in assessment.items] == [
        ("No backups configured", Status.TODO, Priority.HIGH),
        ("No alerting in place", Status.TODO, Priority.MEDIUM),
    ]


# --- titles, duplicates ----------------------------------------------------------------------


def test_titles_lose_markup_and_emoji_but_keep_the_text() -> None:
    parsed = only(parse("- [ ] Move `DATABASE_URL` to [the vault](https://vault) **now** ✅ 🚀\n"))

    assert parsed.title == "Move DATABASE_URL to the vault now"


def test_code_and_escapes_in_titles_are_taken_literally() -> None:
    assessment = parse(
        """
        - [ ] Fix `__init__.py` and `a*b*c`
        - [ ] Escaped \\*stars\\* and \\<@U123\\>
        - [ ] __Bold__ words
        """
    )

    assert titles(assessment) == [
        "Fix __init__.py and a*b*c",
        "Escaped *stars* and <@U123>",
        "Bold words",
    ]


@pytest.mark.parametrize(
    ("line", "title", "priority"),
    [
        ("- [ ] 🔴 Critical — Rotate keys", "Rotate keys", Priority.CRITICAL),
        ("- [ ] 🟡 High: Rotate keys", "Rotate keys", Priority.HIGH),
        ("- [ ] HIGH - Rotate keys", "Rotate keys", Priority.HIGH),
        ("- [ ] High-level review", "High-level review", None),
        ("- [ ] Low: hanging fruit first", "Low: hanging fruit first", None),
    ],
)
def test_a_leading_priority_word_is_taken_out_of_the_title(
    line: str, title: str, priority: Priority | None
) -> None:
    parsed = only(parse(line))

    assert (parsed.title, parsed.priority) == (title, priority)


def test_a_notes_block_under_an_item_is_its_notes() -> None:
    parsed = only(
        parse(
            """
            - [ ] Rotate keys
              - Notes:
                > first line
                > second line
            """
        )
    )

    assert parsed.notes == "first line\nsecond line"


def test_titles_are_at_most_500_characters() -> None:
    parsed = only(parse("- [ ] " + "word " * 200))

    assert len(parsed.title) == 500
    assert parsed.title.endswith("…")


def test_the_same_item_twice_in_a_category_is_kept_once_and_first_wins() -> None:
    assessment = parse(
        """
        ## Secrets
        - [ ] Rotate keys (2 hours)
        - [x] rotate KEYS
          - Owner: @dan
        ## Other
        - [ ] Rotate keys
        """
    )

    first, other = assessment.items
    assert (first.title, first.status, first.effort, first.owner) == (
        "Rotate keys",
        Status.TODO,  # a later "done" does not win
        "2 hours",
        "@dan",  # but blanks are filled
    )
    assert (other.title, other.category) == ("Rotate keys", "Other")


def test_items_carry_their_line_numbers() -> None:
    assessment = parse_assessment("# T\n\n## A\n- [ ] One\n\n- [x] Two\n")

    assert [p.line for p in assessment.items] == [4, 6]


def test_windows_line_endings_and_tab_indentation_are_read() -> None:
    assessment = parse_assessment("## A\r\n1. **Thing**: x\r\n\t- Effort: 2 days\r\n")

    parsed = only(assessment)
    assert (parsed.title, parsed.notes, parsed.effort) == ("Thing", "x", "2 days")


# --- name, readiness, header -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "source", "name"),
    [
        ("Production Readiness Assessment - Mediation Platform", None, "Mediation Platform"),
        ("Checkout v2: Production Readiness", None, "Checkout v2"),
        ("Production Readiness Assessment", "ehr-aws-assessment.md", "ehr-aws-assessment"),
        ("What's Missing for Production Success", "gaps/school.md", "school"),
        ("Checkout Launch Plan", "x.md", "Checkout Launch Plan"),
        ("Production Readiness Assessment", None, "Production Readiness Assessment"),
    ],
)
def test_the_launch_name_comes_from_the_title_or_the_file(
    title: str, source: str | None, name: str
) -> None:
    assessment = parse_assessment(f"# {title}\n", source_name=source)

    assert (assessment.title, assessment.name) == (title, name)


def test_without_a_title_the_file_names_the_launch() -> None:
    assessment = parse_assessment("- [ ] Thing\n", source_name="billing.md")

    assert (assessment.title, assessment.name) == (None, "billing")


@pytest.mark.parametrize(
    ("line", "readiness"),
    [
        ("### Overall Readiness: 🟡 **85% READY** (Not Yet Production-Ready)", 85),
        ("**Overall Readiness: 75% Complete** 🟡", 75),
        ("## 📊 Current Status: ~45% Production Ready", 45),
        ("We are 60% done", None),
    ],
)
def test_it_reads_the_stated_readiness(line: str, readiness: int | None) -> None:
    assert parse_assessment(f"# T\n{line}\n").stated_readiness == readiness


def test_it_reads_launch_facts_stated_in_the_header() -> None:
    assessment = parse(
        """
        # Checkout
        **Target date:** 2026-03-01
        **Scenario:** internet-facing
        **Timezone:** Europe/Berlin
        """
    )

    assert (assessment.target_date, assessment.scenario, assessment.timezone) == (
        date(2026, 3, 1),
        "internet-facing",
        "Europe/Berlin",
    )


# --- import_ref ------------------------------------------------------------------------------


def test_import_ref_ignores_case_punctuation_spacing_and_emoji() -> None:
    assert import_ref("Domain & DNS", "SSL/TLS Certificate") == "domain dns/ssl tls certificate"
    assert import_ref(" domain  dns ", "ssl-tls certificate ✅") == import_ref(
        "Domain & DNS", "SSL/TLS Certificate"
    )
    assert import_ref("Ｓｅｃｕｒｉｔｙ", "Straße") == "security/strasse"


def test_import_ref_tells_categories_and_titles_apart() -> None:
    assert import_ref("Security", "MFA") != import_ref("Testing", "MFA")
    assert import_ref("Security", "MFA") != import_ref("Security", "MFA for admins")


def test_import_ref_is_at_most_700_characters() -> None:
    ref = import_ref("c" * 300, "t" * 600)

    assert len(ref) == 700
    assert ref.startswith("c" * 190 + "/t")


# --- robustness ------------------------------------------------------------------------------

_MARKDOWN_BITS = st.sampled_from(
    [
        "\n",
        "# ",
        "## ",
        "### ",
        "- ",
        "  - ",
        "1. ",
        "[ ] ",
        "[x] ",
        "**",
        "`",
        "```",
        "|",
        "|---|",
        ": ",
        "(",
        ")",
        "✅",
        "❌",
        "⚠️",
        "🔴",
        "🟡",
        "CRITICAL",
        "Effort: 2 days",
        "Priority:",
        "<!--",
        "-->",
        "Summary",
        "Status",
        " ",
    ]
)
_MARKDOWNISH = st.lists(_MARKDOWN_BITS | st.text(max_size=5), max_size=60).map("".join)


@settings(deadline=None)
@given(_MARKDOWNISH)
def test_any_text_parses_into_well_formed_items(text: str) -> None:
    assessment = parse_assessment(text)

    line_count = text.count("\n") + 1
    for parsed in assessment.items:
        assert parsed.title.strip() and len(parsed.title) <= 500
        assert parsed.category.strip() and len(parsed.category) <= 100
        assert 1 <= parsed.line <= line_count


# --- size ------------------------------------------------------------------------------------


def test_a_large_free_form_document_parses_whole() -> None:
    sections = []
    for section in range(250):
        sections.append(f"## {section}. Area {section} 🔴 CRITICAL")
        for index in range(20):
            sections.append(f"- [ ] Task {section}-{index} ✅ (1-2 days)")
            sections.append("  - Owner: @someone")
        sections.append("**Effort:** 3 days")
    text = "\n".join(sections)

    assessment = parse_assessment(text)

    assert len(assessment.items) == 5000  # its speed is measured in bench.imports, not here


# --- links and stated dependencies -----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "- [x] Secrets rotated — evidence: https://wiki.example.com/rotation",
        "- [x] Secrets rotated https://wiki.example.com/rotation.",
        "- [x] Secrets rotated (see: https://wiki.example.com/rotation)",
        "- [x] Secrets rotated <https://wiki.example.com/rotation>",
        "- [x] Secrets rotated, proof https://wiki.example.com/rotation",
    ],
)
def test_a_bare_or_autolinked_address_is_evidence_not_title(line: str) -> None:
    parsed = only(parse(f"## Security\n{line}\n"))
    assert parsed.title.rstrip(" (") == "Secrets rotated"
    assert parsed.evidence_items == ("https://wiki.example.com/rotation",)


@pytest.mark.parametrize(
    ("aside", "needed"),
    [
        ("(depends on Pen test report filed)", ("Pen test report filed",)),
        ("(requires DNS cut-over and CDN config)", ("DNS cut-over", "CDN config")),
        ("(after SEC-12, SEC-13)", ("SEC-12", "SEC-13")),
    ],
)
def test_a_dependency_aside_names_other_items_and_leaves_the_title(
    aside: str, needed: tuple[str, ...]
) -> None:
    parsed = only(parse(f"## Security\n- [ ] WAF rules reviewed {aside}\n"))
    assert parsed.title == "WAF rules reviewed"
    assert parsed.depends_on == needed


def test_an_aside_that_states_no_dependency_stays_in_the_title() -> None:
    parsed = only(parse("## Security\n- [ ] WAF rules reviewed (staging only)\n"))
    assert parsed.title == "WAF rules reviewed (staging only)"
    assert parsed.depends_on == ()
