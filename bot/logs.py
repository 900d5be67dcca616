"""Logging set-up: secrets, people's identifiers and what people wrote never reach a log line.

Redaction happens on the formatted line, traceback included, so it also covers what
python-telegram-bot and httpx log (request payloads carry chat ids and texts). python-telegram-bot
logs whole updates at DEBUG: its loggers stay at INFO unless raw payloads are asked for.
"""

from __future__ import annotations

import logging
import re

_TOKEN_IN_TEXT = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_PHONE = re.compile(r"(?<![\w.])\+\d[\d ()-]{6,}\d(?!\w)")
_LOCAL_PHONE = re.compile(r"(?<![\w.#])(?:8[ -]?\(?\d{3}\)?[ -]?|\(?\d{3}\)?[ -])\d{3}[ -]?\d{2}[ -]?\d{2}(?![\w.])")
"""Eleven digits starting with 8 (the trunk prefix of Kazakhstan and Russia), 8 (701) 555-12-34 or 87015551234,
or ten written in groups, 701 555 12 34 (ten in one run are left to _LONG_NUMBER: Telegram ids look so)."""
_LONG_NUMBER = re.compile(r"(?<![\w.])(?<!update )-?\d{6,}(?![\w.])")
"""Telegram user, chat and group ids (and any other number of 6+ digits but update ids): never needed to
read a log."""
_PERSONAL_FIELDS = (
    "text",
    "caption",
    "first_name",
    "last_name",
    "full_name",
    "username",
    "title",
    "question",
    "phone_number",
    "sender_user_name",
    "author_signature",
    "file_name",
    "vcard",
    "address",
    "bio",
    "explanation",
    "query",
)
_PERSONAL_VALUE = re.compile(
    rf"""\b(?P<key>{"|".join(_PERSONAL_FIELDS)})(?P<sep>['"]?\s*[:=]\s*)(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)""",
    re.DOTALL,
)
"""What people wrote and their names, in a repr or JSON of an update or of a request: 'text': '…',
"first_name": "…", username='…'."""


def redact(line: str, secrets: list[str], *, payloads: bool = False) -> str:
    """The line with secrets, tokens, phone numbers and long numbers (Telegram ids) replaced, and unless
    ``payloads``, the texts and names inside update or request payloads."""
    for secret in secrets:
        line = line.replace(secret, "<redacted>")
    if not payloads:
        line = _PERSONAL_VALUE.sub(r"\g<key>\g<sep><redacted>", line)
    line = _TOKEN_IN_TEXT.sub("<token>", line)
    line = _PHONE.sub("<phone>", line)
    line = _LOCAL_PHONE.sub("<phone>", line)
    return _LONG_NUMBER.sub("<id>", line)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole output, traceback included."""

    def __init__(self, fmt: str, secrets: list[str], *, payloads: bool = False) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]
        self._payloads = payloads

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets, payloads=self._payloads)


def configure_logging(level: str, secrets: list[str], *, telegram_payloads: bool = False) -> None:
    """Log at ``level``; ``telegram_payloads`` (unsafe) lets python-telegram-bot log whole updates and requests,
    texts and names included."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets, payloads=telegram_payloads)
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if not telegram_payloads:  # at DEBUG, every update and request in full
        logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement at DEBUG: thousands of lines at start, and SQL parameters.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
