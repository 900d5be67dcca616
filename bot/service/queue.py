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

from bot.core.cases import CaseKind, Moderator, Policy, shown_as, votes_needed
from bot.core.flags import coordination, report_surge, surge_burst
from bot.core.normalize import normalize
from bot.core.periods import DAY
from bot.core.templates import Labels, labels_by_family
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
    """The labels of each template a row names."""
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
        self._lock = asyncio.Lock()

    async def page(self, query: QueueQuery, now: int) -> QueuePage:
        rows = await self._current()
        words = _words(query.q)
        claim_seconds = self._policy.claim_seconds
        tests = _tests(query, now, claim_seconds, words)
        chosen = [row for row in rows if all(test(row) for test in tests.values())]
        chosen.sort(key=_SORTS[query.sort])
        end = query.offset + PAGE_SIZE
        shown = chosen[query.offset : end]
        claiming = [row.claimed_by for row in shown if row.claimed_by is not None and row.claimed(now, claim_seconds)]
        return QueuePage(
            shown,
            _counts(rows, tests, now, claim_seconds),
            len(chosen),
            end if end < len(chosen) else None,
            {row.template_id: self._labels[row.template_id] for row in shown if row.template_id in self._labels},
            await shown_faces(self._store, claiming, self._policy),
        )

    async def _current(self) -> list[QueueRow]:
        async with self._lock:
            async with self._store.reading() as tx:
                version = await tx.queue.version()
                if version != self._version:
                    changed = None if self._version is None else await tx.queue.changed_since(self._version)
                    if changed is not None and len(changed) > FULL_READ_ABOVE:
                        changed = None
                    await self._read(tx, changed)
                    self._version = version
            return list(self._rows.values())

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


async def shown_faces(store: Store, user_ids: list[int], policy: Policy) -> dict[int, Moderator]:
    """How these moderators are shown to others, read without writing (bot.service.roles.faces gives an alias to
    anyone without one; everyone who claimed or voted has one already)."""
    if not user_ids:
        return {}
    async with store.reading() as tx:
        rows = await tx.aliases.of(user_ids)
    return {user_id: shown_as(user_id, row.name, row.alias, row.shows_name, policy) for user_id, row in rows.items()}


def _words(q: str) -> tuple[str, ...]:
    if len(q) > MAX_QUERY_CHARS:
        raise BadQueueQuery("q")
    return tuple(normalize(q).split()) if q.strip() else ()


def _age(row: QueueRow, now: int) -> Age:
    waited = now - row.opened_at
    return Age.DAY if waited < DAY else Age.WEEK if waited < 7 * DAY else Age.OLDER


Test = Callable[[QueueRow], bool]


def _tests(query: QueueQuery, now: int, claim_seconds: int, words: tuple[str, ...]) -> dict[str, Test]:
    """One test per facet the query filters on (and the search, which is no facet)."""
    tests: dict[str, Test] = {}
    if query.state is not State.OPEN:
        tests["state"] = lambda row: query.state in _states(row, now, claim_seconds)
    if query.flag is not None:
        tests["flag"] = lambda row: query.flag in row.flags
    if query.language is not None:
        tests["language"] = lambda row: query.language in row.languages
    if query.platform is not None:
        tests["platform"] = lambda row: query.platform in row.platforms
    if query.template is not None:
        tests["template"] = lambda row: row.template_id == query.template
    if query.age is not None:
        tests["age"] = lambda row: _age(row, now) is query.age
    if words:
        tests["q"] = lambda row: all(word in row.search for word in words)
    return tests


def _states(row: QueueRow, now: int, claim_seconds: int) -> tuple[State, ...]:
    states = [State.OPEN, State.CLAIMED if row.claimed(now, claim_seconds) else State.UNCLAIMED]
    if row.votes_needed - row.votes == 1:
        states.append(State.ONE_VOTE)
    return tuple(states)


def _values(facet: str, row: QueueRow, now: int, claim_seconds: int) -> Iterable[str]:
    """The values a row counts under in a facet."""
    if facet == "state":
        return _states(row, now, claim_seconds)
    if facet == "flag":
        return row.flags
    if facet == "language":
        return row.languages
    if facet == "platform":
        return row.platforms
    if facet == "template":
        return () if row.template_id is None else (str(row.template_id),)
    return (_age(row, now),)


def _counts(rows: list[QueueRow], tests: dict[str, Test], now: int, claim_seconds: int) -> dict[str, dict[str, int]]:
    """For each facet, how many rows have each value among those the *other* filters keep."""
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for row in rows:
        failed = [name for name, test in tests.items() if not test(row)]
        if len(failed) > 1:
            continue
        for facet in FACETS:
            if not failed or failed == [facet]:
                counts[facet].update(str(value) for value in _values(facet, row, now, claim_seconds))
    return {facet: dict(counter) for facet, counter in counts.items()}


_SORTS: dict[Sort, Callable[[QueueRow], tuple[int, ...]]] = {
    Sort.REPORTED: lambda row: (-row.reports, row.opened_at, row.id),
    Sort.NEWEST: lambda row: (-row.last_report_at, -row.id),
    Sort.OLDEST: lambda row: (row.opened_at, row.id),
}
