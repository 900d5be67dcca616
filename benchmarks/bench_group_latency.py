"""How long moderators wait for the bot in their group while 50 case cards are being refreshed.

The real bot (``bot.app.running``) against the sandbox Bot API with Telegram's limits (30 messages a
second over all chats, 20 a minute per group, one a second per private chat, 429 beyond), on loopback.
Citizens open 50 account cases in the first minute and go on reporting them, one report a second, so
with CARD_REFRESH_SECONDS=5 there is always a card waiting for the group's window: for the first three
minutes or so the 50 new cards, then edits. Meanwhile four
moderators act every 6 s, alternately a command in the group (/verify N, /stats, /reject N reason: 5
replies a minute) and a press of ✅ on a card. Measured from the moment the update is queued at the
sandbox: to the bot's reply in the group (commands), to answerCallbackQuery (presses), and to the
citizen's receipt (reports).

    python benchmarks/bench_group_latency.py                   # 6 minutes of load, then up to 90 s to finish
    python benchmarks/bench_group_latency.py --minutes 2 --output /tmp/before.json

Prints p50/p95/p99/max per kind and the card messages sent; writes
benchmarks/results/bench_group_latency.json; exits 1 if a command or press waited 3 s or more at p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import running
from bot.config import load_settings
from bot.sandbox import FakeTelegram, say
from bot.sandbox.server import ApiCall

GROUP = -1001234567890
ADMIN_ID = 900
MODERATOR_IDS = (901, 902, 903)
CASES = 50
CARD_REFRESH_SECONDS = 5
REPORT_EVERY = 1.0
ACTION_EVERY = 6.0
FIRST_ACTION = 10.0
GRACE_SECONDS = 90.0
TARGET_P99 = 3.0
RESULTS = Path(__file__).parent / "results" / "bench_group_latency.json"


@dataclass
class Waiting:
    """One update whose answer is awaited: what it was, when it was queued, how its answer is recognised."""

    kind: str
    queued: float
    is_answer: Callable[[ApiCall], bool]
    answered: float | None = None


@dataclass
class Load:
    telegram: FakeTelegram
    rng: random.Random
    waiting: list[Waiting] = field(default_factory=list)
    rejects: int = 0
    seen_calls: int = 0

    def report(self, n: int) -> None:
        citizen = self.telegram.user(100_000 + n % 1000, language_code="en")
        message = self.telegram.send_text(citizen, f"https://x.com/acct_{n % CASES:02d}")
        self.waiting.append(Waiting("report", time.monotonic(), _reply_to(citizen["id"], message["message_id"])))

    def command(self, moderator: dict, n: int) -> None:
        case = self.rng.randrange(1, CASES + 1)
        kind, text = [("verify", f"/verify {case}"), ("stats", "/stats"), ("reject", None)][n % 3]
        if kind == "reject":
            self.rejects += 1
            text = f"/reject {self.rejects} not a campaign, an ordinary opinion"
        assert text is not None  # a reject's text is written just above
        group = {"id": GROUP, "type": "supergroup", "title": "Kuzet moderators"}
        message = self.telegram.send_text(moderator, text, chat=group)
        self.waiting.append(Waiting(kind, time.monotonic(), _reply_to(GROUP, message["message_id"])))

    def press(self, moderator: dict) -> None:
        cards = [
            (m, data) for m in self.telegram.sent(GROUP) for _, data in m.buttons if data and data.startswith("case:v:")
        ]
        if not cards:
            return
        message, data = self.rng.choice(cards)
        query_id = self.telegram.press(moderator, message, data)
        self.waiting.append(
            Waiting(
                "press",
                time.monotonic(),
                lambda call: call.method == "answerCallbackQuery" and call.params.get("callback_query_id") == query_id,
            )
        )

    def settle(self) -> None:
        """Match the calls made since the last look to the updates still waiting for an answer."""
        open_ = [w for w in self.waiting if w.answered is None]
        calls, self.seen_calls = self.telegram.calls[self.seen_calls :], len(self.telegram.calls)
        for call in calls:
            if call.status != 200:
                continue
            for w in open_:
                if w.answered is None and call.at >= w.queued and w.is_answer(call):
                    w.answered = call.at
                    break

    def unanswered(self) -> int:
        return sum(1 for w in self.waiting if w.answered is None)


def _reply_to(chat_id: int, message_id: int) -> Callable[[ApiCall], bool]:
    def is_answer(call: ApiCall) -> bool:
        reply = call.params.get("reply_parameters") or {}
        return (
            call.method == "sendMessage"
            and call.params.get("chat_id") == chat_id
            and (reply.get("message_id") == message_id or call.params.get("reply_to_message_id") == message_id)
        )

    return is_answer


async def play(minutes: float, seed: int) -> dict:
    async with FakeTelegram(private_per_second=1) as telegram:
        telegram.add_group(GROUP, "Kuzet moderators")
        with tempfile.TemporaryDirectory() as folder:
            env = {
                "BOT_TOKEN": telegram.token,
                "BOT_API_URL": telegram.base_url,
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'kuzet.db'}",
                "SEMANTIC_ENCODER": "off",
                "MODERATOR_CHAT_ID": str(GROUP),
                "ADMIN_IDS": str(ADMIN_ID),
                "MODERATOR_LOCALE": "en",
                "CARD_REFRESH_SECONDS": str(CARD_REFRESH_SECONDS),
                "VERIFY_QUORUM": "10",
            }
            async with running(load_settings(env, env_file=None)):
                admin = telegram.user(ADMIN_ID, first_name="Admin", language_code="en")
                moderators = [admin] + [telegram.user(i, first_name=f"M{i}", language_code="en") for i in MODERATOR_IDS]
                for moderator in moderators[1:]:
                    await say(telegram, admin, f"/mod add {moderator['id']}")
                load = Load(telegram, random.Random(seed))
                await drive(load, moderators, minutes * 60)
                deadline = time.monotonic() + GRACE_SECONDS
                while load.unanswered() and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                    load.settle()
                return summary(load, telegram, minutes)


async def drive(load: Load, moderators: list[dict], seconds: float) -> None:
    started = time.monotonic()
    reports = actions = 0
    while (now := time.monotonic() - started) < seconds:
        while reports * REPORT_EVERY <= now:
            load.report(reports)
            reports += 1
        while FIRST_ACTION + actions * ACTION_EVERY <= now:
            moderator = moderators[actions % len(moderators)]
            if actions % 2 == 0:
                load.command(moderator, actions // 2)
            else:
                load.press(moderator)
            actions += 1
        load.settle()
        await asyncio.sleep(0.05)


def summary(load: Load, telegram: FakeTelegram, minutes: float) -> dict:
    kinds: dict[str, dict] = {}
    for kind in ("verify", "reject", "stats", "press", "report"):
        waits = sorted(w.answered - w.queued for w in load.waiting if w.kind == kind and w.answered is not None)
        missing = sum(1 for w in load.waiting if w.kind == kind and w.answered is None)
        kinds[kind] = {"count": len(waits), "unanswered": missing, **_percentiles(waits)}
    group_calls = [c for c in telegram.calls if c.params.get("chat_id") == GROUP and c.status == 200]
    cards = [c for c in group_calls if str(c.params.get("text", "")).startswith("<b>Case #")]
    moderators = sorted(w.answered - w.queued for w in load.waiting if w.answered is not None and w.kind != "report")
    return {
        "minutes": minutes,
        "cases": CASES,
        "card_refresh_seconds": CARD_REFRESH_SECONDS,
        "reports": sum(1 for w in load.waiting if w.kind == "report"),
        "kinds": kinds,
        "moderator_p99_s": _percentiles(moderators)["p99"],
        "unanswered_moderator_updates": sum(1 for w in load.waiting if w.answered is None and w.kind != "report"),
        "card_posts": sum(1 for c in cards if c.method == "sendMessage"),
        "card_edits": sum(1 for c in cards if c.method == "editMessageText"),
        "group_messages": len(group_calls),
        "answers_429": dict(Counter(c.method for c in telegram.calls if c.status == 429)),
    }


def _percentiles(waits: list[float]) -> dict[str, float]:
    if not waits:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    cuts = statistics.quantiles(waits, n=100, method="inclusive") if len(waits) > 1 else waits * 99
    return {"p50": round(cuts[49], 3), "p95": round(cuts[94], 3), "p99": round(cuts[98], 3), "max": round(waits[-1], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=6.0, help="length of the load (default 6)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(play(args.minutes, args.seed))
    print(f"{'kind':>8} {'count':>6} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'max s':>7} {'unanswered':>11}")
    for kind, row in result["kinds"].items():
        print(
            f"{kind:>8} {row['count']:>6} {row['p50']:>7.2f} {row['p95']:>7.2f} {row['p99']:>7.2f} "
            f"{row['max']:>7.2f} {row['unanswered']:>11}"
        )
    print(
        f"card posts {result['card_posts']}, card edits {result['card_edits']}, group messages "
        f"{result['group_messages']}, 429 answers {result['answers_429']}, reports {result['reports']}"
    )
    ok = result["moderator_p99_s"] < TARGET_P99 and result["unanswered_moderator_updates"] == 0
    print(
        f"moderators' p99 {result['moderator_p99_s']:.2f} s (target < {TARGET_P99:.0f} s): {'PASS' if ok else 'FAIL'}"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
