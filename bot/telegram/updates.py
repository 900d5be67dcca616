"""Taking one raw update from Telegram: the work the poller and the webhook share.

No update may stop the bot. Each update is parsed on its own (``Update.de_json`` raises on one that a newer
Bot API sends), handed to the Application, and an update that cannot be parsed, whose handling raises past
PTB's error handlers, or that was delivered again after MAX_TRIES tries without being finished (it stopped
the bot each time), is skipped: recorded without its content, and the moderators are told once. Either way
the caller may then confirm it to Telegram.

Tries are counted in the database only when the caller says the update may be a redelivery (``counted``):
the poller knows that only the first batch after a start can hold one; the webhook cannot tell, and counts
every update.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.errors import StorageUnavailable
from bot.handlers.deps import Runtime
from bot.render.updates import skipped_update
from bot.service.updates import count_attempt, forget_attempts, record_skipped

log = logging.getLogger(__name__)

MAX_TRIES = 3
"""Tries of an update delivered again (each ended by the bot stopping) before it is skipped."""
_KIND = re.compile(r"[a-z_]{1,40}")
_ERROR_CHARS = 300


def update_id_of(data: Any) -> int | None:
    """The update_id of a raw update, None when it has none (Telegram always sends one)."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    return update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else None


class UpdateTaker:
    """Parse, count tries of, handle, or skip one raw update of the Application."""

    def __init__(self, application: Application) -> None:
        self._application = application

    async def take(self, update_id: int, data: dict, *, counted: bool) -> None:
        """Handle the update, or skip it; returns once it may be confirmed to Telegram."""
        kind = _kind(data)
        try:
            update = Update.de_json(data, self._application.bot)
        except Exception as exc:
            await self._skip(update_id, kind, f"cannot be parsed: {_error(exc)}")
            return
        store = Runtime.of_application(self._application).store
        if counted:
            tries = await _or_none(count_attempt(store, update_id))
            if tries is not None and tries > MAX_TRIES:
                await self._skip(update_id, kind, f"not finished in {tries - 1} tries")
                return
        try:
            await self._application.process_update(update)
        except Exception as exc:  # the error handlers have not seen it: PTB itself failed
            log.exception("update %s could not be handled", update_id)
            await self._skip(update_id, kind, f"handling failed: {_error(exc)}")
            return
        if counted:
            await _or_none(forget_attempts(store, update_id))

    async def _skip(self, update_id: int, kind: str, error: str) -> None:
        """Record the update (never its content) and tell the moderators, once; it is then confirmed."""
        log.error("update %s (kind: %s) skipped: %s", update_id, kind, error)
        deps = Runtime.of_application(self._application)
        new = await _or_none(record_skipped(deps.store, update_id, kind, error, int(time.time())))
        chat_id = deps.settings.moderator_chat_id
        if new is False or chat_id is None:
            return
        try:
            await self._application.bot.send_message(
                chat_id, skipped_update(deps.moderators_translator, update_id, kind)
            )
        except TelegramError as exc:
            log.warning("could not tell the moderators that update %s was skipped (%s)", update_id, exc.message)


async def _or_none(step: Any) -> Any:
    """The step's result, or None when the database cannot take it now: updates go on without it."""
    try:
        return await step
    except StorageUnavailable as exc:
        log.warning("taking updates goes on without the database: %s", exc)
        return None


def _kind(data: dict) -> str:
    """The update's type, its top-level key (checked: it goes to logs and to the moderators)."""
    kind = next((key for key in data if key != "update_id"), "")
    return kind if isinstance(kind, str) and _KIND.fullmatch(kind) else "unknown"


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS]
