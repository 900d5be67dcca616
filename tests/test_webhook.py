"""Webhook mode: Telegram posts updates to the bot's own server, which takes only posts carrying the secret,
answers each once it is handled, tells load balancers whether it can work, and finishes what it holds at stop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable

import httpx
import pytest

from bot.app import ALLOWED_UPDATES, running
from bot.config import Settings
from bot.errors import ConfigError
from bot.handlers.deps import Runtime
from bot.sandbox import FakeTelegram, say
from bot.telegram.webhook import HEALTH_SECONDS, MAX_CONNECTIONS, SECRET_HEADER
from tests.databases import Database, on_postgresql
from tests.helpers import free_port, poll_ptb_cannot_read

SECRET = "kuzet_webhook-SECRET-1"
CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


@pytest.fixture
def webhook_settings(make_settings: Callable[..., Settings]) -> Settings:
    port = free_port()
    return make_settings(
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook", WEBHOOK_LISTEN=f"127.0.0.1:{port}", WEBHOOK_SECRET=SECRET
    )


def _health_url(settings: Settings) -> str:
    assert settings.webhook is not None
    return f"http://127.0.0.1:{settings.webhook.port}/healthz"


def _nothing_stored(db: Database) -> bool:
    tables = ("reports", "reporters", "update_attempts", "skipped_updates", "receipt_outbox")
    return all(db.value(f"SELECT COUNT(*) FROM {table}") == 0 for table in tables)


async def test_a_citizens_report_arrives_by_webhook_and_gets_its_receipt_without_polling(
    telegram: FakeTelegram, webhook_settings: Settings, db: Database
) -> None:
    citizen = telegram.user(501)
    async with running(webhook_settings):
        receipt = await say(telegram, citizen, CAMPAIGN)
    async with running(webhook_settings):  # a restart sets the same webhook again, which changes nothing
        status = await say(telegram, citizen, "/status 1")

    assert "/status 1" in receipt.plain and CAMPAIGN in status.plain
    assert db.value("SELECT COUNT(*) FROM reports") == 1
    set_webhook = [call for call in telegram.calls if call.method == "setWebhook" and call.status == 200]
    assert [call.response["description"] for call in set_webhook] == ["Webhook was set", "Webhook is already set"]
    assert set_webhook[0].params == {
        "url": webhook_settings.webhook.url,
        "secret_token": SECRET,
        "allowed_updates": ALLOWED_UPDATES,
        "max_connections": MAX_CONNECTIONS,
    }
    assert {(d.url, d.status) for d in telegram.deliveries} == {(webhook_settings.webhook.url, 200)}
    assert not [call for call in telegram.calls if call.method in ("getUpdates", "deleteWebhook")]


async def test_a_post_without_the_secret_is_refused_and_changes_nothing(
    telegram: FakeTelegram, webhook_settings: Settings, db: Database
) -> None:
    citizen = telegram.user(502)
    chat = {"id": citizen["id"], "type": "private", "first_name": "Test"}
    message = {"message_id": 1, "from": citizen, "chat": chat, "date": 1, "text": CAMPAIGN}
    update = {"update_id": 900, "message": message}
    url = webhook_settings.webhook.url
    async with running(webhook_settings), httpx.AsyncClient() as http:
        answers = [
            await http.post(url, json=update, headers={SECRET_HEADER: SECRET[:-1] + "2"}),
            await http.post(url, json=update, headers={SECRET_HEADER: ""}),
            await http.post(url, json=update),
            await http.post(url.replace("/tg/hook", "/tg/other"), json=update, headers={SECRET_HEADER: SECRET}),
            await http.post(url, content=b"\xff{not json", headers={SECRET_HEADER: SECRET}),
            await http.post(url, json={"message": message}, headers={SECRET_HEADER: SECRET}),
        ]
    assert [answer.status_code for answer in answers] == [403, 403, 403, 404, 400, 400]
    assert _nothing_stored(db)
    assert not telegram.sent()


async def test_an_update_ptb_cannot_read_is_recorded_as_skipped_and_answered_200(
    telegram: FakeTelegram, webhook_settings: Settings, db: Database
) -> None:
    citizen = telegram.user(503)
    message = {"message_id": 1, "from": citizen, "chat": {"id": 503, "type": "private"}, "date": 1}
    bad = telegram.push_update({"message": {**message, "poll": poll_ptb_cannot_read()}}, unparseable=True)
    async with running(webhook_settings):
        answer = await say(telegram, citizen, "/help")
    assert "/status" in answer.plain
    assert [(d.update_id, d.status) for d in telegram.deliveries] == [(bad, 200), (bad + 1, 200)]
    [(kind, error)] = db.rows("SELECT kind, error FROM skipped_updates WHERE update_id = ?", (bad,))
    assert kind == "message" and error.startswith("cannot be parsed: ")


async def test_health_is_ok_while_the_database_answers_and_503_once_it_cannot(
    telegram: FakeTelegram, webhook_settings: Settings
) -> None:
    async with running(webhook_settings) as application, httpx.AsyncClient() as http:
        up = await http.get(_health_url(webhook_settings))
        await Runtime.of_application(application).store.close()  # the database out of reach
        down = await http.get(_health_url(webhook_settings))
    assert (up.status_code, up.text, down.status_code, down.text) == (200, "ok\n", 503, "unavailable\n")


@pytest.mark.skipif(on_postgresql(), reason="PostgreSQL reads take another pooled connection: they never wait")
async def test_a_database_that_does_not_answer_within_the_health_timeout_counts_as_down_until_it_does(
    telegram: FakeTelegram, webhook_settings: Settings
) -> None:
    health = _health_url(webhook_settings)
    async with running(webhook_settings) as application, httpx.AsyncClient() as http:
        store = Runtime.of_application(application).store

        async def hold_the_database() -> None:  # a long transaction keeps SQLite's one connection busy
            async with store.transaction():
                await asyncio.sleep(HEALTH_SECONDS + 0.5)

        held = asyncio.create_task(hold_the_database())
        await asyncio.sleep(0.05)
        started = time.monotonic()
        busy = await http.get(health)
        waited = time.monotonic() - started
        await held
        again = await http.get(health)
    assert (busy.status_code, again.status_code) == (503, 200)
    assert HEALTH_SECONDS <= waited < HEALTH_SECONDS + 0.4  # answered at the timeout, not when the read ended


async def test_a_stop_finishes_the_update_in_hand_before_the_bot_goes_and_leaves_the_webhook_set(
    telegram: FakeTelegram, webhook_settings: Settings
) -> None:
    citizen = telegram.user(505)
    telegram.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1)
    async with running(webhook_settings):
        telegram.send_text(citizen, "/help")
        await telegram.wait_for_call("sendMessage", lambda call: call.status == 429)
    # the block ended while the answer waited out its 429: the stop let it finish, then answered Telegram
    assert "/status" in telegram.sent(citizen["id"])[0].plain
    assert [d.status for d in telegram.deliveries] == [200]
    info = telegram.webhook_info()
    assert info["url"] == webhook_settings.webhook.url and info["pending_update_count"] == 0


async def test_a_listen_address_already_taken_stops_the_start_with_a_line_naming_webhook_listen(
    telegram: FakeTelegram, webhook_settings: Settings
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", webhook_settings.webhook.port))
        taken.listen()
        with pytest.raises(ConfigError) as raised:
            async with running(webhook_settings):
                pass
    assert raised.value.variable == "WEBHOOK_LISTEN"
    assert not [call for call in telegram.calls if call.method == "setWebhook"]
