"""Who may moderate (table ``roles``)."""

from __future__ import annotations

from bot.core.cases import CaseStatus, Moderator, Role
from bot.store.db import Connection, placeholders


class Roles:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def of(self, user_id: int) -> Role | None:
        value = await self._conn.fetch_value("SELECT role FROM roles WHERE user_id = ?", (user_id,))
        return None if value is None else Role(value)

    async def put(
        self, user_id: int, role: Role, name: str | None, added_by: int | None, now: int, *, probation: bool = False
    ) -> None:
        """Give the role; ``probation``: a new moderator whose votes count only once enough agreed with decisions."""
        await self._conn.execute(
            "INSERT INTO roles (user_id, role, name, added_by, added_at, probation) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, name = COALESCE(excluded.name, roles.name)",
            (user_id, role.value, name, added_by, now, int(probation)),
        )

    async def rename(self, user_id: int, name: str) -> None:
        """Keep the name a moderator goes by current, for cards and the audit log."""
        await self._conn.execute(
            "UPDATE roles SET name = ? WHERE user_id = ? AND (name IS NULL OR name <> ?)", (name, user_id, name)
        )

    async def set_private_chat(self, user_id: int, reachable: bool) -> bool:
        """Whether the bot can write to this person privately (they wrote to it; or a send was refused); True when
        that changed."""
        return 0 < await self._conn.execute(
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

    async def agreed_votes(self, user_ids: list[int]) -> dict[int, int]:
        """For each of these moderators still on probation: how many of their verify votes are in verified cases
        (votes that agreed with the final decision)."""
        if not user_ids:
            return {}
        rows = await self._conn.fetch_all(
            "SELECT r.user_id, COUNT(c.id) AS agreed FROM roles r "
            "LEFT JOIN case_votes v ON v.moderator_id = r.user_id AND v.vote = 'verify' "
            "LEFT JOIN cases c ON c.id = v.case_id AND c.status = ? "
            f"WHERE r.probation = 1 AND r.role = ? AND r.user_id IN ({placeholders(user_ids)}) GROUP BY r.user_id",
            (CaseStatus.VERIFIED.value, Role.MODERATOR.value, *user_ids),
        )
        return {row["user_id"]: row["agreed"] for row in rows}
