"""A database the real bot filled, and the public site served from it (tests/test_web_*.py, the browser tests).

``fill_campaigns`` drives the bot through the sandbox: campaigns in English, Russian, Kazakh, Arabic and
Chinese verified by two moderators, one left open and one rejected, an account case, a picture campaign, a
report that carries the reporter's own words, and a published digest. ``site_client`` serves ``build_web_app``
on that database with aiohttp's test server; ``published_site`` does both; ``served_site`` listens on a real
port (for a browser). ``shared_database`` and ``site_on_shared`` make one filled database a module's fixture.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import running
from bot.config import Settings, load_settings
from bot.sandbox import FakeTelegram
from bot.sandbox import picture as sandbox_picture
from bot.store import Store
from bot.web import build_web_app, site_served
from bot.web.app import MAX_REQUEST_LINE
from tests.databases import Database, another_database, remember
from tests.helpers import free_port
from tests.moderation_helpers import MODERATION_SETTINGS, card_of, press, say, wait_for_card
from tests.test_digest import CAMPAIGN, _verified_campaign, _verify, next_week
from tests.test_photo_reports import answer_to, recompressed

OWN_WORDS = "via Zhanibek"
"""What a citizen typed around a campaign's text: it is theirs, so no page shows it."""
RUSSIAN = "Наш Президент обеспечивает необходимую стабильность и спокойствие."
KAZAKH = "Президент халыққа қамқорлық жасап, әрқашан халықты ойлайды."
ARABIC = "نستنكر إيقاف الحسابات المدافعة عن الوطن والتي تتصدى لهجمات الذباب الإلكتروني من دول الحصار."
CHINESE = "只要有足夠的專業資格，在這個國家總能找到體面的薪水和良好的生活條件。"
UNVERIFIED = "Foreign agents spread lies about our elections, do not believe the opposition channels"
REJECTED = "The weather in Almaty is lovely this week, let us all go to the mountains together"
FAKE_ACCOUNT = "fake_patriot_kz"


@dataclass(frozen=True)
class Filled:
    """Case numbers of what ``fill_campaigns`` made: text campaigns by language (en, ru, kk, ar, zh), an open
    case, a rejected one, a campaign account and a picture campaign."""

    verified: dict[str, int]
    unverified: int
    rejected: int
    account: int
    picture: int


async def fill_campaigns(telegram: FakeTelegram, db: Database, settings: Settings, *, publish: bool = True) -> Filled:
    """Run the bot on ``settings`` and make the cases of ``Filled``; with ``publish``, /publish this week's digest
    (the bot's clock moved a week ahead)."""

    def latest() -> int:
        return int(db.value("SELECT MAX(id) FROM cases"))

    async with running(settings) as application:
        admin, alice = await _verified_campaign(
            telegram, db, typed=f" {OWN_WORDS} https://x.com/{FAKE_ACCOUNT}/status/9"
        )
        verified = {"en": 1}
        for number, (language, text) in enumerate((("ru", RUSSIAN), ("kk", KAZAKH), ("ar", ARABIC), ("zh", CHINESE))):
            await say(telegram, telegram.user(20 + number), text)
            await say(telegram, telegram.user(30 + number), text)
            verified[language] = latest()
            await _verify(telegram, db, verified[language], admin, alice)
        await say(telegram, telegram.user(40), UNVERIFIED)
        unverified = latest()
        await say(telegram, telegram.user(41), REJECTED)
        rejected = latest()
        card = await wait_for_card(telegram, db, rejected)
        await press(telegram, alice, card, f"case:x:{rejected}")
        await press(telegram, alice, card_of(telegram, db, rejected), f"case:r:{rejected}:genuine")
        await say(telegram, telegram.user(42), f"https://x.com/{FAKE_ACCOUNT}")
        account = latest()
        await _verify(telegram, db, account, admin, alice)
        with db.connect() as conn:  # what the account case's verdict button sets (see tests/test_digest.py)
            conn.execute("UPDATE cases SET verdict = 'campaign_account' WHERE id = ?", (account,))
        poster = sandbox_picture(31, 1200, 900)
        for n in (1, 2):
            citizen = telegram.user(60 + n)
            await answer_to(
                telegram, citizen, lambda c=citizen, n=n: telegram.send_photo(c, recompressed(poster, scale=n / 2))
            )
        picture = latest()
        await _verify(telegram, db, picture, admin, alice)
        if publish:
            next_week(application)
            await say(telegram, admin, "/publish")
            await telegram.wait_until_idle()
    assert db.value("SELECT COUNT(*) FROM cases") == 9, "the own words joined the English campaign"
    assert db.value("SELECT kind FROM cases WHERE id = ?", (picture,)) == "image"
    assert db.value("SELECT status FROM cases WHERE id = ?", (rejected,)) == "rejected"
    assert db.value("SELECT status FROM cases WHERE id = ?", (unverified,)) == "open"
    return Filled(verified, unverified, rejected, account, picture)


def settings_for(url: str, folder: Path, telegram: FakeTelegram | None = None, **overrides: str) -> Settings:
    """The settings of the tests' bot (moderation on, semantic matching off) on ``url``; keywords override."""
    env = {"DATABASE_URL": url, "DATA_DIR": str(folder), "SEMANTIC_ENCODER": "off", **MODERATION_SETTINGS}
    if telegram is not None:
        env |= {"BOT_TOKEN": telegram.token, "BOT_API_URL": telegram.base_url}
    return load_settings(env | overrides, env_file=None)


@contextmanager
def filled_database(
    folder: Path, then: Callable[[FakeTelegram, Database, Settings], Awaitable[None]] | None = None, **overrides: str
) -> Iterator[tuple[str, Filled]]:
    """A database the bot filled with ``fill_campaigns`` (then ``then``, with the same fake Telegram), made once
    in an event loop of its own, for a module's tests to share: yields its URL and what was made. (A SQLite file
    in ``folder``, or a throwaway PostgreSQL database.)"""
    with another_database(folder, "kuzet.db") as url:
        remember(folder, url)

        async def fill() -> Filled:
            async with FakeTelegram() as telegram:
                settings = settings_for(url, folder, telegram, **overrides)
                filled = await fill_campaigns(telegram, Database(settings.database), settings)
                if then is not None:
                    await then(telegram, Database(settings.database), settings)
            return filled

        yield url, asyncio.run(fill())


Shared = tuple[str, Filled, Path]
"""A module's filled database: its URL, what was made, its folder."""


def shared_database(
    name: str, then: Callable[[FakeTelegram, Database, Settings], Awaitable[None]] | None = None
) -> Any:
    """A module-scoped fixture ``filled``: ``filled_database`` once for the module's tests (give the module
    ``pytest.mark.xdist_group`` so that one worker makes it)."""

    @pytest.fixture(scope="module")
    def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
        folder = tmp_path_factory.mktemp(name)
        with filled_database(folder, then) as (url, made):
            yield url, made, folder

    return filled


def session_shared() -> Any:
    """A module-scoped fixture ``filled``: the session's one filled database (conftest's ``public_site_database``),
    for modules that only read it. Group them under ``xdist_group("public_site")`` so that one worker fills it once."""

    @pytest.fixture(scope="module")
    def filled(public_site_database: Shared) -> Shared:
        return public_site_database

    return filled


def site_on_shared(**overrides: str) -> Any:
    """A fixture ``site``: the site on the module's ``filled`` database with these settings."""

    @pytest.fixture
    async def site(filled: Shared) -> AsyncIterator[TestClient]:
        url, _, folder = filled
        async with site_client(settings_for(url, folder, **overrides)) as client:
            yield client

    return site


@asynccontextmanager
async def site_client(settings: Settings) -> AsyncIterator[TestClient]:
    """The public site on ``settings``' database, through aiohttp's test server."""
    store = await Store.open(settings.database)
    try:
        server = TestServer(build_web_app(store, settings))
        await server.start_server(max_line_size=MAX_REQUEST_LINE)  # as site_served does
        async with TestClient(server) as client:
            yield client
    finally:
        await store.close()


@asynccontextmanager
async def published_site(telegram: FakeTelegram, db: Database, settings: Settings) -> AsyncIterator[TestClient]:
    """``fill_campaigns``, then the site served from what the bot stored."""
    await fill_campaigns(telegram, db, settings)
    async with site_client(settings) as client:
        yield client


@asynccontextmanager
async def served_site(settings: Settings) -> AsyncIterator[str]:
    """The public site listening on a free port of 127.0.0.1; yields its base URL (for a browser)."""
    store = await Store.open(settings.database)
    port = free_port()
    try:
        async with site_served(store, settings, "127.0.0.1", port):
            yield f"http://127.0.0.1:{port}"
    finally:
        await store.close()


__all__ = [
    "CAMPAIGN",
    "Filled",
    "fill_campaigns",
    "filled_database",
    "published_site",
    "served_site",
    "settings_for",
    "session_shared",
    "shared_database",
    "site_on_shared",
    "site_client",
]


HTML_PATHS = ("/", "/campaigns", "/digests", "/chain", "/about", "/campaigns?q=president")
LANGUAGE_TAGS = ("en", "ru", "kk", "ar", "zh-Hant")


async def everything(client: TestClient) -> dict[str, str]:
    """Every page in every language, every campaign and digest (page and API), the feed and the downloads:
    path → body, to search for what must never be published."""
    listed = await (await client.get("/api/campaigns")).json()
    digests = await (await client.get("/api/digests")).json()
    campaigns = [f"/campaigns/{c['id']}" for c in listed["campaigns"]]
    weeks = [f"/digests/{d['period']}" for d in digests["digests"]]
    paths = [
        f"{path}{'&' if '?' in path else '?'}lang={tag}"
        for path in (*HTML_PATHS, *campaigns, *weeks)
        for tag in LANGUAGE_TAGS
    ]
    paths += [f"/api{path}" for path in (*campaigns, *weeks)]
    paths += [
        "/api/campaigns",
        "/api/digests",
        "/api/chain",
        "/feed.atom",
        "/data/campaigns.csv",
        "/data/campaigns.json",
        "/api/openapi.json",
    ]
    bodies = {}
    for path in paths:
        response = await client.get(path)
        assert response.status == 200, path
        bodies[path] = await response.text()
    return bodies
