"""Use cases of the receipt outbox (receipts are queued with their report, by submit_report): take a chat's
turn, record the outcome."""

from __future__ import annotations

from collections.abc import Callable

from bot.store import Store
from bot.store.outbox import QueuedReceipt

RECEIPTS_PER_MESSAGE = 10
"""At most this many receipts go out together, so the message stays readable and its buttons few."""
MAX_RETRY_SECONDS = 300


async def release_interrupted(store: Store, sending_chats: list[int]) -> int:
    """Receipts whose send was cut short (except in these chats, still sending) go out again, flagged:
    they may have arrived."""
    async with store.transaction() as tx:
        return await tx.outbox.release_in_flight(sending_chats)


async def due_chats(store: Store, now: int, limit: int) -> list[int]:
    async with store.reading() as tx:
        return await tx.outbox.due_chats(now, limit)


async def take_turn(
    store: Store, chat_id: int, now: int, fits: Callable[[list[QueuedReceipt]], bool]
) -> list[QueuedReceipt]:
    """The chat's waiting receipts that fit in one message, oldest first, marked as being sent."""
    async with store.transaction() as tx:
        waiting = await tx.outbox.of_chat(chat_id, now, RECEIPTS_PER_MESSAGE)
        count = len(waiting)
        while count > 1 and not fits(waiting[:count]):
            count -= 1
        taken = waiting[:count]
        if taken:
            await tx.outbox.mark_in_flight([r.report_id for r in taken])
    return taken


async def receipts_sent(store: Store, receipts: list[QueuedReceipt], now: int) -> None:
    """Telegram accepted them: forget the chat id, and remember that the reports were answered."""
    async with store.transaction() as tx:
        await tx.outbox.remove([r.report_id for r in receipts])
        for resent in {r.doubtful for r in receipts}:
            await tx.reports.receipts_sent([r.report_id for r in receipts if r.doubtful == resent], now, resent=resent)


async def receipts_undeliverable(store: Store, receipts: list[QueuedReceipt]) -> None:
    """The citizen blocked the bot, or Telegram refused the message for good: stop trying."""
    async with store.transaction() as tx:
        await tx.outbox.remove([r.report_id for r in receipts])


async def receipts_postponed(
    store: Store, receipts: list[QueuedReceipt], now: int, *, retry_after: int | None, doubtful: bool
) -> int:
    """Try again after ``retry_after`` seconds, or after a doubling pause; returns the pause."""
    ids = [r.report_id for r in receipts]
    async with store.transaction() as tx:
        attempts = await tx.outbox.attempts(ids)
        pause = retry_after if retry_after is not None else min(MAX_RETRY_SECONDS, 2**attempts)
        await tx.outbox.postpone(ids, now + pause, doubtful=doubtful)
    return pause
