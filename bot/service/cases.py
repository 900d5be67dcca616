"""Use cases of moderation: looking at cases, voting, rejecting, reopening, the queue.

Every action checks the actor's role in the same transaction that changes
the case, and writes the audit log in that transaction too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.cases import (
    CaseKind,
    CaseStatus,
    CaseView,
    Moderator,
    Policy,
    PriorRejection,
    RejectReason,
    Role,
    votes_needed,
)
from bot.core.flags import coordination, report_surge, surge_burst
from bot.core.reports import Report
from bot.errors import CaseAlreadyOpen, CaseClosed, CaseNotFound
from bot.service.roles import require
from bot.store import Store, Tx

CARD_ACCOUNTS = 5
DETAIL_REPORTS = 10
QUEUE_PAGE_SIZE = 5


class VoteChange(StrEnum):
    VOTED = "voted"
    WITHDRAWN = "withdrawn"
    ALREADY = "already"


@dataclass(frozen=True)
class VoteResult:
    view: CaseView
    change: VoteChange
    decided: bool


@dataclass(frozen=True)
class QueuePage:
    views: list[CaseView]
    page: int
    pages: int
    total: int


async def build_view(tx: Tx, case_id: int, policy: Policy) -> CaseView:
    """The case with its totals, accounts, flags and votes."""
    case = await tx.cases.get(case_id)
    if case is None:
        raise CaseNotFound(case_id)
    totals = await tx.cases.totals(case_id)
    accounts = await tx.cases.accounts(case_id, CARD_ACCOUNTS)
    template_id = case.template_id
    if template_id is None and case.cluster_id is not None:
        template_id = await tx.clusters.template_of(case.cluster_id)
    template = None if template_id is None else await tx.templates.get(template_id)
    surges, prior = [], []
    for item in accounts:
        burst = surge_burst(await tx.cases.account_reports(item.account_id), policy.rules)
        if burst is not None:
            reporters = sorted({r.reporter for r in burst if r.reporter is not None})
            earlier = await tx.cases.earlier_targets(reporters, burst[0].at, item.account_id)
            if (surge := report_surge(burst, earlier, policy.rules)) is not None:
                surges.append((item.account, surge))
        if (rejected := await tx.cases.rejected_with_account(item.account_id, case_id)) is not None:
            prior.append(PriorRejection(item.account, rejected))
    coordinated = None
    if case.kind is CaseKind.CLUSTER:
        coordinated = coordination(await tx.cases.source_posts(case_id), policy.rules)
    return CaseView(
        case=case,
        text=await tx.cases.text(case_id),
        reports=totals.reports,
        reporters=totals.reporters,
        first_seen_at=totals.first_seen_at,
        last_seen_at=totals.last_seen_at,
        languages=totals.languages,
        platforms=totals.platforms,
        accounts=tuple(accounts),
        template_id=template_id,
        template_label=None if template is None else template.label,
        generic_reports=totals.generic_reports,
        verify_votes=tuple(await tx.cases.verify_votes(case_id)),
        votes_needed=votes_needed(policy.quorum, bool(surges)),
        coordination=coordinated,
        surges=tuple(surges),
        prior_rejections=tuple(prior),
        resemblances=totals.resemblances,
    )


async def card_view(store: Store, case_id: int, policy: Policy) -> CaseView:
    """The case as its card shows it (for the bot's own card updates, not for a person's request)."""
    async with store.transaction() as tx:
        return await build_view(tx, case_id, policy)


async def view_case(store: Store, actor: Moderator, case_id: int, policy: Policy) -> CaseView:
    async with store.transaction() as tx:
        await require(tx, actor)
        return await build_view(tx, case_id, policy)


async def case_details(store: Store, actor: Moderator, case_id: int, policy: Policy) -> tuple[CaseView, list[Report]]:
    """The case and its latest reports."""
    async with store.transaction() as tx:
        await require(tx, actor)
        view = await build_view(tx, case_id, policy)
        return view, await tx.reports.by_ids(await tx.cases.report_ids(case_id, DETAIL_REPORTS))


async def vote_verify(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, *, toggle: bool = False
) -> VoteResult:
    """Vote to verify; with ``toggle``, a second vote withdraws the first. Enough votes verify the case."""
    async with store.transaction() as tx:
        await require(tx, actor)
        view = await build_view(tx, case_id, policy)
        if not view.case.is_open:
            raise CaseClosed(case_id, view.case.status.value)
        voters = [m.user_id for m in view.verify_votes]
        if actor.user_id in voters and not toggle:
            return VoteResult(view, VoteChange.ALREADY, False)
        if actor.user_id in voters:
            await tx.cases.drop_vote(case_id, actor.user_id)
            change, action = VoteChange.WITHDRAWN, "vote.withdraw"
        else:
            await tx.cases.put_vote(case_id, actor.user_id, now)
            change, action = VoteChange.VOTED, "vote.verify"
        view = replace(view, verify_votes=tuple(await tx.cases.verify_votes(case_id)))
        after = [m.user_id for m in view.verify_votes]
        await tx.audit.record(actor.user_id, action, now, case_id=case_id, before={"verify_votes": voters},
                              after={"verify_votes": after})
        decided = change is VoteChange.VOTED and len(after) >= view.votes_needed
        if decided:
            await tx.cases.decide(case_id, CaseStatus.VERIFIED, actor.user_id, now)
            await tx.audit.record(actor.user_id, "case.verify", now, case_id=case_id,
                                  before={"status": CaseStatus.OPEN.value},
                                  after={"status": CaseStatus.VERIFIED.value, "verify_votes": after})
            view = replace(view, case=await tx.cases.get(case_id))
        return VoteResult(view, change, decided)


async def reject_case(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, reason_code: RejectReason,
    reason: str | None = None,
) -> CaseView:
    """One moderator's reject, with a reason, closes the case."""
    async with store.transaction() as tx:
        await require(tx, actor)
        view = await build_view(tx, case_id, policy)
        if not view.case.is_open:
            raise CaseClosed(case_id, view.case.status.value)
        await tx.cases.decide(case_id, CaseStatus.REJECTED, actor.user_id, now, reason_code=reason_code, reason=reason)
        await tx.audit.record(
            actor.user_id, "case.reject", now, case_id=case_id,
            before={"status": CaseStatus.OPEN.value, "verify_votes": [m.user_id for m in view.verify_votes]},
            after={"status": CaseStatus.REJECTED.value, "reason_code": reason_code.value, "reason": reason},
        )
        return replace(view, case=await tx.cases.get(case_id))


async def reopen_case(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> CaseView:
    """An admin reopens a decided case; its votes are cleared, so it needs a fresh quorum."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        view = await build_view(tx, case_id, policy)
        case = view.case
        if case.is_open:
            raise CaseAlreadyOpen(case_id)
        await tx.cases.reopen(case_id, now)
        await tx.audit.record(
            actor.user_id, "case.reopen", now, case_id=case_id,
            before={"status": case.status.value, "reason_code": case.reason_code and case.reason_code.value,
                    "reason": case.reason, "verify_votes": [m.user_id for m in view.verify_votes]},
            after={"status": CaseStatus.OPEN.value},
        )
        return replace(view, case=await tx.cases.get(case_id), verify_votes=())


async def open_queue(store: Store, actor: Moderator, policy: Policy, page: int) -> QueuePage:
    """One page of open cases, the most reported first; a page past the end shows the last one."""
    async with store.transaction() as tx:
        await require(tx, actor)
        total = await tx.cases.count_open()
        pages = max(1, -(-total // QUEUE_PAGE_SIZE))
        page = min(max(page, 1), pages)
        ids = await tx.cases.open_by_weight(QUEUE_PAGE_SIZE, (page - 1) * QUEUE_PAGE_SIZE)
        return QueuePage([await build_view(tx, i, policy) for i in ids], page, pages, total)


async def record_card(store: Store, case_id: int, chat_id: int, message_id: int) -> None:
    async with store.transaction() as tx:
        await tx.cases.set_card(case_id, chat_id, message_id)


async def cases_without_card(store: Store) -> list[int]:
    async with store.transaction() as tx:
        return await tx.cases.without_card()
