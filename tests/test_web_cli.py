"""`kuzet web` as an operator starts it, the site served beside the bot by `kuzet run` (WEB_LISTEN), and the
site's settings."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from bot.app import running
from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.helpers import free_port
from tests.test_digest import CAMPAIGN, _verified_campaign


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def _until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if (await _get(url))[0] == 200:
                return
        except aiohttp.ClientConnectionError:
            pass
        assert time.monotonic() < deadline, f"nothing answered at {url}"
        await asyncio.sleep(0.2)


async def test_kuzet_web_serves_the_site_from_the_database_until_sigterm(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REPORTER_KEY", "DATA_DIR"}}
    env.update(DATABASE_URL=database_url, WEB_LISTEN=f"127.0.0.1:{port}", WEB_PUBLISH="verified")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await _until_up(f"http://127.0.0.1:{port}/healthz")
        status, page = await _get(f"http://127.0.0.1:{port}/campaigns?lang=kk")
        assert status == 200 and '<html lang="kk" dir="ltr">' in page
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert f"serving http://127.0.0.1:{port}/" in stderr.decode()


async def test_kuzet_run_with_web_listen_serves_the_site_from_the_bots_own_store(
    telegram: FakeTelegram, moderation_settings: Callable[..., Settings], db: Database
) -> None:
    port = free_port()
    async with running(moderation_settings(WEB_LISTEN=f"127.0.0.1:{port}", WEB_PUBLISH="verified")):
        await _until_up(f"http://127.0.0.1:{port}/healthz", 5)
        assert (await _get(f"http://127.0.0.1:{port}/campaigns/1"))[0] == 404
        await _verified_campaign(telegram, db)
        await asyncio.sleep(1.1)  # the site looks for changes at most once a second
        status, page = await _get(f"http://127.0.0.1:{port}/campaigns/1")
        assert status == 200 and CAMPAIGN in page
    with pytest.raises(aiohttp.ClientConnectionError):
        await _get(f"http://127.0.0.1:{port}/healthz")


def test_the_sites_settings_have_defaults_and_a_bad_value_is_named() -> None:
    web = load_settings({}, env_file=None).web
    assert (web.listen, web.publish, web.licence, web.url, web.in_chain) == (None, "digest", "CC BY 4.0", None, True)
    chosen = load_settings(
        {"WEB_LISTEN": "[::1]:8091", "WEB_PUBLISH": "verified", "DATA_LICENCE": "ODbL", "WEB_URL": "https://k.kz/"},
        env_file=None,
    ).web
    assert (chosen.listen, chosen.in_chain, chosen.licence, chosen.url) == (
        ("::1", 8091),
        False,
        "ODbL",
        "https://k.kz",
    )
    for name, value in (
        ("WEB_LISTEN", "8090"),
        ("WEB_PUBLISH", "always"),
        ("WEB_URL", "ftp://k.kz"),
        ("WEB_URL", "https://k.kz/?a=1"),
        ("DATA_LICENCE", "x" * 101),
        ("DATA_LICENCE", "CC\nBY"),
    ):
        with pytest.raises(ConfigError, match=name):
            load_settings({name: value}, env_file=None)
