"""How long a case card takes to build as a case grows: the work behind every card edit, /case and /queue.

A card reads the case's totals, its accounts, and for each account every report naming it (for the
report-campaign flag), so its cost grows with the reports against the case's accounts. This builds
one account case of N reports from N/4 reporters in a real SQLite file (through the store, as the bot
does) and times ``card_view``.

    python benchmarks/bench_cards.py                 # 1,000 / 10,000 / 50,000 reports
    python benchmarks/bench_cards.py --reports 2000  # one size
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.cases import CaseKind, Policy
from bot.core.reports import ReportKind
from bot.core.submission import Submission
from bot.service.cases import card_view
from bot.store import Store

START = 1_800_000_000
RUNS = 7


async def build_case(store: Store, reports: int) -> int:
    """One account case holding ``reports`` link reports, four per reporter, a second apart."""
    account = Account.by_handle(Platform.X, "critic_voice")
    async with store.transaction() as tx:
        case_id = None
        for n in range(reports):
            reporter = f"reporter-{n // 4}"
            await tx.reporters.touch(reporter, START + n)
            target = Target(Platform.X, account, str(n), Via.LINK)
            report = await tx.reports.add(reporter, f"key-{n}", Submission(ReportKind.LINK, None, (target,)), START + n)
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
    return {"reports": reports, "fill_s": built, "median_ms": statistics.median(timings) * 1000,
            "max_ms": max(timings) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, action="append", help="case size (repeatable)")
    sizes = parser.parse_args().reports or [1_000, 10_000, 50_000]
    print(f"{'reports':>8} {'card median':>12} {'card max':>10}")
    for size in sizes:
        result = asyncio.run(measure(size))
        print(f"{result['reports']:>8,} {result['median_ms']:>10.1f} ms {result['max_ms']:>7.1f} ms")


if __name__ == "__main__":
    main()
