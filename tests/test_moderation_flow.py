"""A moderation flow that keeps up: claims, lookups in private, a queue that filters, cards that say what is cut."""

from __future__ import annotations

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import GROUP, card_of, press, say, seen, wait_for_card

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


async def test_a_claimed_case_shows_who_works_on_it_and_others_cannot_take_it(
    telegram: FakeTelegram, team, db: Database
) -> None:
    await say(telegram, telegram.user(1), CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    assert await press(telegram, team.alice, card, "case:c:1") == (
        "Case #1 is yours; others see that you are working on it."
    )
    card = card_of(telegram, db, 1)
    assert "🙋 Moderator 2 is working on it" in seen(card)
    assert await press(telegram, team.bob, card, "case:c:1") == "Moderator 2 is already working on case #1."
    assert db.value("SELECT claimed_by FROM cases WHERE id = 1") == 901
    assert await press(telegram, team.alice, card, "case:c:1") == "You released case #1."
    assert "is working on it" not in seen(card_of(telegram, db, 1))
    assert db.value("SELECT claimed_by FROM cases WHERE id = 1") is None


async def test_lookups_asked_in_the_group_are_answered_in_private_when_the_moderator_started_the_bot(
    telegram: FakeTelegram, team, db: Database
) -> None:
    await say(telegram, telegram.user(1), CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    group_before = len(telegram.sent(GROUP))
    await say(telegram, team.bob, "/start")  # Bob has a private chat with the bot; Alice never wrote to it
    telegram.send_text(team.bob, "/case 1", chat=team.group)
    private = (await telegram.wait_for_messages(team.bob["id"], 2))[1]
    assert seen(private).startswith("Case #1")
    assert await press(telegram, team.bob, card, "case:d:1") == "Sent to you in our private chat."
    details = (await telegram.wait_for_messages(team.bob["id"], 3))[2]
    assert seen(details).startswith("Case #1: latest reports")
    await telegram.wait_until_idle()
    assert len(telegram.sent(GROUP)) == group_before  # nothing posted into the busy group

    answer = await say(telegram, team.alice, "/case 1", chat=team.group)  # no private chat: the group
    assert seen(answer).startswith("Case #1") and answer.chat_id == GROUP


async def test_the_queue_filters_possible_report_campaigns_one_vote_short_and_languages(
    telegram: FakeTelegram, team, db: Database
) -> None:
    await say(
        telegram,
        telegram.user(1, language_code="ru"),
        "Мы сделали выбор в пользу Нового Казахстана. Мы участвуем в выборах, наши семьи отдают 6 голосов за Токаева",
    )
    await say(telegram, telegram.user(2), "Foreign agents spread lies about our elections, do not believe them")
    card = await wait_for_card(telegram, db, 2)
    await press(telegram, team.alice, card, "case:v:2")
    for n in range(20):  # a brigade against a third account
        telegram.send_text(telegram.user(5000 + n), f"https://x.com/critic_voice/status/{n + 1}")
    await telegram.wait_until(lambda: db.value("SELECT COUNT(*) FROM reports") == 22, timeout=60, what="reports")
    await telegram.wait_until_idle(timeout=30)

    surge = seen(await say(telegram, team.alice, "/queue 🚨"))
    assert "Open cases: 1 (🚨 possible report campaigns)" in surge and "#3 · 0/3" in surge and "🚨" in surge
    one_vote = seen(await say(telegram, team.alice, "/queue vote"))
    assert "Open cases: 1 (🗳 one vote short)" in one_vote and "#2 · 1/2" in one_vote
    russian = seen(await say(telegram, team.alice, "/queue ru"))
    assert "Open cases: 1" in russian and "#1 · 0/2" in russian
    everything = await say(telegram, team.alice, "/queue")
    assert seen(everything).split("\n")[3].startswith("#3 · 0/3")  # 20 reporters before 1
    assert ("🚨 possible report campaigns", "queue:1:surge") in everything.buttons
    assert seen(await say(telegram, team.alice, "/queue nonsense")).startswith("Usage: /queue")


async def test_a_card_says_how_many_accounts_it_leaves_out(telegram: FakeTelegram, team, db: Database) -> None:
    citizen = telegram.user(1)
    for n in range(7):
        channel = telegram.channel(-1000000000200 - n, f"Channel {n}", username=f"chan_{n}")
        telegram.forward(citizen, telegram.origin_channel(channel, 10 + n), text=CAMPAIGN + "!" * n)
    await telegram.wait_until(lambda: db.value("SELECT COUNT(*) FROM reports") == 7, what="reports")
    await telegram.wait_until_idle()
    card = await wait_for_card(telegram, db, 1)
    assert "+2 more" in seen(card)
