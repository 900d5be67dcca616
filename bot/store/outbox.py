"""Receipts waiting to be sent (table ``receipt_outbox``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection, placeholders

_FIELDS = "report_id, chat_id, message_id, locale, body, follow_up, doubtful"


@dataclass(frozen=True)
class QueuedReceipt:
    report_id: int
    chat_id: int
    message_id: int
    """The citizen's message the receipt answers."""
    locale: str
    body: str
    """The receipt, rendered in the citizen's language when the report was stored."""
    follow_up: bool
    """Offer the "tell me the outcome" button."""
    doubtful: bool = False


class ReceiptOutbox:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, receipt: QueuedReceipt, now: int) -> None:
        await self._conn.execute(
            f"INSERT INTO receipt_outbox ({_FIELDS}, queued_at, next_try_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                receipt.report_id,
                receipt.chat_id,
                receipt.message_id,
                receipt.locale,
                receipt.body,
                int(receipt.follow_up),
                int(receipt.doubtful),
                now,
                now,
            ),
        )

    async def holds(self, report_id: int) -> bool:
        return await self._conn.fetch_value("SELECT 1 FROM receipt_outbox WHERE report_id = ?", (report_id,)) == 1

    async def due_chats(self, now: int, limit: int) -> list[int]:
        """Chats with a receipt due, the longest-waiting first."""
        rows = await self._conn.fetch_all(
            "SELECT chat_id FROM receipt_outbox WHERE next_try_at <= ? AND in_flight = 0 "
            "GROUP BY chat_id ORDER BY MIN(queued_at), MIN(report_id) LIMIT ?",
            (now, limit),
        )
        return [row[0] for row in rows]

    async def of_chat(self, chat_id: int, now: int, limit: int) -> list[QueuedReceipt]:
        """The chat's due receipts, oldest first."""
        rows = await self._conn.fetch_all(
            f"SELECT {_FIELDS} FROM receipt_outbox WHERE chat_id = ? AND next_try_at <= ? AND in_flight = 0 "
            "ORDER BY report_id LIMIT ?",
            (chat_id, now, limit),
        )
        return [QueuedReceipt(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6])) for r in rows]

    async def mark_in_flight(self, report_ids: list[int]) -> None:
        await self._conn.execute(
            "UPDATE receipt_outbox SET in_flight = 1, attempts = attempts + 1 "
            f"WHERE report_id IN ({placeholders(report_ids)})",
            report_ids,
        )

    async def remove(self, report_ids: list[int]) -> None:
        await self._conn.execute(
            f"DELETE FROM receipt_outbox WHERE report_id IN ({placeholders(report_ids)})", report_ids
        )

    async def postpone(self, report_ids: list[int], until: int, *, doubtful: bool) -> None:
        """The send failed: try again at ``until``; ``doubtful`` if it may have reached Telegram all the same."""
        await self._conn.execute(
            "UPDATE receipt_outbox SET in_flight = 0, next_try_at = ?, "
            "doubtful = CASE WHEN ? = 1 THEN 1 ELSE doubtful END "
            f"WHERE report_id IN ({placeholders(report_ids)})",
            (until, int(doubtful), *report_ids),
        )

    async def attempts(self, report_ids: list[int]) -> int:
        return int(
            await self._conn.fetch_value(
                "SELECT COALESCE(MAX(attempts), 0) FROM receipt_outbox "
                f"WHERE report_id IN ({placeholders(report_ids)})",
                report_ids,
            )
        )

    async def release_in_flight(self, sending_chats: list[int]) -> int:
        """Receipts marked in flight by a send that did not finish (the bot was killed, or the database
        failed after the send) may have been delivered: make them due again, flagged."""
        still_sending = f" AND chat_id NOT IN ({placeholders(sending_chats)})" if sending_chats else ""
        return await self._conn.execute(
            f"UPDATE receipt_outbox SET in_flight = 0, doubtful = 1 WHERE in_flight = 1{still_sending}", sending_chats
        )

    async def drop_of_reporter(self, reporter: str) -> int:
        return await self._conn.execute(
            "DELETE FROM receipt_outbox WHERE report_id IN (SELECT id FROM reports WHERE reporter = ?)", (reporter,)
        )

    async def waiting(self) -> int:
        return int(await self._conn.fetch_value("SELECT COUNT(*) FROM receipt_outbox"))
