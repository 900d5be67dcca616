"""Telegram's flood limits, kept before Telegram has to enforce them, with replies ahead of case cards.

PTB's AIORateLimiter keeps a group's "20 messages a minute" as a leaky bucket (a burst of 20, then one
every 3 s, so 40 can land in one minute), serves a group's requests first come first served, and answers
a 429 anywhere by pausing every request, button answers included. Here each group gets a sliding window
instead: never more than 20 in any minute, bursts allowed up to that. Sends marked ``BACKGROUND`` (the
case cards) queue apart from the others and may take a place only while ``RESERVED_FOR_REPLIES`` remain
free, so a reply to a moderator never waits behind card edits. A 429 holds only the window of the chat it
came from; requests without a chat (answerCallbackQuery) never wait on any window.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

GROUP_MESSAGES_PER_MINUTE = 20
GROUP_WINDOW_SECONDS = 61.0
"""A minute and a margin: the window is counted when a request leaves, Telegram counts when it arrives."""
RESERVED_FOR_REPLIES = 6
"""Places of a group's 20 that case cards never take. Six replies in any minute (one every 10 s) go out at
once however many card edits wait; past six, replies take each place that frees up and cards wait for a
quieter minute. Cards keep 14: they are coalesced (one edit shows every vote and report since the last),
and a small group's whole story (the demo: 9 cards and 4 other messages in 11 s) still fits."""

Answer = bool | dict[str, Any] | list[dict[str, Any]]
"""What a Bot API call returns, as PTB hands it to the rate limiter."""


class Traffic(enum.Enum):
    """``rate_limit_args`` of a bot call: how urgent the send is."""

    BACKGROUND = "background"
    """Nobody waits on it (case cards): after every other send to the chat, never in the reserved places."""


BACKGROUND = Traffic.BACKGROUND


class SlidingWindow:
    """At most ``limit`` sends in any ``period`` seconds; background sends leave ``reserve`` places free."""

    def __init__(self, limit: int, period: float, reserve: int = 0) -> None:
        self._limit = limit
        self._period = period
        self._reserve = reserve
        self._sent: deque[float] = deque()
        self._held_until = 0.0
        self._locks = {False: asyncio.Lock(), True: asyncio.Lock()}
        """One queue for replies, one for background sends: a reply never queues behind a card."""

    def wait(self, background: bool = False) -> float:
        """Seconds until a send of this kind may take a place (0: now)."""
        now = time.monotonic()
        self._forget(now)
        places = self._limit - (self._reserve if background else 0)
        wait = self._held_until - now
        if len(self._sent) >= places:
            wait = max(wait, self._sent[len(self._sent) - places] + self._period - now)
        return max(0.0, wait)

    async def take(self, background: bool = False) -> None:
        """Wait for a place, behind earlier sends of the same kind, and take it."""
        async with self._locks[background]:
            while (pause := self.wait(background)) > 0:
                await asyncio.sleep(pause)
            self._sent.append(time.monotonic())

    def hold(self, seconds: float) -> None:
        """Telegram answered 429: nothing goes to this chat for ``seconds``."""
        self._held_until = max(self._held_until, time.monotonic() + seconds)

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self._period:
            self._sent.popleft()


class TelegramRateLimiter(BaseRateLimiter[Traffic]):
    """Requests spaced over all chats, a sliding window per group, background sends last (module docstring)."""

    def __init__(self, overall_max_rate: float, overall_time_period: float, max_retries: int = 0) -> None:
        self._overall = AsyncLimiter(overall_max_rate, overall_time_period)
        self._interval = overall_time_period / overall_max_rate
        self._max_retries = max_retries
        self._groups: dict[int | str, SlidingWindow] = {}
        self._shared: Callable[[float], Awaitable[float]] | None = None
        self._observer: Callable[[str, Answer], Awaitable[None]] | None = None

    def share_pace(self, reserve: Callable[[float], Awaitable[float]]) -> None:
        """Pace sends over every process of the bot too: ``reserve(interval)`` takes the next shared slot and
        says how long to wait for it (Store's Database.reserve_send). Telegram's ~30 a second are per bot."""
        self._shared = reserve

    def observe(self, observer: Callable[[str, Answer], Awaitable[None]]) -> None:
        """Hand ``observer(endpoint, answer)`` every call Telegram accepted: the one place that sees every message
        the bot sends, whichever handler or sender sent it (the chat trail records them there)."""
        self._observer = observer

    async def _observed(self, endpoint: str, answer: Answer) -> Answer:
        if self._observer is not None:
            try:
                await self._observer(endpoint, answer)
            except Exception as exc:  # the send succeeded: a failed observer must not make it look failed
                log.error("recording a sent message failed: %s", exc)
        return answer

    async def _wait_for_shared_slot(self) -> None:
        if self._shared is None:
            return
        try:
            wait = await self._shared(self._interval)
        except Exception as exc:  # the database is away: this process's own pace still holds
            log.warning("sending at this process's own pace: the shared pace is unavailable (%s)", exc)
            return
        if wait > 0:
            await asyncio.sleep(wait)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def background_wait(self, chat_id: int) -> float:
        """Seconds until a background send to ``chat_id`` would get a place (0: now)."""
        return self._window(chat_id).wait(background=True) if _is_group(chat_id) else 0.0

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Traffic | None,
    ) -> Answer:
        chat_id = data.get("chat_id")
        window = self._window(chat_id) if _is_group(chat_id) else None
        overall: AbstractAsyncContextManager[Any] = self._overall if chat_id is not None else nullcontext()
        retries = 0
        while True:
            try:
                if window is not None:
                    await window.take(background=rate_limit_args is BACKGROUND)
                async with overall:
                    if chat_id is not None:
                        await self._wait_for_shared_slot()
                    answer = await callback(*args, **kwargs)
                return await self._observed(endpoint, answer)
            except RetryAfter as exc:
                retries += 1
                if retries > self._max_retries:
                    raise
                log.info("%s: Telegram asks to wait %.0f s; trying again then", endpoint, wait_seconds(exc))
                if window is not None:
                    window.hold(wait_seconds(exc) + 0.1)
                else:
                    await asyncio.sleep(wait_seconds(exc) + 0.1)

    def _window(self, chat_id: int | str) -> SlidingWindow:
        key = _chat_key(chat_id)
        if key not in self._groups:
            self._groups[key] = SlidingWindow(GROUP_MESSAGES_PER_MINUTE, GROUP_WINDOW_SECONDS, RESERVED_FOR_REPLIES)
        return self._groups[key]


def _chat_key(chat_id: int | str) -> int | str:
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return chat_id  # a @username: a channel or supergroup


def _is_group(chat_id: int | str | None) -> bool:
    """Groups and channels have negative ids (or an @username); private chats are counted per second instead."""
    if chat_id is None:
        return False
    key = _chat_key(chat_id)
    return isinstance(key, str) or key < 0


def wait_seconds(exc: RetryAfter) -> float:
    """A 429's retry_after in seconds (a timedelta: the package opts in to PTB's durations, see bot/__init__.py)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
