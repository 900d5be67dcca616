"""Long polling that confirms an update to Telegram only once the bot has handled it.

PTB's Updater asks for the next batch as soon as it has queued the last one, and asking with a
higher offset tells Telegram the queued updates are done: a bot killed at that moment loses them.
Here the offset moves past an update only after its handler returned (its report committed, its
receipt queued), so after a crash Telegram delivers the unhandled updates again; a message that
was handled but not yet confirmed is recognised by ``reports.dedupe_key``.

No update may stop the bot. ``Bot.get_updates`` parses the whole batch and raises if one update
does not parse, so the poller would fetch the same batch for ever: the raw batch is fetched here and
each update parsed on its own. An update that cannot be parsed, whose handling raises past PTB's
error handlers, or that was delivered again after every one of MAX_TRIES starts without being
finished (it stopped the bot each time), is skipped: recorded without its content, confirmed, and
the moderators are told once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.errors import StorageUnavailable
from bot.handlers.deps import Runtime
from bot.render.updates import skipped_update
from bot.service.updates import count_attempt, forget_attempts, record_skipped
from bot.telegram.flood import wait_seconds

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
READ_SLACK_SECONDS = 5.0
"""How much longer than the long poll the answer may take (PTB's default read timeout)."""
MAX_TRIES = 3
"""Starts that may each try an update delivered again before it is skipped."""
_KIND = re.compile(r"[a-z_]{1,40}")
_ERROR_CHARS = 300


class ConfirmingPoller:
    """Fetch updates, handle them one by one, confirm what was handled."""

    def __init__(
        self,
        application: Application,
        *,
        timeout: int,
        allowed_updates: list[str],
        on_fatal: Callable[[], None] | None = None,
    ) -> None:
        self._application = application
        self._on_fatal = on_fatal
        self._timeout = timeout
        self._allowed_updates = allowed_updates
        self._offset: int | None = None
        self._confirmed: int | None = None
        self._stopping = False
        self._handling = False
        self._first_batch = True
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="polling")

    async def stop(self) -> None:
        """Let the update being handled finish, then confirm everything handled to Telegram."""
        self._stopping = True
        if self._task is None:
            return
        if not self._handling:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._offset is not None and self._offset != self._confirmed:
            with contextlib.suppress(TelegramError):  # not confirmed: Telegram sends them again, dedupe knows them
                await self._fetch(offset=self._offset, timeout=0, limit=1)

    async def _fetch(self, *, offset: int | None, timeout: int, limit: int | None = None) -> list[Any]:
        """getUpdates, unparsed. (``Bot.do_api_request`` would warn that ``get_updates`` exists.)"""
        data = {"offset": offset, "timeout": timeout, "limit": limit, "allowed_updates": self._allowed_updates}
        return await self._application.bot._post(  # noqa: SLF001
            "getUpdates", data, read_timeout=timeout + READ_SLACK_SECONDS
        )

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                batch = await self._fetch(offset=self._offset, timeout=self._timeout)
            except RetryAfter as exc:
                await asyncio.sleep(wait_seconds(exc))
                continue
            except InvalidToken:
                log.error("the Bot API refused the token while polling: stopping")
                if self._on_fatal is not None:
                    self._on_fatal()
                return
            except TelegramError as exc:  # network errors, 5xx, a Conflict with another poller
                failures += 1
                pause = min(MAX_BACKOFF_SECONDS, 2.0 ** min(failures, 5))
                log.warning(
                    "getting updates failed (%s: %s); trying again in %.0f s", type(exc).__name__, exc.message, pause
                )
                await asyncio.sleep(pause)
                continue
            failures = 0
            self._confirmed = self._offset
            # Only the first batch after a start can hold an update that stopped the bot before: count its tries.
            counted, self._first_batch = self._first_batch, False
            for data in batch:
                if self._stopping:
                    return
                await self._take(data, counted=counted)

    async def _take(self, data: Any, *, counted: bool) -> None:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int):
            log.error("Telegram sent an update without an update_id: ignored")
            return
        self._handling = True
        try:
            await self._handle(update_id, data, counted=counted)
        finally:
            self._handling = False
            self._offset = update_id + 1

    async def _handle(self, update_id: int, data: dict, *, counted: bool) -> None:
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
    """The step's result, or None when the database cannot take it now: polling goes on without it."""
    try:
        return await step
    except StorageUnavailable as exc:
        log.warning("polling goes on without the database: %s", exc)
        return None


def _kind(data: dict) -> str:
    """The update's type, its top-level key (checked: it goes to logs and to the moderators)."""
    kind = next((key for key in data if key != "update_id"), "")
    return kind if isinstance(kind, str) and _KIND.fullmatch(kind) else "unknown"


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS]
