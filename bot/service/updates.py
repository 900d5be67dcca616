"""Use cases of taking updates (poller and webhook): giving up on one, and counting tries of updates delivered again."""

from __future__ import annotations

from bot.store import Store


async def record_skipped(store: Store, update_id: int, kind: str, error: str, now: int) -> bool:
    """Note the update as skipped; False if it already was, so moderators hear of it once."""
    async with store.transaction() as tx:
        return await tx.skipped.record(update_id, kind, error, now)


async def count_attempt(store: Store, update_id: int) -> int:
    """One more try of the update; the tries so far, this one included."""
    async with store.transaction() as tx:
        return await tx.skipped.attempt(update_id)


async def forget_attempts(store: Store, update_id: int) -> None:
    async with store.transaction() as tx:
        await tx.skipped.handled(update_id)
