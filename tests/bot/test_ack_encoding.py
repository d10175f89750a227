"""The acknowledgement readybot encodes itself (orjson) is the JSON Bolt's ack() would send."""

import json

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.ack.internals import _set_response

from bot.listeners.slash import encode_ack


def bolts(payload) -> str:
    ack = AsyncAck()
    return _set_response(ack, text_or_whole_response=payload.pop("text"), **payload).body


def test_a_reply_with_blocks_encodes_to_the_same_json_as_bolts() -> None:
    payload = {
        "text": "Checkout v2 — NO-GO · 42/100 “ready” 🚀 \u2028",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*a* < b & c"}}],
        "response_type": "in_channel",
    }
    ours = encode_ack(dict(payload))
    assert ours is not None
    assert json.loads(ours) == json.loads(bolts(dict(payload)))


def test_what_bolt_shapes_otherwise_is_left_to_bolt() -> None:
    assert encode_ack({"text": "only text", "blocks": [], "response_type": "ephemeral"}) is None
    assert encode_ack({"text": "x", "blocks": [{"n": 2**70}]}) is None  # beyond orjson
