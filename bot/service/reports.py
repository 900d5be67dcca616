"""Use cases of a citizen's reports: submit one, look at one's own."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.core.accounts import Account
from bot.core.cases import CaseKind
from bot.core.clusters import ClusterSummary, Placement, place
from bot.core.language import guess_language
from bot.core.matcher import MatchKind
from bot.core.networks import NetworkRules
from bot.core.periods import HOUR
from bot.core.reports import Report
from bot.core.submission import Submission
from bot.core.templates import Labels, Template
from bot.errors import RateLimited
from bot.images.photos import ReportPictures
from bot.semantic.campaigns import CampaignMatcher
from bot.service.cases import CARD_PICTURE_CASES
from bot.service.matcher_sync import announce, catch_up
from bot.service.matching import keep_vector, vector_of
from bot.service.networks import record_report
from bot.service.pictures import PicturePlacement, place_post_photo, record_avatar
from bot.service.suggestions import candidates, record_suggestion
from bot.store import Store, Tx
from bot.store.outbox import QueuedReceipt

STATUS_PAGE = 10
NO_PICTURES = ReportPictures()
DEFAULT_NETWORKS = NetworkRules()


@dataclass(frozen=True)
class Receipt:
    report: Report
    duplicate: bool
    """True when this message had already been reported (Telegram delivered it again)."""
    placement: Placement | None = None
    cluster: ClusterSummary | None = None
    template: Template | None = None
    labels: Labels = field(default_factory=Labels)
    """The template family's labels, for the receipt to name the campaign in the citizen's language."""
    verified_accounts: tuple[Account, ...] = ()
    """Accounts of this report that moderators verified as part of a campaign (never a protected one). Receipts
    say nothing about how often anyone else reported an account: that count is unverified, a brigade would
    read it as progress and screenshot it as "proof"."""
    cases: tuple[CaseTouch, ...] = ()
    """The cases the report joined, for the moderators' cards."""
    picture: PicturePlacement | None = None
    """Where the post's photo went, if it had one worth comparing."""
    shared_avatar: bool = False
    """The named account's profile photo is also on other reported accounts."""
    answered: bool = False
    """For a duplicate: its first receipt reached the citizen or is queued, so nothing more was queued."""


@dataclass(frozen=True)
class CaseTouch:
    case_id: int
    opened: bool
    """The report opened this case."""


async def submit_report(
    store: Store,
    matcher: CampaignMatcher,
    submission: Submission,
    *,
    reporter: str,
    dedupe_key: str,
    now: int,
    hourly_limit: int,
    answer: Callable[[Receipt], QueuedReceipt],
    pictures: ReportPictures = NO_PICTURES,
    networks: NetworkRules = DEFAULT_NETWORKS,
) -> Receipt:
    """Record a report unless it is a repeat or the reporter is over their hourly limit, place it, and
    queue its receipt (``answer`` words it).

    The text is matched against templates, clusters and the negative bank;
    the report joins the template's cluster, the nearest cluster, or starts a
    new one. The report and its queued receipt are committed together, so a
    receipt is only ever sent for a stored report, and no stored report lacks one.
    A repeat is answered only if its first receipt is neither sent nor queued.
    A text the lexical stage leaves unmatched is encoded first, off the event loop and outside the
    transaction, for the semantic stage; a text it finds only near a known campaign (the suggestion band)
    is put to moderators on its case (bot.service.suggestions), and its receipt claims no campaign. A
    reporter over the limit is refused before any of that work (a read), and again inside the transaction,
    which decides. The post's photo joins a group of near-identical pictures (and the report that group's image
    case when it has no campaign text); the named account's profile photo is linked to other reported accounts
    wearing it (bot.service.pictures). The account graph grows with what the report links (bot.service.networks).
    """
    async with store.reading() as tx:
        if await tx.reports.by_dedupe_key(dedupe_key) is None:  # a repeat is answered as one, limit or not
            await _check_limit(tx, reporter, now, hourly_limit)
    vectors = await _vectors_needed(matcher, submission)
    async with store.transaction() as tx:
        existing = await tx.reports.by_dedupe_key(dedupe_key)
        if existing is not None:
            repeat = Receipt(existing, duplicate=True)
            if await tx.reports.was_answered(existing.id) or await tx.outbox.holds(existing.id):
                return dataclasses.replace(repeat, answered=True)
            await tx.outbox.add(answer(repeat), now)
            return repeat
        await _check_limit(tx, reporter, now, hourly_limit)
        # Matched and placed under the store's lock: of two copies arriving at once, the second is
        # matched after the first one's new cluster is in the matcher. (Should the commit then fail,
        # the matcher keeps a cluster the database lacks; _cluster_for checks that it exists.) The
        # matching runs in a thread, so the event loop keeps sending receipts and cards meanwhile.
        await catch_up(tx, matcher)  # what other processes added up to this moment (we hold the write lock)
        text, placement, by_quotation = await _placed(matcher, submission, vectors)
        vector = None if text is None else vectors.get(text)
        suggested = await candidates(matcher, text, vector, placement)
        await tx.reporters.touch(reporter, now)
        report = await tx.reports.add(reporter, dedupe_key, submission, now)
        cluster_id, new_cluster = await _cluster_for(tx, placement, text, now)
        language = guess_language(text or "")
        if new_cluster and text:
            assert cluster_id is not None  # a new cluster has just been created
            await keep_vector(tx, matcher, MatchKind.CLUSTER, cluster_id, vector)
            await announce(tx, MatchKind.CLUSTER, cluster_id, now, text=text, language=language)
            matcher.add(cluster_id, text, MatchKind.CLUSTER, vector=vector, language=language)
        if placement is not None:
            matched = not (placement.generic or placement.is_new)
            await tx.reports.place(
                report.id,
                matched=placement.matched,
                cluster_id=cluster_id,
                template_id=placement.template_id,
                score=placement.score,
                language=language,
                resemblance=placement.resemblance.value if matched else None,
                by_quotation=by_quotation,
            )
        picture = None if pictures.post is None else await place_post_photo(tx, matcher, report.id, pictures.post, now)
        wearers = await _record_avatar(tx, matcher, report.id, pictures, now)
        image_id = picture.group_id if picture is not None and cluster_id is None else None
        cases = await _join_cases(tx, report.id, cluster_id, image_id, now)
        mine = cases[0].case_id if cases else 0
        cases += tuple(  # their cards now name this report's case beside the shared photo
            CaseTouch(case_id, False) for case_id in await tx.cases.naming_accounts(wearers, besides=mine)
        )
        if picture is not None and picture.group_id is not None:  # and theirs, beside the same picture
            cases += tuple(
                CaseTouch(case_id, False)
                for case_id in await tx.images.cases_with_picture(
                    picture.group_id, besides=mine, limit=CARD_PICTURE_CASES
                )
            )
        await record_report(
            tx,
            networks,
            report.id,
            reporter=reporter,
            cluster_id=cluster_id,
            image_id=None if picture is None else picture.group_id,
            wearers=wearers,
            now=now,
        )
        if cluster_id is not None:
            await record_suggestion(tx, suggested, cluster_id, cases[0].case_id, language, now)
        cluster = None if cluster_id is None else await tx.clusters.summary(cluster_id)
        template = (
            None
            if placement is None or placement.template_id is None
            else await tx.templates.get(placement.template_id)
        )
        labels = Labels() if template is None else await tx.template_labels.of(template)
        receipt = Receipt(
            report,
            False,
            placement,
            cluster,
            template,
            labels,
            await _verified_accounts(tx, report),
            cases,
            picture=picture,
            shared_avatar=bool(wearers),
        )
        await tx.outbox.add(answer(receipt), now)
    return receipt


async def _vectors_needed(matcher: CampaignMatcher, submission: Submission) -> dict[str, np.ndarray]:
    """Vectors of the texts the report may be placed by that the lexical stage leaves unmatched, encoded off
    the event loop and before the transaction: its campaign text, then what it quotes (asked only when the
    campaign text needs the semantic stage too)."""
    vectors: dict[str, np.ndarray] = {}
    for text in (submission.campaign_text, submission.quotation):
        if text is None or not await asyncio.to_thread(matcher.needs_vector, text):
            break
        vector = await vector_of(matcher, text)
        if vector is None:
            break
        vectors[text] = vector
    return vectors


async def _placed(
    matcher: CampaignMatcher, submission: Submission, vectors: dict[str, np.ndarray]
) -> tuple[str | None, Placement | None, bool]:
    """The text the report is placed by, where it goes, and whether that text is what the report quotes: a
    citizen's message that comments on a quotation and matches nothing in its own words is placed by the
    quotation, which also starts its cluster if that matches nothing either (so a cluster never holds the
    reporter's words around the line they report)."""
    text = submission.campaign_text
    if text is None:
        return None, None, False
    placement = place(await asyncio.to_thread(matcher.match, text, vectors.get(text)))
    quoted = submission.quotation
    if quoted is None or not placement.is_new:
        return text, placement, False
    return quoted, place(await asyncio.to_thread(matcher.match, quoted, vectors.get(quoted))), True


async def _check_limit(tx: Tx, reporter: str, now: int, hourly_limit: int) -> None:
    """Raise RateLimited when the reporter has sent ``hourly_limit`` reports within the past hour."""
    if await tx.reports.count_since(reporter, now - HOUR) >= hourly_limit:
        raise RateLimited(hourly_limit, HOUR + await tx.reports.nth_latest_at(reporter, now - HOUR, hourly_limit))


async def _verified_accounts(tx: Tx, report: Report) -> tuple[Account, ...]:
    """The report's accounts that are part of a verified campaign and not protected."""
    found = []
    for account in dict.fromkeys(t.account for t in report.targets if t.account is not None):
        account_id = await tx.accounts.id_of(account)
        if (
            account_id is not None
            and await tx.cases.in_verified_campaign(account_id)
            and await tx.protected.get(account_id) is None
        ):
            found.append(account)
    return tuple(found)


async def _record_avatar(
    tx: Tx, matcher: CampaignMatcher, report_id: int, pictures: ReportPictures, now: int
) -> list[int]:
    """Keep the named account's profile photo; the other reported accounts that wear it too."""
    if pictures.avatar is None:  # most reports: no read
        return []
    accounts = await tx.reports.account_ids(report_id)
    return await record_avatar(tx, matcher, accounts[0], pictures.avatar, now) if accounts else []


_SUBJECT = {CaseKind.CLUSTER: "cluster_id", CaseKind.IMAGE: "image_id", CaseKind.ACCOUNT: "account_id"}


async def _join_cases(
    tx: Tx, report_id: int, cluster_id: int | None, image_id: int | None, now: int
) -> tuple[CaseTouch, ...]:
    """A clustered report joins its cluster's case; one whose only content is a picture, its picture group's
    case; any other report joins the case of each account it names."""
    if cluster_id is not None:
        keys = [(CaseKind.CLUSTER, cluster_id, await tx.cases.of_cluster(cluster_id))]
    elif image_id is not None:
        keys = [(CaseKind.IMAGE, image_id, await tx.cases.of_image(image_id))]
    else:
        keys = [(CaseKind.ACCOUNT, a, await tx.cases.of_account(a)) for a in await tx.reports.account_ids(report_id)]
    touched = []
    for kind, key, case_id in keys:
        opened = case_id is None
        if case_id is None:
            case_id = await tx.cases.create(kind, now, **{_SUBJECT[kind]: key})
        await tx.cases.attach(case_id, report_id, now)
        touched.append(CaseTouch(case_id, opened))
    return tuple(touched)


async def _cluster_for(tx: Tx, placement: Placement | None, text: str | None, now: int) -> tuple[int | None, bool]:
    """The cluster the report joins, and whether it was created for it."""
    if placement is None or placement.generic:
        return None, False
    if placement.template_id is not None:
        existing = await tx.clusters.of_template(placement.template_id)
        if existing is not None:
            return existing, False
        return await tx.clusters.create(text or "", placement.template_id, now), False
    if placement.cluster_id is not None and await tx.clusters.exists(placement.cluster_id):
        return placement.cluster_id, False
    return await tx.clusters.create(text or "", None, now), True


async def reports_of(store: Store, reporter: str) -> list[Report]:
    """The reporter's own latest reports, newest first."""
    async with store.reading() as tx:
        return await tx.reports.of_reporter(reporter, STATUS_PAGE)


async def report_of(store: Store, reporter: str, report_id: int) -> Report | None:
    """One of the reporter's own reports; None for anyone else's."""
    async with store.reading() as tx:
        return await tx.reports.one_of_reporter(reporter, report_id)
