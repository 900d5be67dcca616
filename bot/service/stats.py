"""Use case of /stats: this week's and all-time counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from bot.core.cases import Moderator
from bot.core.periods import week_start
from bot.service.roles import require
from bot.store import Store
from bot.store.stats import Counts


@dataclass(frozen=True)
class ModerationStats:
    week_start: int
    this_week: Counts
    all_time: Counts
    open_cases: int


async def moderation_stats(store: Store, actor: Moderator, now: int, tz: tzinfo) -> ModerationStats:
    start = week_start(now, tz)
    async with store.transaction() as tx:
        await require(tx, actor)
        return ModerationStats(start, await tx.stats.since(start), await tx.stats.since(0), await tx.cases.count_open())
