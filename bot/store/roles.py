"""Who may moderate (table ``roles``)."""

from __future__ import annotations

from bot.core.cases import Moderator, Role
from bot.store.db import Connection, placeholders


class Roles:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def of(self, user_id: int) -> Role | None:
        value = await self._conn.fetch_value("SELECT role FROM roles WHERE user_id = ?", (user_id,))
        return None if value is None else Role(value)

    async def put(self, user_id: int, role: Role, name: str | None, added_by: int | None, now: int) -> None:
        await self._conn.execute(
            "INSERT INTO roles (user_id, role, name, added_by, added_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, name = COALESCE(excluded.name, roles.name)",
            (user_id, role.value, name, added_by, now),
        )

    async def rename(self, user_id: int, name: str) -> None:
        """Keep the name a moderator goes by current, for cards and the audit log."""
        await self._conn.execute(
            "UPDATE roles SET name = ? WHERE user_id = ? AND (name IS NULL OR name <> ?)", (name, user_id, name)
        )

    async def set_private_chat(self, user_id: int, reachable: bool) -> None:
        """Whether the bot can write to this person privately (they wrote to it; or a send was refused)."""
        await self._conn.execute(
            "UPDATE roles SET private_chat = ? WHERE user_id = ? AND private_chat <> ?",
            (int(reachable), user_id, int(reachable)),
        )

    async def has_private_chat(self, user_id: int) -> bool:
        return bool(await self._conn.fetch_value("SELECT private_chat FROM roles WHERE user_id = ?", (user_id,)))

    async def remove(self, user_id: int) -> bool:
        return await self._conn.execute("DELETE FROM roles WHERE user_id = ?", (user_id,)) > 0

    async def all(self) -> list[tuple[Moderator, Role]]:
        rows = await self._conn.fetch_all("SELECT user_id, role, name FROM roles ORDER BY role, added_at, user_id")
        return [(Moderator(row["user_id"], row["name"] or ""), Role(row["role"])) for row in rows]

    async def names(self, user_ids: list[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = await self._conn.fetch_all(
            f"SELECT user_id, name FROM roles WHERE user_id IN ({placeholders(user_ids)})", user_ids
        )
        return {row["user_id"]: row["name"] or "" for row in rows}
