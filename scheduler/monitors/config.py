"""Monitors declared in a YAML file (READYBOT_MONITORS): configuration as code.

    monitors:
      - launch: Checkout v2          # the launch's name (and `team:` with several workspaces)
        http: https://api.example.com/health
        item: SSL
        every: 1m
        within: 500ms
        contains: ok
      - launch: Checkout v2
        cert: api.example.com
        warn: [21, 14, 7]

Every entry is validated exactly as `/ready monitor add` validates (commands.monitors.draft);
a file with any invalid entry is refused whole, with every problem listed. Applying the file
adds new monitors, updates changed ones and removes the file's monitors no longer in it;
monitors added with `/ready monitor add` are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from commands.errors import CommandError
from commands.items.find import find_item
from commands.monitors.draft import MonitorDraft, draft_from_mapping
from storage import launches
from storage import monitors as rows
from storage.engine import Session, Store
from storage.models import Launch, Monitor
from storage.vocabulary import is_slack_channel

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """The monitors file is invalid; the message lists every problem."""


@dataclass(frozen=True)
class Declared:
    launch: str
    team: str | None
    channel: str | None
    draft: MonitorDraft


def parse_config(text: str, *, source: str = "READYBOT_MONITORS") -> list[Declared]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source} is not valid YAML: {exc}") from None
    entries = data.get("monitors") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{source} must have a top-level `monitors:` list")
    problems, declared = [], []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("launch"):
            problems.append(
                f"monitor {number}: needs `launch:` (the launch's name) and one of http, cert, backup, "
                "heartbeat"
            )
            continue
        fields: dict[str, Any] = {k: v for k, v in entry.items() if k not in ("team",)}
        try:
            draft = draft_from_mapping(fields)
        except CommandError as exc:
            problems.append(f"monitor {number} ({entry.get('launch')}): {exc.message}")
            continue
        declared.append(
            Declared(str(entry["launch"]), entry.get("team"), entry.get("channel"), draft)
        )
    if problems:
        raise ConfigError(f"{source} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return declared


def load_config(path: Path) -> list[Declared]:
    return parse_config(path.read_text(encoding="utf-8"), source=str(path))


def vet_config(
    declared: list[Declared], vet: Callable[[MonitorDraft], str | None], *, source: str
) -> None:
    """Refuse the file, listing each problem, if any monitor in it targets what the outbound
    policy or READYBOT_BACKUP_PATHS refuses (exactly as `/ready monitor add` would)."""
    problems = [
        f"{entry.draft.name}: {refused}"
        for entry in declared
        if (refused := vet(entry.draft)) is not None
    ]
    if problems:
        raise ConfigError(f"{source} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))


def apply_config(store: Store, declared: list[Declared], *, now: datetime) -> tuple[int, int, int]:
    """(added, updated, removed). Raises ConfigError if a launch or item cannot be found."""
    added = updated = removed = 0
    with store.write() as session:
        wanted: set[tuple[int, str]] = set()
        for entry in declared:
            launch = _launch(session, entry)
            assert launch.id is not None
            item_id = None
            if entry.draft.item:
                try:
                    item_id, _ = find_item(
                        session, launch, entry.draft.item, split=False, verb="monitor"
                    )
                except CommandError as exc:
                    raise ConfigError(
                        f"{entry.draft.name}: item {entry.draft.item!r}: {exc.message}"
                    ) from None
            channel = entry.channel or next(
                (
                    c
                    for c in launches.channels_of(session, launch_id=launch.id)
                    if is_slack_channel(c)
                ),
                None,
            )
            wanted.add((launch.id, entry.draft.name))
            existing = rows.by_name(session, launch_id=launch.id, name=entry.draft.name)
            values: dict[str, Any] = {
                "kind": entry.draft.kind,
                "params": entry.draft.params,
                "item_id": item_id,
                "interval_seconds": entry.draft.interval,
                "fail_after": entry.draft.fail_after,
                "recover_after": entry.draft.recover_after,
                "channel_id": channel,
            }
            if existing is None:
                rows.add_monitor(
                    session,
                    monitor=Monitor(
                        team_id=launch.team_id,
                        launch_id=launch.id,
                        name=entry.draft.name,
                        source="config",
                        created_by="config",
                        created_at=now,
                        updated_at=now,
                        next_check_at=now,
                        **values,
                    ),
                )
                added += 1
            elif any(getattr(existing, k) != val for k, val in values.items()):
                for key, value in values.items():
                    setattr(existing, key, value)
                existing.updated_at = now
                updated += 1
        for stale in rows.from_config(session):
            if (stale.launch_id, stale.name) not in wanted:
                rows.delete_monitor(session, monitor=stale)
                removed += 1
    log.info("monitors file: %d added, %d updated, %d removed", added, updated, removed)
    return added, updated, removed


def _launch(session: Session, entry: Declared) -> Launch:
    found = [
        launch
        for launch in launches.launches_named(session, name=entry.launch)
        if entry.team is None or launch.team_id == entry.team
    ]
    if not found:
        raise ConfigError(f"{entry.draft.name}: there is no launch called {entry.launch!r}")
    if len(found) > 1:
        raise ConfigError(
            f"{entry.draft.name}: several workspaces have a launch {entry.launch!r}; add `team:`"
        )
    return found[0]
