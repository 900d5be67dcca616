"""Flood-limit accounting with sliding windows, like Telegram's per-bot and per-chat limits."""

import math
from collections import deque
from collections.abc import Iterator


class _Window:
    """At most ``limit`` events in any ``seconds``-long window."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 if it fits now)."""
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[-self.limit] + self.seconds - now


class FloodLimits:
    """Counts sends and edits: over all chats per second, per group per minute, per private chat per second."""

    def __init__(self, *, global_per_second: int, group_per_minute: int, private_per_second: int | None) -> None:
        self._global = _Window(global_per_second, 1.0)
        self._group_per_minute = group_per_minute
        self._private_per_second = private_per_second
        self._chats: dict[int, _Window] = {}

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """Whole seconds (at least 1) to wait before a send to ``chat_id`` is allowed, or None if it is."""
        wait = max(window.wait(now) for window in self._windows(chat_id))
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(self, chat_id: int, now: float) -> None:
        """Count one send or edit to ``chat_id``."""
        for window in self._windows(chat_id):
            window.stamps.append(now)

    def _windows(self, chat_id: int) -> Iterator[_Window]:
        yield self._global
        if chat_id < 0:
            yield self._chat_window(chat_id, self._group_per_minute, 60.0)
        elif self._private_per_second is not None:
            yield self._chat_window(chat_id, self._private_per_second, 1.0)

    def _chat_window(self, chat_id: int, limit: int, seconds: float) -> _Window:
        if chat_id not in self._chats:
            self._chats[chat_id] = _Window(limit, seconds)
        return self._chats[chat_id]
