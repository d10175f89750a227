"""The daily digest as Slack blocks and text: what it says, in what order, safely and within
Slack's limits whatever the launch holds."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.blocks import MESSAGE_TEXT_BUDGET, text_size
from bot.render.check import check_message
from bot.render.digest.digest import (
    render_daily,
    render_digest,
    render_digest_text,
    render_unchanged,
    render_unchanged_text,
)
from bot.render.digest.templating import Templates, load_templates
from bot.render.messages import SlackMessage
from commands.digests.model import Change, DayScore, Digest, ExpiringWaiver, MonitorNote
from commands.replies import LaunchView
from commands.scoring import Call, Forecast, ItemBrief, Reason, Verdict

TODAY = date(2026, 11, 17)  # a Tuesday
AT = datetime(2026, 11, 16, 15, 30, tzinfo=UTC)
EVIL = "<!channel> <@U123|x> <http://evil|ok> & *x* `y`"
FORBIDDEN = ("<!channel>", "<@U123|", "<http", "& ")


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates()


def trend(days: int = 14) -> tuple[DayScore, ...]:
    return tuple(
        DayScore(
            TODAY - timedelta(days=days - 1 - n),
            20 + n * 3,
            {"critical": max(0, 6 - n // 2), "high": 12 - n // 2, "medium": 9, "low": 4},
        )
        for n in range(days)
    )


def late_forecast() -> Forecast:
    """12 open, 5 closed in 14 days: likely Dec 21, 20 days after the Dec 1 target."""
    return Forecast(
        12, 5, 14, date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 21), date(2027, 1, 20), 14
    )


def make_digest(**changes: object) -> Digest:
    """A realistic digest: several changes by different people, overdue and due-soon items
    with owners, an expiring waiver, a failed and a recovered monitor, a late forecast."""
    digest = Digest(
        launch=LaunchView(7, "Checkout v2", date(2026, 12, 1), "Europe/Paris", "public", "U0OWN"),
        today=TODAY,
        score=62,
        previous_score=58,
        verdict=Verdict(
            Call.NO_GO,
            (
                Reason("critical", "1 critical open", 1, (ItemBrief("DB", "Database backups"),)),
                Reason("blocked", "1 blocked", 1, (ItemBrief("CDN", "CDN cache rules"),)),
            ),
        ),
        changes=(
            Change("done", "SSL", "Configure SSL/TLS certificates", "U0ALICE", AT, "cert live"),
            Change("blocked", "CDN", "CDN cache rules", "U0BOB", AT, "waiting on vendor"),
            Change("done", "LOG", "Central logging", "U0CAROL", AT),
            Change("unblocked", "DNS", "DNS failover", "U0BOB", AT),
            Change("reopened", "RB", "Runbook", "U0DAVE", AT, "missing rollback steps"),
            Change("waived", "PEN", "External pen test", "U0DAVE", AT, "next quarter"),
        ),
        overdue=(
            ItemBrief("DB", "Database backups", owner="U0ALICE", due_date=date(2026, 11, 14)),
            ItemBrief("OBS", "Dashboards", owner="U0EVE", due_date=date(2026, 11, 16)),
        ),
        overdue_count=2,
        due_soon=(
            ItemBrief("DNS", "DNS failover", owner="U0BOB", due_date=date(2026, 11, 19)),
            ItemBrief("RB", "Runbook", due_date=TODAY),
            ItemBrief("PAG", "Pager rota", owner="U0EVE", due_date=date(2026, 11, 18)),
        ),
        expiring_waivers=(
            ExpiringWaiver("PEN", "External pen test", date(2026, 11, 20), "U0DAVE", "budget"),
        ),
        monitors=(
            MonitorNote("api health", False, "HTTP 503 for 5 minutes", AT, "API"),
            MonitorNote("cert expiry", True, "certificate renewed", AT),
        ),
        days_to_target=14,
        forecast=late_forecast(),
        trend=trend(),
        since=datetime(2026, 11, 16, 7, tzinfo=UTC),
    )
    return replace(digest, **changes)


def quiet_digest(**changes: object) -> Digest:
    """Nothing happened: no changes, no monitor news, the same score."""
    fields = dict(changes=(), monitors=(), previous_score=62, overdue=(), overdue_count=0)
    return make_digest(**{**fields, **changes})


def blocks_text(message: SlackMessage) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def mrkdwn(message: SlackMessage) -> str:
    """All text of the blocks, in order, one block per line group."""
    parts = []
    for block in message.blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [
            e["text"] if isinstance(e["text"], str) else e["text"]["text"]
            for e in block.get("elements", [])
            if "text" in e
        ]
    return "\n".join(parts)


def test_the_header_names_the_launch_and_the_day(templates: Templates) -> None:
    header = render_digest(make_digest(), templates).blocks[0]

    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Checkout v2 — daily digest Tue Nov 17"},
    }


def test_the_verdict_comes_with_its_reasons_and_the_score_change(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(), templates))

    assert "*⛔ NO-GO* — 1 critical open · 1 blocked" in text
    assert "*62/100 ready* · ▲ 4 since Mon" in text


def test_a_falling_score_points_down_and_a_steady_one_says_so(templates: Templates) -> None:
    assert "▼ 3 since Mon" in mrkdwn(render_digest(make_digest(previous_score=65), templates))
    assert "no change since Mon" in mrkdwn(render_digest(make_digest(previous_score=62), templates))


def test_the_first_digest_has_nothing_to_compare_with(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(previous_score=None, since=None), templates))

    assert "*62/100 ready* · first digest" in text
    assert "since" not in text


def test_a_score_change_without_a_last_digest_time_names_no_day(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(since=None), templates))

    assert "*62/100 ready* · ▲ 4\n" in text


def test_a_last_digest_more_than_a_week_ago_is_named_by_date(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(since=datetime(2026, 11, 2, 7, tzinfo=UTC)), templates))

    assert "▲ 4 since Nov 02" in text


def test_changes_are_grouped_by_action_with_who_and_why(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(), templates))

    assert (
        "*✅ Done (2)*\n"
        "• `SSL` Configure SSL/TLS certificates — <@U0ALICE> — cert live\n"
        "• `LOG` Central logging — <@U0CAROL>"
    ) in text
    assert "*⛔ Blocked (1)*\n• `CDN` CDN cache rules — <@U0BOB> — waiting on vendor" in text
    order = ["*✅ Done", "*⛔ Blocked", "*🔓 Unblocked", "*↩️ Reopened", "*➖ Waived"]
    assert [text.index(heading) for heading in order] == sorted(text.index(h) for h in order)


def test_overdue_and_due_soon_items_mention_their_owners(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(), templates))

    assert (
        "*⏰ Overdue (2)*\n• `DB` Database backups · <@U0ALICE> · overdue 3 d (due Sat Nov 14)"
        in text
    )
    # Changed items are listed once, under their change, with their due date.
    assert "• `DNS` DNS failover · due Thu Nov 19 (in 2 d) — <@U0BOB>" in text
    assert "• `RB` Runbook · due today — <@U0DAVE>" in text
    assert text.count("`DNS`") == 1 and text.count("`RB`") == 1
    assert "*📅 Due in the next 3 days (1)*\n• `PAG` Pager rota · <@U0EVE> · due Wed Nov 18" in text


def test_expiring_waivers_and_monitor_news_are_listed(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(), templates))

    assert "• `PEN` External pen test · until Fri Nov 20 · waived by <@U0DAVE> — budget" in text
    assert "🔴 *api health* failed (`API`) — HTTP 503 for 5 minutes" in text
    assert "🟢 *cert expiry* recovered — certificate renewed" in text


def test_a_forecast_later_than_the_target_is_a_warning(templates: Templates) -> None:
    message = render_digest(make_digest(), templates)

    assert "🎯 Target Tue Dec 1 — 14 days to go" in mrkdwn(message)
    assert "📈 Forecast Tue Dec 8 – Wed Jan 20" in mrkdwn(message)
    # The warning is in the headline, not in the small print at the end.
    headline = message.blocks[1]["text"]["text"]
    assert "⚠️ *Likely 20 d late*" in headline
    assert "WARNING: likely 20 d late" in message.text


def test_a_forecast_in_time_for_the_target_does_not_warn(templates: Templates) -> None:
    on_time = Forecast(
        12,
        14,
        14,
        date(2026, 12, 1),
        date(2026, 11, 25),
        date(2026, 11, 29),
        date(2026, 11, 30),
        14,
    )
    text = mrkdwn(render_digest(make_digest(forecast=on_time), templates))

    assert "📈 Forecast Wed Nov 25 – Mon Nov 30 (1.0 items/day, on time)" in text
    assert "⚠️" not in text


def test_without_a_pace_the_forecast_says_so(templates: Templates) -> None:
    stalled = Forecast(12, 0, 14, date(2026, 12, 1), history_days=14)
    text = mrkdwn(render_digest(make_digest(forecast=stalled), templates))

    assert "No forecast yet: it needs 3 days of history and 3 items closed" in text


def test_the_trend_is_a_sparkline_with_its_first_and_last_scores(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(), templates))

    assert "📊 Last 14 days: `▂▃▃▃▃▃▄▄▄▄▅▅▅▅` 20 → 59" in text


def test_sections_come_in_the_documented_order(templates: Templates) -> None:
    text = mrkdwn(render_digest(make_digest(), templates))
    markers = ["NO-GO", "✅ Done", "⏰ Overdue", "📅 Due", "➖ Waivers", "📡 Monitors", "🎯", "📊"]

    positions = [text.index(marker) for marker in markers]

    assert positions == sorted(positions)


def test_empty_sections_are_left_out(templates: Templates) -> None:
    digest = make_digest(
        changes=(), overdue=(), overdue_count=0, due_soon=(), expiring_waivers=(), monitors=()
    )
    message = render_digest(digest, templates)

    assert [block["type"] for block in message.blocks] == [
        "header",
        "section",
        "actions",  # Open status
        "section",
        "context",
    ]
    for heading in ("Done", "Overdue", "Due in", "Waivers", "Monitors"):
        assert heading not in mrkdwn(message)


def test_every_digest_passes_slacks_checks(templates: Templates) -> None:
    digests = [
        make_digest(),
        quiet_digest(),
        make_digest(previous_score=None, since=None, trend=()),
        make_digest(launch=replace(make_digest().launch, target_date=None), days_to_target=None),
    ]
    for digest in digests:
        check_message(render_digest(digest, templates))
        check_message(render_unchanged(digest, templates))


def test_the_fallback_is_the_plain_text_with_people_as_ids(templates: Templates) -> None:
    message = render_digest(make_digest(), templates)

    assert message.text.startswith("Checkout v2 — daily digest Tue Nov 17\nNO-GO:")
    assert "SSL  Configure SSL/TLS certificates — @U0ALICE — cert live" in message.text
    assert "<@" not in message.text


def test_the_console_text_has_no_slack_markup(templates: Templates) -> None:
    text = render_digest_text(make_digest(), templates)

    assert "Score 62/100, ▲ 4 since Mon" in text
    assert "DB  Database backups · @U0ALICE · overdue 3 d (due Sat Nov 14)" in text
    assert "<@" not in text
    assert "`" not in text
    assert text.endswith("20 → 59\n")


def test_an_unchanged_digest_is_one_line(templates: Templates) -> None:
    message = render_unchanged(quiet_digest(), templates)

    assert message.blocks == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "😴 *Checkout v2*: no change since Mon · 62/100 · ⛔ NO-GO"
                " · ⚠️ forecast 20 days late",
            },
        }
    ]
    assert (
        message.text == "Checkout v2: no change since Mon · 62/100 · NO-GO · forecast 20 days late"
    )
    assert render_unchanged_text(quiet_digest(), templates).count("\n") == 1


def test_the_daily_message_is_the_one_liner_only_when_nothing_changed(
    templates: Templates,
) -> None:
    assert quiet_digest().unchanged
    assert render_daily(quiet_digest(), templates) == render_unchanged(quiet_digest(), templates)
    assert render_daily(make_digest(), templates) == render_digest(make_digest(), templates)


# -- hostile and huge input ------------------------------------------------------------------


def hostile_digest(count: int = 3, title: str = EVIL) -> Digest:
    briefs = tuple(
        ItemBrief(f"{EVIL}{n}", title, owner=EVIL if n % 2 else "U0BOB", due_date=TODAY)
        for n in range(count)
    )
    return make_digest(
        launch=replace(make_digest().launch, name=EVIL, timezone=EVIL),
        verdict=Verdict(Call.NO_GO, (Reason("blocked", f"3 blocked: {EVIL}", 3),)),
        changes=tuple(
            Change(action, f"{EVIL}{n}", title, EVIL if n % 2 else "U0ALICE", AT, EVIL)
            for n, action in enumerate(["done", "blocked", EVIL, "waived"] * count)
        ),
        overdue=briefs,
        overdue_count=count,
        due_soon=briefs,
        expiring_waivers=tuple(ExpiringWaiver(EVIL, title, TODAY, EVIL, EVIL) for _ in briefs),
        monitors=tuple(MonitorNote(EVIL, n % 2 == 0, EVIL, AT, EVIL) for n in range(count)),
    )


def test_hostile_text_never_becomes_markup(templates: Templates) -> None:
    digest = hostile_digest()
    for message in (render_digest(digest, templates), render_unchanged(digest, templates)):
        check_message(message)
        for forbidden in FORBIDDEN:
            assert forbidden not in blocks_text(message), forbidden
            assert forbidden not in message.text, forbidden
    text = mrkdwn(render_digest(digest, templates))
    assert "&lt;!channel&gt; <@U123> &lt;http://evil|ok&gt; &amp; *x* ˋyˋ" in text
    assert "<@U0ALICE>" in text  # real people are still mentioned


def test_a_title_with_line_breaks_cannot_forge_blocks(templates: Templates) -> None:
    forged = "ok\n<<header>> pwned\n<<actions 1>>\n<<divider>>"
    digest = make_digest(
        changes=(Change("done", "K", forged, "U0ALICE", AT, forged),),
        overdue=(ItemBrief("K", forged, owner="U0BOB"),),
        overdue_count=1,
    )
    message = render_digest(digest, templates)

    assert [b["type"] for b in message.blocks].count("header") == 1
    assert "divider" not in [b["type"] for b in message.blocks]
    assert "• `K` ok &lt;&lt;header&gt;&gt; pwned" in mrkdwn(message)


def test_huge_digests_stay_within_slacks_limits(templates: Templates) -> None:
    long_title = "Rotate the signing keys & " * 20  # 520 chars
    digest = replace(
        hostile_digest(500, title=long_title[:500]),
        changes=tuple(
            Change(
                ["done", "blocked", "reopened"][n % 3],
                f"K-{n}",
                long_title,
                f"U0P{n}",
                AT,
                long_title,
            )
            for n in range(300)
        ),
        overdue_count=5000,
    )
    message = render_digest(digest, templates)

    check_message(message)
    assert len(message.blocks) <= 50
    assert text_size(message.blocks) <= MESSAGE_TEXT_BUDGET
    assert len(message.text) <= 3000
    text = mrkdwn(message)
    assert "*✅ Done (100)*" in text
    assert "… and 95 more" in text
    overdue = next(b["text"]["text"] for b in message.blocks if "Overdue (5,000)" in str(b))
    shown = overdue.count("\n• ")
    assert overdue.endswith(f"… and {5000 - shown:,} more")  # cut lines are counted too
    assert "⚠️ *Likely 20 d late*" in text  # short sections survive
    assert "📊 Last 14 days" in text


def test_very_long_titles_are_shortened_on_one_line(templates: Templates) -> None:
    digest = make_digest(overdue=(ItemBrief("K", "x" * 500, owner="U0BOB"),), overdue_count=1)
    line = next(
        line for line in mrkdwn(render_digest(digest, templates)).split("\n") if "`K`" in line
    )

    assert len(line) < 130
    assert "x…" in line


MENTION = re.compile(r"<[@#][UWCG][A-Z0-9]{2,}>")  # ours, and the mentions Slack sends
LOOSE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
awkward = st.text(alphabet="<>&`*_~\n\t !@|:#/abcU0\x00", max_size=60)


@settings(max_examples=60, deadline=None)
@given(title=awkward, note=awkward, name=awkward, actor=awkward)
def test_no_input_yields_markup_other_than_our_mentions(
    title: str, note: str, name: str, actor: str
) -> None:
    templates = load_templates()
    digest = make_digest(
        launch=replace(make_digest().launch, name=name),
        changes=(Change("done", title, title, actor, AT, note), *make_digest().changes),
        overdue=(ItemBrief(note, title, owner=actor or None),),
        overdue_count=1,
    )
    message = render_digest(digest, templates)

    check_message(message)
    for text in [*mrkdwn(message).split("\n"), message.text]:
        bare = MENTION.sub("", text)
        assert "<" not in bare and ">" not in bare
        assert not LOOSE_AMPERSAND.search(bare)


def test_an_item_changed_several_times_shows_once_with_its_final_state(
    templates: Templates,
) -> None:
    digest = make_digest(
        changes=(
            Change("blocked", "DOM", "Domain verified", "U0BOB", AT, "registrar"),
            Change("unblocked", "DOM", "Domain verified", "U0BOB", AT + timedelta(hours=1)),
            Change(
                "done",
                "DOM",
                "Domain verified",
                "U0ALICE",
                AT + timedelta(hours=2),
                actor_name="alice",
            ),
        )
    )
    message = render_digest(digest, templates)
    text = mrkdwn(message)
    assert text.count("`DOM`") == 1
    [done] = [
        b["text"]["text"] for b in message.blocks if "Done (" in b.get("text", {}).get("text", "")
    ]
    assert done == "*✅ Done (1)*\n• `DOM` Domain verified · blocked → unblocked → done — alice"
    assert "⛔ Blocked" not in text and "🔓 Unblocked" not in text


def test_the_digest_has_an_open_status_button(templates: Templates) -> None:
    message = render_digest(make_digest(), templates)
    [button] = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"]) == ("open_status", "7")
