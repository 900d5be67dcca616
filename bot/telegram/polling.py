"""Long polling that confirms an update to Telegram only once the bot has handled it.

PTB's Updater asks for the next batch as soon as it has queued the last one, and asking with a
higher offset tells Telegram the queued updates are done: a bot killed at that moment loses them.
Here the offset moves past an update only after its handler returned (its report committed, its
receipt queued), so after a crash Telegram delivers the unhandled updates again; a message that
was handled but not yet confirmed is recognised by ``reports.dedupe_key``.

No update may stop the bot. ``Bot.get_updates`` parses the whole batch and raises if one update
does not parse, so the poller would fetch the same batch for ever: the raw batch is fetched here and
each update taken on its own by ``bot.telegram.updates.UpdateTaker`` (which skips one that cannot be
parsed or keeps failing). Only the first batch after a start can hold an update that stopped the bot
before, so only its tries are counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.telegram.flood import wait_seconds
from bot.telegram.updates import UpdateTaker, update_id_of

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
READ_SLACK_SECONDS = 5.0
"""How much longer than the long poll the answer may take (PTB's default read timeout)."""


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
        self._taker = UpdateTaker(application)
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
        update_id = update_id_of(data)
        if update_id is None:
            log.error("Telegram sent an update without an update_id: ignored")
            return
        self._handling = True
        try:
            await self._taker.take(update_id, data, counted=counted)
        finally:
            self._handling = False
            self._offset = update_id + 1
