"""How long a case card takes to build as a case grows: the work behind every card edit, /case and /queue.

A card reads the case's totals, its accounts, and for each account every report naming it (for the
report-campaign flag), so its cost grows with the reports against the case's accounts. This builds
one account case of N reports from N/4 reporters in a real SQLite file (through the store, as the bot
does) and times ``card_view``.

    python benchmarks/bench_cards.py                 # 1,000 / 10,000 / 50,000 reports
    python benchmarks/bench_cards.py --reports 2000  # one size
    python benchmarks/bench_cards.py --queue 200     # /queue over 200 open cases of 5 reports each

/queue builds every open case's view (up to QUEUE_SCAN) to sort and filter them, so it is timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.cases import CaseKind, Moderator, Policy, Role
from bot.core.reports import ReportKind
from bot.core.submission import Submission
from bot.service.cases import QueueFilter, card_view, open_queue
from bot.store import Store

START = 1_800_000_000
RUNS = 7


async def build_case(store: Store, reports: int, handle: str = "critic_voice") -> int:
    """One account case holding ``reports`` link reports, four per reporter, a second apart."""
    account = Account.by_handle(Platform.X, handle)
    async with store.transaction() as tx:
        case_id = None
        for n in range(reports):
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
    return case_id


async def measure(reports: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.db")
        try:
            started = time.perf_counter()
            case_id = await build_case(store, reports)
            built = time.perf_counter() - started
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                view = await card_view(store, case_id, Policy())
                timings.append(time.perf_counter() - started)
            assert view.reports == reports and view.surges, "the flood must be flagged"
        finally:
            await store.close()
    return {
        "reports": reports,
        "fill_s": built,
        "median_ms": statistics.median(timings) * 1000,
        "max_ms": max(timings) * 1000,
    }


async def measure_queue(cases: int) -> dict[str, float]:
    """/queue's first page (and a filtered one) over ``cases`` open cases of five reports each."""
    moderator = Moderator(1, "bench")
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.db")
        try:
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
        finally:
            await store.close()
    return {"cases": cases, "median_ms": statistics.median(timings) * 1000, "max_ms": max(timings) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, action="append", help="case size (repeatable)")
    parser.add_argument("--queue", type=int, help="time /queue over this many open cases instead")
    args = parser.parse_args()
    if args.queue:
        result = asyncio.run(measure_queue(args.queue))
        print(
            f"/queue over {result['cases']:,} open cases: median {result['median_ms']:.0f} ms, "
            f"max {result['max_ms']:.0f} ms"
        )
        return
    sizes = args.reports or [1_000, 10_000, 50_000]
    print(f"{'reports':>8} {'card median':>12} {'card max':>10}")
    for size in sizes:
        result = asyncio.run(measure(size))
        print(f"{result['reports']:>8,} {result['median_ms']:>10.1f} ms {result['max_ms']:>7.1f} ms")


if __name__ == "__main__":
    main()
