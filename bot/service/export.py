"""Use case of `kuzet export`: verified cases for researchers and trust-and-safety teams.

What goes out is what moderators verified: texts, accounts, counts and dates. Never a reporter's
pseudonym, chat id or anything else that points at who reported, nor a moderator: a count of people below
SMALL_COUNT_K is written "<K" (see bot.core.small_counts). An account is named only by its
@handle or public link, only where the reports show it posted the campaign, and never when moderators
protected it from a report brigade; the others are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.accounts import public_link
from bot.core.cases import CaseKind, Policy
from bot.core.digest import VerifiedAccount, citable
from bot.core.networks import Edge, NetworkRules, edge_kept
from bot.core.reports import ReportKind
from bot.core.small_counts import coarse
from bot.core.submission import Submission
from bot.service.cases import build_view
from bot.service.networks import live_threshold
from bot.store import Store, Tx

MAX_TEXTS = 50
MAX_ACCOUNTS = 500
MAX_POSTS = 20
MAX_PICTURES = 50
ALWAYS = (0, 2**62)
"""Report times that take in every report."""


@dataclass(frozen=True)
class ExportedCase:
    case_id: int
    kind: str
    verified_at: int
    votes: int | str
    """Distinct moderators who voted to verify: a number, or "<K" (a string) below SMALL_COUNT_K."""
    template_id: int | None
    template_label: str | None
    """In the template family's original language (else any): what exports before per-language labels held."""
    template_labels: dict[str, str]
    """The family's label in each language it has one (language code → label)."""
    text: str | None
    texts: tuple[str, ...]
    accounts: tuple[VerifiedAccount, ...]
    """Accounts that posted the campaign, by @handle (else link), with their public link."""
    accounts_unnamed: int | str
    """The other accounts the reports point at: mentioned only, hidden, without a public link, or protected."""
    post_links: tuple[str, ...]
    reports: int | str
    reporters: int | str
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    first_seen_at: int
    last_seen_at: int
    coordinated: bool
    pdq: tuple[str, ...] = ()
    """PDQ hashes (hex) of the case's pictures: the photos its reports carried. Never the pictures themselves."""
    accounts_sharing_photo: int | str = 0
    """The case's accounts whose profile photo other reported accounts wear too (a count: never the photo)."""


async def citable_accounts(
    tx: Tx, start: int, end: int, case_id: int | None = None
) -> list[tuple[int, VerifiedAccount]]:
    """(account id, how to name it) of the campaign accounts a digest or an export may name (see
    CaseArchive.campaign_accounts): those with a public link that are not protected."""
    found = await tx.archive.campaign_accounts(start, end, case_id)
    protected = await tx.protected.among([account_id for account_id, _ in found])
    return [
        (account_id, named)
        for account_id, account in found
        if account_id not in protected and (named := citable(account)) is not None
    ]


async def citable_posts(tx: Tx, case_id: int, limit: int) -> tuple[str, ...]:
    """Public links of the posts the case's reports forwarded or linked, never of a protected account's."""
    posts = await tx.archive.posts(case_id)
    protected = await tx.protected.among([p.account_id for p in posts if p.account_id is not None])
    links: list[str] = []
    for post in posts:
        link = None if post.account_id in protected else public_link(post.platform, post.account, post.post_id)
        if link is not None and link not in links:
            links.append(link)
    return tuple(links[:limit])


async def verified_cases(store: Store, since: int, policy: Policy, small_count_k: int) -> list[ExportedCase]:
    """Verified cases since a time; an account case whose account is protected is left out; counts below
    ``small_count_k`` are coarsened."""
    exported = []
    async with store.transaction() as tx:
        for case_id in await tx.archive.verified_since(since):
            view = await build_view(tx, case_id, policy)
            account_id = view.case.account_id
            if view.case.kind is CaseKind.ACCOUNT and account_id is not None and await tx.protected.among([account_id]):
                continue
            named = await citable_accounts(tx, *ALWAYS, case_id)
            reported = {a.account_id for a in await tx.cases.accounts(case_id, MAX_ACCOUNTS)}
            exported.append(
                ExportedCase(
                    case_id,
                    view.case.kind.value,
                    view.case.decided_at or 0,
                    coarse(len(view.verify_votes), small_count_k),
                    view.template_id,
                    view.template_labels.fallback,
                    dict(view.template_labels.by_language),
                    view.text,
                    _lines(await tx.archive.texts(case_id, MAX_TEXTS)),
                    tuple(account for _, account in named),
                    coarse(len(reported - {account_id for account_id, _ in named}), small_count_k),
                    await citable_posts(tx, case_id, MAX_POSTS),
                    coarse(view.reports, small_count_k),
                    coarse(view.reporters, small_count_k),
                    view.languages,
                    tuple(p.value for p in view.platforms),
                    view.first_seen_at,
                    view.last_seen_at,
                    view.coordination is not None,
                    tuple(await tx.images.hashes_of_case(case_id, MAX_PICTURES)),
                    coarse(len(view.shared_avatars), small_count_k),
                )
            )
    return exported


@dataclass(frozen=True)
class ExportedNode:
    node: str
    """"a1", "a2"…: a name for this export only, never the account's id."""
    network: int
    account: VerifiedAccount | None
    """Named only when it posted a verified campaign, has a public link and is not protected."""


@dataclass(frozen=True)
class ExportedEdge:
    source: str
    target: str
    network: int
    edge: Edge
    """Its counts; being reported together is left out (it is about reporters)."""


@dataclass(frozen=True)
class NetworkExport:
    networks: tuple[int, ...]
    nodes: tuple[ExportedNode, ...]
    edges: tuple[ExportedEdge, ...]


END_OF_TIME = 2**62


async def export_networks(store: Store, rules: NetworkRules) -> NetworkExport:
    """The networks with at least one verified campaign, for researchers: their accounts (named as the digest
    names them, else under a name for this export only) and the links between them that pass the filters."""
    async with store.reading() as tx:
        named = dict(await citable_accounts(tx, 0, END_OF_TIME))
        threshold = await live_threshold(tx, rules)
        numbers = [
            n
            for n in sorted(await tx.networks.memberships())
            if await tx.networks.verified_campaigns(n, 0, END_OF_TIME)
        ]
        nodes: list[ExportedNode] = []
        edges: list[ExportedEdge] = []
        for number in numbers:
            members = await tx.networks.members(number)
            ids = {account_id: f"a{len(nodes) + index + 1}" for index, account_id in enumerate(sorted(members))}
            nodes += [ExportedNode(ids[a], number, named.get(a)) for a in sorted(members)]
            participation = await tx.networks.participation_of(members)
            for edge in await tx.networks.edges_within(number):
                a, b = participation.get(edge.a, 0), participation.get(edge.b, 0)
                if edge_kept(edge, a, b, threshold, rules):
                    edges.append(ExportedEdge(ids[edge.a], ids[edge.b], number, replace(edge, reported=False)))
    return NetworkExport(tuple(numbers), tuple(nodes), tuple(edges))


def _lines(texts: list[tuple[str, ReportKind, bool]]) -> tuple[str, ...]:
    """The lines the reports were placed by: a report's text, or for one placed by what it quotes, the quotation
    alone (never the reporter's own words around it)."""
    lines = (Submission(kind, text, ()).quotation if quoted else text for text, kind, quoted in texts)
    return tuple(dict.fromkeys(line for line in lines if line is not None))
