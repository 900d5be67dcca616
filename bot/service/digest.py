"""Use cases of the weekly digest: build a week's draft, publish it once, discard it, list past ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from bot.core.audit import AuditAction
from bot.core.cases import CaseKind, Moderator, Verdict
from bot.core.digest import (
    MAX_ACCOUNTS,
    MAX_EXAMPLES,
    MAX_NETWORK_ACCOUNTS,
    MAX_NETWORKS,
    TOP_CAMPAIGNS,
    Campaign,
    Digest,
    DigestNetwork,
    DigestStatus,
    VerifiedAccount,
    citable,
)
from bot.core.flags import FlagRules, coordination
from bot.core.periods import day_starts, previous_week, week_bounds
from bot.core.templates import Labels, readable
from bot.errors import KuzetError
from bot.service.evidence import Seal, extend_chain
from bot.service.export import citable_accounts, citable_posts
from bot.service.matching import STARTER_AUTHOR
from bot.service.roles import require
from bot.store import Store, Tx
from bot.store.digest_facts import RankedCase
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


async def build_digest(store: Store, period: str, tz: tzinfo, rules: FlagRules, small_count_k: int) -> Digest:
    """The week's digest from verified cases, compared with the week before; it keeps the exact counts and
    ``small_count_k``, below which each language shows a count only as "fewer than K".

    It names an account only by its @handle or public link, only where the reports show it posted the campaign
    (a source of a forwarded or linked post, or an account case verified as a campaign account), and never an
    account moderators protected from a report brigade.
    """
    start, end = week_bounds(period, tz)
    before_start, before_end = week_bounds(previous_week(period, tz), tz)
    async with store.transaction() as tx:
        totals = await tx.digest_facts.totals(start, end, STARTER_AUTHOR)
        previous = await tx.digest_facts.totals(before_start, before_end, STARTER_AUTHOR)
        days = day_starts(period, tz)
        campaigns = [
            await _campaign(tx, ranked, account, days, start, end, rules)
            for ranked, account in await _top_campaigns(tx, start, end)
        ]
        accounts = [account for _, account in await citable_accounts(tx, start, end)]
        networks = await _networks(tx, start, end)
    return Digest(
        period,
        start,
        end,
        totals,
        previous,
        tuple(campaigns),
        tuple(accounts[:MAX_ACCOUNTS]),
        max(len(accounts) - MAX_ACCOUNTS, 0),
        tuple(days),
        small_count_k,
        tuple(networks),
    )


async def _networks(tx: Tx, start: int, end: int) -> list[DigestNetwork]:
    """The account networks with campaigns verified in the week, seen only through verified cases: their
    verified campaigns, and their accounts that posted those campaigns and may be named (the digest's rule)."""
    found = []
    for number in await tx.networks.touched_by_verified(start, end):
        campaigns = await tx.networks.verified_campaigns(number, start, end)
        members = set(await tx.networks.members(number))
        named: dict[str, VerifiedAccount] = {}
        for case_id in campaigns:
            for account_id, account in await citable_accounts(tx, 0, end, case_id):
                if account_id in members:
                    named.setdefault(account.link, account)
        if campaigns and named:
            found.append(
                DigestNetwork(
                    number,
                    tuple(campaigns),
                    len(await tx.networks.verified_campaigns(number, 0, end)),
                    len(named),
                    tuple(sorted(named.values(), key=lambda a: (a.platform, a.label))[:MAX_NETWORK_ACCOUNTS]),
                )
            )
    found.sort(key=lambda n: (-len(n.campaigns), -n.accounts, n.number))
    return found[:MAX_NETWORKS]


async def _top_campaigns(tx: Tx, start: int, end: int) -> list[tuple[RankedCase, VerifiedAccount | None]]:
    """The verified cases with the most reports in the week that the digest may show: text and picture cases,
    and account cases verified as campaign accounts whose account has a public link and is not protected (with it)."""
    ranking = await tx.digest_facts.ranking(start, end)
    protected = await tx.protected.among([r.account_id for r in ranking if r.account_id is not None])
    top: list[tuple[RankedCase, VerifiedAccount | None]] = []
    for ranked in ranking:
        if ranked.kind in (CaseKind.CLUSTER, CaseKind.IMAGE):
            top.append((ranked, None))
        elif (
            ranked.verdict == Verdict.CAMPAIGN_ACCOUNT
            and ranked.account is not None
            and ranked.account_id not in protected
            and (named := citable(ranked.account)) is not None
        ):
            top.append((ranked, named))
        if len(top) == TOP_CAMPAIGNS:
            break
    return top


async def _campaign(
    tx: Tx,
    ranked: RankedCase,
    account: VerifiedAccount | None,
    days: list[int],
    start: int,
    end: int,
    rules: FlagRules,
) -> Campaign:
    facts = await tx.digest_facts.campaign(ranked.case_id, ranked.reports, start, end)
    per_day = [0] * len(days)
    for at in facts.report_times:
        per_day[max(i for i, day in enumerate(days) if day <= at)] += 1
    coordinated = coordination(await tx.digest_facts.source_posts(facts.case_id, start, end), rules) is not None
    if account is not None:
        text = account.label
    else:
        text = readable(facts.text) if facts.template_id is not None else facts.text
    family = {} if facts.family is None else await tx.digest_facts.family_texts(facts.family)
    template = None if facts.template_id is None else await tx.templates.get(facts.template_id)
    labels = Labels() if template is None else await tx.template_labels.of(template)
    return Campaign(
        facts.case_id,
        labels.fallback,
        text,
        facts.reports,
        facts.languages,
        facts.platforms,
        coordinated,
        tuple(per_day),
        facts.verified_at,
        len(await tx.cases.verify_votes(facts.case_id)),
        await citable_posts(tx, facts.case_id, MAX_EXAMPLES),
        {language: readable(text) for language, text in family.items()},
        dict(labels.by_language),
        picture=ranked.kind is CaseKind.IMAGE,
        sharing_photo=await tx.images.accounts_sharing_in_case(facts.case_id),
    )


async def publish_digest(
    store: Store, actor: Moderator, digest: Digest, now: int, channel: tuple[int, str] | None, seal: Seal
) -> Published:
    """Freeze the digest, extend the evidence chain with it, and queue one delivery per subscriber (and the
    channel); at most once per week."""
    async with store.transaction() as tx:
        await require(tx, actor)
        existing = await tx.digests.of_period(digest.period)
        if existing is not None and existing.status is DigestStatus.PUBLISHED:
            raise AlreadyPublished(digest.period)
        digest_id = await tx.digests.put(
            digest.period,
            digest.start,
            digest.end,
            DigestStatus.PUBLISHED,
            now,
            data=digest.to_json(),
            published_by=actor.user_id,
        )
        await extend_chain(tx, now, seal, digest.small_count_k)
        deliveries = await tx.digests.add_deliveries(digest_id, now, channel)
        await tx.audit.record(
            actor.user_id,
            AuditAction.DIGEST_PUBLISH,
            now,
            subject=digest.period,
            before=None if existing is None else existing.status.value,
            after={"status": DigestStatus.PUBLISHED.value, "deliveries": deliveries},
        )
        return Published(digest_id, deliveries)


async def discard_digest(store: Store, actor: Moderator, digest: Digest, now: int) -> None:
    """Set a week's draft aside (it can still be published later)."""
    async with store.transaction() as tx:
        await require(tx, actor)
        existing = await tx.digests.of_period(digest.period)
        if existing is not None and existing.status is DigestStatus.PUBLISHED:
            raise AlreadyPublished(digest.period)
        await tx.digests.put(digest.period, digest.start, digest.end, DigestStatus.DISCARDED, now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.DIGEST_DISCARD,
            now,
            subject=digest.period,
            after={"status": DigestStatus.DISCARDED.value},
        )


async def digest_status(store: Store, period: str) -> DigestStatus | None:
    async with store.transaction() as tx:
        existing = await tx.digests.of_period(period)
        return None if existing is None else existing.status


async def past_digests(store: Store, actor: Moderator) -> list[tuple[DigestRecord, Tally]]:
    async with store.transaction() as tx:
        await require(tx, actor)
        return await tx.digests.published(PAST_DIGESTS)
