"""The monitor data shared with commands (kept there so commands never import scheduler)."""

from commands.monitor_spec import (  # noqa: F401
    BackupSpec,
    CertSpec,
    CheckResult,
    HeartbeatSpec,
    HttpSpec,
    Kind,
    Spec,
)
