"""Use cases of the weekly digest: build a week's draft, publish it once, discard it, list past ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from bot.core.cases import Moderator
from bot.core.digest import MAX_ACCOUNTS, TOP_CAMPAIGNS, Campaign, Digest, DigestStatus, VerifiedAccount
from bot.core.flags import FlagRules, coordination
from bot.core.periods import day_starts, previous_week, week_bounds
from bot.core.templates import readable
from bot.errors import KuzetError
from bot.service.matching import STARTER_AUTHOR
from bot.service.roles import require
from bot.store import Store, Tx
from bot.store.digest_facts import CampaignFacts
from bot.store.digests import DigestRecord, Tally

PAST_DIGESTS = 20


class AlreadyPublished(KuzetError):
    """A week's digest goes out at most once."""

    def __init__(self, period: str) -> None:
        super().__init__(f"the digest of {period} is already published")
        self.period = period


@dataclass(frozen=True)
class Published:
    digest_id: int
    deliveries: int


async def build_digest(store: Store, period: str, tz: tzinfo, rules: FlagRules) -> Digest:
    """The week's digest from verified cases, compared with the week before."""
    start, end = week_bounds(period, tz)
    before_start, before_end = week_bounds(previous_week(period, tz), tz)
    async with store.transaction() as tx:
        totals = await tx.digest_facts.totals(start, end, STARTER_AUTHOR)
        previous = await tx.digest_facts.totals(before_start, before_end, STARTER_AUTHOR)
        days = day_starts(period, tz)
        campaigns = [await _campaign(tx, facts, days, start, end, rules)
                     for facts in await tx.digest_facts.campaigns(start, end, TOP_CAMPAIGNS)]
        accounts, total_accounts = await tx.digest_facts.accounts(start, end, MAX_ACCOUNTS)
    return Digest(
        period, start, end, totals, previous, tuple(campaigns),
        tuple(VerifiedAccount(platform, label) for platform, label in accounts),
        total_accounts - len(accounts), tuple(days),
    )


async def _campaign(
    tx: Tx, facts: CampaignFacts, days: list[int], start: int, end: int, rules: FlagRules
) -> Campaign:
    per_day = [0] * len(days)
    for at in facts.report_times:
        per_day[max(i for i, day in enumerate(days) if day <= at)] += 1
    coordinated = coordination(await tx.digest_facts.source_posts(facts.case_id, start, end), rules) is not None
    text = readable(facts.text) if facts.from_template else facts.text
    return Campaign(facts.case_id, facts.label, text, facts.reports, facts.languages, facts.platforms,
                    coordinated, tuple(per_day))


async def publish_digest(
    store: Store, actor: Moderator, digest: Digest, now: int, channel: tuple[int, str] | None
) -> Published:
    """Freeze the digest and queue one delivery per subscriber (and the channel); at most once per week."""
    async with store.transaction() as tx:
        await require(tx, actor)
        existing = await tx.digests.of_period(digest.period)
        if existing is not None and existing.status is DigestStatus.PUBLISHED:
            raise AlreadyPublished(digest.period)
        digest_id = await tx.digests.put(digest.period, digest.start, digest.end, DigestStatus.PUBLISHED, now,
                                         data=digest.to_json(), published_by=actor.user_id)
        deliveries = await tx.digests.add_deliveries(digest_id, now, channel)
        await tx.audit.record(actor.user_id, "digest.publish", now, subject=digest.period,
                              before=None if existing is None else existing.status.value,
                              after={"status": DigestStatus.PUBLISHED.value, "deliveries": deliveries})
        return Published(digest_id, deliveries)


async def discard_digest(store: Store, actor: Moderator, digest: Digest, now: int) -> None:
    """Set a week's draft aside (it can still be published later)."""
    async with store.transaction() as tx:
        await require(tx, actor)
        existing = await tx.digests.of_period(digest.period)
        if existing is not None and existing.status is DigestStatus.PUBLISHED:
            raise AlreadyPublished(digest.period)
        await tx.digests.put(digest.period, digest.start, digest.end, DigestStatus.DISCARDED, now)
        await tx.audit.record(actor.user_id, "digest.discard", now, subject=digest.period,
                              after={"status": DigestStatus.DISCARDED.value})


async def digest_status(store: Store, period: str) -> DigestStatus | None:
    async with store.transaction() as tx:
        existing = await tx.digests.of_period(period)
        return None if existing is None else existing.status


async def past_digests(store: Store, actor: Moderator) -> list[tuple[DigestRecord, Tally]]:
    async with store.transaction() as tx:
        await require(tx, actor)
        return await tx.digests.published(PAST_DIGESTS)
