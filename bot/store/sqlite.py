"""The SQLite engine: one aiosqlite connection in WAL mode, shared by the whole bot."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.errors import MigrationError, StorageUnavailable
from bot.store.db import Connection, Database, Params, Row

log = logging.getLogger(__name__)

_UNAVAILABLE = re.compile(r"database is locked|database or disk is full|disk I/O error|attempt to write a readonly")
"""SQLite's words for a database that cannot take a write now (SQLITE_BUSY, _FULL, _IOERR, _READONLY)."""


class SQLiteConnection(Connection):
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        # One trip to aiosqlite's thread; a cursor would take three (execute, fetch, close), ~0.2 ms each.
        return list(await self._conn.execute_fetchall(sql, params))

    async def run_script(self, script: str) -> None:
        for statement in split_statements(script):
            await self._conn.execute(statement)


class SQLiteDatabase(Database):
    """All access goes through :meth:`transaction`, which serialises callers with a lock: one connection
    cannot run two transactions at once."""

    engine = "sqlite"
    migration_errors = (sqlite3.Error,)

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        super().__init__()
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> SQLiteDatabase:
        """Open the database, creating it readable by its owner only (SQLite gives its WAL and SHM the same mode).

        ``secure_delete`` overwrites deleted and updated content with zeros, so what /forgetme and retention
        remove does not linger in free space of the file.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            log.warning("the database %s is readable by others; run: chmod 600 %s*", path, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA secure_delete = ON",
        ):
            await conn.execute(pragma)
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    async def erase_freed(self) -> None:
        """Copy the WAL into the database and empty it, so removed data is not left in the WAL's old pages.

        Incomplete (and logged) while another process reads the database, e.g. a running export.
        """
        async with self._lock:
            busy, *_ = await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            if busy[0]:
                log.warning("the WAL of %s could not be emptied: another process is reading the database", self.path)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Connection]:
        """A write transaction takes the write lock at once (no deadlock upgrading later); a read
        (``write=False``) does not wait for another process's writes."""
        async with self._lock:
            try:
                await self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield SQLiteConnection(self._conn)
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._roll_back()
                    raise
            except sqlite3.OperationalError as exc:
                if _UNAVAILABLE.search(str(exc)):
                    raise StorageUnavailable(str(exc)) from exc
                raise

    async def _roll_back(self) -> None:
        """Roll back, unless the transaction has already ended. ``in_transaction`` cannot tell: a task cancelled
        while awaiting COMMIT leaves the COMMIT running in aiosqlite's thread, and it may end the transaction
        between that check and the ROLLBACK queued behind it ("cannot rollback - no transaction is active")."""
        try:
            await self._conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "no transaction is active" not in str(exc):
                raise


def _create_private(path: Path) -> None:
    """An empty file (an empty SQLite database) with mode 0600, unless the database exists already."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def split_statements(script: str) -> Iterable[str]:
    """Split a SQL script into complete statements.

    ``executescript`` would commit on its own, so each statement is run
    separately inside the migration's transaction instead.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        if not pending and line.strip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise MigrationError(f"incomplete SQL statement at the end of a migration: {pending.strip()[:60]!r}")
