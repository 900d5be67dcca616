"""The moderators' Mini App served by the real bot (``kuzet run`` with WEB_LISTEN and MINIAPP_URL) over HTTP,
and initData signed as Telegram signs it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bot.sandbox import FakeTelegram
from bot.sandbox.init_data import signed_init_data
from tests.helpers import free_port
from tests.moderation_helpers import Team

APP_URL = "https://kuzet.example.org/app/"
APP_ORIGIN = "https://kuzet.example.org"


def init_data_of(telegram: FakeTelegram, user: dict, *, age: int = 0, token: str | None = None, **extra: Any) -> str:
    """What Telegram hands the app when ``user`` opens it ``age`` seconds ago."""
    person = {"id": user["id"], "first_name": user.get("first_name", ""), "language_code": "en"} | extra
    return signed_init_data(token or telegram.token, person, int(time.time()) - age)


@dataclass
class AppClient:
    """Speaks to the app's API as its page does."""

    http: httpx.AsyncClient
    telegram: FakeTelegram

    async def session(self, init_data: str, **headers: str) -> httpx.Response:
        return await self.http.post("/app/api/session", json={"init_data": init_data}, headers=headers)

    async def login(self, user: dict, **extra: Any) -> str:
        """A session's token for ``user`` (who must moderate)."""
        answer = await self.session(init_data_of(self.telegram, user, **extra))
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    async def get(self, token: str, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, params=params, headers={"Authorization": f"Bearer {token}"})

    async def post(self, token: str, path: str, body: dict | None = None) -> httpx.Response:
        return await self.http.post(
            path, json=body or {}, headers={"Authorization": f"Bearer {token}", "Origin": APP_ORIGIN}
        )


def app_served(
    moderated: Callable[..., AbstractAsyncContextManager[Team]], telegram: FakeTelegram
) -> Callable[..., AbstractAsyncContextManager[tuple[Team, AppClient]]]:
    """``async with app_served(moderated, telegram)(**settings) as (team, app)``: the bot with its team, serving
    the site and the Mini App on a free port."""

    @asynccontextmanager
    async def run(**overrides: str) -> AsyncIterator[tuple[Team, AppClient]]:
        port = free_port()
        async with moderated(WEB_LISTEN=f"127.0.0.1:{port}", MINIAPP_URL=APP_URL, **overrides) as team:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                yield team, AppClient(http, telegram)

    return run
