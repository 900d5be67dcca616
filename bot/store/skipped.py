"""Updates the poller gave up on, and tries of updates delivered again (tables ``skipped_updates``,
``update_attempts``)."""

from __future__ import annotations

from bot.store.db import Connection


class SkippedUpdates:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def record(self, update_id: int, kind: str, error: str, now: int) -> bool:
        """Note the update as skipped; False if it already was (it came again before being confirmed)."""
        await self._conn.execute("DELETE FROM update_attempts WHERE update_id = ?", (update_id,))
        return (
            await self._conn.execute(
                "INSERT INTO skipped_updates (update_id, kind, error, skipped_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (update_id) DO NOTHING",
                (update_id, kind, error, now),
            )
            == 1
        )

    async def attempt(self, update_id: int) -> int:
        """Count one more try of the update; returns the tries so far, this one included."""
        return int(
            await self._conn.fetch_value(
                "INSERT INTO update_attempts (update_id, attempts) VALUES (?, 1) "
                "ON CONFLICT (update_id) DO UPDATE SET attempts = update_attempts.attempts + 1 RETURNING attempts",
                (update_id,),
            )
        )

    async def handled(self, update_id: int) -> None:
        """The update was handled: its tries no longer matter."""
        await self._conn.execute("DELETE FROM update_attempts WHERE update_id = ?", (update_id,))

    async def forget_before(self, cutoff: int) -> None:
        """Drop the notes of updates skipped before ``cutoff``: they only explain a gap while it is recent."""
        await self._conn.execute("DELETE FROM skipped_updates WHERE skipped_at < ?", (cutoff,))
