"""Monitor targets stay under the operator's control, through `readybot serve`: a member who
made a launch (and so owns it) cannot turn a backup monitor into a probe of the server's
files, nor aim a monitor at an address the outbound policy refuses."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from storage.models import Monitor
from tests.bot.harness import CHANNEL, serve


def monitors(store) -> int:
    with store.read() as session:
        return session.execute(select(func.count()).select_from(Monitor)).scalar_one()


def answer(served, text: str) -> str:
    reply = served.command(text, response_url=served.fake.response_url("m")).json()
    if reply["text"].startswith("⏳"):
        return served.fake.wait_for_response("m")[0]["text"]
    return reply["text"]


@pytest.mark.parametrize("pattern", ["/etc/shadow", "/etc/*", "/etc/pass*", "/root/.ssh/id_*"])
def test_a_backup_monitor_on_etc_is_refused_when_added_and_reveals_nothing(
    store, fake, tmp_path, pattern
) -> None:
    with serve(store, fake, READYBOT_BACKUP_PATHS=str(tmp_path)) as served:
        served.command("launch new Probe")  # any member may make a launch, and owns it
        text = answer(served, f"monitor add backup {pattern}")
        assert "will not monitor" in text and "READYBOT_BACKUP_PATHS" in text
        assert "bytes" not in text and " old" not in text
    assert monitors(store) == 0


def test_backup_monitors_are_off_until_an_operator_names_their_folders(store, fake) -> None:
    with serve(store, fake) as served:
        served.command("launch new Probe")
        text = answer(served, "monitor add backup /var/backups/db-*.sql.gz")
        assert "backup monitors are off: READYBOT_BACKUP_PATHS names no folder" in text
    assert monitors(store) == 0


def test_a_backup_under_an_allowed_folder_is_watched_by_age_and_size_only(
    store, fake, tmp_path
) -> None:
    dump = tmp_path / "db-0413.sql.gz"
    dump.write_bytes(b"x" * 2048)
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).timestamp()
    os.utime(dump, (hour_ago, hour_ago))
    with serve(store, fake, READYBOT_BACKUP_PATHS=str(tmp_path)) as served:
        served.command("launch new Checkout")
        added = answer(served, f"monitor add backup {tmp_path}/db-*.sql.gz every 1h")
        assert "✓ Monitor 1" in added
        tested = answer(served, "monitor test 1")
        assert "newest backup is 1 h old, 2.0 KiB" in tested
        assert "db-0413" not in tested


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://10.0.0.5/health", "allow it with READYBOT_MONITOR_ALLOW=10.0.0.5/32"),
        ("http://2130706433/health", "127.0.0.1, a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::ffff:127.0.0.1]:8080/", "IPv4-mapped 127.0.0.1"),
        ("http://localhost/health", "localhost resolves to"),
        ("cert 192.168.1.10", "allow it with READYBOT_MONITOR_ALLOW=192.168.1.10/32"),
    ],
)
def test_a_monitor_aimed_at_a_refused_address_fails_when_added_with_the_reason(
    store, fake, target, reason
) -> None:
    with serve(store, fake) as served:
        served.command("launch new Probe", channel=CHANNEL)
        text = answer(served, f"monitor add {target}")
        assert "will not monitor" in text and reason in text, text
    assert monitors(store) == 0


def test_an_allowed_private_address_is_accepted(store, fake) -> None:
    with serve(store, fake, READYBOT_MONITOR_ALLOW="10.0.0.0/8") as served:
        served.command("launch new Internal")
        assert "✓ Monitor 1" in answer(served, "monitor add http://10.0.0.5/health every 1h")
    assert monitors(store) == 1
