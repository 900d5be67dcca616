"""The public site's read model: published campaigns, their pages, search, and published digests.

What is public: verified text and picture cases, and account cases verified as campaign accounts whose account
has a public link and is not protected (the digest's rule, bot/service/digest.py), and with ``in_chain`` only
once a published digest's evidence link covers the case's decision. A case reopened is gone at once.

Every count of people, and every count that could stand for a few of them (reports, accounts, votes, a day's
reports), leaves this module already coarse (bot.core.small_counts): an ``int``, or the string "<K". Nothing
about reporters and no moderator leaves it, and no report text: a campaign is shown by its verified text and
its template family's texts.

Everything the site shows (every public campaign with its page and its normalised search text, the published
digests, this week's top campaigns) is built in a few bulk queries and kept in memory while the database's
``version`` stays the same. The version is read at most once every CHECK_SECONDS; when it changed, the catalogue
is built again, but never sooner than REBUILD_FACTOR times the last build's duration after it (a busy bot whose
verified campaigns keep getting reports does not keep the site rebuilding): the site is then a few seconds late.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from itertools import accumulate
from typing import TypeVar

from bot.core.accounts import Account, public_link
from bot.core.cases import CaseKind
from bot.core.digest import Digest, VerifiedAccount, citable
from bot.core.flags import FlagRules, coordination
from bot.core.normalize import normalize
from bot.core.periods import week_bounds, week_of
from bot.core.small_counts import coarse
from bot.core.templates import Labels, readable, reader_label
from bot.service.export import MAX_PICTURES, MAX_POSTS
from bot.store import Store
from bot.store.cases import PostTarget
from bot.store.public import EvidenceMark, PublicCase, PublishedDigest

PAGE_SIZE = 50
MAX_QUERY_CHARS = 300
"""A search line longer than this is refused: a campaign line is shorter, and normalising is linear in it."""
CHART_DAYS = 92
"""The per-day chart shows at most this many days, up to the last day seen."""
TOP_CAMPAIGNS = 5
CHECK_SECONDS = 1.0
REBUILD_FACTOR = 5
SEARCHES_KEPT = 1000

_T = TypeVar("_T")
Count = int | str
"""A public count: the number, or "<K" below SMALL_COUNT_K."""


@dataclass(frozen=True)
class Campaign:
    """A public campaign as lists, search and downloads show it."""

    case_id: int
    kind: str
    """``cluster`` (a text), ``image`` (a picture) or ``account`` (an account verified as a campaign account)."""
    label: str | None
    """The template family's label for a reader whose language has none."""
    labels: Mapping[str, str]
    text: str | None
    """The verified text (the template's, readable, else the cluster's), or the account's handle; None for a
    picture."""
    quotes: Mapping[str, str]
    """The template family's text in each language it has (language code → readable text)."""
    account: VerifiedAccount | None
    reports: Count
    languages: tuple[str, ...]
    first_seen_at: int
    last_seen_at: int
    verified_at: int
    template_id: int | None
    updated_at: int = field(repr=False, compare=False)
    search_text: str = field(repr=False, compare=False)

    def label_for(self, language: str) -> str | None:
        return reader_label(self.labels, language) or self.label

    def quote(self, language: str) -> str | None:
        """The family's text in the reader's language, else the campaign's own text."""
        return reader_label(self.quotes, language) or self.text

    def matches(self, words: Iterable[str]) -> bool:
        return all(word in self.search_text for word in words)


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    days: tuple[tuple[dt.date, Count], ...]
    """Reports on each day from the first seen to the last (at most CHART_DAYS, the latest)."""
    platforms: tuple[str, ...]
    accounts: tuple[VerifiedAccount, ...]
    """The accounts shown to have posted it, by @handle or link: never a protected account, a hidden user or an
    account reporters only mentioned."""
    accounts_total: Count
    """Every account the reports name (named here or not)."""
    posts: tuple[str, ...]
    votes: Count
    coordinated: bool
    template: str | None
    """The template's text as a person reads it."""
    pdq: tuple[str, ...]
    evidence: tuple[EvidenceMark, ...] = ()
    """The chain links that recorded it (one per verification), oldest first."""


@dataclass(frozen=True)
class SearchResult:
    campaigns: tuple[Campaign, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class DigestEntry:
    period: str
    start: int
    end: int
    published_at: int
    digest: Digest
    """As the site shows it: accounts moderators protected since it was published are left out."""
    frozen: str = field(repr=False)
    """The digest's JSON exactly as published."""


class BadQuery(ValueError):
    """A search line too long to be a campaign's."""


@dataclass
class _Catalogue:
    version: tuple[object, ...]
    campaigns: dict[int, Campaign]
    """Latest verified first."""
    pages: dict[int, CampaignPage]
    digests: list[DigestEntry]
    week: str
    top: list[tuple[Campaign, Count]]
    """The week's top campaigns, with their reports in the week."""
    searches: dict[tuple[tuple[str, ...], str | None], list[Campaign]] = field(default_factory=dict)
    corpus: str = ""
    """Every campaign's search text, in order, joined by NUL: one ``str.find`` scans them all."""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        texts = [c.search_text for c in self.campaigns.values()]
        self.corpus = "\0".join(texts)
        self.starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0)) if texts else []

    def holding(self, words: tuple[str, ...]) -> list[Campaign]:
        """The campaigns whose search text holds every word, in order: the longest word is looked for in the
        corpus, and only the campaigns it is found in are checked for the others."""
        campaigns = list(self.campaigns.values())
        longest = max(words, key=len)
        found: list[Campaign] = []
        at = self.corpus.find(longest)
        while at >= 0:
            index = bisect_right(self.starts, at) - 1
            if campaigns[index].matches(words):
                found.append(campaigns[index])
            at = self.corpus.find(longest, self.starts[index + 1]) if index + 1 < len(self.starts) else -1
        return found


class PublicSite:
    """The read model one web process serves from, cached as described in the module's docstring."""

    def __init__(
        self,
        store: Store,
        *,
        in_chain: bool,
        small_count_k: int,
        tz: tzinfo,
        rules: FlagRules,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._in_chain = in_chain
        self._k = small_count_k
        self._tz = tz
        self._rules = rules
        self._clock = clock
        self._catalogue: _Catalogue | None = None
        self._checked_at = self._built_at = float("-inf")
        self._build_seconds = 0.0
        self._lock = asyncio.Lock()

    @property
    def store(self) -> Store:
        return self._store

    @property
    def small_count_k(self) -> int:
        return self._k

    async def version(self) -> tuple[object, ...]:
        """The version of what the site shows now (a key for caches)."""
        return (await self._current()).version

    async def _current(self) -> _Catalogue:
        if self._catalogue is not None and time.monotonic() - self._checked_at < CHECK_SECONDS:
            return self._catalogue
        async with self._lock:
            now = time.monotonic()
            if self._catalogue is not None and now - self._checked_at < CHECK_SECONDS:
                return self._catalogue
            if self._catalogue is not None and now - self._built_at < REBUILD_FACTOR * self._build_seconds:
                return self._catalogue
            async with self._store.reading() as tx:
                version = await tx.public.version()
            if self._catalogue is None or self._catalogue.version != version:
                self._catalogue = await self._build(version)
                self._build_seconds = time.monotonic() - now
                self._built_at = time.monotonic()
            self._checked_at = time.monotonic()
            return self._catalogue

    async def _build(self, version: tuple[object, ...]) -> _Catalogue:
        chain = self._in_chain
        week = week_of(int(self._clock()), self._tz)
        async with self._store.reading() as tx:
            cases = await tx.public.cases(chain)
            languages = await tx.public.languages(chain)
            templates = await tx.public.family_templates()
            labels = await tx.template_labels.all()
            published = await tx.public.published_digests()
            protected = await tx.public.protected_accounts()
            facts = _Facts(
                await tx.public.report_times(chain),
                await tx.public.platforms(chain),
                await tx.public.verify_votes(chain),
                await tx.public.accounts_named(chain),
                _by_case(
                    (case_id, (account_id, account))
                    for case_id, account_id, account in await tx.public.campaign_accounts(chain)
                ),
                _by_case(await tx.public.posts(chain)),
                await tx.public.source_posts(chain),
                await tx.public.picture_hashes(chain),
                _by_case(await tx.public.evidence(chain)),
            )
            ranking = await tx.digest_facts.ranking(*week_bounds(week, self._tz))
        quotes: dict[str, dict[str, str]] = {}
        originals: dict[str, str | None] = {}
        for template in templates:
            originals.setdefault(template.family_key, template.language)
            if template.language is not None:
                quotes.setdefault(template.family_key, {}).setdefault(template.language, readable(template.text))
        normalized: dict[str, str] = {}
        campaigns: dict[int, Campaign] = {}
        pages: dict[int, CampaignPage] = {}
        for case in reversed(cases):
            key = case.family_key or ""
            campaign = self._campaign(
                case,
                Labels(labels.get(key, {}), originals.get(key)),
                quotes.get(key, {}),
                languages.get(case.case_id, ()),
                normalized,
            )
            if campaign is not None:
                campaigns[campaign.case_id] = campaign
                pages[campaign.case_id] = self._page(campaign, case.template_text, facts, set(protected))
        shown = {named for account in protected.values() if (named := citable(account)) is not None}
        top = [(campaigns[r.case_id], coarse(r.reports, self._k)) for r in ranking if r.case_id in campaigns]
        return _Catalogue(
            version,
            campaigns,
            pages,
            [_digest_entry(record, shown) for record in published],
            week,
            top[:TOP_CAMPAIGNS],
        )

    def _campaign(
        self,
        case: PublicCase,
        labels: Labels,
        quotes: Mapping[str, str],
        languages: tuple[str, ...],
        normalized: dict[str, str],
    ) -> Campaign | None:
        account = None
        if case.kind is CaseKind.ACCOUNT:
            if case.account is None or case.protected or (account := citable(case.account)) is None:
                return None
            text: str | None = account.label
        elif case.template_text is not None:
            text = readable(case.template_text)
        else:
            text = case.representative
        searched = [text or "", *quotes.values(), *labels.by_language.values()]
        if account is not None:
            searched.append(account.link)
        for line in searched:
            if line not in normalized:
                normalized[line] = normalize(line)
        return Campaign(
            case.case_id,
            case.kind.value,
            labels.fallback,
            dict(labels.by_language),
            text,
            dict(quotes),
            account,
            coarse(case.reports, self._k),
            languages,
            case.first_seen_at,
            case.last_seen_at,
            case.decided_at,
            case.template_id,
            case.updated_at,
            "\n".join(normalized[line] for line in searched if line),
        )

    def _page(self, campaign: Campaign, template: str | None, facts: _Facts, protected: set[int]) -> CampaignPage:
        """The campaign's page: the accounts and posts named as the digest and the export name them
        (bot.service.export: citable_accounts, citable_posts), for every campaign at once."""
        case_id = campaign.case_id
        accounts = [
            named
            for account_id, account in facts.campaign_accounts.get(case_id, [])
            if account_id not in protected and (named := citable(account)) is not None
        ]
        posts: list[str] = []
        for post in facts.posts.get(case_id, []):
            link = None if post.account_id in protected else public_link(post.platform, post.account, post.post_id)
            if link is not None and link not in posts:
                posts.append(link)
        source_posts = facts.source_posts.get(case_id, [])
        return CampaignPage(
            campaign,
            self._days(facts.report_times.get(case_id, [])),
            facts.platforms.get(case_id, ()),
            tuple(accounts),
            coarse(facts.accounts_named.get(case_id, 0), self._k),
            tuple(posts[:MAX_POSTS]),
            coarse(facts.votes.get(case_id, 0), self._k),
            bool(source_posts) and coordination(source_posts, self._rules) is not None,
            None if template is None else readable(template),
            facts.pdq.get(case_id, ())[:MAX_PICTURES],
            tuple(facts.evidence.get(case_id, ())),
        )

    def _days(self, times: list[int]) -> tuple[tuple[dt.date, Count], ...]:
        """Reports a day in the installation's time zone, each count coarse: a day with a few reports shows as
        "fewer than K" and a chart draws it so, whatever the few were."""
        if not times:
            return ()
        per_day = Counter(dt.datetime.fromtimestamp(at, self._tz).date() for at in times)
        last = max(per_day)
        first = max(min(per_day), last - dt.timedelta(days=CHART_DAYS - 1))
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        return tuple((day, coarse(per_day.get(day, 0), self._k)) for day in days)

    # ---- lists and search ----

    async def search(self, query: str, page: int, language: str | None = None) -> SearchResult:
        """Public campaigns whose texts or labels hold every word of ``query`` once normalised as the matcher
        normalises (so look-alike letters, case, Traditional or Simplified Chinese and Cyrillic or Latin Kazakh
        all meet), seen in ``language`` if given; latest verified first, PAGE_SIZE a page."""
        if len(query) > MAX_QUERY_CHARS:
            raise BadQuery(f"a search is at most {MAX_QUERY_CHARS} characters")
        words = tuple(normalize(query).split()) if query.strip() else ()
        catalogue = await self._current()
        key = (words, language)
        found = catalogue.searches.get(key)
        if found is None:
            holding = catalogue.holding(words) if words else list(catalogue.campaigns.values())
            found = [c for c in holding if language is None or _in_language(c, language)]
            if len(catalogue.searches) >= SEARCHES_KEPT:
                catalogue.searches.pop(next(iter(catalogue.searches)))
            catalogue.searches[key] = found
        pages = max(1, -(-len(found) // PAGE_SIZE))
        chosen = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return SearchResult(tuple(chosen), len(found), page, pages)

    async def all_campaigns(self) -> list[Campaign]:
        return list((await self._current()).campaigns.values())

    async def top_this_week(self) -> list[tuple[Campaign, Count]]:
        """This week's public campaigns with the most reports in the week, with that count."""
        catalogue = await self._current()
        return catalogue.top if catalogue.week == week_of(int(self._clock()), self._tz) else []

    async def campaign(self, case_id: int) -> CampaignPage | None:
        return (await self._current()).pages.get(case_id)

    # ---- digests ----

    async def digests(self) -> list[DigestEntry]:
        """Published digests, the latest week first."""
        return list((await self._current()).digests)

    async def digest(self, period: str) -> DigestEntry | None:
        return next((d for d in (await self._current()).digests if d.period == period), None)

    async def is_public(self, case_id: int) -> bool:
        return case_id in (await self._current()).campaigns


@dataclass(frozen=True)
class _Facts:
    """What the campaigns' pages are made of, read in bulk (bot.store.public)."""

    report_times: dict[int, list[int]]
    platforms: dict[int, tuple[str, ...]]
    votes: dict[int, int]
    accounts_named: dict[int, int]
    campaign_accounts: dict[int, list[tuple[int, Account]]]
    posts: dict[int, list[PostTarget]]
    source_posts: dict[int, list[tuple[int, int]]]
    pdq: dict[int, tuple[str, ...]]
    evidence: dict[int, list[EvidenceMark]]


def _by_case(rows: Iterable[tuple[int, _T]]) -> dict[int, list[_T]]:
    found: dict[int, list[_T]] = {}
    for case_id, item in rows:
        found.setdefault(case_id, []).append(item)
    return found


def _digest_entry(record: PublishedDigest, protected: set[VerifiedAccount]) -> DigestEntry:
    """The published digest as the site shows it: without the accounts moderators protected since it was
    published, their account campaigns, their posts, or their places in a network."""
    digest = Digest.from_json(record.data)
    links, labels = {a.link for a in protected}, {a.label for a in protected}
    digest = replace(
        digest,
        accounts=tuple(a for a in digest.accounts if a.link not in links),
        networks=tuple(replace(n, named=tuple(a for a in n.named if a.link not in links)) for n in digest.networks),
        campaigns=tuple(
            replace(c, examples=tuple(link for link in c.examples if not _posted_by(link, links)))
            for c in digest.campaigns
            if c.text not in labels
        ),
    )
    return DigestEntry(record.period, record.start, record.end, record.published_at, digest, record.data)


def _posted_by(post: str, accounts: set[str]) -> bool:
    return any(post.startswith(link.rstrip("/") + "/") for link in accounts)


def _in_language(campaign: Campaign, language: str) -> bool:
    """Seen in reports in the language, or the template family has a text in it ("zh_Hant" is "zh")."""
    code = language.split("_")[0]
    return code in campaign.languages or code in campaign.quotes
