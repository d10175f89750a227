"""Refuse a monitor when it is added, not only when it is checked.

`Vetter(draft)` gives the reason a new monitor may not be added, naming the setting that
would allow it, or None: an HTTP or certificate monitor whose host is an address the
outbound policy refuses (a literal such as 10.0.0.5 or 2130706433, or a name that resolves
to one now), a backup monitor outside READYBOT_BACKUP_PATHS. A name that does not resolve
yet is accepted: it may resolve later, and every check resolves and judges it again before
connecting (scheduler.monitors.net), so passing here is never a pass for later.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from commands.monitors.draft import MonitorDraft
from scheduler.monitors.net import AddressPolicy, Refused, Resolver, resolve_allowed
from scheduler.monitors.paths import BackupRoots

RESOLVE_SECONDS = 2.0


@dataclass(frozen=True)
class Vetter:
    policy: AddressPolicy
    roots: BackupRoots
    resolver: Resolver | None = None
    resolve_seconds: float = RESOLVE_SECONDS

    def __call__(self, draft: MonitorDraft) -> str | None:
        """The refusal for `draft`, or None. Blocking (it may resolve a name): call it from a
        worker thread, never from the event loop."""
        target = _host_port(draft)
        if draft.kind == "backup":
            return self.roots.refusal(str(draft.params["pattern"]))
        if target is None:
            return None
        return asyncio.run(self.address_refusal(*target))

    async def address_refusal(self, host: str, port: int) -> str | None:
        try:
            async with asyncio.timeout(self.resolve_seconds):
                await resolve_allowed(host, port, self.policy, resolver=self.resolver)
        except Refused as refused:
            return refused.reason
        except Exception:  # unresolvable or slow to resolve now: judged at every check
            return None
        return None


def _host_port(draft: MonitorDraft) -> tuple[str, int] | None:
    if draft.kind == "http":
        parts = urlsplit(str(draft.params["url"]))
        default = 443 if parts.scheme == "https" else 80
        return parts.hostname or "", parts.port or default
    if draft.kind == "cert":
        return str(draft.params["host"]), int(draft.params["port"])
    return None
