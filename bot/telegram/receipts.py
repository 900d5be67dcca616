"""Sending the queued receipts: one message per citizen per turn, at the flood limit's pace, retried until delivered.

A report's handler only queues its receipt (committed with the report), so taking updates never
waits for Telegram. Chats take turns, the longest-waiting first; in a burst, the receipts that piled
up for a citizen while others had their turn go out as one message.
So 5,000 reports from 500 people need far fewer than 5,000 messages, and nobody waits for all of them.

A send that fails is tried again later: after retry_after for a 429, after a doubling pause for a
500, a timeout or a dropped connection. Only when the send may have reached Telegram (a timeout,
a dropped connection, a kill mid-send) is the receipt flagged, as it may then arrive twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from functools import partial

from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.errors import StorageUnavailable
from bot.handlers.deps import Runtime
from bot.handlers.moderation_keyboards import follow_up_keyboard
from bot.render.citizen import trail_line
from bot.render.reports import fits_in_a_message, receipts_together
from bot.service.receipts import (
    due_chats,
    receipts_postponed,
    receipts_sent,
    receipts_undeliverable,
    release_interrupted,
    take_turn,
)
from bot.store.outbox import QueuedReceipt
from bot.telegram.flood import wait_seconds

log = logging.getLogger(__name__)

SENDS_IN_FLIGHT = 1
"""One receipt message at a time, like the digest broadcast. Measured with bench_ingest at 29.5 messages
a second: with 4 in flight, requests released evenly bunched on arrival and met 45 answers of 429 (each
pausing every request); with 2, 2; with 1, none, and p99 22 s. Far from Telegram (say 100 ms a round
trip) one at a time means fewer, fuller messages, not lost receipts."""
CHAT_PAUSE_SECONDS = 1.0
"""Telegram asks bots not to send more than one message a second to one chat."""
IDLE_CHECK_SECONDS = 1.0
"""How often postponed receipts are looked at when nothing else wakes the sender."""


class ReceiptSender:
    """The one task that empties the outbox; one lives in the Runtime."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._deps: Runtime
        """Given at start: the runtime holds this sender, so it cannot be built before it."""
        self._wake = asyncio.Event()
        self._sending: dict[int, asyncio.Task[None]] = {}
        self._last_sent: dict[int, float] = {}
        self._release_needed = True
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self, runtime: Runtime) -> None:
        """Only the leading process sends (bot.telegram.leadership). On taking over, receipts the previous
        sender left in flight are released first and sent again, flagged."""
        self._deps = runtime
        self._stopping = False
        self._release_needed = True
        self._task = asyncio.create_task(self._run(), name="receipts")

    def queued(self) -> None:
        """A receipt was queued: look at the outbox now."""
        self._wake.set()

    async def stop(self) -> None:
        """Let the sends in flight finish and be recorded; what waits stays queued for the next start."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._start_sends()
            except Exception as exc:  # e.g. the database is locked or the disk full: try again shortly
                _log_failure("cannot read the receipt outbox", exc)
            with contextlib.suppress(TimeoutError):  # a queued receipt or an ended send sets _wake
                await asyncio.wait_for(self._wake.wait(), IDLE_CHECK_SECONDS)
        if self._sending:
            await asyncio.wait(self._sending.values())

    async def _start_sends(self) -> None:
        if self._release_needed:
            if released := await release_interrupted(self._deps.store, list(self._sending)):
                log.info("%d receipt(s) whose send was interrupted will be sent again", released)
            self._release_needed = False
        free = SENDS_IN_FLIGHT - len(self._sending)
        if free <= 0:
            return
        self._last_sent = {
            chat: at for chat, at in self._last_sent.items() if time.monotonic() - at < CHAT_PAUSE_SECONDS
        }
        candidates = await due_chats(
            self._deps.store, self._deps.clock(), free + len(self._sending) + len(self._last_sent)
        )
        # Looked at after the query: a send that ended meanwhile has just put its chat to rest.
        now = time.monotonic()
        ready = [
            c
            for c in candidates
            if c not in self._sending and now - self._last_sent.get(c, -CHAT_PAUSE_SECONDS) >= CHAT_PAUSE_SECONDS
        ]
        for chat_id in ready[:free]:
            task = asyncio.create_task(self._send_turn(chat_id), name="receipt")
            self._sending[chat_id] = task
            task.add_done_callback(partial(self._sent_turn, chat_id))

    def _sent_turn(self, chat_id: int, _task: asyncio.Task[None]) -> None:
        self._sending.pop(chat_id, None)
        self._last_sent[chat_id] = time.monotonic()
        self._wake.set()

    async def _send_turn(self, chat_id: int) -> None:
        try:
            trail = await self._deps.trail_minutes(chat_id)
            receipts = await take_turn(self._deps.store, chat_id, self._deps.clock(), partial(self._fits, trail))
            if receipts:
                await self._send(chat_id, receipts, trail)
        except Exception as exc:  # the database failed around the send: its receipts are released and tried again
            _log_failure("sending queued receipts failed", exc)
            self._release_needed = True

    async def _send(self, chat_id: int, receipts: list[QueuedReceipt], trail: int) -> None:
        t = self._deps.i18n.get(receipts[-1].locale)
        markup = follow_up_keyboard(t, [r.report_id for r in receipts if r.follow_up])
        try:
            await self._bot.send_message(
                chat_id,
                self._message(receipts, trail),
                reply_markup=markup,
                reply_parameters=ReplyParameters(receipts[-1].message_id, allow_sending_without_reply=True),
            )
        except Forbidden:
            log.info("%d receipt(s) not deliverable: the citizen blocked the bot", len(receipts))
            await receipts_undeliverable(self._deps.store, receipts)
        except BadRequest as exc:
            log.error("Telegram refused a receipt message (%s); it is dropped", exc.message)
            await receipts_undeliverable(self._deps.store, receipts)
        except RetryAfter as exc:
            await receipts_postponed(
                self._deps.store, receipts, self._deps.clock(), retry_after=int(wait_seconds(exc)) + 1, doubtful=False
            )
        except NetworkError as exc:
            pause = await receipts_postponed(
                self._deps.store, receipts, self._deps.clock(), retry_after=None, doubtful=_may_have_arrived(exc)
            )
            log.warning("sending a receipt failed (%s); trying again in %d s", exc.message, pause)
        else:
            await receipts_sent(self._deps.store, receipts, self._deps.clock())

    def _message(self, receipts: list[QueuedReceipt], trail: int) -> str:
        """The receipts as one message, in the language of the newest (the citizen's language now); its last
        line says when the chat is cleared, if it is (``trail`` minutes)."""
        t = self._deps.i18n.get(receipts[-1].locale)
        text = receipts_together(t, [r.body for r in receipts])
        return f"{text}\n\n{trail_line(t, trail)}" if trail else text

    def _fits(self, trail: int, receipts: list[QueuedReceipt]) -> bool:
        return fits_in_a_message(self._message(receipts, trail))


def _log_failure(what: str, exc: Exception) -> None:
    """One line when the database cannot be written (the cause is known), a traceback for anything else."""
    log.error("%s: %s", what, exc, exc_info=not isinstance(exc, StorageUnavailable))


def _may_have_arrived(exc: NetworkError) -> bool:
    """A timeout or a dropped connection leaves the send's fate unknown; an error answer from the
    Bot API (a 5xx) means it was not carried out."""
    return isinstance(exc, TimedOut) or exc.message.startswith("httpx")
