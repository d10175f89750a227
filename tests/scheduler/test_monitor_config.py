"""Monitors declared in YAML: validated like commands, applied idempotently."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from scheduler.monitors.config import ConfigError, apply_config, parse_config, vet_config
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.paths import BackupRoots
from scheduler.monitors.vet import Vetter
from storage.models import Monitor
from tests.commands.helpers import ok
from tests.conftest import make_ctx

FILE = """
monitors:
  - launch: Checkout
    http: https://api.example.com/health
    item: SSL
    every: 1m
    within: 500ms
  - launch: checkout
    cert: api.example.com
    warn: [21, 14, 7]
"""


def test_every_problem_in_the_file_is_listed() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(
            "monitors:\n  - launch: A\n    http: ftp://x\n  - http: https://x\n  - launch: B\n"
            "    cert: ok.example\n    colour: red\n"
        )
    message = str(err.value)
    assert "3 problem(s)" in message and "monitor 1 (A)" in message and "needs `launch:`" in message
    assert "colour" in message


def test_applying_adds_then_updates_then_removes(store) -> None:
    ctx = make_ctx("alice", channel="C0LAUNCH")
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL")
    now = datetime.now(UTC)
    assert apply_config(store, parse_config(FILE), now=now) == (2, 0, 0)
    assert apply_config(store, parse_config(FILE), now=now) == (0, 0, 0)
    assert apply_config(store, parse_config(FILE.replace("every: 1m", "every: 5m")), now=now) == (
        0,
        1,
        0,
    )
    first_only = FILE.replace("every: 1m", "every: 5m").split("  - launch: checkout")[0]
    assert apply_config(store, parse_config(first_only), now=now) == (0, 0, 1)
    with store.read() as session:
        [mon] = session.exec(select(Monitor)).scalars().all()
    assert (mon.interval_seconds, mon.source, mon.channel_id) == (300, "config", "C0LAUNCH")


def test_an_unknown_launch_is_refused(store) -> None:
    with pytest.raises(ConfigError, match="no launch called"):
        apply_config(store, parse_config(FILE), now=datetime.now(UTC))


def test_a_file_aiming_at_refused_targets_is_refused_listing_each() -> None:
    declared = parse_config(
        "monitors:\n  - launch: A\n    http: http://10.1.2.3/health\n"
        "  - launch: A\n    backup: /etc/shadow\n  - launch: A\n    cert: 1.1.1.1\n"
    )
    vet = Vetter(AddressPolicy(), BackupRoots(["/var/backups"]))
    with pytest.raises(ConfigError) as err:
        vet_config(declared, vet, source="monitors.yml")
    message = str(err.value)
    assert "2 problem(s)" in message
    assert "READYBOT_MONITOR_ALLOW=10.1.2.3/32" in message
    assert "/etc/shadow is outside the folders" in message
