"""The disappearing chat trail through the real bot and the sandbox: a citizen's chat is cleared on schedule,
across restarts, at once with /wipe, never past Telegram's 48 hours, and nothing of it stays after /forgetme."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from telegram.ext import Application

from bot.app import running
from bot.config import Settings
from bot.core.periods import HOUR
from bot.core.trail import WIPE_ANSWER_SECONDS
from bot.handlers.deps import Runtime
from bot.i18n import Translator
from bot.render import citizen as texts
from bot.sandbox import FakeTelegram, SentMessage, press, say, seen
from bot.telegram.trail import clear_due_trails
from tests.databases import Database
from tests.helpers import plain

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
LANGUAGES = ["en", "ru", "kk", "ar", "zh_Hant"]
TELEGRAM_CODES = {"zh_Hant": "zh-hant"}
NOW = "clear the due trails now"


def move_clocks(application: Application, telegram: FakeTelegram, seconds: int) -> None:
    """The bot's clock and Telegram's both run ``seconds`` ahead: messages age as they would."""
    Runtime.of_application(application).clock = lambda: int(time.time()) + seconds
    telegram.advance_clock(seconds)


async def run_due_deletions(application: Application, telegram: FakeTelegram) -> None:
    """Run the deletion job now (it also runs every 30 s and at start) and wait until its calls are answered."""
    assert application.job_queue is not None
    application.job_queue.run_once(clear_due_trails, 0, name=NOW)
    await telegram.wait_until(lambda: not _job_running(application), what="the deletion job ended")
    await telegram.wait_until_idle()


def _job_running(application: Application) -> bool:
    assert application.job_queue is not None
    return any(job.name == NOW for job in application.job_queue.jobs())


async def report(telegram: FakeTelegram, citizen: dict, text: str = CAMPAIGN) -> tuple[dict, SentMessage]:
    """The citizen reports ``text``: their message and its receipt, once the bot recorded both in the trail."""
    before = len(telegram.sent(citizen["id"]))
    message = telegram.send_text(citizen, text)
    receipt = (await telegram.wait_for_messages(citizen["id"], before + 1))[-1]
    await telegram.wait_until_idle()
    return message, receipt


def deleted_ids(telegram: FakeTelegram) -> list[int]:
    """Every message id the bot asked Telegram to delete."""
    return [i for call in telegram.calls if call.method.lower() == "deletemessages" for i in call.params["message_ids"]]


async def wipe(telegram: FakeTelegram, citizen: dict) -> SentMessage:
    """Send /wipe and return its answer (counting the chat's messages would not do: they go)."""
    command = telegram.send_text(citizen, "/wipe")

    def answers() -> list[SentMessage]:
        return [m for m in telegram.sent(citizen["id"]) if m.message_id > command["message_id"]]

    await telegram.wait_until(lambda: bool(answers()), what="an answer to /wipe")
    await telegram.wait_until_idle()
    return answers()[0]


async def choose(telegram: FakeTelegram, citizen: dict, label: str) -> SentMessage:
    """Open /privacy and press the delay button whose label holds ``label``; returns the privacy message."""
    privacy = await say(telegram, citizen, "/privacy")
    await press(telegram, citizen, privacy, privacy.button(label))
    return privacy


async def test_the_trail_is_deleted_on_schedule_across_a_restart(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database
) -> None:
    citizen = telegram.user(4101, language_code="en")
    settings = make_settings()
    async with running(settings):
        privacy = await choose(telegram, citizen, "10 minutes")
        kept = telegram.in_chat(citizen["id"])  # /privacy and its answer came before the choice
        message, receipt = await report(telegram, citizen)
        status = await say(telegram, citizen, "/status")
    assert "🧹 This chat is cleared after 10 minutes: /privacy" in seen(receipt)
    scheduled = {message["message_id"], receipt.message_id, status.message_id, status.message_id - 1}
    assert {r["message_id"] for r in db.rows("SELECT message_id FROM chat_trail")} == scheduled
    assert set(telegram.in_chat(citizen["id"])) == set(kept) | scheduled

    async with running(settings) as application:  # stopped before the delay; started again after it
        move_clocks(application, telegram, 10 * 60 + 1)
        await run_due_deletions(application, telegram)

    assert telegram.in_chat(citizen["id"]) == kept
    assert privacy.message_id in kept
    assert db.value("SELECT COUNT(*) FROM chat_trail") == 0  # the chat id and message ids went with them
    assert not telegram.refused()


async def test_a_failed_deletion_is_tried_again_and_a_blocked_chat_is_given_up(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database
) -> None:
    citizen, blocker = telegram.user(4111, language_code="en"), telegram.user(4112, language_code="en")
    async with running(make_settings(CHAT_TRAIL_MINUTES="10")) as application:
        await report(telegram, citizen)
        await report(telegram, blocker)
        telegram.block(blocker["id"])
        move_clocks(application, telegram, 10 * 60 + 1)
        telegram.fail_next("deleteMessages", status=500, description="Internal Server Error")
        await run_due_deletions(application, telegram)
        left = {r["chat_id"] for r in db.rows("SELECT chat_id FROM chat_trail")}
        assert left == {citizen["id"], blocker["id"]}  # Telegram failed: the run stops, all waits for the next

        await run_due_deletions(application, telegram)

    assert telegram.in_chat(citizen["id"]) == []
    assert len(telegram.in_chat(blocker["id"])) == 2  # a blocked bot can delete nothing there
    assert db.value("SELECT COUNT(*) FROM chat_trail") == 0  # nor keeps the chat's ids for it


async def test_wipe_deletes_both_sides_now_and_its_own_answer_a_minute_later(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database, translations
) -> None:
    citizen = telegram.user(4102, language_code="en")
    async with running(make_settings(CHAT_TRAIL_MINUTES="1440")) as application:
        await report(telegram, citizen)
        await say(telegram, citizen, "/help")
        assert len(telegram.in_chat(citizen["id"])) == 4

        answer = await wipe(telegram, citizen)

        # the report, its receipt, /help, its answer and /wipe itself
        expected = texts.wiped(
            translations("en"), deleted=5, expired=0, left=0, trail_on=True, answer_after=WIPE_ANSWER_SECONDS
        )
        assert seen(answer) == _seen(expected)
        assert telegram.in_chat(citizen["id"]) == [answer.message_id]
        assert db.value("SELECT COUNT(*) FROM chat_trail") == 2  # /wipe and its answer, due in a minute

        move_clocks(application, telegram, WIPE_ANSWER_SECONDS + 1)
        await run_due_deletions(application, telegram)

    assert telegram.in_chat(citizen["id"]) == []
    assert db.value("SELECT COUNT(*) FROM chat_trail") == 0
    assert all(len(call.params["message_ids"]) <= 100 for call in telegram.calls if call.method == "deleteMessages")


async def test_wipe_with_the_trail_off_says_it_keeps_no_list_and_still_goes_itself(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database
) -> None:
    citizen = telegram.user(4103, language_code="en")
    async with running(make_settings()) as application:
        _, receipt = await report(telegram, citizen)
        assert "🧹" not in seen(receipt)
        assert db.value("SELECT COUNT(*) FROM chat_trail") == 0  # off: no chat id kept

        answer = await wipe(telegram, citizen)

        assert "There was nothing left that the bot could delete." in seen(answer)
        assert "turn it on in /privacy" in seen(answer)
        move_clocks(application, telegram, WIPE_ANSWER_SECONDS + 1)
        await run_due_deletions(application, telegram)

    assert telegram.in_chat(citizen["id"]) == [1, receipt.message_id]
    assert db.value("SELECT COUNT(*) FROM chat_trail") == 0


async def test_nothing_older_than_48_hours_is_asked_for_and_its_rows_are_dropped_and_counted(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.telegram.trail")
    citizen = telegram.user(4104, language_code="en")
    async with running(make_settings(CHAT_TRAIL_MINUTES="1440")) as application:
        await report(telegram, citizen)
        old = telegram.in_chat(citizen["id"])
        move_clocks(application, telegram, 49 * HOUR)  # due for a day, and past Telegram's 48 hours
        await run_due_deletions(application, telegram)

        assert deleted_ids(telegram) == []  # due (24 hours) but past 48: never asked for
        assert db.value("SELECT COUNT(*) FROM chat_trail") == 0
        assert telegram.in_chat(citizen["id"]) == old  # Telegram would refuse them: they stay
        assert "2 message(s) past Telegram's 48 hours were not deleted" in caplog.messages

        await report(telegram, citizen, CAMPAIGN + "!")
        answer = await wipe(telegram, citizen)
    assert set(deleted_ids(telegram)).isdisjoint(old)
    assert telegram.in_chat(citizen["id"]) == [*old, answer.message_id]
    assert not telegram.refused()


async def test_wipe_counts_what_is_past_48_hours_instead_of_asking_for_it(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database
) -> None:
    citizen = telegram.user(4105, language_code="en")
    async with running(make_settings(CHAT_TRAIL_MINUTES="1440")) as application:
        await report(telegram, citizen)
        old = telegram.in_chat(citizen["id"])
        # Not due yet (24 hours), but the citizen wipes 47 hours 55 minutes later: too close to Telegram's 48.
        move_clocks(application, telegram, 48 * HOUR - 5 * 60)

        answer = await wipe(telegram, citizen)

    assert "2 messages are older than 48 hours: Telegram no longer lets the bot delete them." in seen(answer)
    assert set(deleted_ids(telegram)).isdisjoint(old)
    assert db.value("SELECT COUNT(*) FROM chat_trail") == 2  # only /wipe and its answer wait, for a minute


async def test_the_choice_survives_a_restart_and_each_receipt_says_it(
    telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    citizen = telegram.user(4106, language_code="en")
    settings = make_settings(CHAT_TRAIL_MINUTES="10")
    async with running(settings):
        privacy = await say(telegram, citizen, "/privacy")
        assert "Now: this chat is cleared after 10 minutes." in seen(privacy)
        assert "✓ 10 minutes" in [text for text, _ in privacy.buttons]  # the operator's default
        await press(telegram, citizen, privacy, privacy.button("1 hour"))
        edited = telegram.sent(citizen["id"])[-1]
        assert "Now: this chat is cleared after 1 hour." in seen(edited)
    async with running(settings):
        privacy = await say(telegram, citizen, "/privacy")
        assert "✓ 1 hour" in [text for text, _ in privacy.buttons]
        _, receipt = await report(telegram, citizen)
        assert seen(receipt).endswith("🧹 This chat is cleared after 1 hour: /privacy")

        await press(telegram, citizen, privacy, privacy.button("Off"))
        _, receipt = await report(telegram, citizen, CAMPAIGN + "!")
    assert "🧹" not in seen(receipt)
    assert "Now: this chat is not cleared." in seen(telegram.sent(citizen["id"])[-3])


async def test_forgetme_deletes_the_scheduled_messages_then_drops_every_row_of_the_chat(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], db: Database
) -> None:
    citizen = telegram.user(4107, language_code="en")
    other = telegram.user(4108, language_code="en")
    async with running(make_settings(CHAT_TRAIL_MINUTES="60")):
        await report(telegram, citizen)
        await say(telegram, other, "/help")
        prompt = await say(telegram, citizen, "/forgetme")
        await press(telegram, citizen, prompt, prompt.button("🗑"))

    assert telegram.in_chat(citizen["id"]) == [prompt.message_id]  # the question, now the answer, stays
    assert "Done: your settings are deleted" in seen(telegram.sent(citizen["id"])[-1])
    assert {r["chat_id"] for r in db.rows("SELECT chat_id FROM chat_trail")} == {other["id"]}
    assert str(citizen["id"]) not in db.dump()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_trail_speaks_every_language(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], translations, language: str
) -> None:
    t, en = translations(language), translations("en")
    citizen = telegram.user(4110, language_code=TELEGRAM_CODES.get(language, language))
    async with running(make_settings()):
        privacy = await say(telegram, citizen, "/privacy")
        assert seen(privacy) == _seen(texts.privacy(t, 365, 0))
        [hour] = [data for label, data in privacy.buttons if label == texts.trail_choice(t, 60)]
        await press(telegram, citizen, privacy, hour)
        _, receipt = await report(telegram, citizen)
        answer = await wipe(telegram, citizen)
    assert seen(receipt).endswith(_seen(texts.trail_line(t, 60)))
    expected = texts.wiped(t, deleted=3, expired=0, left=0, trail_on=True, answer_after=WIPE_ANSWER_SECONDS)
    assert seen(answer) == _seen(expected)
    assert seen(telegram.sent(citizen["id"])[0]) == _seen(texts.privacy(t, 365, 60))  # edited to the choice
    for text, original in zip(every_trail_text(t), every_trail_text(en), strict=True):
        assert (text != original) == (language != "en"), text


def every_trail_text(t: Translator) -> list[str]:
    """Each text of the chat trail, each branch once."""
    return [
        texts.privacy(t, 365, 60),
        texts.trail_line(t, 10),
        texts.trail_set(t, 0),
        texts.trail_set(t, 1440),
        *(texts.trail_choice(t, minutes) for minutes in (0, 10, 60, 1440)),
        texts.wiped(t, deleted=0, expired=2, left=1, trail_on=False, answer_after=WIPE_ANSWER_SECONDS),
    ]


def _seen(markup: str) -> str:
    return plain(markup).replace("\u2068", "").replace("\u2069", "")
