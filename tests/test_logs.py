"""Log lines never carry the bot token or the reporter key."""

from __future__ import annotations

import logging

from bot.logs import RedactSecrets

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
KEY = "k" * 64


def _through_filter(message: str, *args: object) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    RedactSecrets([TOKEN, KEY]).filter(record)
    return record.getMessage()


def test_the_configured_token_and_key_are_redacted() -> None:
    line = _through_filter("POST https://api.telegram.org/bot%s/getMe with key %s", TOKEN, KEY)
    assert TOKEN not in line and KEY not in line
    assert "<redacted>" in line


def test_any_token_shaped_string_is_redacted() -> None:
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsxx"
    assert other not in _through_filter("leaked %s", other)
