"""The database each test runs on: a SQLite file in the test's folder, or, when KUZET_TEST_DATABASE_URL names a
PostgreSQL server, a throwaway database of its own there (created before the test, dropped after).

`.ci/run` runs the suite once each way. Tests use ``Database`` to look at what the bot stored, whichever the engine.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import queue
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot.database_url import DatabaseUrl
from bot.store.postgres import LEADER_LOCK

SERVER_VARIABLE = "KUZET_TEST_DATABASE_URL"
LEADER = (
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() "
    f"AND l.classid = {LEADER_LOCK >> 32} AND l.objid = {LEADER_LOCK & 0xFFFFFFFF}"
)
"""The application_name (kuzet-control-<pid>) of the process leading on this database (advisory locks are
listed for every database of the server, hence the filter)."""


def server_url() -> str | None:
    """The PostgreSQL server the suite runs on, or None for SQLite."""
    return os.environ.get(SERVER_VARIABLE) or None


def on_postgresql() -> bool:
    return server_url() is not None


_BY_FOLDER: dict[Path, str] = {}


def remember(folder: Path, url: str) -> None:
    """Note the database of the test whose folder this is, for the ``kuzet`` processes it starts."""
    _BY_FOLDER[folder] = url


def url_of(folder: Path) -> str:
    """The database of the test whose folder this is (a SQLite file in it, unless noted otherwise)."""
    return _BY_FOLDER.get(folder, f"sqlite:///{folder / 'kuzet.db'}")


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextmanager
def throwaway_database(prefix: str = "kuzet_test", *, migrated: bool = False) -> Iterator[str]:
    """A new PostgreSQL database on the test server, dropped (connections and all) afterwards: empty, or with
    ``migrated`` a copy of one this process migrated once (the same schema and seed rows ``Store.open`` makes,
    in a third of the time; the bot's own start then applies nothing)."""
    import psycopg

    server = server_url()
    assert server is not None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_migrated_template(server)}"' if migrated else ""
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{template}')
    try:
        yield _with_database(server, name)
    finally:
        _drop_later(server, name)


@contextmanager
def another_database(folder: Path, name: str) -> Iterator[str]:
    """A second database for a test that needs a fresh one: a SQLite file ``name`` in ``folder``, or a
    throwaway PostgreSQL database, migrated."""
    if not on_postgresql():
        yield f"sqlite:///{folder / name}"
        return
    with throwaway_database(migrated=True) as url:
        yield url


_templates: dict[str, str] = {}
_drops: queue.Queue[tuple[str, str] | None] = queue.Queue()
"""Databases to drop. Dropping one takes the server a second or two (a checkpoint): a thread of this process
drops them while the next tests run, and the process waits for it only when it ends."""
_dropper: list[threading.Thread] = []


def _migrated_template(server: str) -> str:
    """This process's migrated template database (only this process clones it, so it is never in use then)."""
    if server not in _templates:
        import psycopg

        from bot.store import Store

        name = f"kuzet_template_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        async def migrate() -> None:
            await (await Store.open(DatabaseUrl.parse(_with_database(server, name)))).close()

        with ThreadPoolExecutor(1) as thread:  # a loop of its own: a test's loop may be running here
            thread.submit(asyncio.run, migrate()).result()
        _templates[server] = name
    return _templates[server]


def _drop_later(server: str, name: str) -> None:
    if not _dropper:
        _dropper.append(threading.Thread(target=_dropping, name="drop-test-databases", daemon=True))
        _dropper[0].start()
        atexit.register(_drop_the_rest)
    _drops.put((server, name))


def _dropping() -> None:
    import psycopg

    while (job := _drops.get()) is not None:
        server, name = job
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_the_rest() -> None:
    """At the process's end: the templates too, once every copy is gone."""
    for server, name in _templates.items():
        _drops.put((server, name))
    _drops.put(None)
    _dropper[0].join()


class _Row(tuple):
    """A row read by position or by column name, like sqlite3.Row."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self.names.index(key))
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = tuple(column.name for column in cursor.description or ())

    def make(values: Any) -> _Row:
        row = _Row(values)
        row.names = names
        return row

    return make


class _PostgresConnection:
    """A test's own connection in the store's ``?`` style, committed when the ``with`` block ends."""

    def __init__(self, dsn: str) -> None:
        import psycopg

        self._conn = psycopg.connect(dsn, row_factory=_row_factory)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self._conn.execute(sql.replace("%", "%%").replace("?", "%s"), params)

    def __enter__(self) -> _PostgresConnection:
        return self

    def __exit__(self, kind: Any, *rest: Any) -> None:
        with self._conn:  # psycopg commits, or rolls back on an error, then closes
            pass


class Database:
    """A look at the bot's database, to check what was stored (and, in a few tests, to change it on purpose)."""

    def __init__(self, url: DatabaseUrl) -> None:
        self.url = url

    @property
    def path(self) -> Any:
        """The SQLite file (tests of the file itself run on SQLite only)."""
        return self.url.path

    def connect(self) -> Any:
        """A connection of the test's own, e.g. to damage the database on purpose."""
        if self.url.engine == "postgresql":
            return _PostgresConnection(self.url.dsn)
        conn = sqlite3.connect(self.url.path)  # type: ignore[arg-type]
        conn.row_factory = sqlite3.Row
        return conn

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        conn = self.connect()
        with conn:
            rows = list(conn.execute(sql, params))
        if self.url.engine == "sqlite":
            conn.close()
        return rows

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def count(self, sql: str) -> int:
        """A count, or 0 while the bot has not yet created the database or its tables."""
        import psycopg

        try:
            return int(self.value(sql))
        except (sqlite3.OperationalError, psycopg.errors.UndefinedTable):
            return 0

    def intact(self) -> bool:
        """The engine finds the database undamaged (SQLite's integrity check; PostgreSQL checks as it writes)."""
        return self.url.engine != "sqlite" or self.value("PRAGMA integrity_check") == "ok"

    def dump(self) -> str:
        """Every row of every table as text, to search for data that must not be there."""
        if self.url.engine == "sqlite":
            with sqlite3.connect(self.url.path) as conn:  # type: ignore[arg-type]
                return "\n".join(conn.iterdump())
        tables = [
            row[0]
            for row in self.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        return "\n".join(f"{table}: {tuple(row)!r}" for table in tables for row in self.rows(f"SELECT * FROM {table}"))
