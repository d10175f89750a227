"""A monitor's alert state as a pure state machine: no I/O, no clock reads.

`step()` feeds one check result in, `tick()` lets time pass without a check; both return the
new state and the transitions it caused (`down`, `up`, `warning`, `reminder`) as data for the
caller to store, and to deliver when `notify` is true. People's actions (pause, acknowledge,
snooze, maintenance) are plain functions from state to state. Every function takes `now`; the
state machine's clock is `now`, `CheckResult.checked_at` is informational.

The rules:

- The checks' verdict is PENDING (no verdict yet), UP or DOWN. A monitor goes DOWN after
  `fail_after` consecutive failures (a new monitor too) and back UP after `recover_after`
  consecutive successes, so one blip pages nobody. A new monitor is UP on its first success:
  there is no outage to confirm the end of. Only UP→DOWN / PENDING→DOWN (`down`) and DOWN→UP
  (`up`) are transitions; PENDING→UP is silent.
- An outage starts at its first failing check (`down_since`) and ends at the first passing
  check of the run that recovered it: that span is the `up` transition's `duration`.
- While DOWN and not acknowledged, a `reminder` is due `repeat` after the `down` or the latest
  reminder; whichever of `step`/`tick` first sees it due sends one (a long gap sends one, not
  a burst). A reminder waits while the latest check passed (the monitor is recovering) and
  goes with the next failure, if any. Acknowledging stops reminders for this outage; the next
  outage starts unacknowledged.
- Snoozes and maintenance windows silence notifications, never the checks: state changes and
  transitions are produced as usual, with `notify=False`. When the last silence ends while the
  monitor is down and unacknowledged, a reminder goes out at once (the team may never have
  heard of this outage) and the usual cadence resumes from there.
- Certificate warnings: one per threshold per certificate, and only when the threshold crossed
  is lower than every threshold already warned for this certificate (22 → 12 days warns once,
  for 14; 21 is never sent). A new fingerprint starts over. Other warnings (no threshold) are
  sent when their text differs from the previous check's warning. Warnings never count as
  failures; an expired certificate fails the check itself.
- A paused monitor is frozen: `step` and `tick` change nothing. Pausing ends outage tracking
  (no `up` follows for an outage open at the time); `resume` starts over from PENDING.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from commands import wording
from commands.monitors.spec import CheckResult
from commands.text import user


class MonitorStatus(StrEnum):
    PENDING = "pending"  # no verdict yet: a new or just-resumed monitor
    UP = "up"
    DOWN = "down"
    PAUSED = "paused"
    MAINTENANCE = "maintenance"


class TransitionKind(StrEnum):
    DOWN = "down"
    UP = "up"
    WARNING = "warning"
    REMINDER = "reminder"


class NotDown(ValueError):
    """Raised by `acknowledge()` when there is no open outage to acknowledge."""


@dataclass(frozen=True)
class Policy:
    fail_after: int = 3  # N consecutive failures make an outage
    recover_after: int = 2  # M consecutive successes end it
    repeat: timedelta = timedelta(hours=4)  # reminder cadence while down and unacknowledged

    def __post_init__(self) -> None:
        if self.fail_after < 1 or self.recover_after < 1:
            raise ValueError("fail_after and recover_after must be at least 1")
        if self.repeat <= timedelta(0):
            raise ValueError("repeat must be positive")


@dataclass(frozen=True)
class Transition:
    """Something that happened, to store as an event row and, if `notify`, to deliver.

    `detail`: down → the failing value; up → the recovery value; reminder → the latest failing
    value; warning → the warning. `duration`: up → how long the outage lasted; reminder → how
    long it has lasted so far. `threshold`: the certificate threshold (days) a warning is for.
    """

    kind: TransitionKind
    detail: str
    notify: bool
    duration: timedelta | None = None
    threshold: int | None = None


@dataclass(frozen=True)
class MonitorState:
    verdict: MonitorStatus = MonitorStatus.PENDING  # what the checks say: PENDING, UP or DOWN
    consecutive_failures: int = 0
    consecutive_successes: int = 0
    streak_since: datetime | None = None  # when the current run of failures/successes began
    last_detail: str | None = None  # the latest check's detail
    failure_detail: str | None = None  # the latest failing check's detail
    down_since: datetime | None = None  # the first failing check of the open outage
    last_alert_at: datetime | None = None  # the open outage's `down` or latest reminder
    acknowledged_by: str | None = None  # the open outage's acknowledgement, if any
    ack_reason: str | None = None
    acknowledged_at: datetime | None = None
    snoozed_until: datetime | None = None  # notifications silenced until then
    maintenance_until: datetime | None = None
    cert_fingerprint: str | None = None
    cert_warned: frozenset[int] = frozenset()  # thresholds warned for this certificate
    last_warning: str | None = None  # the previous check's warning
    paused: bool = False

    @property
    def status(self) -> MonitorStatus:
        """What to show: PAUSED, MAINTENANCE while a window is open, else the verdict."""
        if self.paused:
            return MonitorStatus.PAUSED
        if self.maintenance_until is not None:
            return MonitorStatus.MAINTENANCE
        return self.verdict

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_by is not None


def silenced(state: MonitorState, now: datetime) -> bool:
    """True while a snooze or a maintenance window silences notifications."""
    return any(until is not None and now < until for until in _windows(state))


def step(
    state: MonitorState, result: CheckResult, *, policy: Policy, now: datetime
) -> tuple[MonitorState, list[Transition]]:
    """Apply one check result at `now`. A paused monitor is returned unchanged."""
    if state.paused:
        return state, []
    state, silence_ended = _expire(state, now)
    state, transitions = _apply_result(state, result, policy, now)
    if not transitions:  # a `down` or `up` just now says more than a reminder
        state, transitions = _remind(state, policy, now, silence_ended)
    state, warnings = _apply_warning(state, result, now)
    return state, transitions + warnings


def tick(
    state: MonitorState, *, policy: Policy, now: datetime
) -> tuple[MonitorState, list[Transition]]:
    """Let time pass to `now` without a check: end expired silences, send a due reminder."""
    if state.paused:
        return state, []
    state, silence_ended = _expire(state, now)
    return _remind(state, policy, now, silence_ended)


def pause(state: MonitorState) -> MonitorState:
    """Stop evaluating: the caller stops running checks; `step` and `tick` become no-ops."""
    return replace(state, paused=True)


def resume(state: MonitorState) -> MonitorState:
    """Evaluate afresh from PENDING. Snoozes, windows and certificate warnings are kept."""
    if not state.paused:
        return state
    return replace(
        MonitorState(),
        last_detail=state.last_detail,
        snoozed_until=state.snoozed_until,
        maintenance_until=state.maintenance_until,
        cert_fingerprint=state.cert_fingerprint,
        cert_warned=state.cert_warned,
        last_warning=state.last_warning,
    )


def acknowledge(state: MonitorState, *, by: str, reason: str | None, now: datetime) -> MonitorState:
    """Acknowledge the open outage: no more reminders for it. Raises NotDown without one.

    Acknowledging again replaces the previous acknowledgement."""
    if state.paused or state.verdict is not MonitorStatus.DOWN:
        raise NotDown("the monitor is not down")
    return replace(state, acknowledged_by=by, ack_reason=reason or None, acknowledged_at=now)


def snooze(state: MonitorState, *, until: datetime, now: datetime) -> MonitorState:
    """Silence notifications until `until` (replacing any snooze). Raises ValueError if past."""
    if until <= now:
        raise ValueError("a snooze must end in the future")
    return replace(state, snoozed_until=until)


def maintenance(state: MonitorState, *, until: datetime, now: datetime) -> MonitorState:
    """Open a maintenance window from now to `until` (replacing any). Raises ValueError if
    past. The status shows MAINTENANCE; checks go on and notifications are silenced."""
    if until <= now:
        raise ValueError("a maintenance window must end in the future")
    return replace(state, maintenance_until=until)


def end_snooze(
    state: MonitorState, *, policy: Policy, now: datetime
) -> tuple[MonitorState, list[Transition]]:
    """End the snooze now, exactly as if it had run out (see `tick`)."""
    if state.snoozed_until is not None and state.snoozed_until > now:
        state = replace(state, snoozed_until=now)
    return tick(state, policy=policy, now=now)


def end_maintenance(
    state: MonitorState, *, policy: Policy, now: datetime
) -> tuple[MonitorState, list[Transition]]:
    """Close the maintenance window now, exactly as if it had run out (see `tick`)."""
    if state.maintenance_until is not None and state.maintenance_until > now:
        state = replace(state, maintenance_until=now)
    return tick(state, policy=policy, now=now)


def describe(state: MonitorState, now: datetime) -> str:
    """One line for `/ready monitor show`, e.g. "down for 2 h 13 min: GET /health returned 503
    in 2.1 s; acknowledged by <user> (reason)". Plain text with `commands.text.user` markers."""
    if state.paused:
        return "paused"
    text = _describe_verdict(state, now)
    if state.maintenance_until is not None and now < state.maintenance_until:
        text = (
            f"in maintenance for another {wording.duration(state.maintenance_until - now)}; {text}"
        )
    if state.snoozed_until is not None and now < state.snoozed_until:
        text += f"; notifications snoozed for another {wording.duration(state.snoozed_until - now)}"
    return text


# -- the rules ------------------------------------------------------------------------------


def _windows(state: MonitorState) -> tuple[datetime | None, datetime | None]:
    return state.snoozed_until, state.maintenance_until


def _expire(state: MonitorState, now: datetime) -> tuple[MonitorState, bool]:
    """Clear silences that have run out; say whether the last one just ended."""
    was_silenced = any(until is not None for until in _windows(state))
    if state.snoozed_until is not None and now >= state.snoozed_until:
        state = replace(state, snoozed_until=None)
    if state.maintenance_until is not None and now >= state.maintenance_until:
        state = replace(state, maintenance_until=None)
    return state, was_silenced and not silenced(state, now)


def _apply_result(
    state: MonitorState, result: CheckResult, policy: Policy, now: datetime
) -> tuple[MonitorState, list[Transition]]:
    notify = not silenced(state, now)
    if result.ok:
        successes = state.consecutive_successes + 1
        since = state.streak_since if state.consecutive_successes else now
        state = replace(
            state,
            consecutive_failures=0,
            consecutive_successes=successes,
            streak_since=since,
            last_detail=result.detail,
        )
        if state.verdict is MonitorStatus.PENDING:
            return replace(state, verdict=MonitorStatus.UP), []
        if state.verdict is MonitorStatus.DOWN and successes >= policy.recover_after:
            down_since = state.down_since or since or now
            up = Transition(
                TransitionKind.UP, result.detail, notify, duration=(since or now) - down_since
            )
            return replace(_without_outage(state), verdict=MonitorStatus.UP), [up]
        return state, []

    failures = state.consecutive_failures + 1
    since = state.streak_since if state.consecutive_failures else now
    state = replace(
        state,
        consecutive_failures=failures,
        consecutive_successes=0,
        streak_since=since,
        last_detail=result.detail,
        failure_detail=result.detail,
    )
    if state.verdict is not MonitorStatus.DOWN and failures >= policy.fail_after:
        state = replace(
            _without_outage(state), verdict=MonitorStatus.DOWN, down_since=since, last_alert_at=now
        )
        return state, [Transition(TransitionKind.DOWN, result.detail, notify)]
    return state, []


def _without_outage(state: MonitorState) -> MonitorState:
    return replace(
        state,
        down_since=None,
        last_alert_at=None,
        acknowledged_by=None,
        ack_reason=None,
        acknowledged_at=None,
    )


def _remind(
    state: MonitorState, policy: Policy, now: datetime, silence_ended: bool
) -> tuple[MonitorState, list[Transition]]:
    if state.verdict is not MonitorStatus.DOWN or state.acknowledged:
        return state, []
    due = state.last_alert_at is None or now >= state.last_alert_at + policy.repeat
    if not (due or silence_ended):
        return state, []
    if state.consecutive_successes:
        # The latest check passed: "still down" would mislead, and the `up` may be a check
        # away. Wait for the next failure; an owed catch-up stays owed (None is due at once).
        return (replace(state, last_alert_at=None) if silence_ended else state), []
    duration = now - state.down_since if state.down_since is not None else None
    notify = not silenced(state, now)
    reminder = Transition(TransitionKind.REMINDER, state.failure_detail or "", notify, duration)
    return replace(state, last_alert_at=now), [reminder]


def _apply_warning(
    state: MonitorState, result: CheckResult, now: datetime
) -> tuple[MonitorState, list[Transition]]:
    if result.fingerprint is not None and result.fingerprint != state.cert_fingerprint:
        state = replace(state, cert_fingerprint=result.fingerprint, cert_warned=frozenset())
    previous, state = state.last_warning, replace(state, last_warning=result.warning)
    if result.warning is None:
        return state, []
    threshold = result.warn_threshold
    if threshold is None:
        if result.warning == previous:
            return state, []
    elif state.cert_warned and threshold >= min(state.cert_warned):
        return state, []
    else:
        state = replace(state, cert_warned=state.cert_warned | {threshold})
    notify = not silenced(state, now)
    return state, [Transition(TransitionKind.WARNING, result.warning, notify, threshold=threshold)]


def _describe_verdict(state: MonitorState, now: datetime) -> str:
    detail = state.last_detail or ""
    if state.verdict is MonitorStatus.DOWN:
        since = state.down_since or now
        text = f"down for {wording.duration(now - since)}: {state.failure_detail or ''}"
        if state.consecutive_successes:
            text += f" (recovering: the last {_checks(state.consecutive_successes)} passed)"
        if state.acknowledged_by is not None:
            text += f"; acknowledged by {user(state.acknowledged_by)}"
            text += f" ({state.ack_reason})" if state.ack_reason else ""
        return text
    if state.verdict is MonitorStatus.UP:
        if state.consecutive_failures:
            return f"up, but the last {_checks(state.consecutive_failures)} failed: {detail}"
        return f"up: {detail}"
    if state.consecutive_failures:
        return f"pending: the last {_checks(state.consecutive_failures)} failed: {detail}"
    return "pending: no check yet"


def _checks(count: int) -> str:
    return "check" if count == 1 else f"{count} checks"
