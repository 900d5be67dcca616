"""Use cases of moderation: looking at cases, voting, rejecting, reopening, the queue.

Every action checks the actor's role in the same transaction that changes
the case, and writes the audit log in that transaction too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.audit import AuditAction
from bot.core.cases import (
    CaseImage,
    CaseKind,
    CaseRecord,
    CaseStatus,
    CaseView,
    Claim,
    Moderator,
    Policy,
    PriorRejection,
    ProtectedMark,
    RejectReason,
    Role,
    SharedAvatar,
    Verdict,
    votes_needed,
)
from bot.core.flags import coordination, report_surge, surge_burst
from bot.core.matcher import MatchKind
from bot.core.reports import Report
from bot.core.suggestions import SuggestedCampaign, Suggestion
from bot.core.templates import Labels, readable
from bot.errors import (
    CaseAlreadyOpen,
    CaseClosed,
    CaseNotFound,
    ClaimedByOther,
    NoEvidence,
    NotAllowed,
    NotAnAccountCase,
    UndoExpired,
)
from bot.images.matcher import ImageKind
from bot.service.networks import networks_of_case
from bot.service.roles import faces, probationers, require
from bot.store import Store, Tx

CARD_ACCOUNTS = 5
CARD_PICTURE_CASES = 5
"""Other cases with the same picture a card names."""
DETAIL_REPORTS = 10
QUEUE_PAGE_SIZE = 5
QUEUE_SCAN = 500
"""The open cases a queue looks at (the most reported first); filters and pages work within them."""


class VoteChange(StrEnum):
    VOTED = "voted"
    WITHDRAWN = "withdrawn"
    ALREADY = "already"
    NOT_VOTED = "not_voted"
    ON_PROBATION = "on_probation"
    """Recorded, but not counted: the voter is on probation."""


class ClaimChange(StrEnum):
    CLAIMED = "claimed"
    RELEASED = "released"


class QueueFilter(StrEnum):
    ALL = "all"
    SURGE = "surge"
    """Possible report campaigns (🚨)."""
    ONE_VOTE = "one_vote"
    """Cases that need one more vote."""


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
    filter: QueueFilter | str = QueueFilter.ALL
    """A QueueFilter, or a language code."""
    now: int = 0


async def build_view(tx: Tx, case_id: int, policy: Policy, now: int | None = None) -> CaseView:
    """The case with its totals, accounts, flags, evidence, votes and claim (``now`` tells whether a reject can
    still be undone)."""
    case = await tx.cases.get(case_id)
    if case is None:
        raise CaseNotFound(case_id)
    totals = await tx.cases.totals(case_id)
    accounts = await tx.cases.accounts(case_id, CARD_ACCOUNTS)
    template_id = case.template_id
    if template_id is None and case.cluster_id is not None:
        template_id = await tx.clusters.template_of(case.cluster_id)
    template = None if template_id is None else await tx.templates.get(template_id)
    surges, prior, protected = [], [], []
    for item in accounts:
        burst = surge_burst(await tx.cases.account_reports(item.account_id), policy.rules)
        if burst is not None:
            reporters = sorted({r.reporter for r in burst if r.reporter is not None})
            earlier = await tx.cases.earlier_targets(reporters, burst[0].at, item.account_id)
            if (surge := report_surge(burst, earlier, policy.rules)) is not None:
                surges.append((item.account, surge))
        if (protection := await tx.protected.get(item.account_id)) is not None:
            since = await tx.cases.reports_since(item.account_id, protection.protected_at)
            protected.append(ProtectedMark(item.account, protection.case_id, protection.protected_at, since))
        elif (rejected := await tx.cases.rejected_with_account(item.account_id, case_id)) is not None:
            prior.append(PriorRejection(item.account, rejected))
    coordinated = None
    if case.kind is CaseKind.CLUSTER:
        coordinated = coordination(await tx.cases.source_posts(case_id), policy.rules)
    evidence = None
    if case.kind is CaseKind.ACCOUNT and case.account_id is not None:
        evidence = await tx.cases.campaign_evidence(case.account_id)
    votes = await tx.cases.verify_votes(case_id)
    voter_ids = [user_id for user_id, _ in votes]
    shown = await faces(tx, voter_ids, policy)
    voters = [shown[user_id] for user_id in voter_ids]
    claim = None
    if case.claimed_by is not None and case.claimed_at is not None:
        claim = Claim((await faces(tx, [case.claimed_by], policy))[case.claimed_by], case.claimed_at)
    undo_until = case.undo_until(policy)
    suggestion = await tx.suggestions.latest_of_case(case_id)
    shared = [
        SharedAvatar(item.account, len(others), tuple(await tx.cases.naming_accounts(others, besides=case_id)))
        for item in accounts
        if (others := await tx.images.sharing_avatar(item.account_id))
    ]
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
        template_labels=Labels() if template is None else await tx.template_labels.of(template),
        generic_reports=totals.generic_reports,
        verify_votes=tuple(voters),
        votes_needed=votes_needed(policy, bool(surges)),
        coordination=coordinated,
        surges=tuple(surges),
        prior_rejections=tuple(prior),
        resemblances=totals.resemblances,
        accounts_total=await tx.cases.count_accounts(case_id),
        evidence_case=evidence,
        protected=tuple(protected),
        admin_voted=await _admin_among(tx, voter_ids),
        claim=claim,
        undo_open=undo_until is not None and now is not None and now < undo_until,
        suggestion=None if suggestion is None else await _suggested_campaign(tx, suggestion, policy),
        image=await _case_image(tx, case),
        same_picture_cases=tuple(await tx.images.cases_sharing_pictures(case_id, CARD_PICTURE_CASES)),
        shared_avatars=tuple(shared),
        networks=await networks_of_case(tx, case_id),
        probationary=frozenset(user_id for user_id, probation in votes if probation),
    )


async def _case_image(tx: Tx, case: CaseRecord) -> CaseImage | None:
    group = None if case.image_id is None else await tx.images.group(case.image_id)
    if group is None:
        return None
    banked = await tx.image_bank.of_case(case.id)
    if banked is None:
        return CaseImage(group.pdq, group.file_id)
    return CaseImage(group.pdq, group.file_id, banked.id, banked.kind is ImageKind.CAMPAIGN, banked.label)


async def _suggested_campaign(tx: Tx, suggestion: Suggestion, policy: Policy) -> SuggestedCampaign:
    """The suggestion as a card names its target."""
    labels, text = Labels(), None
    if suggestion.target_kind is MatchKind.TEMPLATE:
        template = await tx.templates.get(suggestion.target_id)
        if template is not None:
            labels, text = await tx.template_labels.of(template), readable(template.text)
        cluster_id = await tx.clusters.of_template(suggestion.target_id)
    else:
        cluster_id = await tx.clusters.current(suggestion.target_id)
        text = await tx.clusters.representative(cluster_id)
    target_case = None if cluster_id is None else await tx.cases.of_cluster(cluster_id)
    if suggestion.answered_by is None:
        return SuggestedCampaign(suggestion, text, target_case, labels=labels)
    face = (await faces(tx, [suggestion.answered_by], policy))[suggestion.answered_by]
    return SuggestedCampaign(suggestion, text, target_case, face.name, face.alias, labels)


async def _admin_among(tx: Tx, user_ids: list[int]) -> bool:
    for user_id in user_ids:
        if await tx.roles.of(user_id) is Role.ADMIN:
            return True
    return False


async def card_view(store: Store, case_id: int, policy: Policy, now: int | None = None) -> CaseView:
    """The case as its card shows it (for the bot's own card updates, not for a person's request)."""
    async with store.transaction() as tx:
        return await build_view(tx, case_id, policy, now)


async def view_case(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int | None = None) -> CaseView:
    async with store.transaction() as tx:
        await require(tx, actor)
        return await build_view(tx, case_id, policy, now)


async def case_details(store: Store, actor: Moderator, case_id: int, policy: Policy) -> tuple[CaseView, list[Report]]:
    """The case and its latest reports."""
    async with store.transaction() as tx:
        await require(tx, actor)
        view = await build_view(tx, case_id, policy)
        return view, await tx.reports.by_ids(await tx.cases.report_ids(case_id, DETAIL_REPORTS))


async def _open_view(
    tx: Tx, actor: Moderator, case_id: int, policy: Policy, now: int, needed: Role = Role.MODERATOR
) -> CaseView:
    """The case, if the actor may act on it and it is still open."""
    await require(tx, actor, needed)
    view = await build_view(tx, case_id, policy, now)
    if not view.case.is_open:
        raise CaseClosed(case_id, view.case.status.value)
    return view


async def vote_verify(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> VoteResult:
    """One vote to verify. Enough distinct votes verify the case; a possible report campaign needs the higher
    quorum and an admin among them; an account case needs evidence that the account posted campaign content."""
    async with store.transaction() as tx:
        view = await _open_view(tx, actor, case_id, policy, now)
        if not view.may_be_campaign_account:
            raise NoEvidence(case_id)
        voters = [m.user_id for m in view.verify_votes]
        if actor.user_id in voters:
            return VoteResult(view, VoteChange.ALREADY, False)
        on_probation = actor.user_id in await probationers(tx, [actor.user_id], policy)
        await tx.cases.put_vote(case_id, actor.user_id, now, probation=on_probation)
        view = await build_view(tx, case_id, policy, now)
        after = [m.user_id for m in view.verify_votes]
        await tx.audit.record(
            actor.user_id,
            AuditAction.VOTE_VERIFY,
            now,
            case_id=case_id,
            before={"verify_votes": voters},
            after={"verify_votes": after} | ({"on_probation": True} if on_probation else {}),
        )
        decided = view.has_quorum
        if decided:
            verdict = Verdict.CAMPAIGN_ACCOUNT if view.case.kind is CaseKind.ACCOUNT else None
            await tx.cases.decide(case_id, CaseStatus.VERIFIED, actor.user_id, now, verdict=verdict)
            await tx.audit.record(
                actor.user_id,
                AuditAction.CASE_VERIFY,
                now,
                case_id=case_id,
                before={"status": CaseStatus.OPEN.value},
                after={
                    "status": CaseStatus.VERIFIED.value,
                    "verify_votes": after,
                    "verdict": None if verdict is None else verdict.value,
                },
            )
            case = await tx.cases.get(case_id)
            assert case is not None  # decided just above, in this transaction
            view = replace(view, case=case)
        return VoteResult(view, VoteChange.ON_PROBATION if on_probation else VoteChange.VOTED, decided)


async def withdraw_vote(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> VoteResult:
    """Take one's own verify vote back while the case is open."""
    async with store.transaction() as tx:
        view = await _open_view(tx, actor, case_id, policy, now)
        voters = [m.user_id for m in view.verify_votes]
        if actor.user_id not in voters:
            return VoteResult(view, VoteChange.NOT_VOTED, False)
        await tx.cases.drop_vote(case_id, actor.user_id)
        view = await build_view(tx, case_id, policy, now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.VOTE_WITHDRAW,
            now,
            case_id=case_id,
            before={"verify_votes": voters},
            after={"verify_votes": [m.user_id for m in view.verify_votes]},
        )
        return VoteResult(view, VoteChange.WITHDRAWN, False)


async def reject_case(
    store: Store,
    actor: Moderator,
    case_id: int,
    policy: Policy,
    now: int,
    reason_code: RejectReason,
    reason: str | None = None,
) -> CaseView:
    """One moderator's reject, with a reason, closes the case (it can be undone for ``policy.undo_seconds``)."""
    async with store.transaction() as tx:
        view = await _open_view(tx, actor, case_id, policy, now)
        await _close_as_rejected(tx, actor, view, now, reason_code, reason)
        return await build_view(tx, case_id, policy, now)


async def protect_account(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> CaseView:
    """🛡 The reports against this account are a brigade: close the case and put the account on the protected list,
    so later reports against it are flagged on arrival and no digest or export names it."""
    async with store.transaction() as tx:
        view = await _open_view(tx, actor, case_id, policy, now)
        account_id = view.case.account_id
        if view.case.kind is not CaseKind.ACCOUNT or account_id is None:
            raise NotAnAccountCase(case_id)
        await _close_as_rejected(tx, actor, view, now, RejectReason.BRIGADE, None)
        await tx.protected.protect(account_id, case_id, actor.user_id, now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.ACCOUNT_PROTECT,
            now,
            case_id=case_id,
            subject=view.accounts[0].account.label if view.accounts else None,
            after={"protected": True},
        )
        return await build_view(tx, case_id, policy, now)


async def _close_as_rejected(
    tx: Tx, actor: Moderator, view: CaseView, now: int, reason_code: RejectReason, reason: str | None
) -> None:
    await tx.cases.decide(view.case.id, CaseStatus.REJECTED, actor.user_id, now, reason_code=reason_code, reason=reason)
    await tx.audit.record(
        actor.user_id,
        AuditAction.CASE_REJECT,
        now,
        case_id=view.case.id,
        before={"status": CaseStatus.OPEN.value, "verify_votes": [m.user_id for m in view.verify_votes]},
        after={"status": CaseStatus.REJECTED.value, "reason_code": reason_code.value, "reason": reason},
    )


async def undo_reject(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> CaseView:
    """Take a reject back within ``policy.undo_seconds``: the moderator who made it, or an admin. The votes
    cast before it stay, and a protection it gave is lifted."""
    async with store.transaction() as tx:
        role = await require(tx, actor)
        case = await tx.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if case.is_open:
            raise CaseAlreadyOpen(case_id)
        until = case.undo_until(policy)
        if until is None or now >= until:
            raise UndoExpired(case_id)
        if case.decided_by != actor.user_id and role is not Role.ADMIN:
            raise NotAllowed(Role.ADMIN.value)
        await _reopen(tx, actor, case_id, policy, now, AuditAction.CASE_UNDO_REJECT, keep_votes=True)
        return await build_view(tx, case_id, policy, now)


async def reopen_case(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> CaseView:
    """An admin reopens a decided case; its votes are cleared, so it needs a fresh quorum."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        case = await tx.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if case.is_open:
            raise CaseAlreadyOpen(case_id)
        if case.status is CaseStatus.JOINED:  # its reports are in another case now
            raise CaseClosed(case_id, case.status.value)
        await _reopen(tx, actor, case_id, policy, now, AuditAction.CASE_REOPEN, keep_votes=False)
        return await build_view(tx, case_id, policy, now)


async def _reopen(
    tx: Tx, actor: Moderator, case_id: int, policy: Policy, now: int, action: AuditAction, *, keep_votes: bool
) -> None:
    view = await build_view(tx, case_id, policy, now)
    case = view.case
    await tx.cases.reopen(case_id, now, keep_votes=keep_votes)
    lifted = False
    if case.reason_code is RejectReason.BRIGADE and case.account_id is not None:
        lifted = await tx.protected.lift(case.account_id)
    await tx.audit.record(
        actor.user_id,
        action,
        now,
        case_id=case_id,
        before={
            "status": case.status.value,
            "reason_code": case.reason_code and case.reason_code.value,
            "reason": case.reason,
            "verdict": case.verdict and case.verdict.value,
            "verify_votes": [m.user_id for m in view.verify_votes],
        },
        after={"status": CaseStatus.OPEN.value, "protected": False} if lifted else {"status": CaseStatus.OPEN.value},
    )


async def claim_case(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int
) -> tuple[CaseView, ClaimChange]:
    """🙋 Say "I am on it" so two moderators don't duplicate work; pressing again releases it. Another
    moderator's claim holds for ``policy.claim_seconds``."""
    async with store.transaction() as tx:
        view = await _open_view(tx, actor, case_id, policy, now)
        claim = view.claim
        if claim is not None and claim.moderator.user_id == actor.user_id:
            await tx.cases.claim(case_id, None, None)
            change = ClaimChange.RELEASED
        elif claim is not None and now - claim.at < policy.claim_seconds:
            raise ClaimedByOther(case_id, claim.moderator)
        else:
            await tx.cases.claim(case_id, actor.user_id, now)
            change = ClaimChange.CLAIMED
        action = AuditAction.CASE_CLAIMED if change is ClaimChange.CLAIMED else AuditAction.CASE_RELEASED
        await tx.audit.record(actor.user_id, action, now, case_id=case_id)
        return await build_view(tx, case_id, policy, now), change


async def open_queue(
    store: Store, actor: Moderator, policy: Policy, page: int, now: int, filter: QueueFilter | str = QueueFilter.ALL
) -> QueuePage:
    """One page of open cases, the most distinct reporters first, then the longest waiting; a filter keeps
    possible report campaigns, cases one vote short, or one language. A page past the end shows the last one."""
    async with store.transaction() as tx:
        await require(tx, actor)
        views = [await build_view(tx, i, policy, now) for i in await tx.cases.open_by_reporters(QUEUE_SCAN)]
        chosen = [view for view in views if _passes(view, filter)]
        pages = max(1, -(-len(chosen) // QUEUE_PAGE_SIZE))
        page = min(max(page, 1), pages)
        shown = chosen[(page - 1) * QUEUE_PAGE_SIZE : page * QUEUE_PAGE_SIZE]
        return QueuePage(shown, page, pages, len(chosen), filter, now)


def _passes(view: CaseView, filter: QueueFilter | str) -> bool:
    if filter == QueueFilter.ALL:
        return True
    if filter == QueueFilter.SURGE:
        return view.possible_report_campaign
    if filter == QueueFilter.ONE_VOTE:
        return view.votes_missing == 1 and view.may_be_campaign_account
    return filter in view.languages


async def record_card(store: Store, case_id: int, chat_id: int, message_id: int) -> None:
    async with store.transaction() as tx:
        await tx.cases.set_card(case_id, chat_id, message_id)


async def cases_without_card(store: Store) -> list[int]:
    async with store.transaction() as tx:
        return await tx.cases.without_card()
