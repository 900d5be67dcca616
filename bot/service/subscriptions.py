"""Use cases of subscribing to the digest, and of delivering published digests to each subscriber once."""

from __future__ import annotations

from bot.core.digest import DeliveryState, Digest
from bot.store import Store
from bot.store.digests import Delivery, Tally

DELIVERY_BATCH = 500


async def subscribe(store: Store, chat_id: int, pseudonym: str, locale: str, now: int) -> bool:
    """Subscribe a private chat; False if it already was."""
    async with store.transaction() as tx:
        return await tx.subscribers.add(chat_id, pseudonym, locale, now)


async def is_subscribed(store: Store, chat_id: int) -> bool:
    async with store.reading() as tx:
        return await tx.subscribers.is_subscribed(chat_id)


async def unsubscribe(store: Store, chat_id: int) -> bool:
    """Forget the chat id; False if it was not subscribed."""
    async with store.transaction() as tx:
        return await tx.subscribers.remove(chat_id)


async def pending_deliveries(store: Store) -> list[Delivery]:
    async with store.transaction() as tx:
        return await tx.digests.pending(DELIVERY_BATCH)


async def published_digest(store: Store, digest_id: int) -> Digest:
    """The digest exactly as it was published."""
    async with store.transaction() as tx:
        record = await tx.digests.get(digest_id)
    if record is None or record.data is None:
        raise LookupError(f"digest {digest_id} has no published data")
    return Digest.from_json(record.data)


async def part_sending(store: Store, delivery: Delivery, now: int, *, doubtful: bool) -> bool:
    """Record, before the request, that a part is in flight: a hard kill then leaves a trace.

    False, and the delivery is cancelled, when the subscriber opted out since it began: send nothing more.
    """
    async with store.transaction() as tx:
        if await tx.digests.sending(delivery.digest_id, delivery.chat_id, doubtful=doubtful):
            return True
        await tx.digests.end(delivery.digest_id, delivery.chat_id, DeliveryState.CANCELLED, now)
        return False


async def part_delivered(store: Store, delivery: Delivery, parts_sent: int, done: bool, now: int) -> None:
    """Telegram accepted one more part of this delivery: record it before sending the next."""
    async with store.transaction() as tx:
        await tx.digests.part_sent(delivery.digest_id, delivery.chat_id, parts_sent, done, now)


async def delivery_ended(store: Store, delivery: Delivery, state: DeliveryState, now: int) -> None:
    """The delivery cannot go on; a chat that blocked the bot is unsubscribed."""
    async with store.transaction() as tx:
        await tx.digests.end(delivery.digest_id, delivery.chat_id, state, now)
        if state is DeliveryState.BLOCKED:
            await tx.subscribers.remove(delivery.chat_id)


async def delivery_tally(store: Store, digest_id: int) -> Tally:
    async with store.transaction() as tx:
        return await tx.digests.tally(digest_id)


async def progress_message(store: Store, digest_id: int) -> tuple[int | None, int | None]:
    async with store.transaction() as tx:
        record = await tx.digests.get(digest_id)
    return (None, None) if record is None else (record.progress_chat_id, record.progress_message_id)


async def record_progress_message(store: Store, digest_id: int, chat_id: int, message_id: int) -> None:
    async with store.transaction() as tx:
        await tx.digests.set_progress_message(digest_id, chat_id, message_id)
