"""Flags on cards: a possible report campaign, coordinated posting, earlier rejections, the negative bank."""

from __future__ import annotations

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import card_of, press, say, seen, wait_for_card


async def test_a_flood_of_reports_from_new_reporters_is_flagged_and_cannot_be_verified_even_with_a_quorum_of_one(
    telegram: FakeTelegram, moderated, db: Database
) -> None:
    """200 reports on one account from 50 brand-new reporters within ten minutes, with a quorum of one."""
    async with moderated(VERIFY_QUORUM="1", CARD_REFRESH_SECONDS="3") as team:
        reporters = [telegram.user(5000 + n, language_code="ar") for n in range(50)]
        for round_ in range(4):
            for n, reporter in enumerate(reporters):
                telegram.send_text(reporter, f"https://x.com/critic_voice/status/{1000 + round_ * 50 + n}")
        await telegram.wait_until(  # receipts that waited their turn come several to a message
            lambda: db.value("SELECT COUNT(*) FROM reports WHERE receipt_sent_at IS NOT NULL") == 200,
            timeout=60,
            what="all 200 receipts sent",
        )
        await telegram.wait_until_idle(timeout=30)
        assert db.value("SELECT COUNT(*) FROM case_reports WHERE case_id = 1") == 200
        await telegram.wait_for_call(
            "editMessageText", lambda call: "Reports: 200 within" in str(call.params), timeout=30
        )
        await telegram.wait_until_idle()

        card = card_of(telegram, db, 1)
        text = seen(card)
        assert text.split("\n")[1] == "🚨 Possible report campaign against X (Twitter) @critic_voice"
        assert "Reports: 200 within 1 hour" in text
        assert "Reporters: 50, new: 50" in text
        assert "Votes to verify: 0 of 3" in text
        assert "⚠️ Campaign account: not possible" in text  # reports alone are no evidence

        await press(telegram, team.alice, card, "case:v:1", forge=True)
        assert db.value("SELECT status FROM cases WHERE id = 1") == "open"
        await press(telegram, team.bob, card_of(telegram, db, 1), "case:p:1")
        assert db.value("SELECT reason_code FROM cases WHERE id = 1") == "brigade"


async def test_the_same_text_from_three_channels_within_a_day_is_flagged_as_coordinated(
    telegram: FakeTelegram, team, db: Database
) -> None:
    text = "Only traitors criticise the new constitution, real patriots support every amendment"
    citizen = telegram.user(1, language_code="kk")
    for number, name in enumerate(["news_one", "news_two"], start=1):
        channel = telegram.channel(-1000000000100 - number, name.title(), username=name)
        telegram.forward(citizen, telegram.origin_channel(channel, 10 * number), text=text)
        await telegram.wait_for_messages(citizen["id"], number)  # one receipt each, not two sent together
    card = await wait_for_card(telegram, db, 1)
    assert "Coordinated" not in seen(card)

    third = telegram.channel(-1000000000109, "Patriot", username="patriot_kz")
    telegram.forward(citizen, telegram.origin_channel(third, 77), text=text + "!")
    await telegram.wait_for_messages(citizen["id"], 3)
    card = await wait_for_card(telegram, db, 1)
    assert "🤝 Coordinated: 3 accounts posted this text within 1 day" in seen(card)
    assert "Accounts: Telegram @news_one (1), Telegram @news_two (1), and Telegram @patriot_kz (1)" in seen(card)


async def test_an_account_rejected_before_is_shown_as_such_on_a_new_case(
    telegram: FakeTelegram, team, db: Database
) -> None:
    citizen = telegram.user(1)
    await say(telegram, citizen, "https://t.me/teacher_aliya")
    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.alice, card, "case:x:1")
    await press(telegram, team.alice, card_of(telegram, db, 1), "case:r:1:genuine")

    author = telegram.user(4242, first_name="Aliya", username="teacher_aliya")
    telegram.forward(
        citizen,
        telegram.origin_user(author),
        text="Our school needs heating this winter, the akimat ignores every letter we send",
    )
    await telegram.wait_for_messages(citizen["id"], 2)
    card = await wait_for_card(telegram, db, 2)
    assert "↩️ Telegram @teacher_aliya was in case #1, which moderators rejected" in seen(card)


async def test_reports_that_only_match_the_negative_bank_are_counted_on_the_card(
    telegram: FakeTelegram, team, db: Database
) -> None:
    citizen = telegram.user(1)
    author = telegram.user(4343, first_name="Nurlan", username="nurlan_kz")
    telegram.forward(citizen, telegram.origin_user(author), text="Happy holidays to everyone!!")
    await telegram.wait_for_messages(citizen["id"])
    card = await wait_for_card(telegram, db, 1)
    assert "reported account" in seen(card)
    assert "🔇 1 report only matched the negative bank (common phrases, no campaign)" in seen(card)
    assert db.value("SELECT matched FROM reports WHERE id = 1") == "generic"
