"""A citizen's own side: status, language, privacy, forgetting, limits, and a restart keeps it all."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.app import running
from bot.handlers import commands
from bot.handlers.deps import Runtime
from bot.i18n import I18n
from bot.render import citizen as texts
from bot.render import digest as digest_texts
from bot.render import reports as report_texts
from bot.resources import data_dir
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.helpers import plain

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


async def _send(telegram: FakeTelegram, user: dict, text: str) -> str:
    """Send a text and return the plain text of the bot's answer to it."""
    before = len(telegram.sent(user["id"]))
    telegram.send_text(user, text)
    return (await telegram.wait_for_messages(user["id"], before + 1))[-1].plain


@pytest.mark.usefixtures("bot")
async def test_start_greets_in_the_users_language_with_the_main_menu(telegram: FakeTelegram, translations) -> None:
    citizen = telegram.user(201, language_code="zh-hant")
    telegram.send_text(citizen, "/start")
    [welcome] = await telegram.wait_for_messages(citizen["id"])
    assert welcome.plain == plain(texts.welcome(translations("zh_Hant")))
    assert [data for _, data in welcome.buttons] == ["menu:status", "menu:language", "menu:privacy", "menu:help"]


@pytest.mark.usefixtures("bot")
async def test_the_menu_buttons_do_what_their_commands_do(telegram: FakeTelegram, translations) -> None:
    citizen = telegram.user(202, language_code="ru")
    telegram.send_text(citizen, "/start")
    [welcome] = await telegram.wait_for_messages(citizen["id"])
    telegram.press(citizen, welcome, "menu:privacy")
    telegram.press(citizen, welcome, "menu:help")
    replies = await telegram.wait_for_messages(citizen["id"], 3)
    t = translations("ru")
    assert [r.plain for r in replies[1:]] == [plain(texts.privacy(t, 365, 0)), plain(texts.help_text(t))]


@pytest.mark.usefixtures("bot")
async def test_status_shows_only_the_users_own_reports(telegram: FakeTelegram, translations) -> None:
    alice, bob = telegram.user(203, language_code="en"), telegram.user(204, language_code="ar")
    await _send(telegram, alice, CAMPAIGN)
    await _send(telegram, bob, "الرئيس يهتم دائما ويفكر في الشعب")

    alice_list = await _send(telegram, alice, "/status")
    assert "#\u20681\u2069" in alice_list and "#\u20682\u2069" not in alice_list
    assert CAMPAIGN[:40] in alice_list

    bob_view_of_alice = await _send(telegram, bob, "/status 1")
    assert bob_view_of_alice == plain(texts.report_not_found(translations("ar"), 1))
    bob_own = await _send(telegram, bob, "/status #2")
    assert "الرئيس يهتم دائما" in bob_own


@pytest.mark.usefixtures("bot")
async def test_a_status_deep_link_shows_that_report(telegram: FakeTelegram, translations) -> None:
    citizen = telegram.user(218, language_code="kk")
    await _send(telegram, citizen, CAMPAIGN)
    link = texts.status_link("kuzet_test_bot", 1)
    [url] = re.findall(r'href="([^"]+)"', link)
    assert url == "https://t.me/kuzet_test_bot?start=status_1" and "/status 1" in plain(link)
    payload = parse_qs(urlsplit(url).query)["start"][0]
    assert await _send(telegram, citizen, f"/start {payload}") == await _send(telegram, citizen, "/status 1")
    assert await _send(telegram, citizen, "/start status_2") == plain(texts.report_not_found(translations("kk"), 2))


@pytest.mark.usefixtures("bot")
async def test_a_subscribe_deep_link_subscribes_and_an_unknown_payload_greets(
    telegram: FakeTelegram, db, translations
) -> None:
    citizen = telegram.user(219, language_code="ar")
    t = translations("ar")
    assert await _send(telegram, citizen, "/start subscribe") == plain(digest_texts.subscribe_text(t, True))
    assert db.value("SELECT COUNT(*) FROM subscribers") == 1
    assert await _send(telegram, citizen, "/start subscribe") == await _send(telegram, citizen, "/subscribe")
    for payload in ("status_", "status_x", "status_1_2", "nonsense"):
        assert await _send(telegram, citizen, f"/start {payload}") == plain(texts.welcome(t)), payload


@pytest.mark.usefixtures("bot")
async def test_status_with_nonsense_explains_its_usage(telegram: FakeTelegram, translations) -> None:
    citizen = telegram.user(205, language_code="kk")
    assert await _send(telegram, citizen, "/status yesterday") == plain(texts.status_usage(translations("kk")))
    assert await _send(telegram, citizen, "/status") == plain(report_texts.report_list(translations("kk"), []))


@pytest.mark.usefixtures("bot")
async def test_a_chosen_language_wins_over_telegrams(telegram: FakeTelegram, translations) -> None:
    citizen = telegram.user(206, language_code="en")
    telegram.send_text(citizen, "/language")
    [picker] = await telegram.wait_for_messages(citizen["id"])
    telegram.press(citizen, picker, "lang:kk")
    await telegram.wait_for_call("editMessageText")
    assert telegram.sent(citizen["id"])[0].plain == plain(texts.language_set(translations("kk")))

    assert await _send(telegram, citizen, "/help") == plain(texts.help_text(translations("kk")))
    menu = await telegram.wait_for_call("setMyCommands", lambda call: "scope" in call.params)
    assert menu.params["scope"] == {"type": "chat", "chat_id": citizen["id"]}


@pytest.mark.usefixtures("bot")
async def test_pressing_the_same_language_twice_changes_nothing_and_fails_nothing(telegram: FakeTelegram) -> None:
    citizen = telegram.user(207, language_code="en")
    telegram.send_text(citizen, "/language")
    [picker] = await telegram.wait_for_messages(citizen["id"])
    telegram.press(citizen, picker, "lang:ar")
    await telegram.wait_for_call("editMessageText")
    telegram.press(citizen, telegram.sent(citizen["id"])[0], "lang:ar")
    await telegram.wait_until_idle()
    assert len([c for c in telegram.calls if c.method == "answerCallbackQuery"]) == 2
    assert telegram.refused() == []


@pytest.mark.usefixtures("bot")
async def test_a_forged_language_button_changes_nothing(telegram: FakeTelegram, db) -> None:
    citizen = telegram.user(208, language_code="en")
    telegram.send_text(citizen, "/language")
    [picker] = await telegram.wait_for_messages(citizen["id"])
    telegram.press(citizen, picker, "lang:xx'); DROP TABLE reporters;--", forge=True)
    await telegram.wait_for_call("answerCallbackQuery")
    assert db.rows("SELECT locale FROM reporters") == []


@pytest.mark.usefixtures("bot")
async def test_the_command_menu_is_registered_in_every_language(telegram: FakeTelegram) -> None:
    await telegram.wait_until_idle()
    codes = sorted(c.params.get("language_code", "") for c in telegram.calls if c.method == "setMyCommands")
    assert codes == ["", "ar", "en", "kk", "ru", "zh"]
    assert telegram.refused() == []


@pytest.mark.usefixtures("bot")
async def test_the_descriptions_are_registered_in_every_language(telegram: FakeTelegram, translations) -> None:
    await telegram.wait_until_idle()
    codes = {"", "ar", "en", "kk", "ru", "zh"}
    assert set(telegram.descriptions) == set(telegram.short_descriptions) == codes
    ru = translations("ru")
    assert telegram.descriptions["ru"] == ru.gettext(commands.DESCRIPTION)
    assert telegram.short_descriptions["ru"] == ru.gettext(commands.SHORT_DESCRIPTION)
    assert telegram.refused() == []


async def test_a_refused_description_is_logged_and_the_bot_still_starts(
    telegram: FakeTelegram, settings, translations, caplog
) -> None:
    telegram.fail_next("setMyDescription", status=400, description="Bad Request: description is too long")
    citizen = telegram.user(217, language_code="en")
    async with running(settings):
        assert await _send(telegram, citizen, "/start") == plain(texts.welcome(translations("en")))
    assert len(telegram.descriptions) == 5 and len(telegram.short_descriptions) == 5
    assert "description was refused" in caplog.text


@pytest.mark.usefixtures("bot")
async def test_forgetme_unlinks_every_report_and_deletes_the_settings(
    telegram: FakeTelegram, db, settings, translations
) -> None:
    from bot.pseudonyms import Pseudonymizer, load_reporter_key

    citizen = telegram.user(5550002091, language_code="en")
    other = telegram.user(210, language_code="en")
    await _send(telegram, citizen, CAMPAIGN)
    await _send(telegram, citizen, "https://t.me/nurbot_kz")
    await _send(telegram, other, CAMPAIGN + " again")
    pseudonym = Pseudonymizer(load_reporter_key(settings)).reporter(citizen["id"])
    assert pseudonym in db.dump()

    telegram.send_text(citizen, "/forgetme")
    prompt = (await telegram.wait_for_messages(citizen["id"], 3))[-1]
    telegram.press(citizen, prompt, prompt.button("🗑"))
    await telegram.wait_for_call("editMessageText")

    assert telegram.sent(citizen["id"])[-1].plain == plain(texts.forgotten(translations("en"), 2, False))
    dump = db.dump()
    assert pseudonym not in dump
    assert str(citizen["id"]) not in dump
    assert db.value("SELECT COUNT(*) FROM reports") == 3
    assert db.value("SELECT COUNT(*) FROM reports WHERE reporter IS NULL") == 2
    assert await _send(telegram, citizen, "/status") == plain(report_texts.report_list(translations("en"), []))


@pytest.mark.usefixtures("bot")
async def test_forgetme_says_before_and_after_that_it_ends_the_digest_subscription(
    telegram: FakeTelegram, db, translations
) -> None:
    citizen = telegram.user(215, language_code="ru")
    await _send(telegram, citizen, "/subscribe")
    prompt_text = await _send(telegram, citizen, "/forgetme")
    t = translations("ru")
    assert prompt_text == plain(texts.forget_prompt(t, True)) != plain(texts.forget_prompt(t, False))
    prompt = telegram.sent(citizen["id"])[-1]
    telegram.press(citizen, prompt, prompt.button("🗑"))
    await telegram.wait_for_call("editMessageText")
    assert telegram.sent(citizen["id"])[-1].plain == plain(texts.forgotten(t, 0, True))
    assert "/subscribe" in telegram.sent(citizen["id"])[-1].plain
    assert db.value("SELECT COUNT(*) FROM subscribers") == 0

    other = telegram.user(216, language_code="ru")
    assert await _send(telegram, other, "/forgetme") == plain(texts.forget_prompt(t, False))


@pytest.mark.usefixtures("bot")
async def test_forgetme_cancelled_deletes_nothing(telegram: FakeTelegram, db, translations) -> None:
    citizen = telegram.user(211, language_code="ar")
    await _send(telegram, citizen, CAMPAIGN)
    telegram.send_text(citizen, "/forgetme")
    prompt = (await telegram.wait_for_messages(citizen["id"], 2))[-1]
    telegram.press(citizen, prompt, "forget:no")
    await telegram.wait_for_call("editMessageText")
    assert telegram.sent(citizen["id"])[-1].plain == plain(texts.forget_cancelled(translations("ar")))
    assert db.value("SELECT COUNT(*) FROM reports WHERE reporter IS NOT NULL") == 1


@pytest.mark.usefixtures("bot")
async def test_an_unknown_command_and_an_edit_each_get_an_answer(telegram: FakeTelegram, translations) -> None:
    citizen = telegram.user(212, language_code="ru")
    assert await _send(telegram, citizen, "/vote") == plain(texts.unknown_command(translations("ru")))
    sent = telegram.send_text(citizen, CAMPAIGN)
    await telegram.wait_for_messages(citizen["id"], 2)
    telegram.edit(citizen, sent, CAMPAIGN + "!")
    [*_, answer] = await telegram.wait_for_messages(citizen["id"], 3)
    assert answer.plain == plain(texts.edit_ignored(translations("ru")))


async def test_past_the_hourly_limit_a_report_is_refused_in_reply_saying_when_sending_works_again(
    telegram: FakeTelegram, make_settings
) -> None:
    settings = make_settings(REPORTS_PER_HOUR="2", TIMEZONE="Asia/Almaty")
    citizen = telegram.user(213, language_code="ru")
    first = int(datetime(2026, 11, 30, 13, 5, tzinfo=ZoneInfo("Asia/Almaty")).timestamp())
    async with running(settings) as application:
        deps = Runtime.of_application(application)
        for i, at in enumerate((first, first + 600, first + 1000)):
            deps.clock = lambda at=at: at
            sent = telegram.send_text(citizen, f"Campaign comment number {i} for the new Kazakhstan")
            await telegram.wait_for_messages(citizen["id"], i + 1)
    refusal = telegram.sent(citizen["id"])[-1]
    t = I18n(data_dir("locales"), "en", settings.timezone).get("ru")
    assert refusal.plain == plain(texts.rate_limited(t, 2, first + 3600, first + 1000))
    assert "14:05" in refusal.plain and t.duration(44 * 60) in refusal.plain
    assert refusal.reply_to["message_id"] == sent["message_id"]
    assert Database(settings.database).value("SELECT COUNT(*) FROM reports") == 2


async def test_a_restart_on_the_same_database_keeps_reports_and_language(
    telegram: FakeTelegram, settings, translations
) -> None:
    citizen = telegram.user(214, language_code="en")
    async with running(settings):
        await _send(telegram, citizen, CAMPAIGN)
        telegram.send_text(citizen, "/language")
        picker = (await telegram.wait_for_messages(citizen["id"], 2))[-1]
        telegram.press(citizen, picker, "lang:ar")
        await telegram.wait_for_call("editMessageText")
        await telegram.wait_until_idle()

    async with running(settings):
        answer = await _send(telegram, citizen, "/status 1")
    t = translations("ar")
    assert plain(t.gettext("<b>Report #{number}</b>")).format(number="\u20681\u2069") in answer
    assert CAMPAIGN[:40] in answer
