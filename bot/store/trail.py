"""Messages of private chats waiting to be deleted (table ``chat_trail``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Connection, placeholders


@dataclass(frozen=True)
class TrailMessage:
    message_id: int
    sent_at: int


class ChatTrail:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, chat_id: int, message_ids: Sequence[int], sent_at: int, due_at: int) -> None:
        """Schedule these messages; one already scheduled keeps the earlier of its two times."""
        await self._conn.execute_many(
            "INSERT INTO chat_trail (chat_id, message_id, sent_at, due_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id, message_id) DO UPDATE SET "
            "due_at = CASE WHEN excluded.due_at < chat_trail.due_at THEN excluded.due_at ELSE chat_trail.due_at END",
            [(chat_id, message_id, sent_at, due_at) for message_id in message_ids],
        )

    async def due_chats(self, now: int, limit: int) -> list[int]:
        """Chats with a message due, the longest-waiting first."""
        rows = await self._conn.fetch_all(
            "SELECT chat_id FROM chat_trail WHERE due_at <= ? GROUP BY chat_id ORDER BY MIN(due_at) LIMIT ?",
            (now, limit),
        )
        return [row[0] for row in rows]

    async def due_of_chat(self, chat_id: int, now: int) -> list[TrailMessage]:
        """The chat's messages due by ``now``, oldest first."""
        rows = await self._conn.fetch_all(
            "SELECT message_id, sent_at FROM chat_trail WHERE chat_id = ? AND due_at <= ? ORDER BY message_id",
            (chat_id, now),
        )
        return [TrailMessage(row[0], row[1]) for row in rows]

    async def hasten(self, chat_id: int, now: int) -> None:
        """Make every message of the chat due now (/wipe, /forgetme)."""
        await self._conn.execute(
            "UPDATE chat_trail SET due_at = ? WHERE chat_id = ? AND due_at > ?", (now, chat_id, now)
        )

    async def remove(self, chat_id: int, message_ids: Sequence[int]) -> None:
        await self._conn.execute(
            f"DELETE FROM chat_trail WHERE chat_id = ? AND message_id IN ({placeholders(message_ids)})",
            (chat_id, *message_ids),
        )

    async def remove_chat(self, chat_id: int) -> int:
        return await self._conn.execute("DELETE FROM chat_trail WHERE chat_id = ?", (chat_id,))

    async def waiting(self) -> int:
        return int(await self._conn.fetch_value("SELECT COUNT(*) FROM chat_trail"))
