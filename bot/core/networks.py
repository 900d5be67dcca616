"""Account networks: the accounts that repeatedly act together, across campaigns, pictures and report waves.

A *co-action* is two accounts acting on the same object within a time window: posting the same cluster's text
(a template's reports share its cluster), carrying the same picture group, or being reported by the same
reporter (a report wave). An account's action on an object starts an *episode* unless it acted on the object
within the window before; only the start of an episode pairs the account with the others that acted on the
object within the window, so reposting the same text a hundred times in a day counts once. Wearing the same
profile photo links two accounts directly.

Edges carry a count per kind. The graph is filtered as CooRTweet does: an account must take part in at least
``min_participation`` co-action episodes; an edge's weight must reach the ``edge_percentile`` of all weights;
and (the symmetry check) an edge must hold at least ``symmetry`` of *each* endpoint's participation, so a
hyperactive account that joins everything is linked strongly to nobody. Being reported together only adds
``reported_weight`` to an edge and never counts as participation: a report brigade naming critics together
cannot make them a network by itself. Networks are the connected components of the filtered graph with at
least ``min_accounts`` accounts, numbered stably across recomputes (:func:`number_networks`).

Everything here is plain data: times are Unix seconds and ``now`` is always an argument.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.periods import DAY, HOUR


class CoActionKind(StrEnum):
    CLUSTER = "cluster"
    """The same cluster's text (a template's reports share its cluster)."""
    IMAGE = "image"
    """The same picture group."""
    REPORTED = "reported"
    """Reported by the same reporter within the window."""
    AVATAR = "avatar"
    """The same profile photo (no window: a photo is worn, not posted)."""


CONTENT_KINDS = (CoActionKind.CLUSTER, CoActionKind.IMAGE)
"""Kinds that are the accounts' own actions: they count as participation."""


@dataclass(frozen=True)
class NetworkRules:
    window: int = 6 * HOUR
    """Two actions on one object this close (seconds) are a co-action."""
    min_participation: int = 2
    """Co-action episodes an account must take part in to be linked at all."""
    edge_percentile: float = 0.0
    """Edges weaker than this percentile (0–100) of all edge weights are dropped."""
    min_weight: float = 3.0
    """…and edges lighter than this, whatever the percentile."""
    symmetry: float = 0.6
    """An edge must weigh at least this share of each endpoint's participation."""
    min_accounts: int = 3
    """Smaller components are not networks."""
    reported_weight: float = 0.5
    """What being reported together adds to an edge (once, however often)."""
    max_partners: int = 200
    """An episode co-acts with at most this many accounts, those that acted last: a text thousands repost within
    the window links each to the few hundred just before it, so one report's cost stays bounded."""
    link_memory: int = 90 * DAY
    """A link lighter than ``min_weight`` that nothing renewed for this long (seconds) is forgotten: strangers who
    once reposted the same viral text must not cost a row forever (``forget_light``)."""


@dataclass(frozen=True)
class Edge:
    """Two accounts (``a`` < ``b``) and what they did together."""

    a: int
    b: int
    clusters: int = 0
    images: int = 0
    reported: bool = False
    avatar: bool = False
    first_at: int = 0
    last_at: int = 0

    def weight(self, rules: NetworkRules) -> float:
        return self.clusters + self.images + int(self.avatar) + (rules.reported_weight if self.reported else 0.0)

    @property
    def kinds(self) -> tuple[CoActionKind, ...]:
        counts = {
            CoActionKind.CLUSTER: self.clusters,
            CoActionKind.IMAGE: self.images,
            CoActionKind.AVATAR: self.avatar,
            CoActionKind.REPORTED: self.reported,
        }
        return tuple(kind for kind, count in counts.items() if count)


@dataclass(frozen=True)
class CaseNetwork:
    """A network some of a case's accounts are in, as the case's card names it."""

    number: int
    accounts: int
    campaigns: int
    first_at: int


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def starts_episode(last_at: int | None, at: int, window: int) -> bool:
    """Whether an action at ``at`` starts an episode: the account had not acted on the object within the window."""
    return last_at is None or at - last_at > window


def partners(recent: Iterable[tuple[int, int]], account: int, at: int, rules: NetworkRules) -> list[int]:
    """The other accounts among ``recent`` (account, last action time on the object) that acted within the window
    before ``at``, the latest ``max_partners`` of them: those an episode starting at ``at`` co-acts with."""
    within = sorted(
        ((last_at, other) for other, last_at in recent if other != account and 0 <= at - last_at <= rules.window),
        reverse=True,
    )
    return sorted(other for _, other in within[: rules.max_partners])


@dataclass(slots=True)
class EdgeTally:
    """A mutable edge while the graph is being built."""

    clusters: int = 0
    images: int = 0
    reported: bool = False
    avatar: bool = False
    first_at: int = 0
    last_at: int = 0

    def add(self, kind: CoActionKind, at: int) -> None:
        if kind is CoActionKind.CLUSTER:
            self.clusters += 1
        elif kind is CoActionKind.IMAGE:
            self.images += 1
        elif kind is CoActionKind.REPORTED:
            self.reported = True
        else:
            self.avatar = True
        self.first_at = at if self.first_at == 0 else min(self.first_at, at)
        self.last_at = max(self.last_at, at)

    def frozen(self, a: int, b: int) -> Edge:
        return Edge(a, b, self.clusters, self.images, self.reported, self.avatar, self.first_at, self.last_at)


@dataclass
class CoActionGraph:
    """The graph held in memory, updated one action at a time (the benchmark's detector; the bot keeps the same
    state in its tables, bot.service.networks). Objects' actions older than the window are pruned as it goes."""

    rules: NetworkRules = field(default_factory=lambda: NetworkRules())
    edges: dict[tuple[int, int], EdgeTally] = field(default_factory=dict)
    participation: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    _recent: dict[tuple[CoActionKind, int], dict[int, list[int]]] = field(default_factory=dict)
    """Per object: account → [last action time, whether its current episode co-acted]."""

    def act(self, account: int, kind: CoActionKind, obj: int, at: int) -> list[int]:
        """Record an action; the accounts it newly co-acts with."""
        window = self.rules.window
        recent = self._recent.setdefault((kind, obj), {})
        if len(recent) > 64:  # prune now and then: a long-lived object must not keep every account forever
            for other in [o for o, (last, _) in recent.items() if at - last > window]:
                del recent[other]
        state = recent.get(account)
        if not starts_episode(None if state is None else state[0], at, window):
            assert state is not None
            state[0] = at
            return []
        found = partners(((o, s[0]) for o, s in recent.items()), account, at, self.rules)
        recent[account] = [at, bool(found)]
        for other in found:
            self.edges.setdefault(pair(account, other), EdgeTally()).add(kind, at)
            if kind in CONTENT_KINDS and not recent[other][1]:
                recent[other][1] = True
                self.participation[other] += 1
        if found and kind in CONTENT_KINDS:
            self.participation[account] += 1
        return found

    def wear_same_photo(self, account: int, other: int, at: int) -> None:
        edge = self.edges.setdefault(pair(account, other), EdgeTally())
        if not edge.avatar:
            edge.add(CoActionKind.AVATAR, at)

    def forget_light(self, before: int) -> int:
        """Forget the edges lighter than ``min_weight`` last renewed before ``before`` (they can pass no filter
        until renewed, and then start again); how many."""
        light = [
            key
            for key, tally in self.edges.items()
            if tally.last_at < before and tally.frozen(*key).weight(self.rules) < self.rules.min_weight
        ]
        for key in light:
            del self.edges[key]
        return len(light)

    def frozen_edges(self, min_weight: float = 0.0) -> list[Edge]:
        """The edges weighing at least ``min_weight``."""
        edges = (tally.frozen(a, b) for (a, b), tally in self.edges.items())
        return [edge for edge in edges if edge.weight(self.rules) >= min_weight]


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0–100, nearest rank) of ``values``; 0 for none."""
    if not values or p <= 0:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def edge_threshold(edges: Iterable[Edge], rules: NetworkRules) -> float:
    """The weight an edge must reach: ``min_weight``, or the ``edge_percentile`` of all weights if higher."""
    return max(rules.min_weight, percentile([e.weight(rules) for e in edges], rules.edge_percentile))


def edge_kept(edge: Edge, participation_a: int, participation_b: int, threshold: float, rules: NetworkRules) -> bool:
    """Whether the edge passes the weight, participation and symmetry filters."""
    weight = edge.weight(rules)
    return (
        weight >= threshold
        and min(participation_a, participation_b) >= rules.min_participation
        and weight >= rules.symmetry * max(participation_a, participation_b)
    )


def kept_edges(
    edges: Iterable[Edge], participation: Mapping[int, int], rules: NetworkRules, excluded: Set[int] = frozenset()
) -> list[Edge]:
    """The edges that pass the filters, leaving out the ``excluded`` accounts (protected ones)."""
    edges = [e for e in edges if e.a not in excluded and e.b not in excluded]
    threshold = edge_threshold(edges, rules)
    return [e for e in edges if edge_kept(e, participation.get(e.a, 0), participation.get(e.b, 0), threshold, rules)]


def components(edges: Iterable[Edge], min_accounts: int) -> list[frozenset[int]]:
    """Connected components of at least ``min_accounts`` accounts, largest first."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for edge in edges:
        ra, rb = root(edge.a), root(edge.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[int]] = defaultdict(set)
    for account in parent:
        groups[root(account)].add(account)
    found = [frozenset(g) for g in groups.values() if len(g) >= min_accounts]
    return sorted(found, key=lambda g: (-len(g), min(g)))


def detect(
    edges: Iterable[Edge], participation: Mapping[int, int], rules: NetworkRules, excluded: Set[int] = frozenset()
) -> list[frozenset[int]]:
    """The networks of the graph: components of its filtered edges."""
    return components(kept_edges(edges, participation, rules, excluded), rules.min_accounts)


@dataclass(frozen=True)
class Numbered:
    number: int | None
    """None: a new network, to be given the next number."""
    accounts: frozenset[int]
    merged: tuple[int, ...] = ()
    """Older networks this one absorbed (their numbers end)."""
    split_from: int | None = None
    """The network this one broke away from, for a new number."""


@dataclass(frozen=True)
class Numbering:
    networks: tuple[Numbered, ...]
    ended: tuple[int, ...]
    """Numbers whose networks dissolved (none of their accounts is in a network found)."""


def number_networks(found: Iterable[frozenset[int]], previous: Mapping[int, frozenset[int]]) -> Numbering:
    """Give each network found a stable number.

    Each earlier network's heir is the network found that holds most of its accounts. A network found keeps the
    oldest (smallest) number it is heir to, and the other numbers it is heir to end as merged into it. A network
    found that is heir to none is new (number None), recording the earlier network it shares most accounts
    with as the one it split from.
    """
    found = list(found)
    member_of: dict[int, int] = {}
    for index, accounts in enumerate(found):
        for account in accounts:
            member_of[account] = index
    overlaps: dict[int, dict[int, int]] = {}  # old number → found index → shared accounts
    for number, accounts in previous.items():
        counts: dict[int, int] = defaultdict(int)
        for account in accounts:
            if (holder := member_of.get(account)) is not None:
                counts[holder] += 1
        overlaps[number] = counts
    heirs: dict[int, list[int]] = defaultdict(list)  # found index → old numbers it inherits
    for number in sorted(previous):
        if overlaps[number]:
            heir = max(overlaps[number].items(), key=lambda item: (item[1], -item[0]))[0]
            heirs[heir].append(number)
    numbered, used = [], set()
    for index, accounts in enumerate(found):
        inherited = heirs.get(index, [])
        if inherited:
            numbered.append(Numbered(inherited[0], accounts, tuple(inherited[1:])))
            used.add(inherited[0])
            continue
        shared = {n: c[index] for n, c in overlaps.items() if c.get(index)}
        source = max(shared.items(), key=lambda item: (item[1], -item[0]))[0] if shared else None
        numbered.append(Numbered(None, accounts, split_from=source))
    merged = {n for network in numbered for n in network.merged}
    ended = tuple(sorted(n for n in previous if n not in used and n not in merged))
    return Numbering(tuple(numbered), ended)
