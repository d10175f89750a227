"""The deploy gate: "may we ship launch X now?", for pipelines.

A pipeline holds a bearer token scoped to one launch (`/ready launch token`: shown once,
stored as its SHA-256, rotatable, revocable). The answer is readybot's verdict and the
latest recorded decision; a policy may also require a GO decision from the last N hours.
The same answer serves the HTTP gate (bot.gate_api) and `readybot gate`. Every answer
given to a valid token is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from commands.audit import record
from commands.context import Context
from commands.decision.calls import load_override, load_record
from commands.errors import Conflict
from commands.launching import current_launch, local_today, view
from commands.permissions import require_launch_admin
from commands.replies import TokenReply
from commands.status import build_report
from commands.writes import writing
from storage import decisions, launches
from storage.engine import Session, Store
from storage.models import GateToken, Launch
from storage.vocabulary import Via

TOKEN_PREFIX = "rbg_"  # noqa: S105 - the prefix marks gate tokens; it is no secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def gate_path(launch_id: int) -> str:
    return f"/api/v1/launches/{launch_id}/gate"


def token_command(store: Store, ctx: Context, *, action: str) -> TokenReply:
    """`launch token` (create, or show the current one's hint), `rotate`, `revoke`."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        require_launch_admin(ctx, launch, action=f"manage {launch.name}'s deploy-gate token")
        current = decisions.active_token(session, launch_id=launch.id)
        shown = view(session, launch)
        path = gate_path(launch.id)
        if action == "revoke":
            if current is None:
                raise Conflict(f"{launch.name} has no gate token to revoke.")
            decisions.revoke_tokens(session, launch_id=launch.id, now=ctx.now)
            record(
                session,
                ctx,
                launch_id=launch.id,
                action="gate.token",
                note=f"revoked {current.hint}…",
            )
            return TokenReply(shown, "revoked", hint=current.hint, gate_path=path)
        if action == "show" and current is not None:
            return TokenReply(
                shown, "shown", hint=current.hint, created_at=current.created_at, gate_path=path
            )
        rotated = current is not None
        decisions.revoke_tokens(session, launch_id=launch.id, now=ctx.now)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        decisions.add_token(
            session,
            token=GateToken(
                team_id=ctx.team_id,
                launch_id=launch.id,
                token_hash=hash_token(token),
                hint=token[:10],
                created_by=ctx.user_id,
                created_at=ctx.now,
            ),
        )
        # The audit log names the token by its first characters, never whole.
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="gate.token",
            note=("rotated: " if rotated else "created: ") + f"{token[:10]}…",
        )
        return TokenReply(
            shown,
            "rotated" if rotated else "created",
            token=token,
            hint=token[:10],
            created_at=ctx.now,
            gate_path=path,
        )


@dataclass(frozen=True)
class GateAnswer:
    status: int  # 200 GO, 409 not GO, 401 no or wrong token, 403 another launch's token
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def go(self) -> bool:
        return self.status == 200


UNAUTHORIZED = GateAnswer(401, {"error": "unauthorized"})
FORBIDDEN = GateAnswer(403, {"error": "forbidden"})


def slug(name: str) -> str:
    """`Checkout v2` → `checkout-v2`: how a launch is named in a URL."""
    return re.sub(r"[^\w]+", "-", name.casefold()).strip("-")


def _launch_matches(launch: Launch, ref: str) -> bool:
    """The launch's id, its name, or its name as a slug (`checkout-v2`)."""
    ref = ref.strip()
    if ref.isdigit():
        return launch.id == int(ref)
    return launches.name_key(ref) == launch.name_key or slug(ref) == slug(launch.name)


def verify(session: Session, token: str | None) -> GateToken | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = decisions.token_by_hash(session, token_hash=hash_token(token))
    # The lookup is by hash already; compare again in constant time for good measure.
    if found is None or not hmac.compare_digest(found.token_hash, hash_token(token)):
        return None
    return found


def answer_for_token(
    store: Store, *, token: str | None, launch_ref: str, now: datetime, within_hours: float | None
) -> tuple[GateAnswer, GateToken | None]:
    """The gate's answer to an HTTP caller: 401 and 403 reveal nothing about the launch."""
    with store.write() as session:
        found = verify(session, token)
        if found is None:
            return UNAUTHORIZED, None
        launch = launches.get_launch(session, launch_id=found.launch_id)
        if launch is None:
            return UNAUTHORIZED, None
        ctx = Context(
            team_id=launch.team_id,
            user_id=f"gate:{found.hint}",
            channel_id=None,
            via=Via.GATE,
            now=now,
        )
        if not _launch_matches(launch, launch_ref):
            record(
                session,
                ctx,
                launch_id=launch.id,
                action="gate.checked",
                note=f"403: this launch's token used for {launch_ref[:60]!r}",
            )
            return FORBIDDEN, found
        given = answer(session, ctx, launch, within_hours=within_hours)
        decisions.touch_token(session, token_id=found.id or 0, now=now)
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="gate.checked",
            note=f"{given.status} {given.body.get('verdict')}",
        )
        return given, found


def answer(
    session: Session, ctx: Context, launch: Launch, *, within_hours: float | None
) -> GateAnswer:
    """200 when the verdict is GO (or GO with conditions) and, with `within_hours`, a GO
    decision was recorded in that many hours; 409 with the reasons otherwise."""
    assert launch.id is not None
    report, _ = build_report(session, ctx, launch, local_today(ctx, launch))
    verdict = report.verdict
    call = decisions.latest_closed_call(session, launch_id=launch.id)
    found = load_record(call) if call else None
    decision: dict[str, Any] | None = None
    if call is not None and found is not None:
        override = load_override(call)
        decision = {
            "decision": found.final(override),
            "decided_at": found.decided_at.isoformat(),
            "call": found.call_id,
            "overridden": override is not None,
            "team": found.team,
        }
    body: dict[str, Any] = {
        "launch": launch.name,
        "launch_id": launch.id,
        "verdict": verdict.label,
        "score": report.score.percent,
        "bar": launch.bar,
        "reasons": list(verdict.why),
        "decision": decision,
        "checked_at": ctx.now.isoformat(),
    }
    if not verdict.go:
        return GateAnswer(409, body)
    if within_hours is not None:
        body["policy"] = f"a GO decision in the last {within_hours:g} h"
        recent = (
            decision is not None
            and decision["decision"] == "GO"
            and found is not None
            and ctx.now - found.decided_at <= timedelta(hours=within_hours)
        )
        if not recent:
            body["reasons"] = [
                *body["reasons"],
                f"no GO decision recorded in the last {within_hours:g} h"
                + ("" if decision is None else f" (latest: {decision['decision']})"),
            ]
            return GateAnswer(409, body)
    return GateAnswer(200, body)


def answer_for_operator(store: Store, ctx: Context, *, within_hours: float | None) -> GateAnswer:
    """`readybot gate`: the same answer, for a pipeline next to the database."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx)
        found = answer(session, ctx, launch, within_hours=within_hours)
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="gate.checked",
            note=f"{found.status} {found.body.get('verdict')} (command line)",
        )
        return found
