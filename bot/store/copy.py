"""``kuzet db copy``: a SQLite deployment moved whole into an empty PostgreSQL database.

Every table is copied row by row in the order its foreign keys need, in one transaction of the target: the
copy is whole or nothing. The id sequences and the reporter-key check value (kuzet_meta) travel with the data,
so the bot on the target numbers on from where the source stopped and starts with the same REPORTER_KEY.
Values are converted to the target column's type, as SQLite may hold "5" in an integer column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database

SEEDED = {"schema_migrations", "id_sequences", "send_pace"}
"""Tables the migrations fill themselves: not part of "empty"; id_sequences is overwritten, the others kept."""
BATCH = 2000


class TargetNotEmpty(Exception):
    """The target database holds data already; the copy would mix two deployments."""


class SchemasDiffer(Exception):
    """Source and target are not at the same migration."""


@dataclass(frozen=True)
class Copied:
    table: str
    source: int
    target: int


async def _sqlite_tables(source: Database) -> list[str]:
    """The source's tables, each after the tables its foreign keys point at."""
    async with source.transaction(write=False) as tx:
        names = [
            r[0]
            for r in await tx.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        needs = {name: {r["table"] for r in await tx.fetch_all(f'PRAGMA foreign_key_list("{name}")')} for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and needs[n] <= set(ordered) | {n}]
        if not ready:
            raise SchemasDiffer(f"circular foreign keys among {sorted(set(names) - set(ordered))}")
        ordered.extend(ready)
    return ordered


async def _postgres_types(target: Database) -> dict[str, dict[str, str]]:
    async with target.transaction(write=False) as tx:
        rows = await tx.fetch_all(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'"
        )
    types: dict[str, dict[str, str]] = {}
    for row in rows:
        types.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    return types


def _converter(data_type: str) -> Callable[[Any], Any]:
    if data_type in ("integer", "bigint", "smallint"):
        return int
    if data_type in ("double precision", "real", "numeric"):
        return float
    return str


async def copy_database(source: Database, target: Database, progress: Callable[[str, int], None]) -> list[Copied]:
    """Copy every row of the (migrated) SQLite ``source`` into the (migrated, empty) PostgreSQL ``target``."""
    if source.engine != "sqlite" or target.engine != "postgresql":
        raise SchemasDiffer("copies a SQLite database (sqlite:///…) into a PostgreSQL one (postgresql://…)")
    tables = await _sqlite_tables(source)
    types = await _postgres_types(target)
    async with source.transaction(write=False) as tx:
        applied = {r[0] for r in await tx.fetch_all("SELECT name FROM schema_migrations")}
    async with target.transaction(write=False) as tx:
        if applied != {r[0] for r in await tx.fetch_all("SELECT name FROM schema_migrations")}:
            raise SchemasDiffer("the two databases are at different migrations; run `kuzet migrate` on both")
        for table in tables:
            if table not in SEEDED and await tx.fetch_value(f'SELECT 1 FROM "{table}" LIMIT 1'):
                raise TargetNotEmpty(f"the target already holds data (table {table}); copy into an empty database")
    async with source.transaction(write=False) as read, target.transaction() as write:
        for table in tables:
            if table in ("schema_migrations", "send_pace"):
                continue
            if table == "id_sequences":
                for row in await read.fetch_all("SELECT name, last_value FROM id_sequences"):
                    await write.execute(
                        "INSERT INTO id_sequences (name, last_value) VALUES (?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET last_value = excluded.last_value",
                        (row["name"], int(row["last_value"])),
                    )
                continue
            after, done = 0, 0
            while rows := await read.fetch_all(
                f'SELECT rowid AS _rowid, * FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?', (after, BATCH)
            ):
                columns = [c for c in rows[0].keys() if c != "_rowid"]
                convert = [_converter(types[table][c]) for c in columns]
                sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
                await write.execute_many(
                    sql,
                    [
                        tuple(None if r[c] is None else f(r[c]) for c, f in zip(columns, convert, strict=True))
                        for r in rows
                    ],
                )
                after, done = rows[-1]["_rowid"], done + len(rows)
                progress(table, done)
    async with target.transaction() as write:
        # Statistics now, not whenever autovacuum comes by: before them the planner takes the freshly filled
        # tables for empty, and the public site's catalogue query ran as a nested loop (79 s at 10,000 cases).
        await write.execute("ANALYZE")
    return await _compare(source, target, tables)


async def _compare(source: Database, target: Database, tables: list[str]) -> list[Copied]:
    counts = []
    async with source.transaction(write=False) as read, target.transaction(write=False) as check:
        for table in tables:
            if table == "send_pace":
                continue
            sql = f'SELECT COUNT(*) FROM "{table}"'
            counts.append(Copied(table, int(await read.fetch_value(sql)), int(await check.fetch_value(sql))))
    return counts
