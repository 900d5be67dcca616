"""The moderators' queue as the Mini App reads it: every open case as a row kept in memory, filtered, counted per
filter (each facet counted with the other filters applied), searched with the matcher's normalisation, sorted
and paged.

The rows are read in bulk once; then each request asks the database only what changed since (the latest report,
audit entry and case update: one cheap query) and reads again just the cases that may have changed, so a page
costs the same with 5,000 open cases as with 50 (benchmarks/bench_queue.py).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from bot.core.cases import CaseKind, Moderator, Policy, votes_needed
from bot.core.flags import coordination, report_surge, surge_burst
from bot.core.normalize import normalize
from bot.core.periods import DAY
from bot.core.templates import Labels, labels_by_family
from bot.service.roles import shown_faces
from bot.store import Store, Tx
from bot.store.queue import QueueFacts, QueueVersion

PAGE_SIZE = 25
EXCERPT_CHARS = 200
MAX_QUERY_CHARS = 300
FULL_READ_ABOVE = 500
"""More changed cases than this since the last read: read them all again (one bulk read is then cheaper)."""


class State(StrEnum):
    OPEN = "open"
    """Every open case (the default)."""
    UNCLAIMED = "unclaimed"
    CLAIMED = "claimed"
    """Someone said "I am on it" within the claim time."""
    ONE_VOTE = "one_vote"
    """One counting vote short of verifying."""


class Flag(StrEnum):
    COORDINATED = "coordinated"
    SURGE = "surge"
    """A possible report campaign: a burst of reports against one of its accounts."""
    SUGGESTION = "suggestion"
    """A suggestion waits for an answer."""


class Age(StrEnum):
    DAY = "day"
    WEEK = "week"
    OLDER = "older"


class Sort(StrEnum):
    REPORTED = "reported"
    NEWEST = "newest"
    OLDEST = "oldest"


class BadQueueQuery(ValueError):
    """A filter value the queue does not know, or a search too long."""


@dataclass(frozen=True)
class QueueRow:
    id: int
    kind: CaseKind
    text: str | None
    search: str
    """The text as the matcher normalises it."""
    languages: tuple[str, ...]
    """Most reported first."""
    platforms: tuple[str, ...]
    reports: int
    accounts: int
    flags: tuple[Flag, ...]
    template_id: int | None
    opened_at: int
    last_report_at: int
    votes: int
    votes_needed: int
    claimed_by: int | None
    claimed_at: int | None

    def claimed(self, now: int, claim_seconds: int) -> bool:
        return self.claimed_by is not None and self.claimed_at is not None and now - self.claimed_at < claim_seconds


@dataclass(frozen=True)
class QueueQuery:
    state: State = State.OPEN
    flag: Flag | None = None
    language: str | None = None
    platform: str | None = None
    template: int | None = None
    age: Age | None = None
    sort: Sort = Sort.REPORTED
    q: str = ""
    offset: int = 0


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, dict[str, int]]
    total: int
    next_offset: int | None
    labels: dict[int, Labels]
    """The labels of each template a row or the template facet names."""
    claimers: dict[int, Moderator]
    """How each moderator with a live claim on a row is shown."""


FACETS = ("state", "flag", "language", "platform", "template", "age")


class QueueModel:
    """The open cases in memory, brought up to date on each read; one per process serving the Mini App."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self._store = store
        self._policy = policy
        self._rows: dict[int, QueueRow] = {}
        self._version: QueueVersion | None = None
        self._labels: dict[int, Labels] = {}
        self._index: _Index | None = None
        self._lock = asyncio.Lock()

    async def page(self, query: QueueQuery, now: int) -> QueuePage:
        index = await self._current()
        words = _words(query.q)
        claim_seconds = self._policy.claim_seconds
        facets = index.facets(now, claim_seconds)
        nothing = np.zeros(len(index.rows), dtype=bool)
        masks = {facet: facets[facet].get(value, nothing) for facet, value in _wanted(query).items()}
        if words:
            masks["q"] = index.holding(words)
        everything = np.ones(len(index.rows), dtype=bool)
        kept = np.logical_and.reduce([everything, *masks.values()])
        order = index.orders[query.sort]
        chosen = order[kept[order]]
        end = query.offset + PAGE_SIZE
        shown = [index.rows[i] for i in chosen[query.offset : end]]
        counts = {}
        for facet in FACETS:
            others = np.logical_and.reduce([everything, *(mask for name, mask in masks.items() if name != facet)])
            counts[facet] = {
                value: n for value, mask in facets[facet].items() if (n := int(np.count_nonzero(others & mask)))
            }
        claiming = [row.claimed_by for row in shown if row.claimed_by is not None and row.claimed(now, claim_seconds)]
        return QueuePage(
            shown,
            counts,
            len(chosen),
            end if end < len(chosen) else None,
            {
                template_id: self._labels[template_id]
                for template_id in {row.template_id for row in shown} | {int(t) for t in counts["template"]}
                if template_id in self._labels
            },
            await shown_faces(self._store, claiming, self._policy),
        )

    async def _current(self) -> _Index:
        async with self._lock:
            async with self._store.reading() as tx:
                version = await tx.queue.version()
                if version != self._version:
                    changed = None if self._version is None else await tx.queue.changed_since(self._version)
                    if changed is not None and len(changed) > FULL_READ_ABOVE:
                        changed = None
                    await self._read(tx, changed)
                    self._version = version
                    self._index = None
            if self._index is None:
                self._index = _Index(list(self._rows.values()))
            return self._index

    async def _read(self, tx: Tx, changed: set[int] | None) -> None:
        """Read the rows of the changed cases again (all of them when ``changed`` is None)."""
        facts = await tx.queue.open_cases(None if changed is None else sorted(changed))
        rows = await _rows(tx, facts.values(), self._policy)
        if changed is None:
            self._rows = rows
        else:
            for case_id in changed:
                self._rows.pop(case_id, None)
            self._rows.update(rows)
        templates = await tx.templates.all()
        labels = labels_by_family(templates, await tx.template_labels.all())
        self._labels = {template.id: labels[template.family_key] for template in templates}


async def _rows(tx: Tx, facts: Iterable[QueueFacts], policy: Policy) -> dict[int, QueueRow]:
    facts = list(facts)
    surging = await _surging_accounts(tx, {account for case in facts for account in case.accounts}, policy)
    rows = {}
    for case in facts:
        flags = []
        if case.kind is CaseKind.CLUSTER and coordination(case.source_posts, policy.rules) is not None:
            flags.append(Flag.COORDINATED)
        surge = bool(case.accounts & surging)
        if surge:
            flags.append(Flag.SURGE)
        if case.suggestion:
            flags.append(Flag.SUGGESTION)
        rows[case.id] = QueueRow(
            id=case.id,
            kind=case.kind,
            text=case.text,
            search=normalize(case.text or ""),
            languages=tuple(language for language, _ in Counter(case.languages).most_common()),
            platforms=tuple(sorted(case.platforms)),
            reports=case.reports,
            accounts=len(case.accounts),
            flags=tuple(flags),
            template_id=case.template_id,
            opened_at=case.opened_at,
            last_report_at=case.last_at or case.opened_at,
            votes=case.votes,
            votes_needed=votes_needed(policy, surge),
            claimed_by=case.claimed_by,
            claimed_at=case.claimed_at,
        )
    return rows


async def _surging_accounts(tx: Tx, accounts: set[int], policy: Policy) -> set[int]:
    """The accounts a burst of reports looks like a report campaign against (bot.core.flags, as on the card)."""
    surging = set()
    for account_id, reports in (await tx.queue.account_reports(sorted(accounts))).items():
        burst = surge_burst(reports, policy.rules)
        if burst is None:
            continue
        reporters = sorted({r.reporter for r in burst if r.reporter is not None})
        earlier = await tx.cases.earlier_targets(reporters, burst[0].at, account_id)
        if report_surge(burst, earlier, policy.rules) is not None:
            surging.add(account_id)
    return surging


def _words(q: str) -> tuple[str, ...]:
    if len(q) > MAX_QUERY_CHARS:
        raise BadQueueQuery("q")
    return tuple(normalize(q).split()) if q.strip() else ()


_SORTS: dict[Sort, Callable[[QueueRow], tuple[int, ...]]] = {
    Sort.REPORTED: lambda row: (-row.reports, row.opened_at, row.id),
    Sort.NEWEST: lambda row: (-row.last_report_at, -row.id),
    Sort.OLDEST: lambda row: (row.opened_at, row.id),
}

Mask = npt.NDArray[np.bool_]


class _Index:
    """The rows as columns: a mask per value of each facet that does not change with the clock, the columns the
    others (state, age) are worked out from at each request, the rows in each sort's order, and searches already
    made. Built again whenever a row changed; then a page is a few vector operations over all open cases."""

    def __init__(self, rows: list[QueueRow]) -> None:
        self.rows = rows
        self.orders = {sort: _order(rows, key) for sort, key in _SORTS.items()}
        self._opened = np.array([row.opened_at for row in rows], dtype=np.int64)
        self._claimed_at = np.array(
            [row.claimed_at if row.claimed_by is not None and row.claimed_at is not None else -(2**62) for row in rows],
            dtype=np.int64,
        )
        self._one_vote = np.array([row.votes_needed - row.votes == 1 for row in rows], dtype=bool)
        self._static: dict[str, dict[str, Mask]] = {
            "flag": self._masks([flag.value for flag in row.flags] for row in rows),
            "language": self._masks(row.languages for row in rows),
            "platform": self._masks(row.platforms for row in rows),
            "template": self._masks(() if row.template_id is None else (str(row.template_id),) for row in rows),
        }
        self._searches: dict[tuple[str, ...], Mask] = {}

    def _masks(self, values: Iterable[Iterable[str]]) -> dict[str, Mask]:
        found: dict[str, Mask] = {}
        for i, held in enumerate(values):
            for value in held:
                if value not in found:
                    found[value] = np.zeros(len(self.rows), dtype=bool)
                found[value][i] = True
        return found

    def facets(self, now: int, claim_seconds: int) -> dict[str, dict[str, Mask]]:
        """Each facet's value masks at ``now``."""
        claimed = now - self._claimed_at < claim_seconds
        waited = now - self._opened
        return {
            "state": {
                State.OPEN: np.ones(len(self.rows), dtype=bool),
                State.UNCLAIMED: ~claimed,
                State.CLAIMED: claimed,
                State.ONE_VOTE: self._one_vote,
            },
            "age": {
                Age.DAY: waited < DAY,
                Age.WEEK: (waited >= DAY) & (waited < 7 * DAY),
                Age.OLDER: waited >= 7 * DAY,
            },
            **self._static,
        }

    def holding(self, words: tuple[str, ...]) -> Mask:
        """The rows whose normalised text holds every word."""
        found = self._searches.get(words)
        if found is None:
            found = np.array([all(word in row.search for word in words) for row in self.rows], dtype=bool)
            if len(self._searches) >= SEARCHES_KEPT:
                self._searches.pop(next(iter(self._searches)))
            self._searches[words] = found
        return found


SEARCHES_KEPT = 1000


def _order(rows: list[QueueRow], key: Callable[[QueueRow], tuple[int, ...]]) -> npt.NDArray[np.intp]:
    return np.array(sorted(range(len(rows)), key=lambda i: key(rows[i])), dtype=np.intp)


def _wanted(query: QueueQuery) -> dict[str, str]:
    """The facets the query filters on, with the value asked for (``open`` is every case: no filter)."""
    wanted = {
        "state": None if query.state is State.OPEN else query.state.value,
        "flag": None if query.flag is None else query.flag.value,
        "language": query.language,
        "platform": query.platform,
        "template": None if query.template is None else str(query.template),
        "age": None if query.age is None else query.age.value,
    }
    return {facet: value for facet, value in wanted.items() if value is not None}
