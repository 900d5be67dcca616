"""Reporters, known only by pseudonym (table ``reporters``)."""

from __future__ import annotations

from bot.store.db import Connection


class Reporters:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def touch(self, pseudonym: str, now: int) -> None:
        """Record that the reporter was seen now (creating them on first sight)."""
        await self._conn.execute(
            "INSERT INTO reporters (pseudonym, first_seen_at, last_seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (pseudonym) DO UPDATE SET last_seen_at = excluded.last_seen_at",
            (pseudonym, now, now),
        )

    async def locale(self, pseudonym: str) -> str | None:
        """The language the reporter chose, or None if they never chose one."""
        return await self._conn.fetch_value("SELECT locale FROM reporters WHERE pseudonym = ?", (pseudonym,))

    async def set_locale(self, pseudonym: str, locale: str, now: int) -> None:
        await self.touch(pseudonym, now)
        await self._conn.execute("UPDATE reporters SET locale = ? WHERE pseudonym = ?", (locale, pseudonym))

    async def trail_minutes(self, pseudonym: str) -> int | None:
        """The delay the reporter chose for their chat trail (0: off), or None if they never chose."""
        return await self._conn.fetch_value("SELECT trail_minutes FROM reporters WHERE pseudonym = ?", (pseudonym,))

    async def set_trail_minutes(self, pseudonym: str, minutes: int, now: int) -> None:
        await self.touch(pseudonym, now)
        await self._conn.execute("UPDATE reporters SET trail_minutes = ? WHERE pseudonym = ?", (minutes, pseudonym))

    async def delete(self, pseudonym: str) -> bool:
        """Forget the reporter; their reports keep existing, unlinked (ON DELETE SET NULL)."""
        return await self._conn.execute("DELETE FROM reporters WHERE pseudonym = ?", (pseudonym,)) > 0
