"""A reporter who asks is told the outcome in their language, and then their chat id is forgotten."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.cases import CaseStatus
from bot.render import reports as report_texts
from bot.sandbox import FakeTelegram
from bot.service.follow_ups import FollowUpAnswer
from tests.databases import Database
from tests.helpers import plain
from tests.moderation_helpers import Team, card_of, press, say, wait_for_card

TEXT = "The President always cares and thinks about the people of every region, thank you"


@pytest.fixture
async def team(moderated) -> AsyncIterator[Team]:
    async with moderated(UNDO_SECONDS="2") as team:
        yield team


async def test_a_verified_case_tells_the_reporter_who_asked_and_forgets_their_chat_id(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    asker, silent = telegram.user(31337, language_code="kk"), telegram.user(4242, language_code="en")
    receipt = await say(telegram, asker, TEXT)
    await say(telegram, silent, TEXT + "!")
    assert await press(telegram, asker, receipt, receipt.button("🔔")) == report_texts.follow_up_answer(
        translations("kk"), FollowUpAnswer.ASKED
    )
    assert telegram.sent(asker["id"])[0].buttons == []
    assert [tuple(row) for row in db.rows("SELECT report_id, chat_id, locale FROM follow_ups")] == [(1, 31337, "kk")]

    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.alice, card, "case:v:1")
    await press(telegram, team.bob, card, "case:v:1")
    [_, told] = await telegram.wait_for_messages(asker["id"], 2)
    assert told.plain == plain(report_texts.outcome(translations("kk"), 1, CaseStatus.VERIFIED))
    assert len(telegram.sent(silent["id"])) == 1
    assert db.value("SELECT COUNT(*) FROM follow_ups") == 0
    assert "31337" not in db.dump()


async def test_the_button_cannot_ask_about_someone_elses_report(telegram: FakeTelegram, team, db: Database) -> None:
    owner, other = telegram.user(11), telegram.user(12)
    await say(telegram, owner, TEXT)
    receipt = await say(telegram, other, "Foreign agents spread lies about our elections, do not trust them")
    assert await press(telegram, other, receipt, "follow:1", forge=True) == "This report is not among yours."
    assert db.value("SELECT COUNT(*) FROM follow_ups") == 0


async def test_forgetting_oneself_deletes_a_pending_follow_up(telegram: FakeTelegram, team, db: Database) -> None:
    citizen = telegram.user(13)
    receipt = await say(telegram, citizen, TEXT)
    await press(telegram, citizen, receipt, receipt.button("🔔"))
    prompt = await say(telegram, citizen, "/forgetme")
    await press(telegram, citizen, prompt, "forget:yes")
    assert db.value("SELECT COUNT(*) FROM follow_ups") == 0


async def test_a_reporter_who_blocked_the_bot_is_forgotten_without_an_error(
    telegram: FakeTelegram, team, db: Database
) -> None:
    citizen = telegram.user(14)
    receipt = await say(telegram, citizen, TEXT)
    await press(telegram, citizen, receipt, receipt.button("🔔"))
    telegram.block(citizen["id"])
    await say(telegram, team.alice, "/reject 1 not a campaign")
    assert db.value("SELECT status FROM reports WHERE id = 1") == "rejected"
    await telegram.wait_until(lambda: db.value("SELECT COUNT(*) FROM follow_ups") == 0, what="chat id forgotten")


async def test_a_reject_is_told_only_once_it_can_no_longer_be_undone(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    citizen = telegram.user(15, language_code="ru")
    receipt = await say(telegram, citizen, TEXT)
    await press(telegram, citizen, receipt, receipt.button("🔔"))
    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.alice, card, "case:x:1")
    await press(telegram, team.alice, card_of(telegram, db, 1), "case:r:1:genuine")
    assert [data for _, data in card_of(telegram, db, 1).buttons] == ["case:u:1", "case:d:1"]
    assert len(telegram.sent(citizen["id"])) == 1  # the receipt only: the reject may still be undone
    assert await press(telegram, team.alice, card_of(telegram, db, 1), "case:u:1") == (
        "The reject of case #1 is undone; the case is open with its votes."
    )
    assert db.value("SELECT status FROM cases WHERE id = 1") == "open"

    await press(telegram, team.alice, card_of(telegram, db, 1), "case:x:1")
    await press(telegram, team.alice, card_of(telegram, db, 1), "case:r:1:genuine")
    told = (await telegram.wait_for_messages(citizen["id"], 2))[1]
    assert told.plain == plain(report_texts.outcome(translations("ru"), 1, CaseStatus.REJECTED))
    await telegram.wait_until(
        lambda: "case:u:1" not in [d for _, d in card_of(telegram, db, 1).buttons], what="the Undo button gone"
    )
    assert "can no longer be undone" in await press(
        telegram, team.alice, card_of(telegram, db, 1), "case:u:1", forge=True
    )
