"""Long polling that confirms an update to Telegram only once the bot has handled it.

PTB's Updater asks for the next batch as soon as it has queued the last one, and asking with a
higher offset tells Telegram the queued updates are done: a bot killed at that moment loses them.
Here the offset moves past an update only after its handler returned (its report committed, its
receipt queued), so after a crash Telegram delivers the unhandled updates again; a message that
was handled but not yet confirmed is recognised by ``reports.dedupe_key``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.handlers.flood import wait_seconds

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


class ConfirmingPoller:
    """Fetch updates, handle them one by one, confirm what was handled."""

    def __init__(self, application: Application, *, timeout: int, allowed_updates: list[str],
                 on_fatal: Callable[[], None] | None = None) -> None:
        self._application = application
        self._on_fatal = on_fatal
        self._timeout = timeout
        self._allowed_updates = allowed_updates
        self._offset: int | None = None
        self._confirmed: int | None = None
        self._stopping = False
        self._handling = False
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
                await self._application.bot.get_updates(offset=self._offset, timeout=0, limit=1)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                updates = await self._application.bot.get_updates(
                    offset=self._offset, timeout=self._timeout, allowed_updates=self._allowed_updates)
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
                log.warning("getting updates failed (%s: %s); trying again in %.0f s",
                            type(exc).__name__, exc.message, pause)
                await asyncio.sleep(pause)
                continue
            failures = 0
            self._confirmed = self._offset
            for update in updates:
                if self._stopping:
                    return
                await self._handle(update)

    async def _handle(self, update: Update) -> None:
        self._handling = True
        try:
            await self._application.process_update(update)
        except Exception:  # never let one update stop the bot; the error handlers have seen it already
            log.exception("update %s could not be handled", update.update_id)
        finally:
            self._handling = False
            self._offset = update.update_id + 1
