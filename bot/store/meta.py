"""Facts about the installation itself (table ``kuzet_meta``)."""

from __future__ import annotations

from bot.store.db import Connection


class Meta:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def get(self, name: str) -> str | None:
        return await self._conn.fetch_value("SELECT value FROM kuzet_meta WHERE name = ?", (name,))

    async def put(self, name: str, value: str) -> None:
        await self._conn.execute(
            "INSERT INTO kuzet_meta (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
