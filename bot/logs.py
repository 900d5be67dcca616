"""Logging set-up: secrets and people's identifiers never reach a log line.

Redaction happens on the formatted line, traceback included, so it also covers what
python-telegram-bot and httpx log at DEBUG (request payloads carry chat ids and texts).
"""

from __future__ import annotations

import logging
import re

_TOKEN_IN_TEXT = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_PHONE = re.compile(r"(?<![\w.])\+\d[\d ()-]{6,}\d(?!\w)")
_LONG_NUMBER = re.compile(r"(?<![\w.])-?\d{6,}(?![\w.])")
"""Telegram user, chat and group ids (and any other number of 6+ digits): never needed to read a log."""


def redact(line: str, secrets: list[str]) -> str:
    """The line with secrets, tokens, phone numbers and long numbers (Telegram ids) replaced."""
    for secret in secrets:
        line = line.replace(secret, "<redacted>")
    line = _TOKEN_IN_TEXT.sub("<token>", line)
    line = _PHONE.sub("<phone>", line)
    return _LONG_NUMBER.sub("<id>", line)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole output, traceback included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def configure_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement at DEBUG: thousands of lines at start, and SQL parameters.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
