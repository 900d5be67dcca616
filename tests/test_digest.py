"""The weekly digest: subscribing, publishing once, delivery in each language, resuming, flood limits."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC

import pytest
from telegram.ext import Application

from bot.app import running
from bot.core.accounts import Account, Platform, public_link
from bot.core.digest import Digest
from bot.core.links import parse_url
from bot.core.periods import WEEK, last_complete_week
from bot.handlers.deps import Runtime
from bot.handlers.digest import post_weekly_draft
from bot.i18n import isolate
from bot.render.chart import chart as chart_figure
from bot.render.digest import chart_caption, digest_text
from bot.sandbox import FakeTelegram
from bot.store import Store
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, GROUP, appoint, press, say, seen, wait_for_card

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
STABILITY = "Our President provides the necessary stability and peace."
"""A starter template's text: its family has a template in each language."""
PNG = b"\x89PNG\r\n\x1a\n"
RLM = "\u200f"


def next_week(application: Application) -> None:
    """Move the bot's clock a week ahead, so this week becomes the last complete one."""
    Runtime.of_application(application).clock = lambda: int(time.time()) + WEEK


async def _verified_campaign(
    telegram: FakeTelegram, db: Database, *origins: dict, text: str = CAMPAIGN, typed: str = "!"
) -> tuple[dict, dict]:
    """An admin, a moderator, and case 1 verified this week: ``text`` forwarded from each origin (by default
    post 5 of the channel @nur_news) and typed once more, followed by ``typed``."""
    telegram.add_group(GROUP, "Kuzet moderators")
    admin = telegram.user(ADMIN_ID, first_name="Aigerim")
    alice = telegram.user(901, first_name="Alice")
    await appoint(telegram, admin, alice)
    if not origins:
        origins = (telegram.origin_channel(telegram.channel(-1000000000777, "Nur News", username="nur_news"), 5),)
    for reporter, origin in enumerate(origins, start=1):
        telegram.forward(telegram.user(reporter), origin, text=text)
    await say(telegram, telegram.user(len(origins) + 1), text + typed)
    await _verify(telegram, db, 1, admin, alice)
    return admin, alice


async def _verify(telegram: FakeTelegram, db: Database, case_id: int, *moderators: dict) -> None:
    card = await wait_for_card(telegram, db, case_id)
    for moderator in moderators:
        await press(telegram, moderator, card, f"case:v:{case_id}")
    assert db.value("SELECT status FROM cases WHERE id = ?", (case_id,)) == "verified"


async def _subscribe(telegram: FakeTelegram, user_id: int, language: str) -> dict:
    user = telegram.user(user_id, language_code=language)
    await say(telegram, user, "/subscribe")
    return user


def _received(telegram: FakeTelegram, chat_id: int) -> list:
    """The digest parts a chat got: everything after its /subscribe answer."""
    return telegram.sent(chat_id)[1:]


async def _stopped_mid_broadcast(
    telegram: FakeTelegram, settings, db: Database, readers: list[int], *, stop_after: int
) -> None:
    """Subscribe ``readers``, publish, and stop the bot (gracefully) once ``stop_after`` has its chart."""
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        for chat_id in readers:
            await _subscribe(telegram, chat_id, "en")
        next_week(application)
        telegram.send_text(admin, "/publish")
        await telegram.wait_for_call("sendPhoto", lambda c: c.params.get("chat_id") == stop_after)


async def _restarted_until_delivered(telegram: FakeTelegram, settings, db: Database) -> None:
    """Start the bot again and let it run until no delivery is pending (at most 30 s)."""
    async with running(settings):
        deadline = time.monotonic() + 30
        while db.value("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'") and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await telegram.wait_until_idle()


@pytest.fixture
def settings(moderation_settings):
    return moderation_settings()


async def test_subscribers_in_three_languages_each_get_one_digest_in_their_language(
    telegram: FakeTelegram, settings, db: Database, translations
) -> None:
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        readers = {
            "en": await _subscribe(telegram, 31, "en"),
            "kk": await _subscribe(telegram, 32, "kk"),
            "ar": await _subscribe(telegram, 33, "ar"),
        }
        assert seen(telegram.sent(31)[0]).startswith("✅ You are subscribed to the weekly digest.")
        next_week(application)

        answer = await say(telegram, admin, "/publish")
        assert "Publishing the digest" in seen(answer)
        for code, reader in readers.items():
            text, chart = await telegram.wait_for_messages(reader["id"], 3) and _received(telegram, reader["id"])
            title = translations(code).gettext("📰 <b>Kuzet weekly digest</b>")
            assert seen(text).lstrip(RLM).startswith(title.replace("<b>", "").replace("</b>", "")), code
            assert CAMPAIGN[:30] in seen(text) and "@nur_news" in seen(text)
            assert chart.method == "sendPhoto" and chart.file_bytes is None or chart.file_bytes.startswith(PNG)
        await telegram.wait_until_idle()
        assert [len(_received(telegram, r["id"])) for r in readers.values()] == [2, 2, 2]
        assert db.value("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'") == 3
        assert db.value("SELECT COUNT(*) FROM audit_log WHERE action = 'digest.publish'") == 1
        uploads = [c for c in telegram.calls if c.method.lower() == "sendphoto"]
        assert len(uploads) == 3

        again = await say(telegram, admin, "/publish")
        assert "already published" in seen(again)
        progress = [m for m in telegram.sent(GROUP) if "Digest" in m.plain]
        assert progress and "3 sent, 0 blocked the bot, 0 failed" in seen(progress[-1])
        assert [c.method for c in telegram.refused()] == ["setMyCommands"]  # the group was added after start


async def test_the_chart_is_a_png_sent_with_the_digest(telegram: FakeTelegram, settings, db: Database) -> None:
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        reader = await _subscribe(telegram, 41, "ru")
        next_week(application)
        await say(telegram, admin, "/publish")
        await telegram.wait_for_messages(reader["id"], 3)
        [upload] = [c for c in telegram.calls if c.method.lower() == "sendphoto"]
        photo = upload.params["photo"]
        assert photo.data.startswith(PNG) and len(photo.data) > 10_000
        assert "#1" in upload.params["caption"]


async def test_a_subscriber_who_blocked_the_bot_is_unsubscribed(telegram: FakeTelegram, settings, db: Database) -> None:
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        await _subscribe(telegram, 51, "en")
        stays = await _subscribe(telegram, 52, "en")
        telegram.block(51)
        next_week(application)
        await say(telegram, admin, "/publish")
        await telegram.wait_for_messages(stays["id"], 3)
        await telegram.wait_until_idle()
        assert _received(telegram, 51) == []
        assert [tuple(r) for r in db.rows("SELECT chat_id, state FROM deliveries ORDER BY state")] == [
            (None, "blocked"),
            (None, "sent"),
        ]  # done: the tally's count without the chat id
        assert [r[0] for r in db.rows("SELECT chat_id FROM subscribers")] == [52]


async def test_subscribers_who_opt_out_while_the_digest_is_being_sent_get_none_of_it(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    readers = list(range(1200, 1260))
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        for chat_id in readers:
            telegram.send_text(telegram.user(chat_id, language_code="en"), "/subscribe")
        for chat_id in readers:
            await telegram.wait_for_messages(chat_id)
        leaving, forgetting = await _subscribe(telegram, 1300, "en"), await _subscribe(telegram, 1301, "en")
        next_week(application)
        telegram.send_text(admin, "/publish")
        await telegram.wait_for_call("sendMessage", lambda c: c.params.get("chat_id") == readers[0])
        # Their deliveries are queued and the broadcast is under way; they come last (by chat id). (Not through
        # say() and press(): they wait until the bot is idle, that is until the broadcast is over.)
        telegram.send_text(leaving, "/unsubscribe")
        telegram.send_text(forgetting, "/forgetme")
        prompt = (await telegram.wait_for_messages(forgetting["id"], 2))[-1]
        telegram.press(forgetting, prompt, prompt.button("🗑"))
        await telegram.wait_for_call("editMessageText", lambda c: c.params.get("chat_id") == forgetting["id"])
        assert len(telegram.sent(readers[-1])) == 1  # both opted out before the broadcast was over
        await telegram.wait_for_messages(readers[-1], 3, timeout=20)
        await telegram.wait_until_idle()
        assert seen(telegram.sent(leaving["id"])[-1]).startswith("Done: you will get no more digests")
        for user in (leaving, forgetting):
            assert [m.method for m in telegram.sent(user["id"])] == ["sendMessage", "sendMessage"], user["id"]
            assert not [m for m in telegram.sent(user["id"]) if "Kuzet weekly digest" in m.plain]
        assert [
            tuple(r) for r in db.rows("SELECT state, COUNT(*), COUNT(chat_id) FROM deliveries GROUP BY 1 ORDER BY 1")
        ] == [
            ("cancelled", 2, 0),
            ("sent", len(readers), 0),
        ]
        [*_, tally] = [m for m in telegram.sent(GROUP) if "Digest" in m.plain]
        assert f"{len(readers)} sent, 0 blocked the bot, 0 failed" in seen(tally)
        assert "2 subscribers opted out while it was being sent and got no more of it." in seen(tally)


async def test_an_interrupted_broadcast_resumes_and_delivers_exactly_once(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    readers = list(range(1000, 1060))
    await _stopped_mid_broadcast(telegram, settings, db, readers, stop_after=readers[15])
    done_before = db.value("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'")
    assert 0 < done_before < len(readers)

    await _restarted_until_delivered(telegram, settings, db)
    counts = {chat_id: len(_received(telegram, chat_id)) for chat_id in readers}
    assert set(counts.values()) == {2}, counts
    assert db.value("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'") == len(readers)


async def test_a_message_whose_answer_was_lost_is_sent_again_and_the_tally_says_it_may_be_twice(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        unlucky, other = await _subscribe(telegram, 71, "en"), await _subscribe(telegram, 72, "en")
        next_week(application)
        telegram.lose_answer_next("sendMessage", chat_id=71)  # the digest reaches chat 71, the answer does not
        await say(telegram, admin, "/publish")
        await telegram.wait_for_messages(other["id"], 3, timeout=20)
        await telegram.wait_until_idle()
        texts = [m for m in _received(telegram, unlucky["id"]) if m.method == "sendMessage"]
        assert len(texts) == 2 and texts[0].plain == texts[1].plain  # a repeat, never a gap
        assert len(_received(telegram, other["id"])) == 2
        assert [tuple(r) for r in db.rows("SELECT chat_id, state, doubtful, in_flight FROM deliveries ORDER BY 3")] == [
            (None, "sent", 0, 0),
            (None, "sent", 1, 0),
        ]
        [*_, tally] = [m for m in telegram.sent(GROUP) if "Digest" in m.plain]
        assert "2 sent, 0 blocked the bot, 0 failed" in seen(tally)
        assert "1 subscriber may have received a message twice" in seen(tally)


async def test_after_a_hard_kill_the_delivery_left_in_flight_is_resent_once_and_counted_as_doubtful(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    readers = list(range(1100, 1130))
    await _stopped_mid_broadcast(telegram, settings, db, readers, stop_after=readers[5])
    [killed_in_flight] = [
        r[0]
        for r in db.rows(
            "SELECT chat_id FROM deliveries WHERE state = 'pending' AND parts_sent = 0 ORDER BY chat_id LIMIT 1"
        )
    ]
    # What SIGKILL leaves when it lands between Telegram's answer and the commit: the delivery
    # marked in flight and not recorded as sent. (benchmarks/bench_broadcast.py kills a real process.)
    with db.connect() as conn:
        conn.execute("UPDATE deliveries SET in_flight = 1 WHERE chat_id = ?", (killed_in_flight,))
    await _restarted_until_delivered(telegram, settings, db)
    assert db.value("SELECT COUNT(*) FROM deliveries WHERE doubtful = 1") == 1  # the one left in flight
    assert db.value("SELECT COUNT(*) FROM deliveries WHERE state = 'sent' AND in_flight = 0") == len(readers)
    assert {len(_received(telegram, chat_id)) for chat_id in readers} == {2}
    [*_, tally] = [m for m in telegram.sent(GROUP) if "Digest" in m.plain]
    assert "1 subscriber may have received a message twice" in seen(tally)


async def test_a_retry_after_from_telegram_is_waited_out(telegram: FakeTelegram, settings, db: Database) -> None:
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db)
        reader = await _subscribe(telegram, 61, "en")
        next_week(application)
        telegram.fail_next(
            "sendMessage", status=429, description="Too Many Requests: retry after 2", retry_after=2, count=1
        )
        await say(telegram, admin, "/publish")
        await telegram.wait_for_messages(reader["id"], 3, timeout=20)
        refused = [c for c in telegram.calls if c.status == 429]
        accepted = [
            c
            for c in telegram.calls
            if c.method == "sendMessage" and c.params.get("chat_id") == 61 and c.status == 200 and c.at > refused[0].at
        ]
        assert accepted and accepted[0].at - refused[0].at >= 2


async def test_the_weekly_draft_goes_to_the_moderators_and_its_button_publishes_it_also_to_the_channel(
    telegram: FakeTelegram, moderation_settings, db: Database
) -> None:
    channel = telegram.add_group(-1009999999999, "Kuzet digest channel")
    settings = moderation_settings(DIGEST_CHANNEL_ID=str(channel["id"]))
    async with running(settings) as application:
        _, alice = await _verified_campaign(telegram, db)
        reader = await _subscribe(telegram, 71, "zh-hant")
        next_week(application)
        before = len(telegram.sent(GROUP))
        application.job_queue.run_once(post_weekly_draft, 0)
        [draft] = (await telegram.wait_for_messages(GROUP, before + 1))[before:]
        assert seen(draft).startswith("📝 Digest draft for") and [d for _, d in draft.buttons][0].startswith(
            "digest:publish:"
        )

        stranger = telegram.user(666)
        assert await press(telegram, stranger, draft, draft.button("Publish")) == "Only moderators can do this."
        assert db.value("SELECT COUNT(*) FROM deliveries") == 0
        await press(telegram, alice, draft, draft.button("Publish"))
        await telegram.wait_for_messages(reader["id"], 3)
        await telegram.wait_for_messages(channel["id"], 2)
        await telegram.wait_until_idle()
        assert draft.buttons == []
        assert [tuple(r) for r in db.rows("SELECT chat_id, locale, state FROM deliveries ORDER BY locale")] == [
            (None, "en", "sent"),
            (None, "zh_Hant", "sent"),
        ]
        shown = await say(telegram, alice, "/digest")
        assert seen(shown).startswith("📝 Digest draft for") and CAMPAIGN[:30] in seen(shown)
        listing = seen(await say(telegram, alice, "/digests"))
        assert "sent 2 of 2" in listing
        assert [c.method for c in telegram.refused()] == ["setMyCommands"]  # the group was added after start


async def test_subscribing_twice_and_unsubscribing_keep_the_chat_id_only_while_subscribed(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings):
        reader = await _subscribe(telegram, 81, "en")
        again = await say(telegram, reader, "/subscribe")
        assert seen(again).startswith("You are already subscribed")
        assert db.value("SELECT COUNT(*) FROM subscribers") == 1
        gone = await say(telegram, reader, "/unsubscribe")
        assert seen(gone).startswith("Done: you will get no more digests")
        assert db.rows("SELECT * FROM subscribers") == []
        assert seen(await say(telegram, reader, "/unsubscribe")).startswith("You were not subscribed")


HIDDEN = "Dana M."
"""The shown name of a Telegram user who hides their account: it may belong to any namesake."""
SATIRIST = "sanzhar_satire"
"""A satirist's channel that a brigade mass-reported; moderators protected it."""
MENTIONED = "mentioned_only"
"""An account a campaign text only mentions: no evidence it posted anything."""
FAKE = "fake_patriot"


async def _protect(db: Database, identity: str) -> None:
    """What moderators do when they find a report brigade: put the account on the protected list."""
    store = await Store.open(db.url)
    try:
        async with store.transaction() as tx:
            account_id = db.value("SELECT id FROM accounts WHERE identity = ?", (identity,))
            assert await tx.protected.protect(account_id, None, ADMIN_ID, int(time.time()))
    finally:
        await store.close()


async def _account_case(
    telegram: FakeTelegram,
    db: Database,
    reporter: int,
    case_id: int,
    moderators: tuple[dict, ...],
    *,
    link: str | None = None,
    origin: dict | None = None,
) -> None:
    """An account case, reported by a bare link or a forwarded photo (no text), verified as a campaign account.

    (The verdict is set directly: on this branch verifying an account case does not set it yet.)"""
    if origin is None:
        telegram.send_text(telegram.user(reporter), link)
    else:
        telegram.forward(telegram.user(reporter), origin, photo=True)
    await _verify(telegram, db, case_id, *moderators)
    with db.connect() as conn:
        conn.execute("UPDATE cases SET verdict = 'campaign_account' WHERE id = ?", (case_id,))


async def _campaign_with_bystanders(telegram: FakeTelegram, db: Database) -> tuple[dict, dict]:
    """Case 1 verified: CAMPAIGN forwarded from post 5 of @nur_news, from a hidden user shown as HIDDEN and from post
    7 of the satirist's channel, and typed with an @mention. Case 2: the hidden user again, alone, and case 3:
    the satirist's channel by link, both verified as campaign accounts; case 4: @fake_patriot, the same. Then
    moderators protect the satirist."""
    nur_news = telegram.channel(-1000000000777, "Nur News", username="nur_news")
    satirist = telegram.channel(-1000000000888, "Sanzhar Satire", username=SATIRIST)
    admin, alice = await _verified_campaign(
        telegram,
        db,
        telegram.origin_channel(nur_news, 5),
        telegram.origin_hidden_user(HIDDEN),
        telegram.origin_channel(satirist, 7),
        typed=f" @{MENTIONED} https://x.com/{FAKE}/status/9",
    )
    await _account_case(telegram, db, 11, 2, (admin, alice), origin=telegram.origin_hidden_user(HIDDEN))
    await _account_case(telegram, db, 12, 3, (admin, alice), link=f"https://t.me/{SATIRIST}")
    await _account_case(telegram, db, 13, 4, (admin, alice), link=f"https://x.com/{FAKE}")
    await _protect(db, "@" + SATIRIST)
    return admin, alice


async def test_the_digest_names_accounts_only_by_handle_and_link_never_a_hidden_users_name_nor_a_protected_one(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings) as application:
        admin, _ = await _campaign_with_bystanders(telegram, db)
        readers = [await _subscribe(telegram, 200 + i, code) for i, code in enumerate(("en", "ru", "kk", "ar", "zh"))]
        next_week(application)
        draft = seen(await say(telegram, admin, "/digest"))
        await say(telegram, admin, "/publish")
        for reader in readers:
            await telegram.wait_for_messages(reader["id"], 3)
        await telegram.wait_until_idle()
        for shown in [draft] + [seen(m) for r in readers for m in _received(telegram, r["id"])]:
            assert "dana" not in shown.casefold() and SATIRIST not in shown and MENTIONED not in shown, shown
        for reader in readers:
            text = seen(_received(telegram, reader["id"])[0])
            assert "@nur_news · https://t.me/nur_news" in text and f"@{FAKE} · https://x.com/{FAKE}" in text
            assert "https://t.me/nur_news/5" in text  # the campaign's example post
        uploads = [c for c in telegram.calls if c.method == "sendMessage" and c.params.get("chat_id") == 200]
        assert uploads[-1].params["link_preview_options"] == {"is_disabled": True}


async def test_the_quote_and_the_label_are_in_the_readers_language_where_the_campaign_has_them(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings) as application:
        admin, _ = await _verified_campaign(telegram, db, text=STABILITY)
        readers = {code: await _subscribe(telegram, 300 + i, code) for i, code in enumerate(("en", "ru", "zh-hant"))}
        next_week(application)
        await say(telegram, admin, "/publish")
        quotes = {
            "en": "Our President provides the necessary stability",
            "ru": "Наш Президент обеспечивает",
            "zh-hant": "我們的總統帶來了必要的穩定與和平",
        }
        labels = {
            "en": "Nurbots 2017: our President provides",
            "ru": "Нурботы 2017: наш Президент",
            "zh-hant": "努爾網軍 2017：我們的總統帶來必要的穩定與和平",
        }
        for code, reader in readers.items():
            [text, chart] = (await telegram.wait_for_messages(reader["id"], 3))[1:]
            for shown in (quotes, labels):
                assert shown[code] in seen(text), code
                assert [q for other, q in shown.items() if other != code and q in seen(text)] == [], code
            assert labels[code] in seen(chart), code
        frozen = Digest.from_json(db.value("SELECT data FROM digests"))
        assert frozen.campaigns[0].labels["kk"].startswith("Нұрботтар 2017")


async def test_each_campaign_is_citable_by_case_number_verification_date_votes_and_chart_rank(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings) as application:
        admin, alice = await _verified_campaign(telegram, db)
        for reporter in (21, 22, 23):
            await say(telegram, telegram.user(reporter), STABILITY)
        await _verify(telegram, db, 2, admin, alice)
        reader = await _subscribe(telegram, 310, "en")
        next_week(application)
        await say(telegram, admin, "/publish")
        text, chart = (await telegram.wait_for_messages(reader["id"], 3))[1:]
        first, second = seen(text).index("1. Nurbots 2017"), seen(text).index("2. Case #1")
        assert first < second and "Case #2" in seen(text)[first:second] and "Case #1" in seen(text)[second:]
        assert seen(text).count("by fewer than 5 moderators") == 2  # two: a small count (SMALL_COUNT_K)
        assert "1 · #2: Nurbots 2017" in seen(chart) and f"2 · #1: {CAMPAIGN[:30]}" in seen(chart)

        frozen = Digest.from_json(db.value("SELECT data FROM digests"))
        assert [c.case_id for c in frozen.campaigns] == [2, 1] and frozen.campaigns[0].votes == 2
        legend = chart_figure(frozen, UTC).axes[0].get_legend()
        assert [label.get_text() for label in legend.get_texts()] == ["1 · #2", "2 · #1"]


async def test_the_draft_names_its_iso_week_and_days_even_when_nothing_was_verified(
    telegram: FakeTelegram, settings
) -> None:
    async with running(settings) as application:
        telegram.add_group(GROUP, "Kuzet moderators")
        admin = telegram.user(ADMIN_ID, first_name="Aigerim")
        next_week(application)
        week = last_complete_week(Runtime.of_application(application).clock(), UTC)
        draft = seen(await say(telegram, admin, "/digest"))
        assert f"{week} · " in draft and "No campaign was verified" in draft


async def test_publish_answers_the_press_before_it_writes_to_the_group(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings) as application:
        _, alice = await _verified_campaign(telegram, db)
        next_week(application)
        draft = await say(telegram, alice, "/digest")
        before = len(telegram.calls)
        await press(telegram, alice, draft, draft.button("Publish"))
        calls = [c.method for c in telegram.calls[before:] if c.method != "getUpdates"]
        assert calls.index("answerCallbackQuery") < calls.index("sendMessage")


def _frozen_before_citations(label: str | None) -> str:
    """A digest as published before citations, links and labels per language were kept."""
    return json.dumps(
        {
            "period": "2026-W47",
            "start": 1763337600,
            "end": 1763942400,
            "more_accounts": 0,
            "totals": {"reports": 2, "verified_cases": 1, "new_templates": 0},
            "previous": {"reports": 0, "verified_cases": 0, "new_templates": 0},
            "campaigns": [
                {
                    "case_id": 1,
                    "label": label,
                    "text": CAMPAIGN,
                    "reports": 2,
                    "languages": ["en"],
                    "platforms": ["telegram"],
                    "coordinated": False,
                    "per_day": [2, 0, 0, 0, 0, 0, 0],
                }
            ],
            "accounts": [{"platform": "telegram", "label": HIDDEN}],
            "days": [1763337600 + d * 86400 for d in range(7)],
        }
    )


def test_a_digest_frozen_before_citations_still_loads_and_renders(translations) -> None:
    digest = Digest.from_json(_frozen_before_citations(None))
    assert digest.campaigns[0].votes == 0 and digest.campaigns[0].examples == () and digest.accounts[0].link == ""
    text = digest_text(translations("ru"), digest)
    assert CAMPAIGN in text and HIDDEN not in text  # accounts frozen without a link are not shown any more


def test_a_digest_frozen_with_one_label_shows_it_to_readers_of_every_language(translations) -> None:
    digest = Digest.from_json(_frozen_before_citations("Kazakhstan 2022: our family gives N votes"))
    label = isolate("Kazakhstan 2022: our family gives N votes")
    for code in ("en", "ru", "ar"):
        assert f"{label} · " in digest_text(translations(code), digest), code
        assert label in chart_caption(translations(code), digest), code


@pytest.mark.parametrize(
    "url",
    [
        "https://t.me/nur_news",
        "https://t.me/nur_news/5",
        "https://x.com/fake_patriot/status/123",
        "https://x.com/intent/user?user_id=42",
        "https://x.com/i/status/99",
        "https://www.facebook.com/some.page/posts/123",
        "https://www.facebook.com/profile.php?id=100",
        "https://www.facebook.com/people/Dana-M/100",
        "https://www.facebook.com/permalink.php?story_fbid=55&id=100",
        "https://www.facebook.com/watch?v=123",
        "https://www.instagram.com/p/Cabc_12",
        "https://www.instagram.com/stories/some.one/123",
        "https://vk.com/durov",
        "https://vk.com/id1",
        "https://vk.com/public5",
        "https://vk.com/wall-5_10",
        "https://www.tiktok.com/@some.one/video/123",
        "https://www.youtube.com/@channel",
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
        "https://youtu.be/dQw4w9WgXcQ",
    ],
)
def test_a_public_link_reads_back_as_the_same_account_and_post(url: str) -> None:
    target = parse_url(url)
    link = public_link(target.platform, target.account, target.post_id)
    again = parse_url(link)
    assert again.post_id == target.post_id and (again.account is None) == (target.account is None), link
    assert target.account is None or again.account.identity == target.account.identity, link


@pytest.mark.parametrize(
    "account",
    [
        Account(Platform.TELEGRAM, "name:dana m.", display_name=HIDDEN),
        parse_url("https://www.facebook.com/groups/neighbours/posts/7").account,
        parse_url("https://t.me/c/1234567/8").account,
        Account.by_id(Platform.TELEGRAM, "5551234", display_name=HIDDEN),
    ],
)
def test_an_account_known_only_by_a_name_a_group_or_a_private_id_has_no_public_link(account: Account) -> None:
    assert public_link(account.platform, account) is None
    assert public_link(account.platform, account, "8") is None
