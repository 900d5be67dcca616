"""Several bot processes on one PostgreSQL database: each has its own pool and its own matcher (here: two of each,
as two processes have), and they still decide as one."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.core.cases import Moderator
from bot.core.reports import ReportKind
from bot.core.similarity import Thresholds
from bot.core.submission import Submission
from bot.database_url import DatabaseUrl
from bot.semantic.campaigns import CampaignMatcher
from bot.service.bank import add_template
from bot.service.matcher_sync import MatcherFollower
from bot.service.matching import build_matcher
from bot.service.reports import Receipt, submit_report
from bot.service.roles import sync_admins
from bot.store import Store
from bot.store.outbox import QueuedReceipt
from bot.telegram.flood import TelegramRateLimiter
from tests.databases import Database, on_postgresql

pytestmark = pytest.mark.skipif(not on_postgresql(), reason="needs a PostgreSQL server (KUZET_TEST_DATABASE_URL)")

ADMIN = 9001
CAMPAIGNS = [
    "Our villages vote together for stability and the leader who keeps his word to every family",
    "The new hospital in Taraz proves the akim listens to ordinary workers and their children",
    "Foreign funded bloggers invent scandals because they fear our strong independent economy",
    "Pensioners in Shymkent thank the government for the heating that never failed this winter",
    "Students choose the future of the nation and reject the noisy provocations of the opposition",
]


async def _process(url: str) -> tuple[Store, CampaignMatcher]:
    store = await Store.open(DatabaseUrl.parse(url))
    return store, await build_matcher(store, Thresholds())


async def _report(store: Store, matcher: CampaignMatcher, reporter: str, text: str) -> Receipt:
    def answer(receipt: Receipt) -> QueuedReceipt:
        return QueuedReceipt(receipt.report.id, 1, 1, "en", "receipt", follow_up=False)

    return await submit_report(
        store,
        matcher,
        Submission(ReportKind.TEXT, text, ()),
        reporter=reporter,
        dedupe_key=f"{reporter}:{text}",
        now=int(time.time()),
        hourly_limit=100,
        answer=answer,
    )


async def test_near_identical_reports_reaching_two_processes_at_once_end_in_one_cluster_and_one_case(
    database_url: str,
) -> None:
    (store_a, matcher_a), (store_b, matcher_b) = await _process(database_url), await _process(database_url)
    try:
        for round_, text in enumerate(CAMPAIGNS):  # the same race five times, each with a campaign new to both
            first, second = await asyncio.gather(
                _report(store_a, matcher_a, f"a{round_}", text),
                _report(store_b, matcher_b, f"b{round_}", text + "!!"),
            )
            assert first.cluster is not None and second.cluster is not None
            assert first.cluster.id == second.cluster.id, round_
            assert [c.case_id for c in first.cases] == [c.case_id for c in second.cases], round_
    finally:
        await store_a.close()
        await store_b.close()
    db = Database(DatabaseUrl.parse(database_url))
    assert db.value("SELECT COUNT(*) FROM clusters") == 5
    assert db.value("SELECT COUNT(*) FROM cases") == 5


async def test_a_template_added_through_one_process_matches_on_the_other_within_two_seconds(
    database_url: str,
) -> None:
    (store_a, matcher_a), (store_b, matcher_b) = await _process(database_url), await _process(database_url)
    follower = MatcherFollower(store_b, matcher_b)
    follower.start()
    try:
        await sync_admins(store_a, [ADMIN], int(time.time()))
        text = "Foreign agents spread lies about our elections, do not believe the opposition channels"
        assert not [m for m in matcher_b.match(text) if m.kind.value == "template"]
        template = await add_template(store_a, matcher_a, Moderator(ADMIN, "Admin"), text, int(time.time()))
        added = time.monotonic()
        while not [m for m in matcher_b.match(text + " today") if m.id == str(template.id)]:
            assert time.monotonic() - added < 2.0, "process B still does not know the template"
            await asyncio.sleep(0.05)
    finally:
        await follower.stop()
        await store_a.close()
        await store_b.close()


async def test_two_processes_together_send_no_more_than_telegrams_thirty_messages_a_second(database_url: str) -> None:
    stores = [await Store.open(DatabaseUrl.parse(database_url)) for _ in range(2)]
    sent_at: list[float] = []

    async def send() -> bool:  # what Telegram sees: the moment each message arrives
        sent_at.append(time.monotonic())
        return True

    limiters = []
    for store in stores:
        limiter = TelegramRateLimiter(overall_max_rate=1, overall_time_period=1 / 29.5)
        limiter.share_pace(store.db.reserve_send)
        limiters.append(limiter)
    try:
        await asyncio.gather(
            *(
                limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 100 + n}, None)
                for limiter in limiters
                for n in range(45)
            )
        )
    finally:
        for store in stores:
            await store.close()
    sent_at.sort()
    busiest = max(sum(1 for t in sent_at if start <= t < start + 1.0) for start in sent_at)
    assert len(sent_at) == 90
    # Paced at 29.5 a second together; 59 or 60 without the shared pace. A send is timed when its coroutine runs
    # again after its slot, so on a loaded machine (CI runs two suites on two cores) a late wake-up bunches a
    # send or two into the next second: 32 was seen there.
    assert busiest <= 33
