"""Log lines never carry the bot token or the reporter key."""

from __future__ import annotations

import logging
import sys

from bot.logs import ConciseNetworkErrors, RedactSecrets

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


def test_an_unreachable_bot_api_is_logged_in_one_line_without_a_traceback() -> None:
    try:
        raise ConnectionError("All connection attempts failed")
    except ConnectionError:
        record = logging.LogRecord(  # the call python-telegram-bot's network loop makes
            "telegram.ext", logging.ERROR, __file__, 1, "%s Failed run number %s of %s. Aborting.",
            ("Network Retry Loop (Bootstrap):", 5, 5), sys.exc_info(),
        )
    ConciseNetworkErrors().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == (
        "Network Retry Loop (Bootstrap): Failed run number 5 of 5. Aborting."
        " (ConnectionError: All connection attempts failed)"
    )
