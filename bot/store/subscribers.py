"""Digest subscribers (table ``subscribers``)."""

from __future__ import annotations

from bot.store.db import Connection


class Subscribers:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, chat_id: int, pseudonym: str, locale: str, now: int) -> bool:
        """Subscribe; False if already subscribed (their language is brought up to date)."""
        changed = await self._conn.execute(
            "UPDATE subscribers SET locale = ?, pseudonym = ? WHERE chat_id = ?", (locale, pseudonym, chat_id)
        )
        if changed:
            return False
        await self._conn.execute(
            "INSERT INTO subscribers (chat_id, pseudonym, locale, subscribed_at) VALUES (?, ?, ?, ?)",
            (chat_id, pseudonym, locale, now),
        )
        return True

    async def remove(self, chat_id: int) -> bool:
        return await self._conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,)) > 0

    async def remove_of(self, pseudonym: str) -> int:
        return await self._conn.execute("DELETE FROM subscribers WHERE pseudonym = ?", (pseudonym,))

    async def set_locale_of(self, pseudonym: str, locale: str) -> None:
        await self._conn.execute("UPDATE subscribers SET locale = ? WHERE pseudonym = ?", (locale, pseudonym))

    async def is_subscribed(self, chat_id: int) -> bool:
        return await self._conn.fetch_value("SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,)) is not None

    async def count(self) -> int:
        return int(await self._conn.fetch_value("SELECT COUNT(*) FROM subscribers"))
