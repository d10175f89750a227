"""check_backup over real files in tmp_path, aged with os.utime."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commands.monitors.spec import BackupSpec
from scheduler.monitors.checks.backup import check_backup

NOW = datetime(2025, 4, 13, 6, 0, tzinfo=UTC)


def backup(directory: Path, name: str, *, hours_old: float, size: int = 1000) -> Path:
    path = directory / name
    path.write_bytes(b"x" * size)
    mtime = (NOW - timedelta(hours=hours_old)).timestamp()
    os.utime(path, (mtime, mtime))
    return path


def spec(directory: Path, **kw: object) -> BackupSpec:
    return BackupSpec(str(directory / "db-*.sql.gz"), **kw)  # type: ignore[arg-type]


def test_a_recent_backup_is_ok_and_its_size_is_kept(tmp_path: Path) -> None:
    backup(tmp_path, "db-0412.sql.gz", hours_old=27)
    backup(tmp_path, "db-0413.sql.gz", hours_old=3, size=2048)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert result.ok
    assert result.detail == "newest backup db-0413.sql.gz is 3 h old, 2.0 KiB"
    assert result.size == 2048
    assert result.checked_at == NOW
    assert result.warning is None


def test_the_newest_file_is_chosen_by_mtime_not_by_name(tmp_path: Path) -> None:
    backup(tmp_path, "db-9999.sql.gz", hours_old=40)
    backup(tmp_path, "db-0001.sql.gz", hours_old=1)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert result.ok
    assert "db-0001.sql.gz" in result.detail


def test_no_matching_file_is_a_failure_naming_the_pattern(tmp_path: Path) -> None:
    backup(tmp_path, "other.txt", hours_old=1)
    (tmp_path / "db-dir.sql.gz").mkdir()  # a directory is not a backup

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert not result.ok
    assert result.detail == f"no file matches {tmp_path}/db-*.sql.gz"
    assert result.size is None


def test_a_backup_older_than_the_limit_is_a_failure_saying_how_old(tmp_path: Path) -> None:
    backup(tmp_path, "db-0412.sql.gz", hours_old=31)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert not result.ok
    assert result.detail == "newest backup db-0412.sql.gz is 1 d 7 h old (limit 1 d 2 h)"


def test_a_backup_smaller_than_the_minimum_is_a_failure(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=1, size=0)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert not result.ok
    assert result.detail == "newest backup db-0413.sql.gz is 0 bytes, under the minimum 1 byte"
    assert result.size == 0


def test_a_backup_under_half_the_previous_size_warns_but_passes(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=2, size=480)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=1000)

    assert result.ok
    assert result.warning == "db-0413.sql.gz is 48% of the previous backup's size"


def test_a_backup_at_half_the_previous_size_does_not_warn(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=2, size=500)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=1000)

    assert result.warning is None


def test_ages_under_an_hour_and_over_three_days_read_naturally(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=0.5)
    fresh = check_backup(spec(tmp_path), now=NOW, previous_size=None)
    backup(tmp_path, "db-0413.sql.gz", hours_old=24 * 4.5)
    stale = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert fresh.detail.startswith("newest backup db-0413.sql.gz is 30 min old")
    assert stale.detail == "newest backup db-0413.sql.gz is 4 d 12 h old (limit 1 d 2 h)"
