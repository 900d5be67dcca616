"""The bot keeps Telegram's per-group limit itself, and case cards never hold up a reply or an update."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import running
from bot.sandbox import FakeTelegram, Faults
from bot.telegram.flood import GROUP_MESSAGES_PER_MINUTE, RESERVED_FOR_REPLIES, SlidingWindow
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, GROUP, appoint, card_of, say, seen

CARD_PLACES = GROUP_MESSAGES_PER_MINUTE - RESERVED_FOR_REPLIES
VOTES = 10


async def test_a_sliding_window_lets_a_burst_through_then_waits_for_the_oldest_to_age_out() -> None:
    window = SlidingWindow(3, 0.4)
    for _ in range(3):
        assert window.wait() == 0
        await window.take()
    assert window.wait() > 0  # a fourth would make four within 0.4 s
    await window.take()  # once the first is 0.4 s old


async def test_background_sends_leave_the_reserved_places_to_replies_and_queue_apart() -> None:
    window = SlidingWindow(4, 60, reserve=2)
    await window.take(background=True)
    await window.take(background=True)
    assert window.wait(background=True) > 0 and window.wait() == 0
    waiting_card = asyncio.create_task(window.take(background=True))
    await asyncio.sleep(0)
    await asyncio.wait_for(window.take(), 1)  # the reply does not queue behind the waiting card
    await asyncio.wait_for(window.take(), 1)
    assert not waiting_card.done() and window.wait() > 0
    waiting_card.cancel()


async def test_after_a_429_neither_replies_nor_cards_take_a_place_until_it_passes() -> None:
    window = SlidingWindow(20, 60)
    window.hold(30)
    assert window.wait() > 29 and window.wait(background=True) > 29


@pytest.fixture
def settings(moderation_settings):
    return moderation_settings(VERIFY_QUORUM=str(VOTES + 1))


@pytest.fixture
async def group(telegram: FakeTelegram, settings) -> dict:
    """The running bot and its moderators' group, whose admin moderates."""
    group = telegram.add_group(GROUP, "Kuzet moderators")
    async with running(settings):
        yield group


async def _open_cases(telegram: FakeTelegram, count: int, first: int = 1) -> None:
    """``count`` citizens each report another account: one new case, one card each."""
    for n in range(first, first + count):
        await say(telegram, telegram.user(1000 + n, language_code="en"), f"https://x.com/account_{n}")


def _without_card(db: Database) -> list[int]:
    return [row[0] for row in db.rows("SELECT id FROM cases WHERE card_message_id IS NULL ORDER BY id")]


async def test_with_the_group_window_full_of_cards_a_command_reply_goes_before_the_waiting_cards(
    telegram: FakeTelegram, group, db: Database
) -> None:
    await _open_cases(telegram, CARD_PLACES + 2)
    await telegram.wait_for_messages(GROUP, CARD_PLACES)
    await telegram.wait_until_idle()
    assert len(telegram.sent(GROUP)) == CARD_PLACES and _without_card(db) == [CARD_PLACES + 1, CARD_PLACES + 2]

    admin = telegram.user(ADMIN_ID, language_code="en")
    stats = await say(telegram, admin, "/stats", chat=group)
    assert stats.chat_id == GROUP and "Case #" not in seen(stats)
    assert _without_card(db) == [CARD_PLACES + 1, CARD_PLACES + 2]  # the cards still wait for a place


async def test_a_report_and_a_vote_are_handled_while_their_cards_wait_for_the_group_window(
    telegram: FakeTelegram, group, db: Database
) -> None:
    await _open_cases(telegram, CARD_PLACES)
    await telegram.wait_for_messages(GROUP, CARD_PLACES)
    card = card_of(telegram, db, 1)

    citizen = telegram.user(2000, language_code="en")
    receipt = await say(telegram, citizen, f"https://x.com/account_{CARD_PLACES + 1}")
    assert "received" in seen(receipt) and telegram.confirmed_update_id == telegram.last_update_id
    assert _without_card(db) == [CARD_PLACES + 1]

    admin = telegram.user(ADMIN_ID, language_code="en")
    query_id = telegram.press(admin, card, "case:c:1")
    await telegram.wait_for_call("answerCallbackQuery", lambda call: call.params.get("callback_query_id") == query_id)
    await telegram.wait_until_idle()
    assert telegram.confirmed_update_id == telegram.last_update_id  # handled, though its card edit waits
    assert "is working on it" not in seen(card_of(telegram, db, 1))
    assert db.value("SELECT claimed_by FROM cases WHERE id = 1") == ADMIN_ID


async def test_ten_quick_votes_cost_fewer_card_edits_than_votes_and_the_card_shows_them_all(
    telegram: FakeTelegram, group, db: Database
) -> None:
    admin = telegram.user(ADMIN_ID, language_code="en")
    moderators = [telegram.user(3000 + n, language_code="en") for n in range(VOTES - 1)]
    await appoint(telegram, admin, *moderators)
    await say(
        telegram,
        telegram.user(1000, language_code="en"),  # a text case: an account case needs evidence
        "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev",
    )
    await telegram.wait_for_messages(GROUP, 1)
    card = card_of(telegram, db, 1)
    # Telegram asks the bot to slow down on edits while the votes come in, so none can be shown one by one.
    telegram.faults = Faults(1.0, kinds=("429",), methods=frozenset({"editmessagetext"}))
    presses = {telegram.press(voter, card, "case:v:1") for voter in [admin, *moderators]}
    await telegram.wait_until(
        lambda: (
            presses <= {c.params.get("callback_query_id") for c in telegram.calls if c.method == "answerCallbackQuery"}
        ),
        what="every press answered",
    )
    telegram.faults = None
    final = f"Votes to verify: {VOTES} of {VOTES + 1}"
    await telegram.wait_until(lambda: final in seen(card_of(telegram, db, 1)), what="the card shows every vote")
    await telegram.wait_until_idle()

    edits = [
        c
        for c in telegram.calls
        if c.method == "editMessageText" and c.status == 200 and c.params.get("message_id") == card.message_id
    ]
    assert 1 <= len(edits) < VOTES
    assert final in seen(card_of(telegram, db, 1))
