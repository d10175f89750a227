"""Logs carry the request id and never a secret."""

import io
import json
import logging

from bot import logs


def capture(secrets=()) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.Redactor(secrets))
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_tokens_passwords_and_configured_secrets_are_masked() -> None:
    logger, stream = capture(secrets=["8f742231b10e8888abcd99a0b1c2d3e4"])
    logger.info("token %s app %s", "xoxb-123-456-abcDEF", "xapp-1-A1-2-zz")
    logger.info("db postgresql+psycopg://readybot:hunter2@db/readybot")
    logger.info("signing secret is 8f742231b10e8888abcd99a0b1c2d3e4")
    try:
        raise ValueError("bad token xoxb-999-leak")
    except ValueError:
        logger.exception("failed")
    text = stream.getvalue()
    for secret in ("abcDEF", "A1-2-zz", "hunter2", "8f742231b10e8888abcd99a0b1c2d3e4", "999-leak"):
        assert secret not in text
    assert "xoxb-***" in text and "readybot:***@db" in text


def test_each_line_is_json_with_the_request_id() -> None:
    logger, stream = capture()
    token = logs.request_id.set("req-42")
    try:
        logger.info("handled command in %.1f ms", 1.25)
    finally:
        logs.request_id.reset(token)
    entry = json.loads(stream.getvalue().splitlines()[0])
    assert (entry["request_id"], entry["msg"], entry["level"]) == (
        "req-42",
        "handled command in 1.2 ms",
        "info",
    )


def test_database_passwords_are_masked_whatever_their_form() -> None:
    logger, stream = capture()
    logger.info("db postgresql://readybot:hunter2@db@db.internal/readybot unreachable")
    logger.info("db postgresql://readybot@db/readybot?sslmode=require&password=hunter3 refused")
    logger.info("psycopg: host=db user=readybot password=hunter4 failed")
    text = stream.getvalue()
    for secret in ("hunter2", "hunter3", "hunter4", "2@db"):
        assert secret not in text, text
