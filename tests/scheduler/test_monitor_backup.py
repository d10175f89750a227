"""check_backup over real files in tmp_path, aged with os.utime: only under the allowed
folders, and saying nothing but the newest file's age and size."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commands.monitors.spec import BackupSpec
from scheduler.monitors.checks.backup import check_backup as check
from scheduler.monitors.paths import BackupRoots

NOW = datetime(2025, 4, 13, 6, 0, tzinfo=UTC)


def backup(directory: Path, name: str, *, hours_old: float, size: int = 1000) -> Path:
    path = directory / name
    path.write_bytes(b"x" * size)
    mtime = (NOW - timedelta(hours=hours_old)).timestamp()
    os.utime(path, (mtime, mtime))
    return path


def spec(directory: Path, **kw: object) -> BackupSpec:
    return BackupSpec(str(directory / "db-*.sql.gz"), **kw)  # type: ignore[arg-type]


def check_backup(spec: BackupSpec, *, now: datetime, previous_size: int | None, roots=None):
    """The check with the folder under test allowed (READYBOT_BACKUP_PATHS)."""
    allowed = roots or BackupRoots([str(Path(spec.pattern).parent)])
    return check(spec, now=now, previous_size=previous_size, roots=allowed)


def test_a_recent_backup_is_ok_and_its_size_is_kept(tmp_path: Path) -> None:
    backup(tmp_path, "db-0412.sql.gz", hours_old=27)
    backup(tmp_path, "db-0413.sql.gz", hours_old=3, size=2048)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert result.ok
    assert result.detail == "newest backup is 3 h old, 2.0 KiB"
    assert result.size == 2048
    assert result.checked_at == NOW
    assert result.warning is None


def test_the_newest_file_is_chosen_by_mtime_not_by_name(tmp_path: Path) -> None:
    backup(tmp_path, "db-9999.sql.gz", hours_old=40)
    backup(tmp_path, "db-0001.sql.gz", hours_old=1)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert result.ok
    assert result.detail.startswith("newest backup is 1 h old")


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
    assert result.detail == "newest backup is 1 d 7 h old (limit 1 d 2 h)"


def test_a_backup_smaller_than_the_minimum_is_a_failure(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=1, size=0)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert not result.ok
    assert result.detail == "newest backup is 0 bytes, under the minimum 1 byte"
    assert result.size == 0


def test_a_backup_under_half_the_previous_size_warns_but_passes(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=2, size=480)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=1000)

    assert result.ok
    assert result.warning == "the newest backup is 48% of the previous backup's size"


def test_a_backup_at_half_the_previous_size_does_not_warn(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=2, size=500)

    result = check_backup(spec(tmp_path), now=NOW, previous_size=1000)

    assert result.warning is None


def test_ages_under_an_hour_and_over_three_days_read_naturally(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=0.5)
    fresh = check_backup(spec(tmp_path), now=NOW, previous_size=None)
    backup(tmp_path, "db-0413.sql.gz", hours_old=24 * 4.5)
    stale = check_backup(spec(tmp_path), now=NOW, previous_size=None)

    assert fresh.detail.startswith("newest backup is 30 min old")
    assert stale.detail == "newest backup is 4 d 12 h old (limit 1 d 2 h)"


# -- the allowed folders -------------------------------------------------------------------
def test_etc_is_not_probed_when_it_is_not_allowed(tmp_path: Path) -> None:
    allowed = BackupRoots([str(tmp_path)])
    for pattern in ("/etc/shadow", "/etc/*", "/etc/pass*"):
        result = check(BackupSpec(pattern), now=NOW, previous_size=None, roots=allowed)
        assert not result.ok and result.size is None and not result.facts
        assert result.detail.startswith("not checked: /etc/")
        assert "READYBOT_BACKUP_PATHS" in result.detail
        assert "shadow" not in result.detail.replace(pattern, "")  # nothing beyond the pattern
        assert not re.search(r"\d (bytes|KiB|MiB|GiB|min|h|d)\b", result.detail)


def test_no_folder_allowed_means_no_backup_is_looked_at(tmp_path: Path) -> None:
    backup(tmp_path, "db-0413.sql.gz", hours_old=1)
    result = check(spec(tmp_path), now=NOW, previous_size=None, roots=BackupRoots())
    assert not result.ok and result.size is None
    assert "backup monitors are off: READYBOT_BACKUP_PATHS names no folder" in result.detail


def test_a_symlink_out_of_the_allowed_folder_is_not_followed(tmp_path: Path) -> None:
    allowed, outside = tmp_path / "backups", tmp_path / "secret"
    allowed.mkdir()
    outside.mkdir()
    backup(outside, "db-0413.sql.gz", hours_old=1, size=776)
    (allowed / "db-0413.sql.gz").symlink_to(outside / "db-0413.sql.gz")
    (allowed / "db-link").symlink_to(outside, target_is_directory=True)
    roots = BackupRoots([str(allowed)])
    through_file = f"{allowed}/db-*.sql.gz"
    result = check(BackupSpec(through_file), now=NOW, previous_size=None, roots=roots)
    assert (result.ok, result.size) == (False, None)
    assert result.detail == f"no file matches {through_file}"
    through_folder = f"{allowed}/db-link/*"
    result = check(BackupSpec(through_folder), now=NOW, previous_size=None, roots=roots)
    assert (result.ok, result.size) == (False, None)
    assert result.detail.startswith(f"not checked: {through_folder} is outside the folders")


def test_dot_dot_cannot_climb_out_of_the_allowed_folder(tmp_path: Path) -> None:
    allowed = tmp_path / "backups"
    allowed.mkdir()
    backup(tmp_path, "db-0413.sql.gz", hours_old=1)
    roots = BackupRoots([str(allowed)])
    result = check(
        BackupSpec(f"{allowed}/../db-*.sql.gz"), now=NOW, previous_size=None, roots=roots
    )
    assert not result.ok and result.size is None
    assert result.detail == "not checked: a backup pattern may not contain `..`"


def test_a_symlinked_allowed_folder_is_resolved_once(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    backup(real, "db-0413.sql.gz", hours_old=1)
    roots = BackupRoots([str(tmp_path / "alias")])
    result = check(BackupSpec(f"{real}/db-*.sql.gz"), now=NOW, previous_size=None, roots=roots)
    assert result.ok
