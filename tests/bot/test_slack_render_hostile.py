"""Hostile and huge input: user text never becomes markup, and nothing exceeds Slack's limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.render import (
    add_item_modal,
    announcement,
    block_modal,
    due_modal,
    history_modal,
    home_view,
    import_modal,
    import_preview_modal,
    render_message,
    waive_modal,
)
from bot.render.blocks import MESSAGE_TEXT_BUDGET, text_size
from bot.render.check import check_message, check_view
from commands import replies as r
from commands.errors import Candidate
from commands.home import HomeLaunch, HomeReply
from commands.scoring import (
    Call,
    CategoryScore,
    Concerns,
    Forecast,
    ItemBrief,
    Reason,
    Score,
    Verdict,
)
from commands.text import user
from commands.verbs import REGISTRY
from storage.vocabulary import Priority, Status

EVIL = "<!channel> <@U123|bob> <http://evil|ok> & *x* `y`"
# Live markup nobody may inject. A typed mention (`<@U123|bob>`) is what Slack sends for a
# person someone named, and stays a mention (`<@U123>`).
FORBIDDEN = ("<!channel>", "<http", "<@U123|")
ENTITIES = ("&lt;", "&gt;", "&amp;")  # plain_text is shown as given: entities would show
OWNER = "U0BOB"
TODAY = date(2026, 11, 20)
NOW_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STATUSES = list(Status)


def launch(name: str = EVIL, launch_id: int = 7) -> r.LaunchView:
    return r.LaunchView(launch_id, name, date(2026, 12, 4), "UTC", EVIL, OWNER, ("C0LAUNCH", EVIL))


def item(n: int, *, title: str = EVIL, category: str = EVIL, status: Status | None = None):
    return r.ItemView(
        id=n,
        key=f"K-{n}",
        title=title,
        category=category,
        priority=list(Priority)[n % 4],
        status=status or STATUSES[n % 5],
        owner=OWNER if n % 2 else EVIL,
        due_date=TODAY + timedelta(days=n % 7 - 3),
        evidence=EVIL,
        notes=f"{EVIL}\n> {EVIL}",
        blocked_reason=EVIL,
        waiver_reason=EVIL,
        waiver_until=TODAY,
    )


def briefs(count: int, title: str = EVIL) -> tuple[ItemBrief, ...]:
    return tuple(item(n, title=title).brief() for n in range(count))


def status(*, categories: int = 3, count: int = 3, title: str = EVIL) -> r.StatusReply:
    cats = tuple(CategoryScore(f"{EVIL} {n}" * 3, n * 2 % 100, n, 40) for n in range(categories))
    many = briefs(count, title)
    report = r.StatusReport(
        score=Score(62, 10, 20, cats),
        verdict=Verdict(Call.NO_GO, (Reason("blocked", f"{count} blocked: {EVIL}", count, many),)),
        concerns=Concerns(many, count * 10, many, count * 10, many, count, many, count),
        overdue=many,
        overdue_count=count * 3,
        next_due=many,
        days_to_target=14,
        forecast=Forecast(
            10,
            3,
            14,
            date(2026, 12, 4),
            TODAY + timedelta(days=30),
            TODAY + timedelta(days=40),
            TODAY + timedelta(days=55),
            history_days=20,
        ),
        expired_waivers=2,
        not_required=3,
    )
    what_if = r.WhatIf(many[:3], Score(95, 19, 20, cats), Verdict(Call.GO, ()))
    return r.StatusReply(launch(), report, TODAY, what_if)


def listing(count: int, *, title: str = EVIL) -> r.ItemListReply:
    items = tuple(item(n, title=title, category=f"{EVIL} {n // 10}") for n in range(count))
    description = f"open items of {user(OWNER)} in {EVIL}"
    return r.ItemListReply(launch(), description, items, count * 10, 1, count, TODAY)


def history(events: int) -> r.HistoryReply:
    at = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    return r.HistoryReply(
        launch(),
        item(1),
        tuple(
            r.EventView(
                at, OWNER, "button", "blocked", "K-1", {"owner": EVIL}, {"owner": OWNER}, EVIL
            )
            for _ in range(events)
        ),
    )


def imported(categories: int) -> r.ImportReply:
    counts = {f"{EVIL} {n}": {"todo": n, "done": 1} for n in range(categories)}
    return r.ImportReply(EVIL, True, counts, 5, 1, 0, "cp1252", True, 40, (EVIL,) * 30)


def home(launches: int, mine: int) -> HomeReply:
    sections = tuple(
        HomeLaunch(
            launch=launch(f"{EVIL} {n}", launch_id=7 + n),
            today=TODAY,
            score=62,
            verdict=Verdict(Call.NO_GO, (Reason("critical", EVIL, 3, briefs(3)),)),
            mine=tuple(item(n * 100 + i, status=Status.TODO) for i in range(mine)),
            mine_count=mine * 30,
            owner_view=True,
            blockers=briefs(5),
            blocked_count=40,
            unowned_critical=tuple(item(n * 100 + 50 + i) for i in range(3)),
            unowned_critical_count=9,
            overdue=briefs(3),
            overdue_count=12,
        )
        for n in range(launches)
    )
    return HomeReply(OWNER, sections, NOW_AT, 3)


def replies() -> Iterator[Any]:
    yield status()
    yield listing(4)
    yield r.ItemListReply(launch(), EVIL, (), 0, 1, 20, TODAY)
    for action in ("created", "done", "blocked", "assigned", "due", "priority", "waived"):
        yield r.ItemChanged(launch(), item(1), action, OWNER, EVIL, announce=True)
    yield r.ItemRemoved(launch(), item(2), OWNER)
    for action in ("shown", "created", "bound", "changed"):
        yield r.LaunchReply(launch(), action, OWNER, EVIL, True, 9)
    yield r.LaunchesReply(tuple(r.LaunchSummary(launch(), 9, 3, 62) for _ in range(3)), 7)
    yield history(3)
    yield r.HelpReply(REGISTRY.verbs)
    yield r.HelpReply(REGISTRY.verbs, REGISTRY.verbs[0])
    yield imported(3)
    yield r.ExportReply(launch(), f"# {EVIL}\n- [ ] {EVIL}\n```\n{EVIL}", 2)
    candidates = (Candidate("K-1", EVIL), Candidate(EVIL, EVIL))
    yield r.ErrorReply(f"No item matches “{EVIL}”.", EVIL, candidates, candidates)
    yield r.Message(f"{EVIL} by {user(OWNER)} and {user(EVIL)}")
    yield r.AlreadyApplied()


def views() -> Iterator[dict[str, Any]]:
    meta = json.dumps({"channel": "C1"})
    yield add_item_modal(launch(), [EVIL, "Security"], meta)
    yield block_modal(item(1), meta)
    yield waive_modal(item(1), meta)
    yield due_modal(item(1), meta)
    yield import_modal(EVIL, meta)
    yield import_modal(None, meta)
    yield import_preview_modal(imported(3), meta)
    yield history_modal(history(3))
    yield home_view(home(2, 3))
    yield home_view(HomeReply(OWNER, (), NOW_AT))


def strings(value: Any, *, skip_option_values: bool = False) -> Iterator[str]:
    """Every string in a surface (keys excluded)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if skip_option_values and key == "value" and "text" in value:
                continue  # a select option's value is data Slack never renders
            yield from strings(inner, skip_option_values=skip_option_values)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner, skip_option_values=skip_option_values)
    elif isinstance(value, str):
        yield value


def texts(value: Any, kind: str = "mrkdwn") -> Iterator[tuple[str, str]]:
    """(kind, text) for every text in a surface: `mrkdwn` where Slack parses markup,
    `plain` where it shows text as given (plain_text objects, option values)."""
    if isinstance(value, dict):
        inner_kind = "plain" if value.get("type") == "plain_text" else kind
        for key, inner in value.items():
            if key in ("value", "action_id", "block_id", "callback_id", "private_metadata"):
                continue  # data Slack never renders
            yield from texts(inner, "plain" if key == "placeholder" else inner_kind)
    elif isinstance(value, list):
        for inner in value:
            yield from texts(inner, kind)
    elif isinstance(value, str):
        yield kind, value


def assert_inert(surface: Any, *, skip_option_values: bool = False) -> None:
    for kind, text in texts(surface):
        if kind == "mrkdwn":
            for bad in FORBIDDEN:
                assert bad not in text, (bad, text)
        else:
            for entity in ENTITIES:
                assert entity not in text, (entity, text)


# -- escaping ----------------------------------------------------------------------------


@pytest.mark.parametrize("reply", list(replies()), ids=lambda x: type(x).__name__)
def test_hostile_user_text_never_becomes_markup_in_messages(reply) -> None:
    message = render_message(reply)
    check_message(message)
    assert_inert(message.blocks)
    assert_inert(message.text)
    if isinstance(reply, r.ItemChanged | r.ItemRemoved | r.LaunchReply):
        note = announcement(reply)
        check_message(note)
        assert_inert([note.blocks, note.text])


@pytest.mark.parametrize("view", list(views()), ids=lambda v: v.get("callback_id", v["type"]))
def test_hostile_user_text_never_becomes_markup_in_views(view) -> None:
    check_view(view)
    assert_inert(view, skip_option_values=True)


def test_real_owners_are_mentioned_and_other_names_are_escaped() -> None:
    text = json.dumps(render_message(listing(4)).blocks)
    assert f"<@{OWNER}>" in text
    assert "@&lt;!channel&gt;" in text  # an owner that is not a Slack id: a visible name


def test_user_asterisks_and_backticks_cannot_break_our_formatting() -> None:
    heading = render_message(listing(1)).blocks[0]["text"]["text"]
    assert heading.startswith(
        "*&lt;!channel&gt; <@U123> &lt;http://evil|ok&gt; &amp; ∗x∗ ˋyˋ*: open items of <@U0BOB>"
    )


def test_the_category_select_keeps_the_category_name_as_its_value() -> None:
    view = add_item_modal(launch(), [EVIL, "Security"], "{}")
    select = next(b for b in view["blocks"] if b.get("block_id") == "category")
    assert [o["value"] for o in select["element"]["options"]] == [EVIL, "Security"]


# -- size --------------------------------------------------------------------------------


def test_a_five_thousand_item_page_of_long_titles_stays_within_limits() -> None:
    message = render_message(listing(5000, title="T" * 500), more_value='{"kind":"all"}')
    check_message(message)
    rows = [b for b in message.blocks if b.get("block_id", "").startswith("item:")]
    assert all("accessory" in row for row in rows)  # every row shown keeps its menu
    assert " of 50,000 shown" in message.blocks[0]["text"]["text"]
    assert message.blocks[-1]["block_id"] == "list_more"


def test_a_status_with_many_blockers_and_forty_categories_stays_within_limits() -> None:
    message = render_message(status(categories=40, count=200, title="T" * 500))
    check_message(message)
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "+1,997 more blocked" in text and "Weakest:" in text
    assert len(message.blocks) <= 12
    assert message.blocks[-1]["block_id"] == "status_actions"


def test_long_titles_and_details_are_shortened_not_rejected() -> None:
    change = r.ItemChanged(launch("L" * 200), item(1, title="T" * 500), "done", OWNER, "D" * 5000)
    for message in (render_message(change), announcement(change)):
        check_message(message)
        assert "…" in message.blocks[0]["text"]["text"]


def test_a_200_kb_export_is_cut_with_a_note() -> None:
    markdown = "\n".join(f"- [ ] item {n} <&> " + "x" * 80 for n in range(2000))
    assert len(markdown) > 200_000
    message = render_message(r.ExportReply(launch(), markdown, 2000))
    check_message(message)
    note = message.blocks[-1]["elements"][0]["text"]
    assert note.startswith(f"The export is {len(markdown):,} chars")
    assert "`readybot export`" in note
    assert all(b["text"]["text"].endswith("```") for b in message.blocks[1:-1])


def test_long_histories_imports_launch_lists_errors_and_messages_stay_within_limits() -> None:
    many = tuple(r.LaunchSummary(launch("N" * 200), 9, 3, 62) for _ in range(500))
    long_error = r.ErrorReply("E" * 5000, "U" * 3000, (Candidate("K", "T" * 500),) * 50)
    for reply in (
        history(1000),
        imported(500),
        r.LaunchesReply(many, 7),
        long_error,
        r.Message("word " * 10_000),
        r.Message("\n".join(["line"] * 5000)),
    ):
        message = render_message(reply)
        check_message(message)
        assert text_size(message.blocks) <= MESSAGE_TEXT_BUDGET
    check_view(history_modal(history(1000)))
    check_view(import_preview_modal(imported(500), "{}"))


def test_a_busy_home_stays_within_one_hundred_blocks() -> None:
    view = home_view(home(5, 10))
    check_view(view)
    assert len(view["blocks"]) <= 100
    text = json.dumps(view)
    assert "`/ready list mine`" in text and "+3 more launches" in text


def test_metadata_over_three_thousand_chars_is_refused() -> None:
    with pytest.raises(ValueError, match="private_metadata"):
        block_modal(item(1), "x" * 3001)
