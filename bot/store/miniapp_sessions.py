"""The Mini App's sessions (table ``miniapp_sessions``), shared by every ``kuzet web`` process."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection


@dataclass(frozen=True)
class Session:
    user_id: int
    locale: str
    used_at: int
    expires_at: int


class MiniAppSessions:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def open(
        self, token_hash: str, init_hash: str, user_id: int, locale: str, start_param: str | None, now: int, ttl: int
    ) -> bool:
        """A new session; False (and nothing written) when this initData already opened one."""
        added = await self._conn.execute(
            "INSERT INTO miniapp_sessions (token_hash, init_hash, user_id, locale, start_param, created_at, used_at, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (init_hash) DO NOTHING",
            (token_hash, init_hash, user_id, locale, start_param, now, now, now + ttl),
        )
        return added > 0

    async def live(self, token_hash: str, now: int) -> Session | None:
        row = await self._conn.fetch_one(
            "SELECT user_id, locale, used_at, expires_at FROM miniapp_sessions WHERE token_hash = ? AND expires_at > ?",
            (token_hash, now),
        )
        return None if row is None else Session(row["user_id"], row["locale"], row["used_at"], row["expires_at"])

    async def touch(self, token_hash: str, now: int, ttl: int) -> None:
        """Keep a session in use alive another ``ttl`` seconds."""
        await self._conn.execute(
            "UPDATE miniapp_sessions SET used_at = ?, expires_at = ? WHERE token_hash = ? AND expires_at > ?",
            (now, now + ttl, token_hash, now),
        )

    async def delete_expired(self, now: int) -> int:
        return await self._conn.execute("DELETE FROM miniapp_sessions WHERE expires_at <= ?", (now,))
