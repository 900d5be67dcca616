"""Debian's Chromium driven by Playwright, and the public site it reads (tests/test_web_browser.py).

The site is the session's one database filled through the real bot (``tests/web_helpers.py:session_shared``: a
minute of the sandbox's flood limits, shared with the other modules that read the site) and served on a real
port of 127.0.0.1. Playwright's own browser builds are never downloaded: it launches ``/usr/bin/chromium``.
Without it the tests skip, unless ``KUZET_REQUIRE_BROWSER=1`` (set by ``.ci/run``, which installs it), where its
absence fails them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from bot.config import Settings
from tests.databases import Database
from tests.web_helpers import Filled, Shared, served_site, settings_for

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = "KUZET_REQUIRE_BROWSER"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
"""Where a person looks at the pages (gitignored)."""


def chromium_or_skip() -> Path:
    """Debian's Chromium; skips the test when it is missing, or fails it where CI installed it."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get(REQUIRED) == "1":
        pytest.fail(f"{CHROMIUM} is missing and {REQUIRED}=1: .ci/run should have installed Debian's chromium")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium from Debian, for one module."""
    path = chromium_or_skip()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(path), headless=True)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass(frozen=True)
class Site:
    """The public site on a real port, and what the bot stored behind it."""

    url: str
    filled: Filled
    week: str
    """The published digest's period, e.g. 2026-W49."""
    settings: Settings


@asynccontextmanager
async def site_of(filled: Shared) -> AsyncIterator[Site]:
    """The public site on a filled database (``tests/web_helpers.py``), on a real port."""
    url, made, folder = filled
    settings = settings_for(url, folder)
    week = Database(settings.database).value("SELECT period FROM digests WHERE status = 'published'")
    async with served_site(settings) as base:
        yield Site(base, made, week, settings)
