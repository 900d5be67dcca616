"""Use cases of the disappearing chat trail: the citizen's choice, and the schedule of messages to delete."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.trail import TRAIL_CHOICES
from bot.store import Store
from bot.store.trail import TrailMessage


async def trail_minutes(store: Store, reporter: str, default: int) -> int:
    """The delay after which the reporter's chat is cleared (0: never): their choice, else the operator's."""
    async with store.reading() as tx:
        chosen = await tx.reporters.trail_minutes(reporter)
    return default if chosen is None else chosen


async def choose_trail(store: Store, reporter: str, minutes: int, now: int) -> None:
    if minutes not in TRAIL_CHOICES:
        raise ValueError(f"unsupported trail delay {minutes!r}")
    async with store.transaction() as tx:
        await tx.reporters.set_trail_minutes(reporter, minutes, now)


async def schedule_deletion(store: Store, chat_id: int, message_ids: Sequence[int], now: int, after: int) -> None:
    """Delete these messages of the chat ``after`` seconds from ``now``."""
    async with store.transaction() as tx:
        await tx.trail.add(chat_id, message_ids, now, now + after)


async def chats_to_clear(store: Store, now: int, limit: int) -> list[int]:
    async with store.reading() as tx:
        return await tx.trail.due_chats(now, limit)


async def due_messages(store: Store, chat_id: int, now: int, *, hasten: bool = False) -> list[TrailMessage]:
    """The chat's messages due now; ``hasten``: every message of the chat still scheduled."""
    async with store.transaction() as tx:
        if hasten:
            await tx.trail.hasten(chat_id, now)
        return await tx.trail.due_of_chat(chat_id, now)


async def messages_gone(store: Store, chat_id: int, message_ids: Sequence[int]) -> None:
    """These messages were deleted, or can no longer be: their ids (and, with the last, the chat id) go."""
    if message_ids:
        async with store.transaction() as tx:
            await tx.trail.remove(chat_id, message_ids)
