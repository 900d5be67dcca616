"""Use cases of account networks: the graph each placed report extends, the periodic recompute, and what
moderators see of a network.

Each report updates the graph in ``submit_report``'s transaction (:func:`record_report`): the accounts whose
post it carries act on its cluster and on its picture group, the accounts it names are reported together with
those its reporter named within the window, and a shared profile photo links two accounts. Networks grow live:
an edge that passes the filters adds its accounts to a network, or merges two (the older number stays), or
makes a new one once enough accounts are linked (:func:`_grow`). Only the recompute (:func:`recompute_networks`,
a job) can shrink or split a network, and re-reads the weight percentile the live step uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.accounts import Account
from bot.core.cases import Moderator
from bot.core.networks import (
    CaseNetwork,
    CoActionKind,
    Edge,
    NetworkRules,
    Numbering,
    components,
    edge_kept,
    edge_threshold,
    kept_edges,
    number_networks,
    pair,
    partners,
    starts_episode,
)
from bot.errors import NetworkNotFound
from bot.service.roles import require
from bot.store import Store, Tx
from bot.store.networks import NetworkRecord

THRESHOLD_KEY = "network_edge_threshold"
"""kuzet_meta: the edge weight the last recompute required (the percentile filter), for the live step."""
GROWTH_LIMIT = 10_000
"""Accounts one live step walks at most (new networks start small; the recompute sees everything)."""
SHOWN_ACCOUNTS = 30


async def record_report(
    tx: Tx,
    rules: NetworkRules,
    report_id: int,
    *,
    reporter: str,
    cluster_id: int | None,
    image_id: int | None,
    wearers: list[int],
    now: int,
) -> None:
    """Extend the graph with a placed report (in its transaction), and grow networks with what it links."""
    touched: set[tuple[int, int]] = set()
    posters = await tx.networks.posters(report_id)
    for kind, object_id in ((CoActionKind.CLUSTER, cluster_id), (CoActionKind.IMAGE, image_id)):
        if object_id is not None:
            for account_id in posters:
                touched |= await _act(tx, rules, kind, object_id, account_id, now)
    named = await tx.reports.account_ids(report_id)
    for account_id in named:
        for other in await tx.networks.reported_by_within(reporter, account_id, now - rules.window, report_id):
            await tx.networks.add_co_action(account_id, other, CoActionKind.REPORTED, now)
            touched.add(pair(account_id, other))
    if named:
        for other in wearers:  # the named account's profile photo is on these accounts too
            await tx.networks.add_co_action(named[0], other, CoActionKind.AVATAR, now)
            touched.add(pair(named[0], other))
    await _grow(tx, rules, touched, now)


async def _act(
    tx: Tx, rules: NetworkRules, kind: CoActionKind, object_id: int, account_id: int, now: int
) -> set[tuple[int, int]]:
    """One account acting on an object: the pairs it newly co-acts in (none unless it starts an episode)."""
    last_at = await tx.networks.last_action(kind, object_id, account_id)
    new_episode = starts_episode(last_at, now, rules.window)
    await tx.networks.act(kind, object_id, account_id, now, new_episode=new_episode)
    if not new_episode:
        return set()
    recent = await tx.networks.recent_actions(kind, object_id, now - rules.window, rules.max_partners + 1)
    found = partners(((other, state[0]) for other, state in recent.items()), account_id, now, rules)
    if not found:
        return set()
    for other in found:
        await tx.networks.add_co_action(account_id, other, kind, now)
    await tx.networks.mark_co_acted(kind, object_id, [account_id, *(o for o in found if not recent[o][1])])
    return {pair(account_id, other) for other in found}


async def live_threshold(tx: Tx, rules: NetworkRules) -> float:
    """The weight a link must reach now: the last recompute's percentile, or ``min_weight`` if higher."""
    stored = await tx.meta.get(THRESHOLD_KEY)
    return rules.min_weight if stored is None else max(rules.min_weight, float(stored))


async def _grow(tx: Tx, rules: NetworkRules, touched: Iterable[tuple[int, int]], now: int) -> None:
    """Add what the touched edges now link to networks: walk the kept edges from their accounts that are in no
    network, through accounts in none; the networks reached merge into the oldest, which takes the accounts
    walked; reaching none, the accounts walked are a new network once there are ``min_accounts`` of them."""
    threshold = await live_threshold(tx, rules)
    kept: list[Edge] = []
    for a, b in sorted(touched):
        linked = await tx.networks.edge(a, b)
        if linked is not None and edge_kept(
            linked.edge, linked.participation_a, linked.participation_b, threshold, rules
        ):
            kept.append(linked.edge)
    if not kept:
        return
    ends = sorted({account for edge in kept for account in (edge.a, edge.b)})
    protected = await tx.protected.among(ends)
    numbers = await tx.networks.numbers_of(ends)
    reached = {numbers[a] for a in ends if a in numbers}
    walked: set[int] = set()
    first_at = min(edge.first_at for edge in kept)
    queue = [a for a in ends if a not in numbers and a not in protected]
    while queue and len(walked) < GROWTH_LIMIT:
        account = queue.pop()
        if account in walked:
            continue
        walked.add(account)
        links = await tx.networks.edges_of(account)
        others = [
            (link.edge.b if link.edge.a == account else link.edge.a, link.edge)
            for link in links
            if edge_kept(link.edge, link.participation_a, link.participation_b, threshold, rules)
        ]
        found = await tx.networks.numbers_of([other for other, _ in others])
        shielded = await tx.protected.among([other for other, _ in others])
        for other, edge in others:
            if other in shielded:
                continue
            first_at = min(first_at, edge.first_at)
            if other in found:
                reached.add(found[other])
            elif other not in walked:
                queue.append(other)
    if reached:
        target, *merged = sorted(reached)
        joining = sorted(walked)
        for number in merged:
            joining += await tx.networks.members(number)
            await tx.networks.end(number, target, now)
        if joining:  # links within a network change nothing here: the recompute sets spans
            await tx.networks.add_members(target, joining, now)
    elif len(walked) >= rules.min_accounts:
        await tx.networks.create(sorted(walked), first_at, now)


@dataclass(frozen=True)
class Recomputed:
    networks: int
    new: int
    merged: int
    ended: int
    edges: int
    kept: int


async def recompute_networks(store: Store, rules: NetworkRules, now: int) -> Recomputed:
    """Find the networks of the whole graph again and number them stably (a job): the only step that shrinks or
    splits a network, and the one that sets the weight percentile the live step uses.

    The graph is read and its components found outside the write lock (at a million reports that takes
    minutes); the write then changes only what changed. A network the live step changed meanwhile is left as
    it is until the next recompute, and so is any network found that shares accounts with it."""
    async with store.reading() as tx:
        # with no percentile filter, edges lighter than min_weight cannot count: they stay in the table
        lightest = rules.min_weight if rules.edge_percentile == 0 else 0.0
        edges = await tx.networks.all_edges(rules.reported_weight, lightest)
        participation = await tx.networks.participation()
        protected = await tx.protected.all_ids()
    found, kept, threshold = await asyncio.to_thread(_find, edges, participation, protected, rules)
    async with store.transaction() as tx:
        await tx.networks.forget_actions_before(now - rules.window)  # episodes that pair with nothing more
        await tx.networks.forget_light_edges(now - rules.link_memory, rules.reported_weight, rules.min_weight)
        previous = await tx.networks.memberships()
        busy = set(await tx.networks.changed_since(now))
        held = {a for number in busy for a in previous.get(number, ())}
        numbering = number_networks(
            [accounts for accounts in found if accounts.isdisjoint(held)],
            {number: accounts for number, accounts in previous.items() if number not in busy},
        )
        await _write(tx, numbering, previous, kept, now)
        await tx.meta.put(THRESHOLD_KEY, repr(threshold))
    return Recomputed(
        len(numbering.networks),
        sum(1 for n in numbering.networks if n.number is None),
        sum(len(n.merged) for n in numbering.networks),
        len(numbering.ended),
        len(edges),
        len(kept),
    )


def _find(
    edges: list[Edge], participation: dict[int, int], protected: set[int], rules: NetworkRules
) -> tuple[list[frozenset[int]], list[Edge], float]:
    kept = kept_edges(edges, participation, rules, protected)
    threshold = edge_threshold((e for e in edges if e.a not in protected and e.b not in protected), rules)
    return components(kept, rules.min_accounts), kept, threshold


async def _write(tx: Tx, numbering: Numbering, previous: dict[int, frozenset[int]], kept: list[Edge], now: int) -> None:
    spans: dict[int, tuple[int, int]] = {}
    for edge in kept:
        for account in (edge.a, edge.b):
            first, last = spans.get(account, (edge.first_at, edge.last_at))
            spans[account] = (min(first, edge.first_at), max(last, edge.last_at))
    for network in numbering.networks:
        accounts = sorted(network.accounts)
        first_at = min(spans[a][0] for a in accounts)
        last_at = max(spans[a][1] for a in accounts)
        for number in network.merged:
            await tx.networks.end(number, network.number, now)
        if network.number is None:
            number = await tx.networks.create(accounts, first_at, now, split_from=network.split_from)
        else:
            number = network.number
            if previous.get(number) != network.accounts:
                await tx.networks.set_members(number, accounts, now)
        await tx.networks.set_span(number, first_at, last_at)
    for number in numbering.ended:
        await tx.networks.end(number, None, now)


async def networks_of_case(tx: Tx, case_id: int, limit: int = 2) -> tuple[CaseNetwork, ...]:
    """The networks most of the case's accounts are in."""
    found = []
    for number, _ in (await tx.networks.of_case(case_id))[:limit]:
        record = await tx.networks.get(number)
        if record is not None:
            campaigns = len(await tx.networks.campaigns(number))
            found.append(CaseNetwork(number, record.accounts, campaigns, record.first_at))
    return tuple(found)


@dataclass(frozen=True)
class LinkStrength:
    """How sure the links within a network are."""

    edges: int
    weakest: float
    median: float
    strongest: float
    clusters: int
    """Co-actions on the same text, summed over its links."""
    images: int
    avatars: int
    """Links of two accounts wearing the same profile photo."""
    reported: int
    """Links of two accounts one reporter reported within the window."""


@dataclass(frozen=True)
class NetworkView:
    record: NetworkRecord
    accounts: tuple[Account, ...]
    """The first SHOWN_ACCOUNTS of them."""
    campaigns: tuple[int, ...]
    weekly: tuple[tuple[int, int], ...]
    strength: LinkStrength


async def view_network(store: Store, actor: Moderator, number: int, rules: NetworkRules) -> NetworkView:
    """The network for a moderator (its accounts, none hidden: moderators may see them all)."""
    async with store.transaction() as tx:  # require keeps the actor's shown name current: a write
        await require(tx, actor)
        record = await tx.networks.get(number)
        if record is None:
            raise NetworkNotFound(number)
        edges = await tx.networks.edges_within(number)
        return NetworkView(
            record,
            tuple(await tx.networks.member_accounts(number, SHOWN_ACCOUNTS)),
            tuple(await tx.networks.campaigns(number)),
            tuple(await tx.networks.weekly_reports(number)),
            _strength(edges, rules),
        )


def _strength(edges: list[Edge], rules: NetworkRules) -> LinkStrength:
    weights = sorted(e.weight(rules) for e in edges) or [0.0]
    return LinkStrength(
        len(edges),
        weights[0],
        weights[len(weights) // 2],
        weights[-1],
        sum(e.clusters for e in edges),
        sum(e.images for e in edges),
        sum(e.avatar for e in edges),
        sum(e.reported for e in edges),
    )
