"""Which PostgreSQL driver for bot/store: asyncpg or psycopg 3, on the store's own pattern of work.

One report as ``submit_report`` stores it is about ten short statements in one write transaction
(the write lock, the id sequence, inserts, lookups by key, an update). Both drivers run that same
transaction, through a pool of 4, from 8 concurrent tasks, against a throwaway database.

    python benchmarks/bench_pg_driver.py [--url postgresql://postgres@127.0.0.1:5432/postgres] [--n 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import asyncpg
import psycopg_pool

SCHEMA = [
    "CREATE TABLE seq (name TEXT PRIMARY KEY, last_value BIGINT NOT NULL)",
    "INSERT INTO seq VALUES ('reports', 0)",
    "CREATE TABLE reports (id INTEGER PRIMARY KEY, reporter TEXT NOT NULL, dedupe TEXT UNIQUE, body TEXT,"
    " created_at BIGINT NOT NULL, cluster_id INTEGER)",
    "CREATE INDEX reports_by_reporter ON reports (reporter, created_at)",
]
LOCK = 4242


def steps(i: int) -> list[tuple[str, tuple]]:
    """The statements of one stored report, in ``?`` style (each driver's own style is derived)."""
    reporter, dedupe = f"r{i % 500}", f"d{i}"
    return [
        ("SELECT pg_advisory_xact_lock(?)", (LOCK,)),
        ("SELECT id FROM reports WHERE dedupe = ?", (dedupe,)),
        ("SELECT COUNT(*) FROM reports WHERE reporter = ? AND created_at >= ?", (reporter, i - 3600)),
        ("UPDATE seq SET last_value = last_value + 1 WHERE name = ? RETURNING last_value", ("reports",)),
        (
            "INSERT INTO reports (id, reporter, dedupe, body, created_at) VALUES ((SELECT last_value FROM seq"
            " WHERE name = 'reports'), ?, ?, ?, ?)",
            (reporter, dedupe, "text " * 20, i),
        ),
        ("UPDATE reports SET cluster_id = ? WHERE dedupe = ?", (i % 97, dedupe)),
        ("SELECT id, reporter, body, created_at FROM reports WHERE dedupe = ?", (dedupe,)),
        ("SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM reports WHERE cluster_id = ?", (i % 97,)),
    ]


def numbered(sql: str) -> str:
    parts = sql.split("?")
    return "".join(p + (f"${n}" if n < len(parts) else "") for n, p in enumerate(parts, start=1))


async def run_asyncpg(url: str, n: int, tasks: int) -> list[float]:
    pool = await asyncpg.create_pool(url, min_size=4, max_size=4)
    latencies: list[float] = []

    async def one(i: int) -> None:
        start = time.perf_counter()
        async with pool.acquire() as conn, conn.transaction():
            for sql, params in steps(i):
                await conn.fetch(numbered(sql), *params)
        latencies.append(time.perf_counter() - start)

    await _drive(one, n, tasks)
    await pool.close()
    return latencies


async def run_psycopg(url: str, n: int, tasks: int) -> list[float]:
    pool = psycopg_pool.AsyncConnectionPool(url, min_size=4, max_size=4, open=False)
    await pool.open()
    latencies: list[float] = []

    async def one(i: int) -> None:
        start = time.perf_counter()
        async with pool.connection() as conn, conn.transaction():
            for sql, params in steps(i):
                cur = await conn.execute(sql.replace("?", "%s"), params, prepare=True)
                if cur.description is not None:
                    await cur.fetchall()
        latencies.append(time.perf_counter() - start)

    await _drive(one, n, tasks)
    await pool.close()
    return latencies


async def _drive(one, n: int, tasks: int) -> None:
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await one(i)

    await asyncio.gather(*(worker() for _ in range(tasks)))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--tasks", type=int, default=8)
    args = parser.parse_args()
    admin = await asyncpg.connect(args.url)
    base = args.url.rsplit("/", 1)[0]
    print(f"{args.n} stored reports, 8 statements each, {args.tasks} concurrent tasks, pool of 4")
    print(f"{'driver':10} {'reports/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    try:
        for name, run in (("asyncpg", run_asyncpg), ("psycopg", run_psycopg)) * 2:
            db = f"kuzet_bench_{uuid.uuid4().hex[:8]}"
            await admin.execute(f'CREATE DATABASE "{db}"')
            try:
                setup = await asyncpg.connect(f"{base}/{db}")
                for sql in SCHEMA:
                    await setup.execute(sql)
                await setup.close()
                start = time.perf_counter()
                latencies = await run(f"{base}/{db}", args.n, args.tasks)
                elapsed = time.perf_counter() - start
                q = statistics.quantiles(latencies, n=100)
                print(f"{name:10} {args.n / elapsed:10.0f} {q[49] * 1000:8.2f} {q[98] * 1000:8.2f}")
            finally:
                await admin.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
    finally:
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
