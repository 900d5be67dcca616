"""A card posted twice because Telegram's answer to the first post was lost: the stray copy does no harm."""

from __future__ import annotations

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import GROUP, card_of, press, say, seen

TEXT = "The President always cares and thinks about the people of every region, thank you"


async def test_a_press_on_a_stray_card_copy_changes_nothing_and_takes_its_buttons_away(
    telegram: FakeTelegram, team, db: Database
) -> None:
    telegram.lose_answer_next("sendMessage", chat_id=GROUP)  # Telegram posts the card; the bot never hears so
    await say(telegram, telegram.user(1), TEXT)
    await telegram.wait_until_idle()
    stray, card = telegram.sent(GROUP)
    assert card == card_of(telegram, db, 1) and seen(stray) == seen(card)

    answer = await press(telegram, team.alice, stray, stray.button("Verify"))
    assert answer == "This card is out of date; the current one is below."
    assert stray.buttons == [] and db.value("SELECT COUNT(*) FROM case_votes") == 0
    assert await press(telegram, team.alice, card, card.button("Verify")) == "Your vote to verify is counted."

    lookup = await say(telegram, team.bob, "/case 1", chat=team.group)  # a lookup copy in the chat keeps working
    assert lookup.reply_to is not None
    assert await press(telegram, team.bob, lookup, lookup.button("Verify")) == "Case #1 is verified."
    assert db.value("SELECT status FROM cases WHERE id = 1") == "verified"
