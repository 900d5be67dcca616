"""The bot keeps Telegram's per-group limit itself: never more than 20 messages in any minute."""

from __future__ import annotations

import asyncio
import time

from bot.handlers.flood import SlidingWindow


async def test_a_sliding_window_lets_a_burst_through_then_waits_for_the_oldest_to_age_out() -> None:
    window = SlidingWindow(3, 0.4)
    started = time.monotonic()
    times = []
    for _ in range(5):
        async with window:
            times.append(time.monotonic() - started)
    assert max(times[:3]) < 0.1  # the burst goes at once
    assert times[3] >= 0.4 and times[4] >= 0.4  # the rest when the first ones are a period old
    in_any_period = max(sum(1 for t in times if start <= t < start + 0.4) for start in times)
    assert in_any_period == 3


async def test_waiting_senders_queue_and_each_gets_a_place() -> None:
    window = SlidingWindow(2, 0.3)

    async def send() -> float:
        async with window:
            return time.monotonic()

    sent = sorted(await asyncio.gather(*(send() for _ in range(4))))
    assert sent[2] - sent[0] >= 0.3 and sent[3] - sent[1] >= 0.3
    assert not window.has_capacity()
