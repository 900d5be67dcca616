"""The PostgreSQL engine: an asyncpg connection pool (asyncpg was measured against psycopg 3:
benchmarks/bench_pg_driver.py).

Writers take one transaction-scoped advisory lock (``WRITE_LOCK``) before their first statement, so
write transactions run one after another across every process sharing the database, as they do on
SQLite. That keeps the store's read-then-write steps (match, then place in a cluster) correct without
serialization retries; the lock costs one round trip and is measured in the README.
"""

from __future__ import annotations

import asyncio
import contextlib
import decimal
import functools
import logging
import os
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg

from bot.errors import StorageUnavailable
from bot.store.db import Connection, Database, Params, Row

log = logging.getLogger(__name__)

WRITE_LOCK = 0x6B757A6574
"""The advisory lock key every write transaction holds ("kuzet" in ASCII)."""
LEADER_LOCK = WRITE_LOCK + 1
"""The advisory lock the leading process holds on its control connection for as long as it lives."""
SIGNALS = "kuzet_signals"
"""The LISTEN/NOTIFY channel of Database.publish."""
CONTROL_SECONDS = 2.0
"""How long the control connection may take to answer before this process counts as cut off."""
POOL_SIZE = 8
ACQUIRE_SECONDS = 10.0
"""How long a transaction waits for a free connection before the database counts as unavailable."""
CONNECT_SECONDS = 5.0

_UNAVAILABLE_STATES = ("08", "53", "57P", "25006", "55000", "55P03", "XX")
"""SQLSTATE classes of a database that cannot take the work now: connection failures (08), out of disk,
memory or connections (53), shut down or restarting (57P), read-only (25006: a standby, or
default_transaction_read_only), not accepting connections (55000), a lock not had within LOCK_TIMEOUT (55P03),
internal or corruption errors (XX)."""
LOCK_TIMEOUT = "5s"
"""How long a statement waits for a lock (another process's write) before the database counts as unavailable:
SQLite's busy_timeout, the same 5 s."""


def _unavailable(exc: BaseException) -> bool:
    # InternalClientError: the client lost track of a connection the server ended (a failover, a terminated
    # session); the connection is then dropped, not given back to the pool.
    if isinstance(exc, (ConnectionError, asyncpg.InterfaceError, asyncpg.InternalClientError)):
        return True
    state = getattr(exc, "sqlstate", None) or ""
    return isinstance(exc, asyncpg.PostgresError) and state.startswith(_UNAVAILABLE_STATES)


@functools.lru_cache(maxsize=4096)
def numbered(sql: str) -> str:
    """The store's ``?`` placeholders as PostgreSQL's ``$1, $2, …`` (a ``?`` inside a string literal stays)."""
    out, n = [], 0
    for i, part in enumerate(re.split(r"('(?:[^']|'')*')", sql)):
        if i % 2:  # a quoted literal
            out.append(part)
            continue
        pieces = part.split("?")
        for j, piece in enumerate(pieces):
            out.append(piece)
            if j < len(pieces) - 1:
                n += 1
                out.append(f"${n}")
    return "".join(out)


def _number(value: str) -> int | float:
    """numeric (what SUM and AVG of integers give) as the int or float SQLite would give."""
    number = decimal.Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


async def _prepare(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("numeric", encoder=str, decoder=_number, schema="pg_catalog", format="text")


def control_name() -> str:
    """The control connection's application_name: pg_stat_activity (and pg_locks) show which process leads."""
    return f"kuzet-control-{os.getpid()}"


def _storable(params: Params) -> Params:
    """PostgreSQL's text cannot hold U+0000 (SQLite's can): a NUL in hostile input is kept as U+FFFD."""
    if not any(isinstance(p, str) and "\x00" in p for p in params):
        return params
    return [p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params]


class PostgresConnection(Connection):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        status = await self._conn.execute(numbered(sql), *_storable(params))
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        await self._conn.executemany(numbered(sql), [_storable(row) for row in rows])

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.fetch(numbered(sql), *_storable(params)))

    async def run_script(self, script: str) -> None:
        await self._conn.execute(script)  # several statements at once, inside this transaction


class PostgresDatabase(Database):
    engine = "postgresql"
    migration_errors = (asyncpg.PostgresError,)

    def __init__(self, pool: asyncpg.Pool, dsn: str) -> None:
        super().__init__()
        self._pool = pool
        self._dsn = dsn
        self._control: asyncpg.Connection | None = None
        """A connection of its own, outside the pool: it listens for signals and, while leading, holds LEADER_LOCK."""
        self._leading = False
        self._writers = asyncio.Lock()

    @classmethod
    async def open(cls, dsn: str) -> PostgresDatabase:
        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=1,
                max_size=POOL_SIZE,
                init=_prepare,
                timeout=CONNECT_SECONDS,
                server_settings={"lock_timeout": LOCK_TIMEOUT},
            )
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            if isinstance(exc, asyncpg.PostgresError) and not _unavailable(exc):
                raise
            raise StorageUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc
        return cls(pool, dsn)

    async def close(self) -> None:
        await self._close_control()
        await self._pool.close()

    async def lead(self) -> bool:
        """Keep the control connection, and hold LEADER_LOCK on it if no other process does.

        The lock lives as long as that connection: a leader that dies (even by SIGKILL) drops its connection,
        the server releases the lock, and the next process to ask within LEAD_CHECK_SECONDS takes over. A leader
        whose connection stops answering within CONTROL_SECONDS steps down at once.
        """
        try:
            if self._control is None or self._control.is_closed():
                self._leading = False
                self._control = await asyncpg.connect(
                    self._dsn, timeout=CONNECT_SECONDS, server_settings={"application_name": control_name()}
                )
                await self._control.add_listener(SIGNALS, self._on_notification)
            if self._leading:
                await self._control.fetchval("SELECT 1", timeout=CONTROL_SECONDS)
            else:
                self._leading = bool(
                    await self._control.fetchval(
                        "SELECT pg_try_advisory_lock($1)", LEADER_LOCK, timeout=CONTROL_SECONDS
                    )
                )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("lost the control connection to PostgreSQL (%s); not leading until it is back", exc)
            await self._close_control()
        return self._leading

    async def reserve_send(self, interval: float) -> float:
        """The slot in ``send_pace``, on the database's clock so the processes' clocks need not agree."""
        async with self._acquire() as conn:
            wait = await conn.fetchval(
                "UPDATE send_pace SET next_at = GREATEST(next_at, EXTRACT(EPOCH FROM clock_timestamp())) + $1 "
                "WHERE name = 'telegram' RETURNING next_at - $1 - EXTRACT(EPOCH FROM clock_timestamp())",
                interval,
            )
        return max(0.0, float(wait))

    async def publish(self, signal: str) -> None:
        async with self._acquire() as conn:
            await conn.execute("SELECT pg_notify($1, $2)", SIGNALS, signal)

    def _on_notification(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        for on_signal in self._watchers:
            on_signal(payload)

    async def _close_control(self) -> None:
        self._leading = False
        control, self._control = self._control, None
        if control is not None and not control.is_closed():
            control.terminate()

    async def erase_freed(self) -> None:
        """Nothing to do here: PostgreSQL has no secure delete. Removed rows stay in the data files until
        VACUUM reuses their space; the README asks for an encrypted volume, as it does for backups."""

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Connection]:
        """A writer waits for this process's other writers before it takes a pooled connection: writers queued
        on the advisory lock would otherwise hold every connection of the pool, and reads (the receipt sender's,
        /healthz) and the shared send pace would wait behind them."""
        async with self._writers if write else contextlib.nullcontext():
            async with self._transaction(write) as conn:
                yield conn

    @asynccontextmanager
    async def _transaction(self, write: bool) -> AsyncIterator[Connection]:
        try:
            async with self._acquire() as conn:
                if write:
                    transaction = conn.transaction()
                else:  # one snapshot for the whole read, as a SQLite read transaction sees
                    transaction = conn.transaction(isolation="repeatable_read", readonly=True)
                async with transaction:
                    if write:
                        await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
                    yield PostgresConnection(conn)
        except Exception as exc:
            if _unavailable(exc):
                raise StorageUnavailable(str(exc)) from exc
            raise

    @asynccontextmanager
    async def _acquire(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; a database that does not answer in time, or refuses, is unavailable."""
        try:
            conn = await self._pool.acquire(timeout=ACQUIRE_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise StorageUnavailable(f"no connection to PostgreSQL: {exc}") from exc
        try:
            yield conn
        except BaseException as exc:
            if _unavailable(exc):
                conn.terminate()  # broken or on a server that went away: the pool opens a fresh one
            raise
        finally:
            await self._pool.release(conn)
