"""The HTTP edge: garbage is refused before anything can raise, in one short log line, and
a flood of it cannot flood the log. Signed but malformed payloads get a 400, never a 500."""

import json
import logging
import math
import time
from urllib.parse import urlencode

import pytest

from bot.logs import Throttle
from bot.render import ids
from tests.bot.harness import serve
from tests.commands.helpers import fingerprint, ok
from tests.conftest import make_ctx

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def served(store, fake):
    with serve(store, fake) as running:
        yield running


def unsigned(served, body: bytes, headers: dict[str, str]):
    return served.http.post("/slack/events", content=body, headers=headers)


def now() -> str:
    return str(int(time.time()))


UNSIGNED_GARBAGE = {
    "a timestamp that is not a number": (
        b"command=/ready&text=status",
        {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=1"},
    ),
    "no headers at all": (b"command=/ready", {"Content-Type": FORM}),
    "a body that is not JSON": (
        b"{not json",
        {"Content-Type": "application/json", "X-Slack-Request-Timestamp": now()},
    ),
    "a body that is not UTF-8": (
        b"\xff\xfe=\xff",
        {"Content-Type": FORM, "X-Slack-Request-Timestamp": now(), "X-Slack-Signature": "v0=x"},
    ),
    "a signature of the wrong shape": (
        b"payload=%7B",
        {"Content-Type": FORM, "X-Slack-Request-Timestamp": now(), "X-Slack-Signature": "v1=zz"},
    ),
    "a timestamp too large for any clock": (
        b"command=/ready",
        {"Content-Type": FORM, "X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=0"},
    ),
}


@pytest.mark.parametrize("case", UNSIGNED_GARBAGE)
def test_unsigned_garbage_is_refused_with_one_short_line_and_no_traceback(
    served, store, caplog, case
) -> None:
    body, headers = UNSIGNED_GARBAGE[case]
    before = fingerprint(store)
    with caplog.at_level(logging.INFO):
        response = unsigned(served, body, headers)
    assert response.status_code in (400, 401), response.text
    assert "Traceback" not in response.text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    refusals = [r for r in caplog.records if r.name == "bot.edge"]
    assert len(refusals) == 1 and len(refusals[0].getMessage()) < 200
    assert fingerprint(store) == before


def test_a_body_over_a_megabyte_is_refused_unread(served) -> None:
    big = b"text=" + b"x" * (1024 * 1024 + 1)
    response = unsigned(served, big, {"Content-Type": FORM, "X-Slack-Request-Timestamp": now()})
    assert response.status_code == 413


def test_a_body_over_a_megabyte_without_a_length_is_refused_while_read(served) -> None:
    def chunks():
        for _ in range(20):
            yield b"x" * 65536

    response = served.http.post("/slack/events", content=chunks(), headers={"Content-Type": FORM})
    assert response.status_code == 413


def test_a_flood_of_garbage_writes_a_few_log_lines_not_one_each(served, caplog) -> None:
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "0"}
    started = time.monotonic()
    with caplog.at_level(logging.INFO):
        for _ in range(150):
            assert unsigned(served, b"x=1", headers).status_code == 401
    windows = math.ceil((time.monotonic() - started) / 10)  # at most 10 lines per 10 s
    # (uvicorn's access log is off in `readybot serve`; the client's own lines do not count)
    lines = [r for r in caplog.records if r.name.startswith(("bot", "slack_bolt", "uvicorn.error"))]
    assert len(lines) <= 10 * windows, (len(lines), windows)
    assert all(len(r.getMessage()) < 200 for r in lines)
    if windows > 1:  # a later window starts by saying how many lines were held back
        assert any("more like it" in r.getMessage() for r in lines)


def test_the_throttle_says_how_many_lines_it_held_back() -> None:
    throttle = Throttle(burst=3, period=10)
    allowed = [throttle.allow(at) for at in (0, 1, 2, 3, 4, 5)]
    assert allowed == [True, True, True, False, False, False]
    assert throttle.allow(10.5) and throttle.held() == 3
    assert throttle.held() == 0


def seed(store) -> None:
    ctx = make_ctx("U1ALICE", channel="C0LAUNCH")
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL")


SIGNED_MALFORMED = {
    "an interaction payload that is not JSON": urlencode({"payload": "{nope"}),
    "an interaction payload that is a list": urlencode({"payload": "[1, 2]"}),
    "actions that are not a list": urlencode(
        {"payload": json.dumps({"type": "block_actions", "user": {"id": "U1"}, "actions": "x"})}
    ),
    "a user that is not an object": urlencode(
        {"payload": json.dumps({"type": "block_actions", "user": "U1", "actions": []})}
    ),
    "a JSON body that is not an object": "[]",
    "an event callback without an event": json.dumps({"type": "event_callback", "event": 3}),
}


@pytest.mark.parametrize("case", SIGNED_MALFORMED)
def test_signed_but_malformed_payloads_get_400_and_change_nothing(
    served, store, caplog, case
) -> None:
    seed(store)
    before = fingerprint(store)
    body = SIGNED_MALFORMED[case]
    kind = "application/json" if body.startswith(("[", "{")) else FORM
    with caplog.at_level(logging.INFO):
        response = served.signed_post(body, content_type=kind)
    assert response.status_code == 400, response.text
    assert not [r for r in caplog.records if r.exc_info]
    assert fingerprint(store) == before


@pytest.mark.parametrize("metadata", ["{{not json", "[1, 2]", '"text"'])
def test_a_modal_whose_private_metadata_is_not_a_json_object_gets_400(
    served, store, metadata
) -> None:
    seed(store)
    before = fingerprint(store)
    values = {ids.BLOCK_DUE: {ids.ACTION_DUE: {"selected_date": "2026-12-01"}}}
    response = served.submit(ids.CALLBACK_DUE, values, metadata=metadata)
    assert response.status_code == 400
    assert fingerprint(store) == before


def test_a_wellformed_signed_command_still_gets_through(served, store) -> None:
    seed(store)
    assert "Checkout" in served.command("status").json()["text"]
