"""Reported accounts (table ``accounts``)."""

from __future__ import annotations

from bot.core.accounts import Account, Platform
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

    async def forget_own(self, user_id: int, username: str | None, reporter: str) -> int:
        """Clear the identity of the Telegram user's own account (by id, or by their current @username), where only
        their own reports name it; returns how many.

        The row stays (its reports and case point at it) but says nothing of whom it was. An account others
        reported too is evidence of theirs, and a reported account must not erase itself by sending /forgetme.
        """
        return await self._conn.execute(
            "UPDATE accounts SET identity = 'forgotten:' || id, handle = NULL, external_id = NULL, display_name = NULL "
            "WHERE platform = ? AND (external_id = ? OR identity = ?) AND NOT EXISTS ("
            "SELECT 1 FROM report_targets t JOIN reports r ON r.id = t.report_id "
            "WHERE t.account_id = accounts.id AND (r.reporter IS NULL OR r.reporter <> ?))",
            (Platform.TELEGRAM.value, str(user_id), "@" + username.casefold() if username else None, reporter),
        )
