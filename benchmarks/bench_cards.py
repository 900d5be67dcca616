"""How long a case card takes to build as a case grows, on SQLite and on PostgreSQL: the work behind every
card edit, /case and /queue.

A card reads the case's totals, its accounts, and for each account every report naming it (for the
report-campaign flag), so its cost grows with the reports against the case's accounts. For each size and
engine this fills a fresh database with one account case of N reports from N/4 reporters, through the
store modules as the bot stores them, then builds the card (``card_view``) once untimed, as the bot keeps
building it again, and ``--runs`` times timed.

The fill stores 500 reports to a transaction: 55-70 s for 50,000 on PostgreSQL here. The bot stores one a
transaction, which would take about 4 minutes (4.3 s a thousand in a trial of 5,000). This script used to
store the whole case in one transaction, which on PostgreSQL grows quadratically: every report updates the
same rows (the report id sequence, the case's ``updated_at``), and PostgreSQL keeps each version of a row
a transaction updated until it ends, for later updates to step over. 10,000 reports took 55 s that way;
50,000 would take some 20 minutes.

    python benchmarks/bench_cards.py                         # 1,000 / 10,000 / 50,000 reports, both engines
    python benchmarks/bench_cards.py --reports 2000          # one size
    python benchmarks/bench_cards.py --engines sqlite        # one engine
    python benchmarks/bench_cards.py --database-url postgresql://kuzet@db:5432/scratch
    python benchmarks/bench_cards.py --queue 200             # /queue over 200 open cases of 5 reports each

SQLite runs on a file in a temporary folder; PostgreSQL on a throwaway database (``kuzet_bench_<random>``)
created on ``--postgres-server`` and dropped, connections and all, at the end. ``--database-url`` measures
on that one database instead: it must be a scratch database, as the cases built are left in it.
Figures go to benchmarks/results/bench_cards.json (``--output``); /queue's are only printed.

/queue builds every open case's view (up to QUEUE_SCAN) to sort and filter them, so it is timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.cases import CaseKind, Moderator, Policy, Role
from bot.core.reports import ReportKind
from bot.core.submission import Submission
from bot.database_url import DatabaseUrl
from bot.service.cases import QueueFilter, card_view, open_queue
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
START = 1_800_000_000
ENGINES = ("sqlite", "postgresql")
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
BATCH = 500
"""Reports stored per transaction while filling (see the docstring)."""


async def build_case(store: Store, reports: int, handle: str = "critic_voice") -> int:
    """One account case holding ``reports`` link reports, four per reporter, a second apart, stored
    ``BATCH`` to a transaction."""
    account = Account.by_handle(Platform.X, handle)
    case_id = None
    for first in range(0, reports, BATCH):
        async with store.transaction() as tx:
            for n in range(first, min(first + BATCH, reports)):
                reporter = f"reporter-{handle}-{n // 4}"
                await tx.reporters.touch(reporter, START + n)
                target = Target(Platform.X, account, str(n), Via.LINK)
                report = await tx.reports.add(
                    reporter, f"key-{handle}-{n}", Submission(ReportKind.LINK, None, (target,)), START + n
                )
                if case_id is None:
                    [account_id] = await tx.reports.account_ids(report.id)
                    case_id = await tx.cases.create(CaseKind.ACCOUNT, START, account_id=account_id)
                await tx.cases.attach(case_id, report.id, START + n)
    assert case_id is not None
    return case_id


class Databases:
    """Where each measurement runs: a fresh database of the engine, or the one ``--database-url`` names."""

    def __init__(self, server: str, given: DatabaseUrl | None = None) -> None:
        self.server = server
        self.given = given

    @asynccontextmanager
    async def fresh(self, engine: str) -> AsyncIterator[Store]:
        async with self._url(engine) as url:
            store = await Store.open(url)
            try:
                yield store
            finally:
                await store.close()

    @asynccontextmanager
    async def _url(self, engine: str) -> AsyncIterator[DatabaseUrl]:
        if self.given is not None:
            yield self.given
        elif engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                yield DatabaseUrl.parse(f"sqlite:///{Path(folder) / 'bench.db'}")
        else:
            async with self._throwaway() as url:
                yield url

    @asynccontextmanager
    async def _throwaway(self) -> AsyncIterator[DatabaseUrl]:
        """A new empty database on the server, dropped afterwards (as tests/databases.py makes them)."""
        name = f"kuzet_bench_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(self.server)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                yield DatabaseUrl.parse(urlunsplit(urlsplit(self.server)._replace(path=f"/{name}")))
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    async def postgres_version(self) -> str:
        admin = await asyncpg.connect(self.given.dsn if self.given is not None else self.server)
        try:
            return admin.get_settings().server_version
        finally:
            await admin.close()


async def measure(databases: Databases, engine: str, reports: int, runs: int) -> dict[str, Any]:
    handle = f"critic_{uuid.uuid4().hex[:8]}"  # a case of its own, should the database already hold one
    async with databases.fresh(engine) as store:
        started = time.perf_counter()
        case_id = await build_case(store, reports, handle)
        built = time.perf_counter() - started
        await card_view(store, case_id, Policy())
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            view = await card_view(store, case_id, Policy())
            timings.append(time.perf_counter() - started)
        assert view.reports == reports and view.surges, "the flood must be flagged"
    return {
        "engine": engine,
        "reports": reports,
        "fill_s": round(built, 2),
        "median_ms": round(statistics.median(timings) * 1000, 2),
        "p95_ms": round(statistics.quantiles(timings, n=20, method="inclusive")[18] * 1000, 2),
        "max_ms": round(max(timings) * 1000, 2),
    }


async def measure_queue(databases: Databases, engine: str, cases: int) -> dict[str, Any]:
    """/queue's first page (and a filtered one) over ``cases`` open cases of five reports each."""
    moderator = Moderator(1, "bench")
    async with databases.fresh(engine) as store:
        for n in range(cases):
            await build_case(store, 5, handle=f"account_{n}")
        async with store.transaction() as tx:
            await tx.roles.put(moderator.user_id, Role.MODERATOR, moderator.name, None, START)
        timings = []
        for filter in [QueueFilter.ALL, QueueFilter.ONE_VOTE] * 3:
            started = time.perf_counter()
            page = await open_queue(store, moderator, Policy(), 1, START, filter)
            timings.append(time.perf_counter() - started)
        assert page.total == 0 and len((await open_queue(store, moderator, Policy(), 1, START)).views) == 5
    return {"cases": cases, "median_ms": statistics.median(timings) * 1000, "max_ms": max(timings) * 1000}


def _cell(result: dict[str, Any]) -> str:
    return f"{result['median_ms']:>9.1f} {result['p95_ms']:>9.1f} {result['fill_s']:>8.1f}"


async def run_cards(databases: Databases, engines: list[str], sizes: list[int], runs: int) -> list[dict[str, Any]]:
    print(f"card build over {runs} runs after one untimed; median and p95 in ms, fill in s")
    print(f"{'':>8} " + " ".join(f"{engine:^28}" for engine in engines))
    print(f"{'reports':>8} " + " ".join(f"{'median':>9} {'p95':>9} {'fill':>8}" for _ in engines))
    results = []
    for size in sizes:
        row = [await measure(databases, engine, size, runs) for engine in engines]
        print(f"{size:>8,} " + " ".join(_cell(result) for result in row), flush=True)
        results.extend(row)
    return results


async def run(args: argparse.Namespace) -> None:
    given = None if args.database_url is None else DatabaseUrl.parse(args.database_url)
    databases = Databases(args.postgres_server, given)
    engines = [given.engine] if given is not None else args.engines
    if args.queue:
        for engine in engines:
            result = await measure_queue(databases, engine, args.queue)
            print(
                f"{engine}: /queue over {result['cases']:,} open cases: median {result['median_ms']:.0f} ms, "
                f"max {result['max_ms']:.0f} ms"
            )
        return
    load = os.getloadavg()
    results = await run_cards(databases, engines, args.reports or [1_000, 10_000, 50_000], args.runs)
    summary = {
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "postgresql": await databases.postgres_version() if "postgresql" in engines else None,
        "cards": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def engine_list(value: str) -> list[str]:
    engines = [engine.strip() for engine in value.split(",") if engine.strip()]
    if not engines or set(engines) - set(ENGINES):
        raise argparse.ArgumentTypeError(f"a comma-separated list of {', '.join(ENGINES)}")
    return engines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, action="append", help="case size (repeatable)")
    parser.add_argument("--runs", type=int, default=20, help="timed card builds per size and engine")
    parser.add_argument("--queue", type=int, help="time /queue over this many open cases instead")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--engines", type=engine_list, default=list(ENGINES), help="sqlite,postgresql (default both)")
    where.add_argument("--database-url", help="measure on this one scratch database (default: a fresh one per size)")
    parser.add_argument("--postgres-server", default=SERVER, help="where the throwaway PostgreSQL databases go")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "bench_cards.json")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
