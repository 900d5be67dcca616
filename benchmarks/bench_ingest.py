"""A burst of reports: N users send M reports within S seconds to `kuzet run` through the sandbox Bot API.

The sandbox enforces Telegram's limits (30 messages a second over all chats). The bot runs as a separate
process on a real SQLite file, as in production. Each user's messages are spread evenly over the window;
a third repeat campaign lines with small edits, a third are links to accounts, a third are texts of their own.

    python benchmarks/bench_ingest.py                                   # 500 users, 5,000 reports, 60 s
    python benchmarks/bench_ingest.py --users 50 --reports 500 --seconds 10

Reports: reports persisted, reports answered and the messages that answered them (a citizen's receipts that
wait while others have their turn go out together), p50/p99 time from sending an update to its receipt,
the time until the last receipt, 429 answers, and the bot's peak memory (VmHWM). Figures also go to
benchmarks/results/bench_ingest.json. Targets: all persisted and answered, no 429 storm, p99 under 30 s;
the exit status is 1 if one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sandbox import FakeTelegram, SentMessage  # noqa: E402

FIRST_USER = 20_000_000
P99_TARGET = 30.0
CAMPAIGN = (
    "I made a choice for the new Kazakhstan. I participate in the upcoming presidential elections, "
    "our family gives {n} votes for Tokayev"
)


def message_text(user: int, k: int) -> str:
    kind = (user + k) % 3
    if kind == 0:
        return CAMPAIGN.format(n=user % 7 + 2) + "!" * (k % 3)
    if kind == 1:
        return f"https://x.com/bot_account_{(user * 7 + k) % 400:03d}"
    return f"Citizen {user} noticed post {k}: the akim's page praises the new road in district {user % 40}"


def receipts_sent(database: Path) -> int:
    """Reports whose receipt Telegram has accepted, as the bot recorded it (a cheap probe while waiting)."""
    try:
        with sqlite3.connect(database, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM reports WHERE receipt_sent_at IS NOT NULL").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def answered_after(answers: list[SentMessage], sent: list[tuple[int, float]]) -> list[float]:
    """Seconds from each of a chat's messages to the receipt that answered it.

    A receipt replies to the newest message it answers; receipts sent together answer every earlier one too.
    """
    latencies: list[float] = []
    for answer in answers:
        answered_up_to = (answer.reply_to or {}).get("message_id", 0)
        while len(latencies) < len(sent) and sent[len(latencies)][0] <= answered_up_to:
            latencies.append(answer.sent_at - sent[len(latencies)][1])
    return latencies


def peak_memory_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def run(users: int, reports: int, seconds: float) -> dict:
    per_user = reports // users
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        database = workdir / "kuzet.db"
        async with FakeTelegram(global_per_second=30, private_per_second=1) as telegram:
            env = {k: v for k, v in os.environ.items() if k != "REPORTER_KEY"}
            env.update(
                BOT_TOKEN=telegram.token,
                BOT_API_URL=telegram.base_url,
                LOG_LEVEL="WARNING",
                DATABASE_URL=f"sqlite:///{database}",
                PYTHONPATH=str(ROOT),
                REPORTS_PER_HOUR=str(max(30, per_user)),
            )
            process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=workdir, env=env)
            people = [telegram.user(FIRST_USER + u, first_name=f"User {u}", language_code="ru") for u in range(users)]
            while not telegram.calls or telegram.calls[-1].method != "getUpdates":
                await asyncio.sleep(0.1)  # the bot is up and polling
            sent_at: dict[int, list[tuple[int, float]]] = {p["id"]: [] for p in people}
            started = time.monotonic()
            schedule = sorted(
                (started + seconds * (k + (u / users)) / per_user, u, k) for u in range(users) for k in range(per_user)
            )
            for due, u, k in schedule:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                message = telegram.send_text(people[u], message_text(u, k))
                sent_at[people[u]["id"]].append((message["message_id"], time.monotonic()))
            last_sent = time.monotonic()
            deadline = last_sent + 600
            while time.monotonic() < deadline and receipts_sent(database) < len(schedule):
                await asyncio.sleep(0.5)  # the bot's own record; the latencies are measured from the sandbox below
            finished = time.monotonic()
            memory = peak_memory_kb(process.pid)
            process.send_signal(signal.SIGTERM)
            await process.wait()
            answers: dict[int, list] = {}
            for answer in telegram.sent():
                answers.setdefault(answer.chat_id, []).append(answer)
            latencies = [
                latency for chat, sent in sent_at.items() for latency in answered_after(answers.get(chat, []), sent)
            ]
            receipt_messages = len(telegram.sent())
            refused_429 = sum(1 for c in telegram.calls if c.status == 429)
        with sqlite3.connect(database) as conn:
            persisted = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    latencies.sort()
    return {
        "users": users,
        "reports_sent": len(schedule),
        "window_seconds": round(last_sent - started, 1),
        "persisted": persisted,
        "reports_answered": len(latencies),
        "receipt_messages": receipt_messages,
        "p50_seconds": round(statistics.median(latencies), 2) if latencies else None,
        "p99_seconds": round(latencies[int(0.99 * (len(latencies) - 1))], 2) if latencies else None,
        "last_receipt_after_seconds": round(finished - started, 1),
        "receipts_per_second": round(len(latencies) / max(finished - started, 1e-9), 1),
        "refused_429": refused_429,
        "bot_peak_memory_mb": round(memory / 1024, 1) if memory else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "bench_ingest.json")
    args = parser.parse_args()
    result = asyncio.run(run(args.users, args.reports, args.seconds))
    ok = (
        result["persisted"] == result["reports_sent"] == result["reports_answered"]
        and result["refused_429"] == 0
        and result["p99_seconds"] is not None
        and result["p99_seconds"] < P99_TARGET
    )
    result["pass"] = ok
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for key, value in result.items():
        print(f"{key:<28} {value}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
