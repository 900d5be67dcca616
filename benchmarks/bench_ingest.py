"""A burst of reports: N users send M reports within S seconds to `kuzet run` through the sandbox Bot API.

The sandbox enforces Telegram's limits (30 messages a second over all chats). The bot runs as a separate
process on a real SQLite file, as in production. Each user's messages are spread evenly over the window;
a third repeat campaign lines with small edits, a third are links to accounts, a third are texts of their own.

    python benchmarks/bench_ingest.py                                   # 500 users, 5,000 reports, 60 s
    python benchmarks/bench_ingest.py --users 50 --reports 500 --seconds 10

On PostgreSQL (`--engine postgresql`: a throwaway database on `--postgres-server`, dropped afterwards; or
`--database-url` of an empty one) several processes share the database behind one webhook URL, which the
sandbox serves round robin as a load balancer would; the one holding the leader lock sends every receipt:

    python benchmarks/bench_ingest.py --engine postgresql --processes 1 --webhook
    python benchmarks/bench_ingest.py --engine postgresql --processes 2
    python benchmarks/bench_ingest.py --engine postgresql --processes 2 --kill-sender-at 20

`--kill-sender-at T` SIGKILLs the leader T seconds into the burst and reports the takeover: from the kill to
the next message the sandbox receives from a bot.

Reports: reports persisted, reports answered and the messages that answered them (a citizen's receipts that
wait while others have their turn go out together), p50/p99 time from sending an update to its receipt,
the time until the last receipt, 429 answers, and the bots' peak memory (VmHWM, the largest process). Then
what was stored and announced: every message sent stored once (none lost, none doubled), and every stored
report announced by exactly one receipt, or by more only when flagged receipt_resent (its send was cut off).
Figures also go to benchmarks/results/bench_ingest*.json. Targets: all persisted and answered, no 429 storm,
p99 under 30 s, nothing lost or doubled unflagged, a takeover within 10 s; the exit status is 1 if one is
missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.database_url import DatabaseUrl  # noqa: E402
from bot.sandbox import FakeTelegram, SentMessage  # noqa: E402
from tests.databases import LEADER, SERVER_VARIABLE, Database, throwaway_database  # noqa: E402
from tests.helpers import free_port  # noqa: E402

FIRST_USER = 20_000_000
P99_TARGET = 30.0
TAKEOVER_TARGET = 10.0
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WEBHOOK_URL = "https://kuzet.example.org/telegram/webhook"
CAMPAIGN = (
    "I made a choice for the new Kazakhstan. I participate in the upcoming presidential elections, "
    "our family gives {n} votes for Tokayev"
)

"""The process leading on this database (pg_locks lists the advisory locks of every database on the server)."""
RECEIPT = re.compile(r"📥 [^\u2068\n]*\u2068(\d+)\u2069")
"""A receipt's first line, in any language: the number of the report it announces."""


def message_text(user: int, k: int) -> str:
    kind = (user + k) % 3
    if kind == 0:
        return CAMPAIGN.format(n=user % 7 + 2) + "!" * (k % 3)
    if kind == 1:
        return f"https://x.com/bot_account_{(user * 7 + k) % 400:03d}"
    return f"Citizen {user} noticed post {k}: the akim's page praises the new road in district {user % 40}"


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


@contextmanager
def bot_database(engine: str, url: str | None, server: str, folder: Path) -> Iterator[str]:
    """The database the bots run on: ``url`` as given, a SQLite file in ``folder``, or a throwaway
    PostgreSQL database on ``server``."""
    if url is not None:
        yield url
    elif engine == "sqlite":
        yield f"sqlite:///{folder / 'kuzet.db'}"
    else:
        os.environ[SERVER_VARIABLE] = server
        with throwaway_database("kuzet_bench") as throwaway:
            yield throwaway


@asynccontextmanager
async def running_bots(
    telegram: FakeTelegram, url: str, folder: Path, processes: int, webhook: bool, per_user: int
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``processes`` runs of `kuzet run`, each up (polling, or its webhook set) before the next starts; any
    still running when the block ends (on an error) is killed."""
    env = telegram.bot_environment(
        DATABASE_URL=url,
        DATA_DIR=str(folder),
        PYTHONPATH=str(ROOT),
        REPORTS_PER_HOUR=str(max(30, per_user)),
        REPORTER_KEY=secrets.token_hex(24),  # one key for all the processes
    )
    ports: list[int | None] = [free_port() for _ in range(processes)] if webhook else []
    telegram.webhook_backends = [f"http://127.0.0.1:{port}" for port in ports] or None
    bots: list[asyncio.subprocess.Process] = []
    try:
        for port in ports or [None]:
            if port is not None:
                env.update(WEBHOOK_URL=WEBHOOK_URL, WEBHOOK_LISTEN=f"127.0.0.1:{port}", WEBHOOK_SECRET="bench-ingest")
            bots.append(await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=folder, env=env))
            if port is None:
                await telegram.wait_for_call("getUpdates", timeout=180)
            else:
                await telegram.wait_for_call("setWebhook", lambda call: call.status == 200, timeout=180)
        yield bots
    finally:
        for bot in bots:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()


async def kill_sender(
    telegram: FakeTelegram, db: Database, bots: list, started: float, after: float, memory: dict
) -> dict:
    """SIGKILL the process holding the leader lock ``after`` seconds into the burst; the takeover is the time
    until the sandbox receives the next message from a bot."""
    await asyncio.sleep(max(0.0, started + after - time.monotonic()))
    by_name = {f"kuzet-control-{bot.pid}": bot for bot in bots}
    leader = by_name[db.rows(LEADER)[0][0]]
    memory[leader.pid] = peak_memory_kb(leader.pid)
    leader.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    messages_before = len(telegram.sent())
    await leader.wait()
    while not (sent_since := [m.sent_at for m in telegram.sent() if m.sent_at > killed_at]):
        await asyncio.sleep(0.01)
    while not (successor := db.rows(LEADER)):
        await asyncio.sleep(0.05)
    return {
        "killed_after_seconds": round(killed_at - started, 1),
        "receipt_messages_before_kill": messages_before,
        "takeover_seconds": round(min(sent_since) - killed_at, 2),
        "successor_is_other_process": successor[0][0] in by_name and by_name[successor[0][0]] is not leader,
    }


def stored_once(db: Database, texts: list[str], announced: Counter[int]) -> dict:
    """Every message stored once, and every stored report announced once (more only if flagged resent)."""
    stored = {row[0]: row[1] for row in db.rows("SELECT id, text FROM reports")}
    resent = {row[0] for row in db.rows("SELECT id FROM reports WHERE receipt_resent = 1")}
    sent, kept = Counter(texts), Counter(stored.values())
    doubled = {n for n, times in announced.items() if times > 1}
    return {
        "lost": (sent - kept).total(),
        "stored_twice": (kept - sent).total(),
        "receipts_exactly_once": sum(1 for n in stored if announced[n] == 1),
        "receipts_missing": sum(1 for n in stored if announced[n] == 0),
        "flagged_doubles": len(doubled & resent),
        "unflagged_doubles": len(doubled - resent),
        "flagged_resent": len(resent),
    }


async def run(
    users: int, reports: int, seconds: float, url: str, folder: Path, processes: int, webhook: bool, kill_at: float
) -> dict:
    per_user = reports // users
    db = Database(DatabaseUrl.parse(url))
    async with (
        FakeTelegram(global_per_second=30, private_per_second=1) as telegram,
        running_bots(telegram, url, folder, processes, webhook, per_user) as bots,
    ):
        people = [telegram.user(FIRST_USER + u, first_name=f"User {u}", language_code="ru") for u in range(users)]
        sent_at: dict[int, list[tuple[int, float]]] = {p["id"]: [] for p in people}
        texts: list[str] = []
        memory: dict[int, int | None] = {}
        calls_before = len(telegram.calls)
        started = time.monotonic()
        killing = (
            asyncio.create_task(kill_sender(telegram, db, bots, started, kill_at, memory)) if kill_at >= 0 else None
        )
        schedule = sorted(
            (started + seconds * (k + (u / users)) / per_user, u, k) for u in range(users) for k in range(per_user)
        )
        for due, u, k in schedule:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            message = telegram.send_text(people[u], message_text(u, k))
            sent_at[people[u]["id"]].append((message["message_id"], time.monotonic()))
            texts.append(message_text(u, k))
        last_sent = time.monotonic()
        deadline = last_sent + 600
        receipted = "SELECT COUNT(*) FROM reports WHERE receipt_sent_at IS NOT NULL"
        while time.monotonic() < deadline and db.count(receipted) < len(schedule):
            await asyncio.sleep(0.5)  # the bot's own record; the latencies are measured from the sandbox below
        finished = time.monotonic()
        takeover = await asyncio.wait_for(killing, 60) if killing is not None else {}
        for bot in bots:
            if bot.returncode is None:
                memory[bot.pid] = peak_memory_kb(bot.pid)
                bot.send_signal(signal.SIGTERM)
                await bot.wait()
        answers: dict[int, list] = {}
        for answer in telegram.sent():
            answers.setdefault(answer.chat_id, []).append(answer)
        latencies = [
            latency for chat, sent in sent_at.items() for latency in answered_after(answers.get(chat, []), sent)
        ]
        receipt_messages = len(telegram.sent())
        announced = Counter(int(n) for m in telegram.sent() for n in RECEIPT.findall(m.plain))
        refused_429 = sum(1 for c in telegram.calls[calls_before:] if c.status == 429)
    persisted = db.count("SELECT COUNT(*) FROM reports")
    latencies.sort()
    peak = max((kb for kb in memory.values() if kb), default=None)
    return {
        "engine": db.url.engine,
        "processes": processes,
        "mode": "webhook" if webhook else "polling",
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
        "bot_peak_memory_mb": round(peak / 1024, 1) if peak else None,
        **stored_once(db, texts, announced),
        **takeover,
    }


def passed(result: dict) -> bool:
    return (
        result["persisted"] == result["reports_sent"] == result["reports_answered"]
        and result["refused_429"] == 0
        and result["p99_seconds"] is not None
        and result["p99_seconds"] < P99_TARGET
        and result["lost"] == result["stored_twice"] == result["receipts_missing"] == result["unflagged_doubles"] == 0
        and result.get("takeover_seconds", 0) < TAKEOVER_TARGET
        and result.get("successor_is_other_process", True)
    )


def default_output(args: argparse.Namespace) -> Path:
    """bench_ingest.json for the default run; the engine, processes, mode and a kill in the name otherwise."""
    parts = [] if args.engine == "sqlite" and args.database_url is None else ["postgresql"]
    if args.processes > 1 or args.webhook:
        parts += [f"{args.processes}p", "webhook"]
    if args.kill_sender_at >= 0:
        parts.append("kill")
    return ROOT / "benchmarks" / "results" / f"{'_'.join(['bench_ingest', *parts])}.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="an empty database to run on instead of a throwaway one")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER, help="where --engine postgresql makes one")
    parser.add_argument("--processes", type=int, default=1, help="`kuzet run` processes; more than 1 needs webhooks")
    parser.add_argument("--webhook", action="store_true", help="webhook mode with one process (default: polling)")
    parser.add_argument("--kill-sender-at", type=float, default=-1.0, metavar="SECONDS", help="SIGKILL the leader")
    parser.add_argument("--output", type=Path, help="default: benchmarks/results/bench_ingest[_...].json")
    args = parser.parse_args()
    args.webhook = args.webhook or args.processes > 1
    engine = DatabaseUrl.parse(args.database_url).engine if args.database_url else args.engine
    if engine == "sqlite" and args.processes > 1:
        parser.error("several processes share a PostgreSQL database, not a SQLite file")
    if args.kill_sender_at >= 0 and args.processes < 2:
        parser.error("--kill-sender-at needs another process to take over (--processes 2)")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(bot_database(engine, args.database_url, args.postgres_server, folder))
        result = asyncio.run(
            run(args.users, args.reports, args.seconds, url, folder, args.processes, args.webhook, args.kill_sender_at)
        )
    ok = passed(result)
    result["pass"] = ok
    output = args.output or default_output(args)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for key, value in result.items():
        print(f"{key:<28} {value}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
