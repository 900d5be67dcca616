"""Reported accounts (table ``accounts``)."""

from __future__ import annotations

from bot.core.accounts import Account
from bot.store.db import Connection


class Accounts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def upsert(self, account: Account, now: int) -> int:
        """The id of this account, created on first report; details learnt later are kept."""
        row = await self._conn.fetch_one(
            "SELECT id FROM accounts WHERE platform = ? AND identity = ?", (account.platform.value, account.identity)
        )
        if row is not None:
            await self._conn.execute(
                "UPDATE accounts SET handle = COALESCE(?, handle), external_id = COALESCE(?, external_id), "
                "display_name = COALESCE(?, display_name) WHERE id = ?",
                (account.handle, account.external_id, account.display_name, row["id"]),
            )
            return int(row["id"])
        account_id = await self._conn.next_id("accounts")
        await self._conn.execute(
            "INSERT INTO accounts (id, platform, identity, handle, external_id, display_name, first_reported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                account_id,
                account.platform.value,
                account.identity,
                account.handle,
                account.external_id,
                account.display_name,
                now,
            ),
        )
        return account_id

    async def id_of(self, account: Account) -> int | None:
        return await self._conn.fetch_value(
            "SELECT id FROM accounts WHERE platform = ? AND identity = ?", (account.platform.value, account.identity)
        )
