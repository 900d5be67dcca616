"""No single update stops the bot: one that cannot be parsed or keeps failing is skipped, recorded, and told once."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import running
from bot.config import Settings
from bot.database_url import DatabaseUrl
from bot.sandbox import FakeTelegram, Faults, press, say
from tests.databases import Database
from tests.helpers import free_port, poll_ptb_cannot_read

GROUP = -1001234567890
SKIPPED = (
    "⚠️ An update from Telegram could not be read and was skipped (update \u2068{id}\u2069, kind: \u2068{kind}\u2069)."
)


def _unreadable_message(telegram: FakeTelegram, user: dict) -> int:
    """Enqueue a message whose poll PTB cannot parse; returns its update id."""
    message = {
        "message_id": 1,
        "from": user,
        "chat": {"id": user["id"], "type": "private", "first_name": "Test"},
        "date": 1_700_000_000,
        "poll": poll_ptb_cannot_read(),
    }
    return telegram.push_update({"message": message}, unparseable=True)


def _served_update_ids(telegram: FakeTelegram, since: int) -> set[int]:
    return {
        update["update_id"]
        for call in telegram.calls[since:]
        if call.method == "getUpdates"
        for update in call.response.get("result") or []
    }


def _notices(telegram: FakeTelegram) -> list[str]:
    return [m.plain for m in telegram.sent(GROUP) if m.plain.startswith("⚠️ An update")]


async def test_an_unreadable_update_is_skipped_and_the_ones_after_it_are_handled_across_a_restart(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database
) -> None:
    telegram.add_group(GROUP, "Kuzet moderators")
    settings = make_settings(MODERATOR_CHAT_ID=str(GROUP))
    citizens = [telegram.user(200 + n) for n in range(12)]
    bad = _unreadable_message(telegram, citizens[0])
    for citizen in citizens:
        telegram.send_text(citizen, "/help")

    async with running(settings):
        await telegram.wait_for_messages(citizens[0]["id"], 1)
    restarted = len(telegram.calls)
    async with running(settings):
        for citizen in citizens:
            await telegram.wait_for_messages(citizen["id"], 1)
        await telegram.wait_until_idle()

    assert [len(telegram.sent(citizen["id"])) for citizen in citizens] == [1] * len(citizens)
    assert bad not in _served_update_ids(telegram, restarted)
    assert _notices(telegram) == [SKIPPED.format(id=bad, kind="message") + " Details are in the log."]
    [(kind, error)] = db.rows("SELECT kind, error FROM skipped_updates WHERE update_id = ?", (bad,))
    assert kind == "message" and error.startswith("cannot be parsed: ") and "persistent_id" in error


async def test_an_unreadable_update_delivered_again_is_skipped_again_without_a_second_notice(
    telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    """Telegram delivers it again when the bot stopped before confirming it; moderators heard of it once."""
    telegram.add_group(GROUP, "Kuzet moderators")
    settings = make_settings(MODERATOR_CHAT_ID=str(GROUP))
    citizen = telegram.user(201)
    bad = _unreadable_message(telegram, citizen)
    async with running(settings):
        await telegram.wait_for_messages(GROUP, 1)
        await telegram.wait_until_idle()
    telegram.redeliver(bad)
    async with running(settings):
        await say(telegram, citizen, "/help")
    assert len(_notices(telegram)) == 1
    assert telegram.confirmed_update_id == telegram.last_update_id


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_an_update_that_stops_the_bot_every_time_is_skipped_after_three_tries(
    telegram: FakeTelegram, tmp_path: Path, database_url: str, webhook: bool
) -> None:
    """`kuzet run` killed while handling the same update, three starts in a row; the fourth start skips it.

    With a webhook every update's tries are counted, as it cannot tell a first post from one posted again."""
    telegram.add_group(GROUP, "Kuzet moderators")
    citizen = telegram.user(202)
    telegram.send_text(citizen, "/help")
    stuck = telegram.last_update_id
    db = Database(DatabaseUrl.parse(database_url))
    env = telegram.bot_environment(
        DATABASE_URL=database_url,
        DATA_DIR=str(tmp_path),
        MODERATOR_CHAT_ID=str(GROUP),
        SEMANTIC_ENCODER="off",
    )
    if webhook:
        port = free_port()
        env.update(
            WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook", WEBHOOK_LISTEN=f"127.0.0.1:{port}", WEBHOOK_SECRET="s3cret"
        )
    telegram.faults = Faults(1.0, kinds=("timeout",), methods=frozenset({"sendmessage"}), stall_seconds=120)

    def tries() -> int:
        return db.count(f"SELECT COALESCE(MAX(attempts), 0) FROM update_attempts WHERE update_id = {stuck}")

    for attempt in (1, 2, 3):  # the answer never goes out, and the bot is killed meanwhile
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.DEVNULL
        )
        while tries() < attempt:
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        await process.wait()

    telegram.faults = None
    telegram.send_text(citizen, "/help")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        [answer] = await telegram.wait_for_messages(citizen["id"], 1, timeout=60)
        await telegram.wait_until(
            lambda: telegram.confirmed_update_id == telegram.last_update_id, timeout=30, what="both updates confirmed"
        )  # not idle: the killed bots' calls still stall
    finally:
        process.send_signal(signal.SIGTERM)
        assert await process.wait() == 0
    assert "/status" in answer.plain
    assert _notices(telegram) == [SKIPPED.format(id=stuck, kind="message") + " Details are in the log."]
    assert [tuple(r) for r in db.rows("SELECT error FROM skipped_updates")] == [("not finished in 3 tries",)]
    assert db.value("SELECT COUNT(*) FROM update_attempts") == 0


async def test_a_press_of_a_button_no_handler_knows_is_answered(telegram: FakeTelegram, bot) -> None:
    citizen = telegram.user(203)
    welcome = await say(telegram, citizen, "/start")
    assert await press(telegram, citizen, welcome, "zz:unknown", forge=True) == (
        "This button no longer works. Send /start for a fresh menu."
    )


async def test_a_message_with_a_lone_surrogate_is_refused_politely(telegram: FakeTelegram, bot, db) -> None:
    """Valid JSON ("\\ud83d" escaped) but not valid Unicode: it cannot be stored, and is not an error."""
    citizen = telegram.user(204)
    answer = await say(telegram, citizen, "Президент всегда думает о народе и о стране \ud83d")
    assert answer.plain.startswith("I can't take this kind of message as a report.")
    assert db.value("SELECT COUNT(*) FROM reports") == 0
