"""The aliases moderators are shown by (table ``moderator_aliases``): stable numbers, never reused."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection, placeholders


@dataclass(frozen=True)
class AliasRow:
    user_id: int
    alias: int
    shows_name: bool
    name: str
    """The Telegram name the role holds (empty once the role is gone)."""


class Aliases:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def ensure(self, user_id: int) -> None:
        """Give the person the next alias, unless they have one."""
        if await self._conn.fetch_value("SELECT alias FROM moderator_aliases WHERE user_id = ?", (user_id,)) is None:
            alias = await self._conn.next_id("moderator_aliases")
            await self._conn.execute("INSERT INTO moderator_aliases (user_id, alias) VALUES (?, ?)", (user_id, alias))

    async def of(self, user_ids: list[int]) -> dict[int, AliasRow]:
        if not user_ids:
            return {}
        rows = await self._conn.fetch_all(
            "SELECT a.user_id, a.alias, a.shows_name, r.name FROM moderator_aliases a "
            f"LEFT JOIN roles r ON r.user_id = a.user_id WHERE a.user_id IN ({placeholders(user_ids)})",
            user_ids,
        )
        return {
            row["user_id"]: AliasRow(row["user_id"], row["alias"], bool(row["shows_name"]), row["name"] or "")
            for row in rows
        }

    async def show_name(self, user_id: int, shows: bool) -> bool:
        """Whether the person's name is shown instead of their alias; True if that changed."""
        changed = await self._conn.execute(
            "UPDATE moderator_aliases SET shows_name = ? WHERE user_id = ? AND shows_name <> ?",
            (int(shows), user_id, int(shows)),
        )
        return changed > 0
