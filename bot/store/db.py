"""What every storage engine offers the store modules: a transaction, a connection's five calls, migrations.

SQLite (bot/store/sqlite.py) is the embedded default; PostgreSQL (bot/store/postgres.py) the scale-out engine.
The store modules write one SQL for both: ``?`` placeholders, ids from ``id_sequences`` (no engine
auto-increment), types both engines read alike. Where an engine needs its own SQL (a trigger, a column
type), it lives in ``migrations/<engine>/``, applied with the shared migration of the same name.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence, Sized
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

from bot.database_url import DatabaseUrl
from bot.errors import MigrationError

log = logging.getLogger(__name__)

Params = Sequence[Any]


class Row(Protocol):
    """A result row, read by position or by column name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Any: ...


def placeholders(values: Sized) -> str:
    """``?, ?, ?`` for an ``IN (…)`` list of these values."""
    return ", ".join("?" * len(values))


class Connection(ABC):
    """One open transaction: the only way the store modules talk to SQL."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return the number of rows it changed."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each of the rows of parameters."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def next_id(self, sequence: str) -> int:
        """Allocate the next id of a sequence (portable: no engine auto-increment)."""
        value = await self.fetch_value(
            "UPDATE id_sequences SET last_value = last_value + 1 WHERE name = ? RETURNING last_value",
            (sequence,),
        )
        if value is None:
            raise LookupError(f"unknown id sequence {sequence!r}")
        return int(value)

    @abstractmethod
    async def run_script(self, script: str) -> None:
        """Run a migration file's statements, in this transaction."""


class Database(ABC):
    """An open database. All access goes through :meth:`transaction`.

    A write transaction holds the database's one write lock from its first statement: writers, in this
    process or any other, run one after another, as SQLite's ``BEGIN IMMEDIATE`` makes them. Matching a
    report and placing it in a cluster is one such transaction, so two copies arriving at once, at two
    processes, end in one cluster. A read (``write=False``) waits for no writer.
    """

    engine: str
    """``sqlite`` or ``postgresql``: the folder of this engine's own migration statements."""
    migration_errors: tuple[type[BaseException], ...] = ()
    """What the engine raises for a statement a migration cannot run."""

    def __init__(self) -> None:
        self._watchers: list[Callable[[str], None]] = []

    @abstractmethod
    def transaction(self, *, write: bool = True) -> AbstractAsyncContextManager[Connection]:
        """Run the block in one transaction: committed on success, rolled back on any error."""

    @abstractmethod
    async def close(self) -> None: ...

    async def lead(self) -> bool:
        """Whether this process holds the leader's place: it alone sends receipts, cards and digests and runs the
        scheduled jobs. Called every few seconds; a process that gets True after False takes over that work.

        One process uses a SQLite file, so it always leads; PostgreSQL holds the place with a lock (postgres.py).
        """
        return True

    def watch(self, on_signal: Callable[[str], None]) -> None:
        """Call ``on_signal`` with each signal any process publishes (``publish``), this one included."""
        self._watchers.append(on_signal)

    async def publish(self, signal: str) -> None:
        """Tell every process sharing the database, e.g. that a receipt was queued. Lost if nobody listens:
        a signal only hurries what the leader's periodic checks would do anyway."""
        for on_signal in self._watchers:
            on_signal(signal)

    async def reserve_send(self, interval: float) -> float:
        """Take the next moment a message to Telegram may go, ``interval`` after the one before it, counted
        over every process sharing the database; return the seconds to wait for it. One process on SQLite
        paces itself (bot.telegram.flood), so here: now."""
        return 0.0

    @abstractmethod
    async def erase_freed(self) -> None:
        """Make removed data unreadable from the database's files, as far as the engine allows."""

    async def migrate(self, migrations: Path) -> list[str]:
        """Apply the numbered ``*.sql`` files not yet recorded, each in its own write transaction.

        Each file is followed by ``<engine>/<same name>`` where that exists. Returns the names applied; a
        second run, or a second process starting at the same time, applies nothing. A failing migration is
        rolled back whole and raises MigrationError.
        """
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
            )
        applied = []
        for file in sorted(migrations.glob("*.sql")):
            own = migrations / self.engine / file.name
            try:
                async with self.transaction() as tx:
                    if await tx.fetch_value("SELECT 1 FROM schema_migrations WHERE name = ?", (file.name,)):
                        continue
                    await tx.run_script(file.read_text(encoding="utf-8"))
                    if own.is_file():
                        await tx.run_script(own.read_text(encoding="utf-8"))
                    await tx.execute(
                        "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                        (file.name, int(time.time())),
                    )
            except self.migration_errors as exc:
                raise MigrationError(f"migration {file.name} failed and was rolled back: {exc}") from exc
            log.info("applied migration %s", file.name)
            applied.append(file.name)
        return applied


async def open_database(url: DatabaseUrl) -> Database:
    """Open the database the URL names (created if it is a new SQLite file)."""
    if url.engine == "postgresql":
        from bot.store.postgres import PostgresDatabase  # asyncpg is loaded only for PostgreSQL

        return await PostgresDatabase.open(url.dsn)
    from bot.store.sqlite import SQLiteDatabase

    assert url.path is not None  # a sqlite URL always names a file
    return await SQLiteDatabase.open(url.path)
