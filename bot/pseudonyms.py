"""Reporter pseudonyms: a keyed hash of the Telegram id, and the key that makes them."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat

from bot.config import MIN_REPORTER_KEY_LENGTH, Settings
from bot.errors import ConfigError


class Pseudonymizer:
    """HMAC-SHA256 under REPORTER_KEY: stable per user, useless without the key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _digest(self, message: str) -> str:
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()[:32]

    def reporter(self, user_id: int) -> str:
        """The pseudonym a user's reports are stored under."""
        return self._digest(f"reporter:{user_id}")

    def message(self, user_id: int, message_id: int) -> str:
        """A key for one message of one user, so a re-delivered message is recognised."""
        return self._digest(f"message:{user_id}:{message_id}")

    def seal(self, text: str) -> str:
        """An HMAC of a text that only this installation can make or check (the evidence chain's audit seals)."""
        return hmac.new(self._key, f"evidence-seal:{text}".encode(), hashlib.sha256).hexdigest()

    def key_check(self) -> str:
        """A value stored in the database to notice when the key has changed or been lost."""
        return self._digest("kuzet-key-check")


def rate_key(pseudonym: str) -> str:
    """What the hourly limit counts a reporter's reports by, stored beside each report for that hour only.

    /forgetme unlinks the pseudonym, not this: forgetting must not reset the limit. It is an HMAC keyed by the
    pseudonym (itself keyed by REPORTER_KEY, so it takes that key to compute for a person) in a domain of its own.
    """
    return hmac.new(pseudonym.encode(), b"kuzet-rate-limit", hashlib.sha256).hexdigest()[:32]


def load_reporter_key(settings: Settings) -> bytes:
    """REPORTER_KEY, or the key file beside the database, created (mode 0600) on first start."""
    if settings.reporter_key:
        return settings.reporter_key.encode()
    path = settings.reporter_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise ConfigError("REPORTER_KEY", f"key file {path} is readable by others; run: chmod 600 {path}")
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_REPORTER_KEY_LENGTH:
        raise ConfigError("REPORTER_KEY", f"key file {path} is damaged (too short); restore it from your backup")
    return key.encode()
