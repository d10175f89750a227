"""Backup monitor check: the newest file matching a glob must be recent and big enough.

Only files inside the folders READYBOT_BACKUP_PATHS allows are looked at (see
scheduler.monitors.paths), and a result says only what the check needs: the newest file's
age and size, never its name or any other name in the folder.

Synchronous file-system work (a glob and stats); `checks.run_check` runs it in a thread so a
slow mount cannot stall the event loop.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from commands.monitors.spec import BackupSpec, CheckResult
from scheduler.monitors.checks.wording import age, size
from scheduler.monitors.paths import BackupRoots


def newest_match(pattern: str, roots: BackupRoots) -> tuple[str, os.stat_result] | None:
    """The regular file matching `pattern` inside `roots` with the latest mtime (ties: the
    greater path), or None."""
    newest: tuple[float, str, os.stat_result] | None = None
    for path, stat in roots.files(pattern):
        if newest is None or (stat.st_mtime, path) > newest[:2]:
            newest = (stat.st_mtime, path, stat)
    return None if newest is None else (newest[1], newest[2])


def check_backup(
    spec: BackupSpec, *, now: datetime, previous_size: int | None, roots: BackupRoots
) -> CheckResult:
    """Judge the newest backup at `now` (timezone-aware). Fails when the pattern is outside
    `roots`, nothing matches, or the newest file is older than `spec.max_age` or smaller than
    `spec.min_size`. `size` is the newest file's size; `warning` is set when it is under half
    of `previous_size`."""
    refused = roots.refusal(spec.pattern)
    if refused is not None:
        return CheckResult(ok=False, detail=f"not checked: {refused}", checked_at=now)
    found = newest_match(spec.pattern, roots)
    if found is None:
        return CheckResult(ok=False, detail=f"no file matches {spec.pattern}", checked_at=now)
    _path, stat = found
    modified = datetime.fromtimestamp(stat.st_mtime, UTC)
    old = now - modified
    facts = {"modified": modified.isoformat()}
    warning = None
    if previous_size and stat.st_size < previous_size / 2:
        share = int(stat.st_size * 100 / previous_size)
        warning = f"the newest backup is {share}% of the previous backup's size"
    if old > spec.max_age:
        ok, detail = False, f"newest backup is {age(old)} old (limit {age(spec.max_age)})"
    elif stat.st_size < spec.min_size:
        ok = False
        detail = f"newest backup is {size(stat.st_size)}, under the minimum {size(spec.min_size)}"
    else:
        ok, detail = (
            True,
            f"newest backup is {age(max(old, timedelta(0)))} old, {size(stat.st_size)}",
        )
    return CheckResult(
        ok=ok, detail=detail, checked_at=now, warning=warning, size=stat.st_size, facts=facts
    )
