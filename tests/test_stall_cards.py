"""A moderator's vote while 50 case cards wait for the group's window delays no citizen's receipt."""

from __future__ import annotations

import time

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import GROUP, card_of

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
BUDGET_SECONDS = 2.0


async def test_a_vote_while_fifty_cards_wait_delays_no_bystanders_receipt(
    telegram: FakeTelegram, team, db: Database
) -> None:
    opener = telegram.user(1)
    telegram.send_text(opener, CAMPAIGN)
    await telegram.wait_until(
        lambda: db.value("SELECT COUNT(card_message_id) FROM cases WHERE id = 1") == 1, what="the first card"
    )
    for n in range(50):  # fifty more cases, so cards queue behind the group's 20 messages a minute
        telegram.send_text(telegram.user(2000 + n), f"https://x.com/account_{n}")
    await telegram.wait_until(lambda: db.value("SELECT COUNT(*) FROM cases") == 51, timeout=30, what="cases")
    await telegram.wait_until(
        lambda: db.value("SELECT COUNT(*) FROM reports WHERE receipt_sent_at IS NOT NULL") == 51,
        timeout=30,
        what="receipts",
    )
    assert db.value("SELECT COUNT(*) FROM cases WHERE card_message_id IS NULL") > 20  # cards are waiting

    pressed = time.monotonic()
    query_id = telegram.press(team.alice, card_of(telegram, db, 1), "case:v:1")
    bystander = telegram.user(3000)
    telegram.send_text(bystander, "Foreign agents spread lies about our elections, do not trust them")
    [receipt] = await telegram.wait_for_messages(bystander["id"], 1, timeout=10)
    answer = next(
        c for c in telegram.calls if c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id
    )

    assert receipt.sent_at - pressed < BUDGET_SECONDS
    assert answer.at - pressed < BUDGET_SECONDS
    assert db.value("SELECT COUNT(*) FROM case_votes WHERE case_id = 1") == 1
    assert len([m for m in telegram.sent(GROUP) if m.method == "sendMessage"]) < 51  # still waiting
