"""Digests and their deliveries (tables ``digests``, ``deliveries``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.digest import DeliveryState, DigestStatus
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class DigestRecord:
    id: int
    period: str
    status: DigestStatus
    data: str | None
    published_at: int | None
    progress_chat_id: int | None
    progress_message_id: int | None


@dataclass(frozen=True)
class Delivery:
    digest_id: int
    chat_id: int
    locale: str
    parts_sent: int
    attempts: int
    in_flight: bool
    """A send was under way when the last process stopped: Telegram may have accepted it."""


@dataclass(frozen=True)
class Tally:
    total: int
    sent: int
    blocked: int
    failed: int
    doubtful: int = 0
    """Sent deliveries one of whose parts was sent again after its first send's fate was unknown."""
    cancelled: int = 0
    """Deliveries stopped because the subscriber opted out while the digest was being sent."""

    @property
    def pending(self) -> int:
        return self.total - self.sent - self.blocked - self.failed - self.cancelled


def _digest(row: Row) -> DigestRecord:
    return DigestRecord(
        row["id"],
        row["period"],
        DigestStatus(row["status"]),
        row["data"],
        row["published_at"],
        row["progress_chat_id"],
        row["progress_message_id"],
    )


_DONE = "chat_id = NULL, in_flight = 0"
"""What a delivery keeps once done: no chat id, only what the tally counts."""


class Digests:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def of_period(self, period: str) -> DigestRecord | None:
        row = await self._conn.fetch_one("SELECT * FROM digests WHERE period = ?", (period,))
        return None if row is None else _digest(row)

    async def get(self, digest_id: int) -> DigestRecord | None:
        row = await self._conn.fetch_one("SELECT * FROM digests WHERE id = ?", (digest_id,))
        return None if row is None else _digest(row)

    async def put(
        self,
        period: str,
        start: int,
        end: int,
        status: DigestStatus,
        now: int,
        *,
        data: str | None = None,
        published_by: int | None = None,
    ) -> int:
        """Create or update the period's digest; returns its id."""
        existing = await self.of_period(period)
        published_at = now if status is DigestStatus.PUBLISHED else None
        if existing is None:
            digest_id = await self._conn.next_id("digests")
            await self._conn.execute(
                "INSERT INTO digests (id, period, period_start, period_end, status, data, created_at, published_at, "
                "published_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (digest_id, period, start, end, status.value, data, now, published_at, published_by),
            )
            return digest_id
        await self._conn.execute(
            "UPDATE digests SET status = ?, data = ?, published_at = ?, published_by = ? WHERE id = ?",
            (status.value, data, published_at, published_by, existing.id),
        )
        return existing.id

    async def set_progress_message(self, digest_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE digests SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, digest_id),
        )

    async def published(self, limit: int) -> list[tuple[DigestRecord, Tally]]:
        rows = await self._conn.fetch_all(
            "SELECT * FROM digests WHERE status = ? ORDER BY period DESC LIMIT ?",
            (DigestStatus.PUBLISHED.value, limit),
        )
        return [(_digest(row), await self.tally(row["id"])) for row in rows]

    # ---- deliveries ----

    async def add_deliveries(self, digest_id: int, now: int, extra_chat: tuple[int, str] | None) -> int:
        """A pending delivery for every subscriber (in their chosen language), and for ``extra_chat`` (a channel)."""
        added = await self._conn.execute(
            "INSERT INTO deliveries (digest_id, chat_id, to_subscriber, locale, state, updated_at) "
            "SELECT ?, s.chat_id, 1, COALESCE(r.locale, s.locale), ?, ? FROM subscribers s "
            "LEFT JOIN reporters r ON r.pseudonym = s.pseudonym WHERE 1 = 1 ON CONFLICT DO NOTHING",
            (digest_id, DeliveryState.PENDING.value, now),
        )
        if extra_chat is not None:
            added += await self._conn.execute(
                "INSERT INTO deliveries (digest_id, chat_id, to_subscriber, locale, state, updated_at) "
                "VALUES (?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING",
                (digest_id, extra_chat[0], extra_chat[1], DeliveryState.PENDING.value, now),
            )
        return added

    async def pending(self, limit: int) -> list[Delivery]:
        rows = await self._conn.fetch_all(
            "SELECT digest_id, chat_id, locale, parts_sent, attempts, in_flight FROM deliveries WHERE state = ? "
            "ORDER BY digest_id, chat_id LIMIT ?",
            (DeliveryState.PENDING.value, limit),
        )
        return [
            Delivery(r["digest_id"], r["chat_id"], r["locale"], r["parts_sent"], r["attempts"], bool(r["in_flight"]))
            for r in rows
        ]

    async def sending(self, digest_id: int, chat_id: int, *, doubtful: bool) -> bool:
        """A part is about to be sent, if the delivery is still pending and its chat still subscribed (the digest
        channel always is); ``doubtful`` if an earlier send of it may have reached Telegram. False: do not send."""
        return (
            await self._conn.execute(
                "UPDATE deliveries SET in_flight = 1, attempts = attempts + 1, "
                "doubtful = CASE WHEN ? = 1 THEN 1 ELSE doubtful END WHERE digest_id = ? AND chat_id = ? AND state = ? "
                "AND (to_subscriber = 0 OR EXISTS (SELECT 1 FROM subscribers s WHERE s.chat_id = deliveries.chat_id))",
                (int(doubtful), digest_id, chat_id, DeliveryState.PENDING.value),
            )
            > 0
        )

    async def part_sent(self, digest_id: int, chat_id: int, parts_sent: int, done: bool, now: int) -> None:
        if done:
            await self.end(digest_id, chat_id, DeliveryState.SENT, now, parts_sent=parts_sent)
            return
        await self._conn.execute(
            "UPDATE deliveries SET parts_sent = ?, in_flight = 0, updated_at = ? WHERE digest_id = ? AND chat_id = ?",
            (parts_sent, now, digest_id, chat_id),
        )

    async def end(
        self, digest_id: int, chat_id: int, state: DeliveryState, now: int, *, parts_sent: int | None = None
    ) -> None:
        """The delivery is done (``state``): its chat id goes."""
        await self._conn.execute(
            f"UPDATE deliveries SET state = ?, parts_sent = COALESCE(?, parts_sent), updated_at = ?, {_DONE} "
            "WHERE digest_id = ? AND chat_id = ?",
            (state.value, parts_sent, now, digest_id, chat_id),
        )

    async def cancel_of_subscriber(self, pseudonym: str, now: int) -> int:
        """Cancel the deliveries still pending to the chats subscribed under this pseudonym."""
        return await self._conn.execute(
            f"UPDATE deliveries SET state = ?, updated_at = ?, {_DONE} WHERE state = ? "
            "AND chat_id IN (SELECT chat_id FROM subscribers WHERE pseudonym = ?)",
            (DeliveryState.CANCELLED.value, now, DeliveryState.PENDING.value, pseudonym),
        )

    async def tally(self, digest_id: int) -> Tally:
        rows = await self._conn.fetch_all(
            "SELECT state, COUNT(*) AS n, SUM(doubtful) AS doubtful FROM deliveries WHERE digest_id = ? GROUP BY state",
            (digest_id,),
        )
        counts = {row["state"]: int(row["n"]) for row in rows}
        doubtful = sum(int(row["doubtful"] or 0) for row in rows if row["state"] == DeliveryState.SENT.value)
        return Tally(
            sum(counts.values()),
            counts.get(DeliveryState.SENT.value, 0),
            counts.get(DeliveryState.BLOCKED.value, 0),
            counts.get(DeliveryState.FAILED.value, 0),
            doubtful,
            counts.get(DeliveryState.CANCELLED.value, 0),
        )
