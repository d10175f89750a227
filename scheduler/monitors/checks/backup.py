"""Backup monitor check: the newest file matching a glob must be recent and big enough.

Synchronous file-system work (a glob and stats); `checks.run_check` runs it in a thread so a
slow mount cannot stall the event loop.
"""

from __future__ import annotations

import glob
import os
from datetime import UTC, datetime, timedelta

from commands.monitors.spec import BackupSpec, CheckResult
from scheduler.monitors.checks.wording import age, size


def newest_match(pattern: str) -> tuple[str, os.stat_result] | None:
    """The regular file matching `pattern` with the latest mtime (ties: the greater path),
    or None. A file that vanishes between the glob and its stat is skipped."""
    newest: tuple[float, str, os.stat_result] | None = None
    for path in glob.iglob(pattern):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if not os.path.isfile(path):
            continue
        if newest is None or (stat.st_mtime, path) > newest[:2]:
            newest = (stat.st_mtime, path, stat)
    return None if newest is None else (newest[1], newest[2])


def check_backup(spec: BackupSpec, *, now: datetime, previous_size: int | None) -> CheckResult:
    """Judge the newest backup at `now` (timezone-aware). Fails when nothing matches, the
    newest file is older than `spec.max_age` or smaller than `spec.min_size`. `size` is the
    newest file's size; `warning` is set when it is under half of `previous_size`."""
    found = newest_match(spec.pattern)
    if found is None:
        return CheckResult(ok=False, detail=f"no file matches {spec.pattern}", checked_at=now)
    path, stat = found
    name = os.path.basename(path)
    modified = datetime.fromtimestamp(stat.st_mtime, UTC)
    old = now - modified
    facts = {"path": path, "modified": modified.isoformat()}
    warning = None
    if previous_size and stat.st_size < previous_size / 2:
        share = int(stat.st_size * 100 / previous_size)
        warning = f"{name} is {share}% of the previous backup's size"
    if old > spec.max_age:
        ok, detail = False, f"newest backup {name} is {age(old)} old (limit {age(spec.max_age)})"
    elif stat.st_size < spec.min_size:
        ok = False
        detail = (
            f"newest backup {name} is {size(stat.st_size)}, under the minimum {size(spec.min_size)}"
        )
    else:
        ok, detail = (
            True,
            f"newest backup {name} is {age(max(old, timedelta(0)))} old, {size(stat.st_size)}",
        )
    return CheckResult(
        ok=ok, detail=detail, checked_at=now, warning=warning, size=stat.st_size, facts=facts
    )
