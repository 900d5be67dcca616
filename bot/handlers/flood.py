"""Telegram's flood limits, kept before Telegram has to enforce them.

PTB's AIORateLimiter spaces messages over all chats well, but keeps a group's "20 messages a minute" as
a leaky bucket: a burst of 20, then one every 3 s, so 40 can land in one minute. Telegram then answers
429 with a retry_after of up to a minute, and AIORateLimiter pauses every request, citizens' receipts
included, until it passes. Here each group gets a sliding window instead: never more than 20 in any
minute, bursts allowed up to that.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

GROUP_MESSAGES_PER_MINUTE = 20
GROUP_WINDOW_SECONDS = 61.0
"""A minute and a margin: the window is counted when a request leaves, Telegram counts when it arrives."""


class SlidingWindow:
    """At most ``limit`` entries in any ``period`` seconds; ``async with`` waits for a free place."""

    def __init__(self, limit: int, period: float) -> None:
        self.max_rate = limit
        self._period = period
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    def has_capacity(self, amount: float = 1) -> bool:
        self._forget(time.monotonic())
        return len(self._sent) + amount <= self.max_rate

    async def __aenter__(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._forget(now)
                if len(self._sent) < self.max_rate:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self._sent[0] + self._period - now)

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self._period:
            self._sent.popleft()


class TelegramRateLimiter(AIORateLimiter):
    """AIORateLimiter with a sliding window per group (see the module docstring)."""

    def _get_group_limiter(self, group_id: str | int | bool) -> SlidingWindow:  # type: ignore[override]
        if group_id not in self._group_limiters:
            self._group_limiters[group_id] = SlidingWindow(GROUP_MESSAGES_PER_MINUTE, GROUP_WINDOW_SECONDS)
        return self._group_limiters[group_id]


def wait_seconds(exc: RetryAfter) -> float:
    """A 429's retry_after in seconds (PTB gives an int or a timedelta, depending on its settings)."""
    value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
