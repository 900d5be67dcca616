"""Accounts protected from report brigades (table ``protected_accounts``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection, placeholders


@dataclass(frozen=True)
class Protection:
    account_id: int
    case_id: int | None
    protected_at: int
    protected_by: int | None


class ProtectedAccounts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def protect(self, account_id: int, case_id: int | None, by: int | None, now: int) -> bool:
        """Put the account on the list; False if it was already there."""
        if await self.get(account_id) is not None:
            return False
        await self._conn.execute(
            "INSERT INTO protected_accounts (account_id, case_id, protected_at, protected_by) VALUES (?, ?, ?, ?)",
            (account_id, case_id, now, by),
        )
        return True

    async def lift(self, account_id: int) -> bool:
        """Take the account off the list (an admin reopened the case that protected it)."""
        found = await self.get(account_id) is not None
        await self._conn.execute("DELETE FROM protected_accounts WHERE account_id = ?", (account_id,))
        return found

    async def get(self, account_id: int) -> Protection | None:
        row = await self._conn.fetch_one(
            "SELECT account_id, case_id, protected_at, protected_by FROM protected_accounts WHERE account_id = ?",
            (account_id,),
        )
        return (
            None
            if row is None
            else Protection(row["account_id"], row["case_id"], row["protected_at"], row["protected_by"])
        )

    async def among(self, account_ids: list[int]) -> set[int]:
        """Which of these accounts are protected."""
        if not account_ids:
            return set()
        rows = await self._conn.fetch_all(
            f"SELECT account_id FROM protected_accounts WHERE account_id IN ({placeholders(account_ids)})",
            tuple(account_ids),
        )
        return {row["account_id"] for row in rows}

    async def all_ids(self) -> set[int]:
        rows = await self._conn.fetch_all("SELECT account_id FROM protected_accounts")
        return {row["account_id"] for row in rows}
