"""What the matcher gained or lost, in order (table ``matcher_changes``), so every process matches alike."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection


@dataclass(frozen=True)
class MatcherChange:
    id: int
    kind: str
    """A MatchKind value: template, negative or cluster."""
    item_id: int
    text: str | None
    """None: the item left the matcher."""
    language: str | None


class MatcherChanges:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def record(self, kind: str, item_id: int, text: str | None, language: str | None, now: int) -> int:
        change_id = await self._conn.next_id("matcher_changes")
        await self._conn.execute(
            "INSERT INTO matcher_changes (id, kind, item_id, text, language, at) VALUES (?, ?, ?, ?, ?, ?)",
            (change_id, kind, item_id, text, language, now),
        )
        return change_id

    async def since(self, after: int) -> list[MatcherChange]:
        rows = await self._conn.fetch_all(
            "SELECT id, kind, item_id, text, language FROM matcher_changes WHERE id > ? ORDER BY id", (after,)
        )
        return [MatcherChange(r["id"], r["kind"], r["item_id"], r["text"], r["language"]) for r in rows]

    async def latest(self) -> int:
        """The number of the last change: a matcher built now has seen every change up to it."""
        return int(await self._conn.fetch_value("SELECT last_value FROM id_sequences WHERE name = 'matcher_changes'"))

    async def forget_before(self, before: int) -> int:
        return await self._conn.execute("DELETE FROM matcher_changes WHERE at < ?", (before,))
