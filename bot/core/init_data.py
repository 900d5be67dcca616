"""A Mini App's ``initData``, checked the way Telegram documents it (core.telegram.org/bots/webapps,
"Validating data received via the Mini App").

The data-check-string is every received field except ``hash``, sorted by name, as ``name=value`` lines; the key
is HMAC-SHA256 of the bot token under the constant "WebAppData"; the data is Telegram's when HMAC-SHA256 of the
data-check-string under that key, in hex, equals ``hash``. The 2024 ``signature`` field (an Ed25519 signature for
third parties, checked without the token) is a received field like any other here, so it stays in the string.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl

MAX_LENGTH = 8192
"""Far above anything Telegram sends (a few hundred bytes); refused unread beyond it."""


class Refusal(StrEnum):
    INVALID = "invalid"
    """Not signed with this bot's token, altered, or not initData at all."""
    EXPIRED = "expired"
    """Signed, but older than allowed (or dated in the future)."""


class InitDataRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class InitData:
    user_id: int
    language_code: str | None
    auth_date: int
    start_param: str | None
    hash: str
    """The signature's hex digest: what identifies this initData (a second session from it is a replay)."""


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_signature(fields: dict[str, str], bot_token: str) -> str:
    """The ``hash`` Telegram puts beside these fields (every field but ``hash`` itself)."""
    check = "\n".join(f"{name}={fields[name]}" for name in sorted(fields))
    return hmac.new(_secret(bot_token), check.encode(), hashlib.sha256).hexdigest()


FUTURE_SKEW = 60
"""Seconds an ``auth_date`` may lie ahead of our clock (clocks differ a little)."""


def validate_init_data(raw: str, bot_token: str, now: int, max_age: int) -> InitData:
    """The checked initData, or InitDataRefused saying why. ``now`` is Unix seconds."""
    if not raw or len(raw) > MAX_LENGTH:
        raise InitDataRefused(Refusal.INVALID)
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataRefused(Refusal.INVALID) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a name given twice: which one did Telegram sign?
        raise InitDataRefused(Refusal.INVALID)
    given = fields.pop("hash", "")
    if not hmac.compare_digest(data_signature(fields, bot_token), given):
        raise InitDataRefused(Refusal.INVALID)
    try:
        auth_date = int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError):
        raise InitDataRefused(Refusal.INVALID) from None
    if not now - max_age <= auth_date <= now + FUTURE_SKEW:
        raise InitDataRefused(Refusal.EXPIRED)
    language = user.get("language_code")
    return InitData(
        user_id=user_id,
        language_code=language if isinstance(language, str) else None,
        auth_date=auth_date,
        start_param=fields.get("start_param") or None,
        hash=given,
    )


def claimed_language(raw: str) -> str | None:
    """The ``language_code`` the data claims, unchecked: only to word a refusal in the person's language."""
    try:
        user = json.loads(dict(parse_qsl(raw[:MAX_LENGTH])).get("user", ""))
    except ValueError:
        return None
    language = user.get("language_code") if isinstance(user, dict) else None
    return language if isinstance(language, str) else None
