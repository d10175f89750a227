"""The monitor state machine: when an outage starts and ends, who gets pinged and when."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.monitors.spec import CheckResult
from commands.monitors.state import (
    MonitorState,
    MonitorStatus,
    NotDown,
    Policy,
    Transition,
    TransitionKind,
    acknowledge,
    describe,
    end_maintenance,
    end_snooze,
    maintenance,
    pause,
    resume,
    silenced,
    snooze,
    step,
    tick,
)
from commands.monitors.state_json import dump_state, load_state
from commands.text import user

T0 = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
POLICY = Policy()  # down after 3 failures, up after 2 successes, remind every 4 h
FAILING = "GET /health returned 503 in 2.1 s"
PASSING = "GET /health returned 200 in 0.1 s"


def result(ok: bool, detail: str | None = None, at: datetime = T0, **extra) -> CheckResult:
    return CheckResult(ok=ok, detail=detail or (PASSING if ok else FAILING), checked_at=at, **extra)


def run(
    pattern: str,
    state: MonitorState | None = None,
    *,
    start: datetime = T0,
    every: timedelta = MINUTE,
    policy: Policy = POLICY,
) -> tuple[MonitorState, list[Transition], datetime]:
    """Feed checks ("F" fails, "O" passes) `every` apart from `start`; return the final state,
    all transitions and the time of the last check."""
    state = state or MonitorState()
    transitions: list[Transition] = []
    now = start
    for i, mark in enumerate(pattern):
        now = start + i * every
        state, new = step(state, result(mark == "O", at=now), policy=policy, now=now)
        transitions += new
    return state, transitions, now


def kinds(transitions: list[Transition]) -> list[str]:
    return [t.kind.value for t in transitions]


def down_state(at: datetime = T0) -> tuple[MonitorState, datetime]:
    """A monitor that went down (and alerted) at the returned time; it started failing at `at`."""
    state, transitions, now = run("OFFF", start=at - MINUTE)
    assert kinds(transitions) == ["down"]
    return state, now


# -- outages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", []),
        ("O", []),
        ("F", []),
        ("OF", []),
        ("OFF", []),
        ("OFFF", ["down"]),
        ("FFF", ["down"]),
        ("OFFFFFFFF", ["down"]),
        ("OFFOFFO", []),
        ("OFFOFFOFFO", []),
        ("OFFFO", ["down"]),
        ("OFFFOO", ["down", "up"]),
        ("OFFFOFOFO", ["down"]),
        ("OFFFOFOO", ["down", "up"]),
        ("OFFFOOOOO", ["down", "up"]),
        ("OFFFOOFFF", ["down", "up", "down"]),
        ("OFFFOOFFFOO", ["down", "up", "down", "up"]),
    ],
)
def test_only_runs_of_n_failures_and_m_successes_change_the_verdict(
    pattern: str, expected: list[str]
) -> None:
    _, transitions, _ = run(pattern)

    assert kinds(transitions) == expected


@pytest.mark.parametrize(
    ("policy", "pattern", "expected"),
    [
        (Policy(fail_after=1, recover_after=1), "OFO", ["down", "up"]),
        (Policy(fail_after=5), "OFFFF", []),
        (Policy(fail_after=5), "OFFFFF", ["down"]),
        (Policy(recover_after=3), "OFFFOO", ["down"]),
        (Policy(recover_after=3), "OFFFOOO", ["down", "up"]),
    ],
)
def test_the_policy_sets_n_and_m(policy: Policy, pattern: str, expected: list[str]) -> None:
    _, transitions, _ = run(pattern, policy=policy)

    assert kinds(transitions) == expected


def test_one_blip_does_not_alert_and_leaves_the_monitor_up() -> None:
    state, transitions, _ = run("OOFO")

    assert transitions == []
    assert state.status is MonitorStatus.UP
    assert state.consecutive_failures == 0


def test_a_new_monitor_is_pending_until_its_first_success() -> None:
    assert MonitorState().status is MonitorStatus.PENDING
    state, transitions, _ = run("FFO")

    assert state.status is MonitorStatus.UP
    assert transitions == []  # a first verdict is not a recovery


def test_a_new_monitor_that_fails_n_times_goes_down() -> None:
    state, transitions, _ = run("FFF")

    assert state.status is MonitorStatus.DOWN
    assert transitions == [Transition(TransitionKind.DOWN, FAILING, notify=True)]


def test_the_down_transition_carries_the_failing_value() -> None:
    state = MonitorState(verdict=MonitorStatus.UP)
    for i, detail in enumerate(["503 in 2.1 s", "timed out after 5 s", "503 in 0.4 s"]):
        state, transitions = step(state, result(False, detail), policy=POLICY, now=T0 + i * MINUTE)

    assert transitions == [Transition(TransitionKind.DOWN, "503 in 0.4 s", notify=True)]
    assert state.failure_detail == "503 in 0.4 s"


def test_an_outage_starts_at_its_first_failing_check() -> None:
    state, _, _ = run("OFFF", start=T0)

    assert state.down_since == T0 + MINUTE


def test_recovery_gives_one_up_with_the_outage_duration() -> None:
    # Failing from T0 + 1 min; the first passing check of the recovery run is at T0 + 2 h.
    state, _ = down_state(T0 + MINUTE)
    state, first = step(state, result(True, "200 in 0.3 s"), policy=POLICY, now=T0 + 2 * HOUR)
    state, second = step(
        state, result(True, "200 in 0.1 s"), policy=POLICY, now=T0 + 2 * HOUR + MINUTE
    )

    assert first == []
    assert second == [
        Transition(TransitionKind.UP, "200 in 0.1 s", notify=True, duration=2 * HOUR - MINUTE)
    ]
    assert state.status is MonitorStatus.UP
    assert state.down_since is None


# -- reminders ----------------------------------------------------------------------------


def reminders_over(
    state: MonitorState, start: datetime, hours: int, policy: Policy = POLICY
) -> tuple[MonitorState, list[tuple[datetime, Transition]]]:
    """Tick every 15 minutes for `hours` after `start`; return the reminders with their times."""
    seen: list[tuple[datetime, Transition]] = []
    for quarter in range(1, hours * 4 + 1):
        now = start + quarter * timedelta(minutes=15)
        state, transitions = tick(state, policy=policy, now=now)
        seen += [(now, t) for t in transitions]
    return state, seen


def test_reminders_come_every_4_hours_while_down_and_unacknowledged() -> None:
    state, down_at = down_state()
    state, seen = reminders_over(state, down_at, 13)

    assert [at - down_at for at, _ in seen] == [4 * HOUR, 8 * HOUR, 12 * HOUR]
    assert {t.kind for _, t in seen} == {TransitionKind.REMINDER}
    assert all(t.notify and t.detail == FAILING for _, t in seen)
    assert [t.duration for _, t in seen] == [
        4 * HOUR + 2 * MINUTE,
        8 * HOUR + 2 * MINUTE,
        12 * HOUR + 2 * MINUTE,
    ]


def test_a_failing_check_sends_the_reminder_when_it_is_the_first_to_see_it_due() -> None:
    state, down_at = down_state()
    state, transitions = step(
        state, result(False, "503 in 9 s"), policy=POLICY, now=down_at + 4 * HOUR
    )

    assert kinds(transitions) == ["reminder"]
    assert transitions[0].detail == "503 in 9 s"


def test_a_long_gap_sends_one_reminder_not_a_burst() -> None:
    state, down_at = down_state()
    state, transitions = tick(state, policy=POLICY, now=down_at + 13 * HOUR)
    state, later = tick(state, policy=POLICY, now=down_at + 16 * HOUR)

    assert kinds(transitions) == ["reminder"]
    assert later == []  # the cadence restarts from the reminder just sent


def test_no_reminders_after_acknowledging() -> None:
    state, down_at = down_state()
    state = acknowledge(state, by="U0ME", reason="rolling back", now=down_at + HOUR)
    state, seen = reminders_over(state, down_at, 24)

    assert seen == []
    assert state.acknowledged


def test_a_new_outage_clears_the_acknowledgement() -> None:
    state, down_at = down_state()
    state = acknowledge(state, by="U0ME", reason=None, now=down_at)
    state, transitions, last = run("OOFFF", state, start=down_at + MINUTE)

    assert kinds(transitions) == ["up", "down"]
    assert not state.acknowledged
    _, seen = reminders_over(state, last, 5)
    assert [at - last for at, _ in seen] == [4 * HOUR]


def test_acknowledging_needs_an_open_outage() -> None:
    state, _, _ = run("OFF")

    with pytest.raises(NotDown):
        acknowledge(state, by="U0ME", reason=None, now=T0)
    with pytest.raises(NotDown):
        acknowledge(pause(down_state()[0]), by="U0ME", reason=None, now=T0)


def test_recovery_sends_no_reminder_even_when_one_is_due() -> None:
    state, down_at = down_state()
    state, transitions, _ = run("OO", state, start=down_at + 5 * HOUR)

    assert kinds(transitions) == ["up"]


def test_a_due_reminder_waits_while_recovering_and_goes_with_the_next_failure() -> None:
    state, down_at = down_state()
    state, transitions, _ = run("OF", state, start=down_at + 5 * HOUR)

    assert [(t.kind.value, t.detail) for t in transitions] == [("reminder", FAILING)]


# -- snoozes and maintenance ----------------------------------------------------------------


def test_no_reminders_are_delivered_while_snoozed_but_they_resume_after() -> None:
    state, down_at = down_state()
    state = snooze(state, until=down_at + 10 * HOUR, now=down_at + HOUR)
    state, seen = reminders_over(state, down_at, 15)

    assert [(at - down_at, t.notify) for at, t in seen] == [
        (4 * HOUR, False),  # stored, not delivered
        (8 * HOUR, False),
        (10 * HOUR, True),  # the snooze ended and the outage is still open
        (14 * HOUR, True),
    ]
    assert state.snoozed_until is None


def test_a_snooze_that_ends_after_recovery_sends_nothing() -> None:
    state, down_at = down_state()
    state = snooze(state, until=down_at + 3 * HOUR, now=down_at)
    state, transitions, _ = run("OO", state, start=down_at + HOUR)
    state, seen = reminders_over(state, down_at, 6)

    assert [(t.kind.value, t.notify) for t in transitions] == [("up", False)]
    assert seen == []


def test_a_snooze_ending_on_an_acknowledged_outage_sends_nothing() -> None:
    state, down_at = down_state()
    state = acknowledge(state, by="U0ME", reason=None, now=down_at)
    state = snooze(state, until=down_at + HOUR, now=down_at)
    _, seen = reminders_over(state, down_at, 6)

    assert seen == []


def test_snoozing_silences_down_up_and_warnings_but_not_the_checks() -> None:
    state = snooze(MonitorState(verdict=MonitorStatus.UP), until=T0 + HOUR, now=T0)
    state, transitions, _ = run("FFFOO", state)
    state, warned = step(
        state, result(True, warning="expires in 5 days", warn_threshold=7), policy=POLICY, now=T0
    )

    assert [(t.kind.value, t.notify) for t in transitions + warned] == [
        ("down", False),
        ("up", False),
        ("warning", False),
    ]
    assert silenced(state, T0) and not silenced(state, T0 + HOUR)


def test_a_down_silenced_by_a_snooze_is_announced_when_the_snooze_ends() -> None:
    state = snooze(MonitorState(verdict=MonitorStatus.UP), until=T0 + HOUR, now=T0)
    state, transitions, _ = run("FFF", state)
    state, at_end = tick(state, policy=POLICY, now=T0 + HOUR)

    assert [(t.kind.value, t.notify) for t in transitions] == [("down", False)]
    assert [(t.kind.value, t.notify) for t in at_end] == [("reminder", True)]


def test_a_snooze_ending_while_recovering_owes_its_reminder_to_the_next_failure() -> None:
    state, down_at = down_state()
    state = snooze(state, until=down_at + HOUR, now=down_at)
    state, at_end, _ = run("O", state, start=down_at + HOUR)
    state, next_failure, _ = run("F", state, start=down_at + HOUR + MINUTE)

    assert at_end == []
    assert [(t.kind.value, t.notify) for t in next_failure] == [("reminder", True)]


def test_ending_a_snooze_early_resumes_reminders_at_once() -> None:
    state, down_at = down_state()
    state = snooze(state, until=down_at + 10 * HOUR, now=down_at)
    state, transitions = end_snooze(state, policy=POLICY, now=down_at + HOUR)

    assert [(t.kind.value, t.notify) for t in transitions] == [("reminder", True)]
    assert state.snoozed_until is None


def test_snoozes_and_windows_must_end_in_the_future() -> None:
    with pytest.raises(ValueError):
        snooze(MonitorState(), until=T0, now=T0)
    with pytest.raises(ValueError):
        maintenance(MonitorState(), until=T0 - HOUR, now=T0)


def test_maintenance_shows_and_silences_but_the_checks_still_count() -> None:
    state = maintenance(MonitorState(verdict=MonitorStatus.UP), until=T0 + HOUR, now=T0)
    state, transitions, _ = run("FFF", state)

    assert state.status is MonitorStatus.MAINTENANCE
    assert state.verdict is MonitorStatus.DOWN
    assert [(t.kind.value, t.notify) for t in transitions] == [("down", False)]


def test_after_maintenance_the_status_is_what_the_checks_say() -> None:
    state = maintenance(MonitorState(verdict=MonitorStatus.UP), until=T0 + HOUR, now=T0)
    state, _, _ = run("FFFOO", state)
    state, transitions = tick(state, policy=POLICY, now=T0 + HOUR)

    assert state.status is MonitorStatus.UP
    assert transitions == []


def test_an_outage_still_open_after_maintenance_is_announced() -> None:
    state = maintenance(MonitorState(verdict=MonitorStatus.UP), until=T0 + HOUR, now=T0)
    state, _, _ = run("FFF", state)
    state, transitions = step(state, result(False), policy=POLICY, now=T0 + HOUR)

    assert state.status is MonitorStatus.DOWN
    assert [(t.kind.value, t.notify) for t in transitions] == [("reminder", True)]


def test_the_last_silence_to_end_is_what_resumes_notifications() -> None:
    state, down_at = down_state()
    state = snooze(state, until=down_at + HOUR, now=down_at)
    state = maintenance(state, until=down_at + 2 * HOUR, now=down_at)
    state, at_snooze_end = tick(state, policy=POLICY, now=down_at + HOUR)
    state, at_window_end = end_maintenance(state, policy=POLICY, now=down_at + 90 * MINUTE)

    assert at_snooze_end == []
    assert [(t.kind.value, t.notify) for t in at_window_end] == [("reminder", True)]
    assert state.status is MonitorStatus.DOWN


# -- pause --------------------------------------------------------------------------------


def test_a_paused_monitor_ignores_checks_and_time() -> None:
    state, down_at = down_state()
    paused = pause(state)

    assert paused.status is MonitorStatus.PAUSED
    assert step(paused, result(True), policy=POLICY, now=down_at) == (paused, [])
    assert tick(paused, policy=POLICY, now=down_at + 24 * HOUR) == (paused, [])


def test_resuming_starts_over_from_pending() -> None:
    state, down_at = down_state()
    state = resume(pause(acknowledge(state, by="U0ME", reason=None, now=down_at)))

    assert state.status is MonitorStatus.PENDING
    assert (state.consecutive_failures, state.down_since, state.acknowledged) == (0, None, False)
    _, transitions, _ = run("FF", state)
    assert transitions == []
    assert resume(state) is state


# -- certificate and other warnings ------------------------------------------------------


def cert(days: int, threshold: int | None, fingerprint: str = "AA:01", ok: bool = True):
    warning = f"certificate for api.example.com expires in {days} days" if threshold else None
    return result(
        ok,
        f"expires in {days} days",
        warning=warning,
        warn_threshold=threshold,
        fingerprint=fingerprint,
    )


def warned_thresholds(checks: list[CheckResult], state: MonitorState | None = None):
    state = state or MonitorState()
    thresholds = []
    for i, check in enumerate(checks):
        state, transitions = step(state, check, policy=POLICY, now=T0 + i * HOUR)
        thresholds += [t.threshold for t in transitions if t.kind is TransitionKind.WARNING]
    return state, thresholds


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([30, 25, 22], []),
        ([21, 20, 19], [21]),
        ([22, 21, 14, 13, 7, 6, 1], [21, 14, 7]),
        ([22, 12, 11], [14]),  # only the threshold crossed, not 21 on the way
        ([22, 5], [7]),
        ([14, 21, 14], [14]),  # a higher threshold after a lower one never warns
    ],
)
def test_certificate_warnings_go_once_per_threshold(days: list[int], expected: list[int]) -> None:
    def threshold(day: int) -> int | None:
        return min((t for t in (21, 14, 7) if day <= t), default=None)

    _, thresholds = warned_thresholds([cert(day, threshold(day)) for day in days])

    assert thresholds == expected


def test_a_new_certificate_starts_the_warnings_over() -> None:
    state, first = warned_thresholds([cert(13, 14), cert(6, 7)])
    state, second = warned_thresholds([cert(80, None, "BB:02"), cert(13, 14, "BB:02")], state)

    assert first == [14, 7]
    assert second == [14]
    assert state.cert_fingerprint == "BB:02"


def test_a_check_without_a_fingerprint_keeps_the_certificate() -> None:
    state, _ = warned_thresholds([cert(13, 14)])
    state, thresholds = warned_thresholds(
        [result(False, "connection refused"), cert(12, 14)], state
    )

    assert thresholds == []


def test_certificate_warnings_do_not_count_as_failures() -> None:
    state, _ = warned_thresholds([cert(6, 7)] * 5)

    assert state.status is MonitorStatus.UP
    assert state.consecutive_failures == 0


def test_an_expired_certificate_fails_like_any_check() -> None:
    expired = result(False, "certificate expired 1 day ago", fingerprint="AA:01")
    state = MonitorState(verdict=MonitorStatus.UP)
    for i in range(3):
        state, transitions = step(state, expired, policy=POLICY, now=T0 + i * MINUTE)

    assert kinds(transitions) == ["down"]


def test_other_warnings_go_when_they_change() -> None:
    texts = ["half the size", "half the size", None, "half the size", "a third of the size"]
    state = MonitorState()
    sent = []
    for i, text in enumerate(texts):
        state, transitions = step(
            state, result(True, warning=text), policy=POLICY, now=T0 + i * HOUR
        )
        sent += [t.detail for t in transitions]

    assert sent == ["half the size", "half the size", "a third of the size"]


def test_a_warning_comes_with_the_outage_it_arrived_with() -> None:
    state = MonitorState(verdict=MonitorStatus.UP)
    checks = [cert(0, 7, ok=False)] * 3
    transitions = []
    for i, check in enumerate(checks):
        state, new = step(state, check, policy=POLICY, now=T0 + i * MINUTE)
        transitions += new

    assert kinds(transitions) == ["warning", "down"]


# -- describe -----------------------------------------------------------------------------


def test_describe_says_how_long_it_has_been_down_and_who_acknowledged() -> None:
    state, down_at = down_state(T0)
    state = acknowledge(state, by="U0ME", reason="rolling back", now=down_at)

    assert describe(state, T0 + 2 * HOUR + 13 * MINUTE) == (
        f"down for 2 h 13 min: {FAILING}; acknowledged by {user('U0ME')} (rolling back)"
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", "pending: no check yet"),
        ("F", f"pending: the last check failed: {FAILING}"),
        ("OO", f"up: {PASSING}"),
        ("OFF", f"up, but the last 2 checks failed: {FAILING}"),
        ("OFFFO", f"down for 3 min: {FAILING} (recovering: the last check passed)"),
    ],
)
def test_describe_words_each_verdict(pattern: str, expected: str) -> None:
    state, _, _ = run(pattern)

    assert describe(state, T0 + 4 * MINUTE) == expected


def test_describe_shows_pauses_windows_and_snoozes() -> None:
    state, _ = down_state(T0)
    windowed = maintenance(state, until=T0 + 2 * HOUR, now=T0)
    snoozed = snooze(state, until=T0 + 90 * MINUTE, now=T0)

    assert describe(pause(state), T0) == "paused"
    assert (
        describe(windowed, T0 + HOUR) == f"in maintenance for another 1 h; down for 1 h: {FAILING}"
    )
    assert describe(snoozed, T0 + HOUR) == (
        f"down for 1 h: {FAILING}; notifications snoozed for another 30 min"
    )
    assert describe(snoozed, T0 + 2 * HOUR) == f"down for 2 h: {FAILING}"


def test_a_policy_rejects_values_that_could_never_alert() -> None:
    with pytest.raises(ValueError):
        Policy(fail_after=0)
    with pytest.raises(ValueError):
        Policy(repeat=timedelta(0))


# -- storage ------------------------------------------------------------------------------


def test_a_new_state_is_stored_as_an_empty_dict() -> None:
    assert dump_state(MonitorState()) == {}
    assert load_state({}) == MonitorState()


def test_a_state_survives_the_json_column() -> None:
    state, down_at = down_state()
    state = acknowledge(state, by="U0ME", reason="db", now=down_at)
    state = snooze(maintenance(state, until=T0 + HOUR, now=T0), until=T0 + HOUR, now=T0)
    state, _ = warned_thresholds([cert(13, 14)], state)
    state = pause(state)

    data = dump_state(state)

    assert data["verdict"] == "down" and data["cert_warned"] == [14]
    assert load_state(data | {"from_the_future": 1}) == state


def test_a_stored_state_with_a_display_status_as_verdict_is_rejected() -> None:
    with pytest.raises(ValueError):
        load_state({"verdict": "paused"})


# -- properties over random histories ----------------------------------------------------

event = st.one_of(
    st.tuples(st.just("check"), st.booleans(), st.integers(0, 300)),
    st.tuples(st.just("tick"), st.none(), st.integers(0, 600)),
    st.tuples(st.just("ack"), st.none(), st.integers(0, 60)),
    st.tuples(st.just("snooze"), st.none(), st.integers(1, 600)),
    st.tuples(st.just("maintenance"), st.none(), st.integers(1, 600)),
)
policies = st.builds(
    Policy,
    fail_after=st.integers(1, 4),
    recover_after=st.integers(1, 3),
    repeat=st.integers(30, 300).map(lambda minutes: timedelta(minutes=minutes)),
)


def failure_runs(outcomes: list[bool], n: int) -> int:
    runs, length = 0, 0
    for ok in [*outcomes, True]:
        if ok:
            runs += length >= n
            length = 0
        else:
            length += 1
    return runs


@settings(max_examples=300, deadline=None)
@given(events=st.lists(event, max_size=60), policy=policies)
def test_random_histories_keep_the_outage_invariants(events, policy: Policy) -> None:
    state, now = MonitorState(), T0
    outages: list[str] = []
    outcomes: list[bool] = []
    for action, ok, minutes in events:
        before = state
        if action == "check":
            now += timedelta(minutes=minutes)
            outcomes.append(ok)
            state, transitions = step(state, result(ok, at=now), policy=policy, now=now)
        elif action == "tick":
            now += timedelta(minutes=minutes)
            state, transitions = tick(state, policy=policy, now=now)
        else:
            transitions = []
            until = now + timedelta(minutes=minutes)
            if action == "ack" and state.verdict is MonitorStatus.DOWN:
                state = acknowledge(state, by="U0ME", reason=None, now=now)
            elif action == "snooze":
                state = snooze(state, until=until, now=now)
            elif action == "maintenance":
                state = maintenance(state, until=until, now=now)

        for transition in transitions:
            assert transition.notify == (not silenced(state, now))
            if transition.kind is TransitionKind.DOWN:
                assert before.verdict is not MonitorStatus.DOWN
            if transition.kind is TransitionKind.REMINDER:
                assert state.verdict is MonitorStatus.DOWN and not state.acknowledged
            if transition.kind is TransitionKind.UP:
                assert transition.duration is not None and transition.duration >= timedelta(0)
        outages += [t.kind.value for t in transitions if t.kind.value in ("down", "up")]
        assert (state.verdict is MonitorStatus.DOWN) == (outages[-1:] == ["down"])

    assert outages == ["down", "up"] * (len(outages) // 2) + ["down"] * (len(outages) % 2)
    assert outages.count("down") <= failure_runs(outcomes, policy.fail_after)
    assert outages.count("up") <= outages.count("down")


@settings(max_examples=200, deadline=None)
@given(
    events=st.lists(st.tuples(st.booleans(), st.integers(0, 600)), max_size=60),
    policy=policies,
)
def test_without_silences_alerts_for_one_outage_are_at_least_repeat_apart(
    events, policy: Policy
) -> None:
    state, now = MonitorState(), T0
    alerted: list[datetime] = []
    for ok, minutes in events:
        now += timedelta(minutes=minutes)
        state, transitions = tick(state, policy=policy, now=now)
        state, more = step(state, result(ok, at=now), policy=policy, now=now)
        for transition in transitions + more:
            assert transition.notify
            if transition.kind is TransitionKind.DOWN:
                alerted = [now]
            elif transition.kind is TransitionKind.REMINDER:
                assert now - alerted[-1] >= policy.repeat
                alerted.append(now)


@settings(max_examples=100, deadline=None)
@given(events=st.lists(event, max_size=30), policy=policies)
def test_any_reachable_state_survives_the_json_column(events, policy: Policy) -> None:
    state, now = MonitorState(), T0
    for action, ok, minutes in events:
        now += timedelta(minutes=minutes)
        if action == "check":
            state, _ = step(state, result(bool(ok), at=now), policy=policy, now=now)
        elif action == "snooze":
            state = snooze(state, until=now + HOUR, now=now)
        else:
            state, _ = tick(state, policy=policy, now=now)
        assert load_state(dump_state(state)) == state
        assert load_state(dump_state(replace(state, paused=True))).paused
