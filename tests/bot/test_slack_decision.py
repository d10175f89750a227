"""Launch day through `readybot serve`, with signed requests and the fake Slack: sign-offs
that revoke themselves, the Go/No-Go call (votes, refusals, conditions, quorum, deadline,
disagreement, override), the recorded decision, and the deploy gate."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from sqlalchemy import select

from bot.render import decision as ui
from bot.render import ids
from bot.render.decision_blocks import ACTION_VOTE
from commands.decision.model import Choice
from storage.models import Event, GoNoGoCall, Item, Signoff, Vote
from tests.bot.harness import CHANNEL, eventually, serve
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault

ALICE, BOB, CAROL, DAVE, ADMIN = "U1ALICE", "U2BOB", "U3CAROL", "U4DAVE", "UADMIN"


@pytest.fixture
def served(store, fake):
    with serve(store, fake) as running:
        yield running


def alice(now: datetime | None = None):
    return make_ctx(ALICE, channel=CHANNEL, now=now or datetime.now(UTC))


def launch_with_owners(store, *, ready: bool) -> None:
    """Checkout, owned by alice: Security (bob) and Infra (carol), each with one item;
    `ready`: both done, so readybot's verdict is GO."""
    ok(store, alice(), "launch new Checkout")
    ok(store, alice(), "add Configure TLS #Security !critical")
    ok(store, alice(), "add Backups restored #Infra !high")
    ok(store, alice(), f"category Security owner <@{BOB}>")
    ok(store, alice(), f"category Infra owner <@{CAROL}>")
    if ready:
        ok(store, alice(), "done SEC-1 cert live")
        ok(store, alice(), "done INF-1 restore drill passed")


def answer(response: httpx.Response, fake: FakeSlack, name: str) -> str:
    body = response.json() if response.content else {}
    if body.get("text") and "Working on it" not in body["text"]:
        return json.dumps(body, ensure_ascii=False)
    return json.dumps(fake.wait_for_response(name)[-1], ensure_ascii=False)


def call_message(fake: FakeSlack) -> dict:
    return next(m for m in fake.posted(CHANNEL) if "gonogo_vote_go" in json.dumps(m["blocks"]))


def call_row(store) -> GoNoGoCall:
    with store.read() as session:
        return session.exec(select(GoNoGoCall).order_by(GoNoGoCall.id.desc())).scalars().first()


def audit(store, action: str) -> list[Event]:
    with store.read() as session:
        return list(session.exec(select(Event).where(Event.action == action)).scalars())


def vote_click(served, choice: Choice, user: str, message: dict, **kwargs):
    return served.click(
        ACTION_VOTE[choice],
        str(call_row(served.store).id),
        user=user,
        message=message,
        ephemeral=False,
        **kwargs,
    )


# -- sign-off ------------------------------------------------------------------------------


def test_a_signoff_revokes_itself_when_an_item_reopens_and_tells_the_signer(
    served, store, fake
) -> None:
    launch_with_owners(store, ready=True)
    signed = served.command("signoff Security: pen test report filed", user=BOB)
    assert "You signed off" in answer(signed, fake, "cmd1")
    refused = served.command("signoff Security", user=DAVE, response_url=fake.response_url("d"))
    assert "Only its owner" in answer(refused, fake, "d")

    served.command("reopen SEC-1", user=ALICE)
    dm = eventually(lambda: next(m for m in fake.posted(BOB) if "revoked" in m["text"]))
    assert "SEC-1 reopened" in dm["text"] and "Checkout" in dm["text"]
    again = next(
        e
        for blk in dm["blocks"]
        if blk["type"] == "actions"
        for e in blk["elements"]
        if e["text"]["text"] == "Sign off again"
    )
    assert audit(store, "signoff.revoked")[0].note.startswith("SEC-1 reopened")
    status = served.command("status", response_url=fake.response_url("s"))
    assert "Signed off 0 of 2" in answer(status, fake, "s")

    served.click(
        ids.ACTION_SIGN_OFF, again["value"], user=BOB, response_url=fake.response_url("again")
    )
    assert "You signed off" in json.dumps(fake.wait_for_response("again")[-1])
    with store.read() as session:
        standing = session.exec(select(Signoff).where(Signoff.revoked_at.is_(None))).scalars().all()
    assert [s.signer for s in standing] == [BOB]


def test_a_new_required_item_revokes_the_signoff_too(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    ok(store, make_ctx(CAROL, channel=CHANNEL, now=datetime.now(UTC)), "signoff Infra")
    ok(store, alice(), "add Failover tested #Infra")
    with store.read() as session:
        revoked = session.exec(select(Signoff)).scalars().one()
    assert revoked.revoked_at is not None and "new required item INF-2" in revoked.revoked_reason


# -- the call -------------------------------------------------------------------------------


def test_a_full_call_with_quorum_decides_go_and_posts_the_result_once(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    opened = served.command("gonogo quorum 2", user=ALICE, response_url=fake.response_url("o"))
    assert "posted in" in answer(opened, fake, "o")
    posted = eventually(lambda: call_message(fake))
    assert "Go/No-Go call" in json.dumps(posted["blocks"]) and "has not voted" in json.dumps(
        posted["blocks"]
    )

    vote_click(served, Choice.GO, BOB, posted)
    update = eventually(
        lambda: next(
            c.body for c in fake.calls_to("chat.update") if f"<@{BOB}> GO" in json.dumps(c.body)
        )
    )
    assert update["ts"] == posted["ts"]  # in place
    vote_click(served, Choice.GO, CAROL, posted)  # the quorum: 2 of 3

    result = eventually(
        lambda: next(
            c.body
            for c in fake.calls_to("chat.postMessage")
            if c.body.get("thread_ts") == posted["ts"] and "Decided" in json.dumps(c.body)
        )
    )
    assert "✅ GO" in json.dumps(result, ensure_ascii=False)
    closed = eventually(
        lambda: next(
            m
            for m in fake.posted(CHANNEL)
            if m["ts"] == posted["ts"] and "decided" in json.dumps(m["blocks"])
        )
    )
    assert "gonogo_vote_go" not in json.dumps(closed["blocks"])  # no buttons left
    for _ in range(3):
        served.deliver()
    results = [
        c for c in fake.calls_to("chat.postMessage") if c.body.get("thread_ts") == posted["ts"]
    ]
    assert len(results) == 1
    assert call_row(store).decision == "GO" and call_row(store).close_reason == "quorum"
    assert [e.after["choice"] for e in audit(store, "voted")] == ["go", "go"]


def test_a_vote_cast_while_the_call_is_still_being_posted_is_shown(served, store, fake) -> None:
    # The call is in the channel, but Slack's answer (its ts) has not reached readybot yet:
    # the vote's refresh waits for the post instead of being dropped.
    launch_with_owners(store, ready=True)
    served.deliver()  # the launch's own announcements first: the slow answer is the call's
    fake.fail("chat.postMessage", Fault(late=1.0))
    served.command("gonogo", user=ALICE)
    posted = eventually(lambda: call_message(fake))
    assert not fake.calls_to("chat.update")
    vote_click(served, Choice.GO, BOB, posted)
    updated = eventually(
        lambda: next(c for c in fake.calls_to("chat.update") if BOB in json.dumps(c.body))
    )
    assert updated.body["ts"] == posted["ts"]


def test_the_last_click_counts_and_a_non_voter_is_refused_privately(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    served.command("gonogo", user=ALICE)
    posted = eventually(lambda: call_message(fake))
    vote_click(served, Choice.GO, BOB, posted)
    eventually(lambda: next(c for c in fake.calls_to("chat.update") if BOB in json.dumps(c.body)))
    served.click(
        ACTION_VOTE[Choice.GO],
        str(call_row(store).id),
        user=DAVE,
        message=posted,
        ephemeral=False,
        response_url=fake.response_url("dave"),
    )
    refusal = json.dumps(fake.wait_for_response("dave")[-1])
    assert "Only the category owners and the launch owner vote" in refusal
    assert f"<@{ALICE}>" in refusal and f"<@{BOB}>" in refusal and f"<@{CAROL}>" in refusal
    served.click(
        ACTION_VOTE[Choice.NO_GO],
        str(call_row(store).id),
        user=BOB,
        message=posted,
        ephemeral=False,
    )
    opened = fake.wait_for("views.open")[-1].body["view"]
    assert opened["callback_id"] == ui.CALLBACK_NO_GO
    empty = served.submit(
        ui.CALLBACK_NO_GO,
        {ui.BLOCK_NO_GO: {ui.ACTION_NO_GO: {"value": " "}}},
        metadata=opened["private_metadata"],
        user=BOB,
    )
    assert empty.json()["response_action"] == "errors"
    served.submit(
        ui.CALLBACK_NO_GO,
        {ui.BLOCK_NO_GO: {ui.ACTION_NO_GO: {"value": "the rollback is untested"}}},
        metadata=opened["private_metadata"],
        user=BOB,
    )
    with store.read() as session:
        votes = session.exec(select(Vote)).scalars().all()
    assert [(v.voter, v.choice, v.changes) for v in votes] == [(BOB, "no_go", 1)]
    with store.read() as session:
        dave_votes = session.exec(select(Vote).where(Vote.voter == DAVE)).scalars().all()
    assert dave_votes == []


def test_go_with_conditions_asks_for_them_and_makes_dated_items(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    served.command("gonogo", user=ALICE)
    posted = eventually(lambda: call_message(fake))
    vote_click(served, Choice.CONDITIONS, CAROL, posted)
    opened = fake.wait_for("views.open")[-1].body["view"]
    assert opened["callback_id"] == ui.CALLBACK_CONDITIONS
    due = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    served.submit(
        ui.CALLBACK_CONDITIONS,
        {
            ui.BLOCK_CONDITIONS: {
                ui.ACTION_CONDITIONS: {"value": "Load test at 2x peak\n\nRollback rehearsed\n"}
            },
            ui.BLOCK_CONDITIONS_DUE: {ui.ACTION_CONDITIONS_DUE: {"selected_date": due}},
        },
        metadata=opened["private_metadata"],
        user=CAROL,
    )
    with store.read() as session:
        made = (
            session.exec(select(Item).where(Item.category == "Launch conditions")).scalars().all()
        )
    assert sorted((i.title, i.owner, i.due_date.isoformat(), i.priority) for i in made) == [
        ("Load test at 2x peak", CAROL, due, "high"),
        ("Rollback rehearsed", CAROL, due, "high"),
    ]
    with store.read() as session:
        vote = session.exec(select(Vote)).scalars().one()
    assert vote.choice == "conditions" and sorted(vote.conditions) == sorted(i.key for i in made)


def test_a_disagreement_is_stated_and_an_admin_can_override_it(served, store, fake) -> None:
    launch_with_owners(store, ready=False)  # SEC-1 critical and open: readybot says NO-GO
    served.command("gonogo", user=ALICE)
    posted = eventually(lambda: call_message(fake))
    for voter in (ALICE, BOB, CAROL):
        vote_click(served, Choice.GO, voter, posted)
    result = eventually(
        lambda: next(
            c.body
            for c in fake.calls_to("chat.postMessage")
            if c.body.get("thread_ts") == posted["ts"]
        )
    )
    text = json.dumps(result, ensure_ascii=False)
    assert "the team voted GO; readybot's verdict is NO-GO because 1 critical open: SEC-1" in text
    assert call_row(store).decision == "NO-GO"

    refused = served.command(
        "gonogo override go CA issued it", user=ALICE, response_url=fake.response_url("x")
    )
    assert "Only an admin" in answer(refused, fake, "x")
    served.command("gonogo override go the CA issued the certificate at 15:55", user=ADMIN)
    eventually(lambda: call_row(store).decision == "GO")
    override_post = eventually(
        lambda: next(
            c.body
            for c in fake.calls_to("chat.postMessage")
            if c.body.get("thread_ts") == posted["ts"] and "override" in json.dumps(c.body)
        )
    )
    assert "the CA issued the certificate" in json.dumps(override_post)
    decision = served.command("decision", response_url=fake.response_url("dec"))
    assert "override" in answer(decision, fake, "dec")
    assert audit(store, "gonogo.override")[0].note.startswith("the CA issued")


def test_the_deadline_closes_the_call_and_voters_are_reminded_halfway(served, store, fake) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=True):
        launch_with_owners(store, ready=True)
        served.command("gonogo in 2h", user=ALICE)
        posted = eventually(lambda: call_message(fake))
        vote_click(served, Choice.GO, BOB, posted)
        eventually(
            lambda: next(c for c in fake.calls_to("chat.update") if BOB in json.dumps(c.body))
        )
    with time_machine.travel(start + timedelta(minutes=61), tick=True):
        assert served.service.jobs.calls() == 1
        assert served.service.jobs.calls() == 0  # reminded once
        served.deliver()
        reminded = {
            c.body["channel"]
            for c in fake.calls_to("chat.postMessage")
            if "You have not voted" in json.dumps(c.body)
        }
        assert reminded == {ALICE, CAROL}
    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=True):
        assert served.service.jobs.calls() == 1
        served.deliver()
    row = call_row(store)
    assert row.status == "closed" and row.close_reason == "deadline" and row.decision == "NO-GO"
    assert "no quorum: 1 of 3 needed voted" in row.record["why"]


def test_a_recorded_decision_never_changes_with_the_checklist(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    served.command("gonogo quorum 1", user=ALICE)
    posted = eventually(lambda: call_message(fake))
    vote_click(served, Choice.GO, BOB, posted)
    eventually(lambda: call_row(store).status == "closed")
    first = served.command("decision", response_url=fake.response_url("d1"))
    before = json.loads(answer(first, fake, "d1"))
    ok(store, alice(), "reopen SEC-1")
    ok(store, alice(), "add Status page #Infra !critical")
    ok(store, alice(), "remove INF-1")
    second = served.command("decision", response_url=fake.response_url("d2"))
    after = json.loads(answer(second, fake, "d2"))
    assert before["blocks"] == after["blocks"]
    kept = {i["key"]: i["status"] for i in call_row(store).record["items"]}
    assert kept == {"SEC-1": "done", "INF-1": "done"}  # as they were


# -- the gate --------------------------------------------------------------------------------


def gate(served, launch: str, token: str | None, query: str = "") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return served.http.get(f"/api/v1/launches/{launch}/gate{query}", headers=headers)


def token_for(served, fake, user: str = ALICE, name: str = "tok") -> str:
    reply = served.command("launch token", user=user, response_url=fake.response_url(name))
    text = answer(reply, fake, name)
    return text.split("```")[1]


def test_the_gate_answers_200_409_401_403_and_audits_every_answer(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    token = token_for(served, fake)
    assert token.startswith("rbg_")
    launch_id = call_launch_id(store)
    ok_answer = gate(served, str(launch_id), token)
    assert ok_answer.status_code == 200, ok_answer.text
    assert ok_answer.json()["verdict"] == "GO" and ok_answer.json()["decision"] is None
    assert gate(served, "checkout", token).status_code == 200  # by name, as a slug too

    policy = gate(served, str(launch_id), token, "?require_decision=24")
    assert policy.status_code == 409 and "no GO decision" in policy.json()["reasons"][-1]
    assert gate(served, str(launch_id), token, "?require_decision=soon").status_code == 400

    ok(store, alice(), "reopen SEC-1")
    blocked = gate(served, str(launch_id), token)
    assert blocked.status_code == 409 and blocked.json()["verdict"] == "NO-GO"
    assert any("SEC-1" in reason for reason in blocked.json()["reasons"])

    for wrong in (None, "rbg_nope", token + "x", "Basic abc"):
        refused = gate(served, str(launch_id), wrong)
        assert refused.status_code == 401 and "verdict" not in refused.text
    ok(store, make_ctx(ALICE, channel="C0OTHER", now=datetime.now(UTC)), "launch new Billing")
    assert gate(served, "billing", token).status_code == 403
    assert gate(served, "no-such-launch", token).status_code == 403
    assert "Billing" not in gate(served, "billing", token).text

    checked = audit(store, "gate.checked")
    assert len(checked) >= 6 and {e.via for e in checked} == {"gate"}
    assert all(token not in (e.note or "") for e in audit(store, "gate.token"))


def test_gate_tokens_rotate_revoke_and_need_an_owner(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    refused = served.command("launch token", user=BOB, response_url=fake.response_url("b"))
    assert "Only" in answer(refused, fake, "b")
    first = token_for(served, fake, name="t1")
    second_reply = served.command(
        "launch token rotate", user=ALICE, response_url=fake.response_url("t2")
    )
    second = answer(second_reply, fake, "t2").split("```")[1]
    launch_id = call_launch_id(store)
    assert gate(served, str(launch_id), first).status_code == 401
    assert gate(served, str(launch_id), second).status_code == 200
    shown = served.command("launch token", user=ALICE, response_url=fake.response_url("t3"))
    assert second not in answer(shown, fake, "t3")  # never shown again
    served.command("launch token revoke", user=ALICE)
    assert gate(served, str(launch_id), second).status_code == 401


def test_the_gate_is_rate_limited_per_token(served, store, fake) -> None:
    launch_with_owners(store, ready=True)
    token = token_for(served, fake)
    launch_id = call_launch_id(store)
    codes = [gate(served, str(launch_id), token).status_code for _ in range(12)]
    assert codes[:10] == [200] * 10 and codes[-1] == 429
    limited = gate(served, str(launch_id), token)
    assert int(limited.headers["Retry-After"]) >= 1


def call_launch_id(store) -> int:
    from storage.models import Launch

    with store.read() as session:
        return session.exec(select(Launch).where(Launch.name == "Checkout")).scalars().one().id
