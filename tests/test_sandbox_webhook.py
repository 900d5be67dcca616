"""The sandbox's webhook, as strict as Telegram's: setWebhook's checks, getUpdates refused while it is set, and
updates posted one chat at a time, counted delivered only on a 2xx answer, and spread over load-balanced bots."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from aiohttp import web

from bot.sandbox import FakeTelegram
from tests.helpers import call, free_port

SECRET = "s3cret_-TOKEN"
Answer = Callable[[dict], Awaitable[int]]


class Receiver:
    """A stand-in for a bot's webhook server on 127.0.0.1: records each post, answers what ``answer`` says."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.posts: list[tuple[int, str | None]] = []
        """(update_id, the secret token header) of every post, in arrival order."""
        self.answer = answer
        self.base = ""

    async def _post(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.posts.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=await self.answer(update) if self.answer else 200)

    @asynccontextmanager
    async def serving(self, port: int = 0) -> AsyncIterator[Receiver]:
        app = web.Application()
        app.router.add_post("/tg/hook", self._post)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            yield self
        finally:
            await runner.cleanup()

    def delivered(self) -> list[int]:
        return [update_id for update_id, _ in self.posts]


@pytest.fixture
async def http(telegram: FakeTelegram) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{telegram.base_url}{telegram.token}/") as client:
        yield client


@pytest.mark.parametrize(
    ("params", "answer"),
    [
        ({"url": "https://exa mple.org/hook"}, "Bad Request: invalid webhook URL specified"),
        ({"url": "ftp://example.org/hook"}, "Bad Request: invalid webhook URL specified"),
        ({"url": "http://example.org/hook"}, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"),
        (
            {"url": "https://example.org:8080/hook"},
            "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
        ),
        ({"url": "https://example.org/hook", "secret_token": "a" * 257}, "Bad Request: secret token is too long"),
        (
            {"url": "https://example.org/hook", "secret_token": "abc+def/ghi="},
            "Bad Request: secret token contains unallowed characters",
        ),
        ({"url": "https://example.org:8443/hook", "max_connections": 0}, "set, max_connections 1"),
        ({"url": "https://example.org/hook", "max_connections": 500}, "set, max_connections 100"),
        ({"url": "example.org/hook", "secret_token": "a" * 256}, "set, max_connections 40"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses_and_clamps_max_connections(
    telegram, http, params: dict, answer: str
) -> None:
    body = await call(http, "setWebhook", **params)
    assert (
        body["description"] if not body["ok"] else f"set, max_connections {telegram.webhook_info()['max_connections']}"
    ) == answer


async def test_set_webhook_again_with_the_same_values_changes_nothing_but_not_twice_a_second(telegram, http) -> None:
    telegram.send_text(telegram.user(101), "pending")
    params = {"url": "https://example.org/hook", "secret_token": SECRET, "max_connections": 40}
    first = await call(http, "setWebhook", **params)
    hurried = await call(http, "setWebhook", **params)
    await asyncio.sleep(1)
    again = await call(http, "setWebhook", **params, allowed_updates=["message"])
    assert (first["description"], hurried["description"], again["description"]) == (
        "Webhook was set",
        "Too Many Requests: retry after 1",
        "Webhook is already set",
    )
    assert hurried["parameters"] == {"retry_after": 1}
    info = telegram.webhook_info()
    assert info["pending_update_count"] == 1 and info["allowed_updates"] == ["message"]


async def test_get_updates_is_refused_while_a_webhook_is_set_and_pending_updates_wait_for_either(
    telegram, http
) -> None:
    poll = asyncio.create_task(call(http, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    await call(http, "setWebhook", url=f"http://127.0.0.1:{free_port()}/tg/hook")  # nobody listens there
    assert (await poll)["description"] == "Conflict: terminated by setWebhook request"
    telegram.send_text(telegram.user(101), "kept")
    refused = await call(http, "getUpdates")
    assert (refused["error_code"], refused["description"]) == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    )
    assert (await call(http, "deleteWebhook"))["description"] == "Webhook was deleted"
    assert (await call(http, "deleteWebhook"))["description"] == "Webhook is already deleted"
    assert [u["message"]["text"] for u in (await call(http, "getUpdates"))["result"]] == ["kept"]
    assert telegram.webhook_info() == {"url": "", "has_custom_certificate": False, "pending_update_count": 1}


async def test_an_update_counts_delivered_only_on_a_2xx_answer_and_is_posted_again_with_the_secret(
    telegram, http
) -> None:
    answers = iter([403, 500, 200])

    async def answer(update: dict) -> int:
        return next(answers)

    async with Receiver(answer).serving() as bot:
        await call(http, "setWebhook", url=f"{bot.base}/tg/hook", secret_token=SECRET)
        telegram.send_text(telegram.user(101), "hello")
        await telegram.wait_until(lambda: not telegram.webhook_info()["pending_update_count"], what="delivered")
    assert bot.posts == [(1, SECRET)] * 3
    assert [(d.status, d.error) for d in telegram.deliveries] == [
        (403, "Wrong response from the webhook: 403 Forbidden"),
        (500, "Wrong response from the webhook: 500 Internal Server Error"),
        (200, None),
    ]
    info = telegram.webhook_info()
    assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    assert info["last_error_date"] > 0 and telegram.confirmed_update_id == 1


async def test_a_webhook_not_listening_or_too_slow_keeps_its_updates_pending() -> None:
    port = free_port()
    async with (
        FakeTelegram(webhook_timeout=0.3) as telegram,
        httpx.AsyncClient(base_url=f"{telegram.base_url}{telegram.token}/") as http,
    ):
        await call(http, "setWebhook", url=f"http://127.0.0.1:{port}/tg/hook")
        telegram.send_text(telegram.user(101), "hello")
        await telegram.wait_until(lambda: len(telegram.deliveries) >= 2, what="posted twice")
        assert telegram.webhook_info()["last_error_message"] == "Connection refused"

        async def slow(update: dict) -> int:
            await asyncio.sleep(1)
            return 200

        async with Receiver(slow).serving(port):
            await telegram.wait_until(
                lambda: telegram.webhook_info()["last_error_message"] == "Read timeout expired", what="a timeout"
            )
            assert telegram.webhook_info()["pending_update_count"] == 1


async def test_a_chats_updates_are_posted_one_at_a_time_in_order_and_chats_at_once(telegram, http) -> None:
    release, two_in_hand = asyncio.Event(), asyncio.Event()
    in_hand: list[int] = []
    most_at_once = 0

    async def held(update: dict) -> int:
        nonlocal most_at_once
        in_hand.append(update["update_id"])
        most_at_once = max(most_at_once, len(in_hand))
        if len(in_hand) == 2:
            two_in_hand.set()
        await release.wait()
        in_hand.remove(update["update_id"])
        return 200

    alice, bob, carol = telegram.user(101), telegram.user(102), telegram.user(103)
    async with Receiver(held).serving() as bot:
        await call(http, "setWebhook", url=f"{bot.base}/tg/hook", max_connections=2)
        for user in (alice, alice, bob, carol):
            telegram.send_text(user, "hi")
        await asyncio.wait_for(two_in_hand.wait(), 5)
        await asyncio.sleep(0.2)
        assert sorted(in_hand) == [1, 3]  # alice's first and bob's; alice's second waits for her first
        release.set()
        await telegram.wait_until(lambda: telegram.webhook_info()["pending_update_count"] == 0, what="all delivered")
    assert bot.delivered().index(1) < bot.delivered().index(2)
    assert sorted(bot.delivered()) == [1, 2, 3, 4] and most_at_once == 2


async def test_behind_a_load_balancer_posts_alternate_and_one_refused_goes_to_the_next_bot(telegram, http) -> None:
    async def down(update: dict) -> int:
        return 503

    async with Receiver().serving() as first, Receiver().serving() as second, Receiver(down).serving() as broken:
        telegram.webhook_backends = [first.base, broken.base, second.base]
        await call(http, "setWebhook", url="https://kuzet.example.org/tg/hook", secret_token=SECRET)
        for n in range(6):
            telegram.send_text(telegram.user(200 + n), "hi")
        await telegram.wait_until(lambda: telegram.webhook_info()["pending_update_count"] == 0, what="all delivered")
    assert sorted(first.delivered() + second.delivered()) == [1, 2, 3, 4, 5, 6]
    assert first.delivered() and second.delivered() and len(broken.posts) == 2
    refused = {update_id for update_id, _ in broken.posts}
    assert refused <= set(second.delivered())  # after the broken bot, the next one
    assert all(secret == SECRET for _, secret in first.posts + second.posts)
    assert {d.url for d in telegram.deliveries} == {f"{bot.base}/tg/hook" for bot in (first, second, broken)}
