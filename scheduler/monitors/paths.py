"""Where backup monitors may look: only under the folders READYBOT_BACKUP_PATHS names.

A backup pattern is a glob. `BackupRoots.refusal(pattern)` says, when a monitor is added,
why a pattern may not be watched: not absolute, `..` in it, or its fixed part (the folders
before the first wildcard), once symlinks are resolved, outside every allowed folder.
`BackupRoots.files(pattern)` lists, when the check runs, the regular files the pattern
matches whose real path (symlinks resolved) is inside an allowed folder; anything else is
skipped as if it did not exist, so a monitor cannot learn about files outside them. With no
folder allowed (the default), backup monitors watch nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from glob import has_magic, iglob

ENV_NAME = "READYBOT_BACKUP_PATHS"


class BackupRoots:
    """The folders backup monitors may look in, resolved once (symlinks followed)."""

    def __init__(self, roots: Iterable[str] = ()) -> None:
        resolved = []
        for root in roots:
            if not os.path.isabs(root):
                raise ValueError(f"{ENV_NAME}: {root!r} is not an absolute path")
            resolved.append(os.path.realpath(root))
        self.roots = tuple(dict.fromkeys(resolved))

    def __repr__(self) -> str:
        return f"BackupRoots({list(self.roots)!r})"

    def inside(self, path: str) -> bool:
        """Whether `path`, symlinks resolved, is one of the roots or below one."""
        real = os.path.realpath(path)
        return any(os.path.commonpath([root, real]) == root for root in self.roots)

    def refusal(self, pattern: str) -> str | None:
        """Why `pattern` may not be watched, naming the setting that decides; None if it may."""
        if not self.roots:
            return (
                f"backup monitors are off: {ENV_NAME} names no folder. An operator can set it "
                "to the folders backups are written to"
            )
        if not os.path.isabs(pattern):
            return "a backup pattern is an absolute path, e.g. /var/backups/db-*.sql.gz"
        if ".." in pattern.split("/"):
            return "a backup pattern may not contain `..`"
        if not self.inside(fixed_part(pattern)):
            allowed = ", ".join(self.roots)
            return (
                f"{pattern} is outside the folders backup monitors may watch ({ENV_NAME}: "
                f"{allowed}); an operator can add its folder there"
            )
        return None

    def files(self, pattern: str) -> Iterator[tuple[str, os.stat_result]]:
        """(real path, stat) of each regular file `pattern` matches inside the roots."""
        if self.refusal(pattern) is not None:
            return
        for match in iglob(pattern):
            real = os.path.realpath(match)
            if not self.inside(real):
                continue
            try:
                found = os.stat(real)
            except OSError:
                continue  # vanished between the glob and the stat
            if stat.S_ISREG(found.st_mode):
                yield real, found


def fixed_part(pattern: str) -> str:
    """The folders of `pattern` before its first wildcard: `/var/backups` for
    `/var/backups/db-*/dump.gz`; the parent folder of a pattern without wildcards."""
    parts = pattern.split("/")
    fixed: list[str] = []
    for part in parts[:-1]:
        if has_magic(part):
            break
        fixed.append(part)
    return "/".join(fixed) or "/"
