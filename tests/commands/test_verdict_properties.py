"""Property tests: over random checklists stored in a real database, `status` never says GO
when it should not, and the message says the verdict it computed.

The oracle below restates the issue's rules from the items themselves, independently of
readybot's grouped counts: NO-GO for no checklist, a critical item open (an expired waiver
is open), an item blocked, a critical item overdue, or a score under the launch's bar;
GO with conditions when waivers or open high items remain; GO otherwise."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import col

from bot.render.home import home_view
from bot.render.messages import render_message
from commands.context import Context
from commands.home import home
from commands.replies import StatusReply
from commands.scoring import PRIORITY_WEIGHTS, Call, Concerns, Score, verdict
from storage.engine import Store
from storage.models import Item, Launch
from storage.vocabulary import Priority, Scenario, Status
from tests.commands.helpers import ok
from tests.conftest import NOW, make_ctx

TODAY = NOW.date()
_launches = itertools.count(1)


@dataclass(frozen=True)
class Spec:
    priority: Priority
    status: Status
    due: int | None  # days from today
    waiver_until: int | None  # days from today (waived items only)
    scenarios: tuple[str, ...] | None  # None: every scenario requires it


specs = st.builds(
    Spec,
    priority=st.sampled_from(list(Priority)),
    status=st.sampled_from(list(Status)),
    due=st.none() | st.integers(-10, 10),
    waiver_until=st.none() | st.integers(-5, 5),
    scenarios=st.none()
    | st.lists(st.sampled_from(list(Scenario)), min_size=1, max_size=2, unique=True).map(tuple),
)
checklists = st.lists(specs, max_size=40)
bars = st.sampled_from([0, 1, 50, 80, 99, 100])
scenarios = st.sampled_from(list(Scenario))


def _required(spec: Spec, scenario: str) -> bool:
    return spec.scenarios is None or scenario in spec.scenarios


def _ready(spec: Spec) -> bool:
    if spec.status == Status.DONE:
        return True
    return spec.status == Status.WAIVED and (spec.waiver_until is None or spec.waiver_until >= 0)


@dataclass(frozen=True)
class Expected:
    call: Call
    percent: int
    critical_open: int
    blocked: int
    critical_overdue: int


def expected(checklist: list[Spec], scenario: str, bar: int) -> Expected:
    required = [s for s in checklist if _required(s, scenario)]
    total = sum(PRIORITY_WEIGHTS[s.priority] for s in required)
    ready = sum(PRIORITY_WEIGHTS[s.priority] for s in required if _ready(s))
    percent = math.floor(100 * ready / total) if total else 0
    critical_open = sum(1 for s in required if s.priority == Priority.CRITICAL and not _ready(s))
    blocked = sum(1 for s in required if s.status == Status.BLOCKED)
    late = [
        s
        for s in required
        if s.status in (Status.TODO, Status.IN_PROGRESS, Status.BLOCKED)
        and s.due is not None
        and s.due < 0
    ]
    critical_overdue = sum(1 for s in late if s.priority == Priority.CRITICAL)
    if not required or critical_open or blocked or critical_overdue or percent < bar:
        call = Call.NO_GO
    elif any(s.status == Status.WAIVED and _ready(s) for s in required) or any(
        s.priority == Priority.HIGH and not _ready(s) for s in required
    ):
        call = Call.CONDITIONS
    else:
        call = Call.GO
    return Expected(call, percent, critical_open, blocked, critical_overdue)


def store_checklist(store: Store, checklist: list[Spec], scenario: str, bar: int) -> Context:
    """A new launch in a workspace of its own, holding `checklist`; returns its owner."""
    number = next(_launches)
    owner = make_ctx(channel=f"C-PROP-{number}", team=f"T-PROP-{number}")
    ok(store, owner, f"launch new Property {number} scenario {scenario}")
    with store.write() as session:
        launch = session.execute(
            select(Launch).where(col(Launch.team_id) == owner.team_id)
        ).scalar_one()
        launch.bar = bar
        launch.revision += 1
        for seq, spec in enumerate(checklist, start=1):
            session.add(
                Item(
                    team_id=launch.team_id,
                    launch_id=launch.id,
                    key=f"P-{seq}",
                    seq=seq,
                    title=f"Item {seq}",
                    category=f"Cat {seq % 3}",
                    priority=spec.priority.value,
                    status=spec.status.value,
                    due_date=None if spec.due is None else TODAY + timedelta(days=spec.due),
                    waiver_until=None
                    if spec.waiver_until is None or spec.status != Status.WAIVED
                    else TODAY + timedelta(days=spec.waiver_until),
                    blocked_reason="waiting" if spec.status == Status.BLOCKED else None,
                    scenarios=None
                    if spec.scenarios is None
                    else "," + ",".join(spec.scenarios) + ",",
                    created_at=NOW - timedelta(days=1),
                    updated_at=NOW - timedelta(days=1),
                )
            )
    return owner


@settings(
    max_examples=40,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checklist=checklists, scenario=scenarios, bar=bars)
def test_status_never_says_go_when_it_should_not(
    store: Store, checklist: list[Spec], scenario: str, bar: int
) -> None:
    owner = store_checklist(store, checklist, scenario, bar)
    reply = ok(store, owner, "status")
    assert isinstance(reply, StatusReply)
    want = expected(checklist, scenario, bar)
    judged = reply.report.verdict
    assert (judged.call, reply.report.score.percent) == (want.call, want.percent), (
        checklist,
        judged,
    )
    counts = {r.kind: r.count for r in judged.reasons}
    if want.call == Call.NO_GO:
        assert counts.get("critical", 0) == want.critical_open
        assert counts.get("blocked", 0) == want.blocked
        assert counts.get("overdue", 0) == want.critical_overdue
        assert judged.reasons, "a NO-GO names its reasons"
    else:
        assert not {"empty", "critical", "blocked", "overdue", "bar"} & set(counts)
    if reply.report.score.percent == 100:
        assert all(_ready(s) for s in checklist if _required(s, scenario))

    # The message says the same verdict at a glance: in its header and its fallback text.
    message = render_message(reply)
    header = message.blocks[0]["text"]["text"]
    assert header.endswith(judged.label), header
    assert judged.label in message.text.splitlines()[0]
    if judged.call != Call.NO_GO:
        assert "NO-GO" not in str(message.blocks)
    else:
        assert "✅ GO" not in str(message.blocks)

    # The owner's Home shows it too, and never celebrates a NO-GO.
    view = home_view(home(store, owner))
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert len(headers) == 1 and headers[0].endswith(judged.label), headers
    if judged.call == Call.NO_GO:
        assert "🎉" not in str(view)


def _score(percent: int, total: int) -> Score:
    return Score(percent, 0, total, ())


counts = st.integers(0, 3)


@given(
    critical=counts,
    blocked=counts,
    overdue=counts,
    claimed=counts,
    high=counts,
    waived=counts,
    percent=st.integers(0, 100),
    total=st.integers(0, 5),
    bar=st.integers(0, 100),
)
def test_the_verdict_is_go_only_when_nothing_blocks_and_plain_go_only_without_conditions(
    critical: int,
    blocked: int,
    overdue: int,
    claimed: int,
    high: int,
    waived: int,
    percent: int,
    total: int,
    bar: int,
) -> None:
    concerns = Concerns(
        open_critical_count=critical,
        blocked_count=blocked,
        critical_overdue_count=overdue,
        claimed_critical_count=claimed,
        open_high_count=high,
        waived_count=waived,
    )
    judged = verdict(concerns, score=_score(percent if total else 0, total), bar=bar)
    blocking = total == 0 or critical or blocked or overdue or claimed or percent < bar
    assert (judged.call == Call.NO_GO) == bool(blocking)
    if judged.call == Call.GO:
        assert not (high or waived) and not judged.reasons
    if judged.call == Call.CONDITIONS:
        assert {r.kind for r in judged.reasons} == {
            k for k, n in (("waived", waived), ("high", high)) if n
        }
    if total == 0:
        assert [r.kind for r in judged.reasons] == ["empty"]
    # Every reason says how many, and the counts line names each one.
    for reason in judged.reasons:
        assert reason.text in judged.counts


def test_a_launch_22_of_100_done_with_nothing_critical_open_is_no_go(store: Store) -> None:
    checklist = [Spec(Priority.MEDIUM, Status.DONE, None, None, None)] * 22 + [
        Spec(Priority.MEDIUM, Status.TODO, None, None, None)
    ] * 78
    owner = store_checklist(store, checklist, Scenario.INTERNET_FACING.value, 80)
    reply = ok(store, owner, "status")
    assert reply.report.verdict.call == Call.NO_GO
    assert reply.report.verdict.counts == "score 22 is under the bar of 80"


def test_a_launch_with_everything_waived_is_go_with_conditions_never_plain_go(
    store: Store,
) -> None:
    checklist = [Spec(p, Status.WAIVED, None, None, None) for p in Priority]
    owner = store_checklist(store, checklist, Scenario.INTERNET_FACING.value, 80)
    reply = ok(store, owner, "status")
    assert reply.report.verdict.call == Call.CONDITIONS
    assert reply.report.verdict.counts == "4 waived"


def test_a_launch_whose_items_the_scenario_does_not_require_has_no_checklist(
    store: Store,
) -> None:
    checklist = [Spec(Priority.LOW, Status.DONE, None, None, (Scenario.REGULATED.value,))]
    owner = store_checklist(store, checklist, Scenario.INTERNAL.value, 80)
    reply = ok(store, owner, "status")
    assert (reply.report.verdict.call, reply.report.score.percent) == (Call.NO_GO, 0)
    assert reply.report.verdict.counts == "no checklist yet"


@settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checklist=st.lists(specs, min_size=1, max_size=12), scenario=scenarios)
def test_status_if_every_open_item_were_done_scores_100_and_is_go(
    store: Store, checklist: list[Spec], scenario: str
) -> None:
    owner = store_checklist(store, checklist, scenario, 80)
    keys = [f"P-{n}" for n, spec in enumerate(checklist, start=1) if not _ready(spec)]
    if not any(_required(s, scenario) for s in checklist):
        return  # no checklist: nothing to assume
    reply = ok(store, owner, "status if " + ", ".join(keys)) if keys else ok(store, owner, "status")
    assumed = reply.what_if or reply.report
    assert assumed.score.percent == 100, (checklist, assumed)
    waived = any(
        s.status == Status.WAIVED and _ready(s) for s in checklist if _required(s, scenario)
    )
    assert assumed.verdict.call == (Call.CONDITIONS if waived else Call.GO), assumed.verdict
