"""Moderators decide cases in their group: cards, quorum votes with buttons, rejects, reopening, refusals."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.errors import CaseClosed, DraftGone, NotAllowed
from bot.render import moderator_replies as replies
from bot.sandbox import FakeTelegram
from bot.service.cases import VoteChange
from tests.databases import Database
from tests.moderation_helpers import GROUP, Team, card_of, press, say, seen, snapshot, wait_for_card

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
OTHER = "Foreign agents spread lies about our elections, do not believe the opposition channels"


@pytest.fixture
def team(team: Team, telegram: FakeTelegram) -> Team:
    """The shared team, with Bob reading Russian."""
    return replace(team, bob=telegram.user(902, first_name="Bob", language_code="ru"))


async def _report(telegram: FakeTelegram, user_id: int, text: str, language: str = "en") -> None:
    citizen = telegram.user(user_id, language_code=language)
    await say(telegram, citizen, text)


async def test_a_new_case_gets_one_card_which_is_edited_as_reports_join(
    telegram: FakeTelegram, team, db: Database
) -> None:
    await _report(telegram, 1, CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    assert seen(card).startswith("Case #1")
    assert CAMPAIGN in seen(card) and "Reports: 1 · reporters: 1" in seen(card)
    assert [data for _, data in card.buttons] == ["case:v:1", "case:x:1", "case:t:1", "case:d:1", "case:c:1"]

    await _report(telegram, 2, CAMPAIGN + "!!", "ru")
    await _report(telegram, 3, "We made a choice for the new Kazakhstan, our family gives four votes for Tokayev")
    card = await wait_for_card(telegram, db, 1)
    assert len(telegram.sent(GROUP)) == 1
    assert card.edits and "Reports: 3 · reporters: 3" in seen(card)


async def test_one_campaign_reported_in_several_languages_is_one_case(
    telegram: FakeTelegram, team, db: Database
) -> None:
    await _report(
        telegram,
        1,
        "We made a choice for the new Kazakhstan. We participate in the upcoming presidential "
        "elections, our families give 4 votes for Tokayev",
    )
    await _report(
        telegram,
        2,
        "Мы сделали выбор в пользу Нового Казахстана. Мы участвуем в предстоящих "
        "президентских выборах, наши семьи отдают 6 голосов за Токаева",
        "ru",
    )
    await _report(
        telegram,
        3,
        "اخترنا كازاخستان الجديدة. نحن نشارك في الانتخابات الرئاسية المقبلة، عائلاتنا تقدم ستة أصوات لتوكاييف",
        "ar",
    )
    await _report(telegram, 4, OTHER)
    templates = {row[0] for row in db.rows("SELECT template_id FROM reports WHERE id <= 3")}
    assert len(templates) == 3 and None not in templates  # three language versions, each matched directly
    assert [tuple(r) for r in db.rows("SELECT report_id, case_id FROM case_reports ORDER BY report_id")] == [
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 2),
    ]
    card = await wait_for_card(telegram, db, 1)
    assert "Reports: 3 · reporters: 3" in seen(card)
    assert "Languages: Arabic, English, and Russian" in seen(card)


async def test_two_moderators_verify_a_case_with_buttons(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    await _report(telegram, 1, CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)

    assert await press(telegram, team.alice, card, "case:v:1") == "Your vote to verify is counted."
    card = card_of(telegram, db, 1)
    assert "Votes to verify: 1 of 2\n🙈 Who voted is shown once the case is decided." in seen(card)
    assert db.value("SELECT status FROM cases WHERE id = 1") == "open"

    answer = await press(telegram, team.bob, card, "case:v:1")
    in_russian = replies.vote_answer(translations("ru"), VoteChange.VOTED, True, 1)
    assert answer == in_russian != replies.vote_answer(translations("en"), VoteChange.VOTED, True, 1)
    card = card_of(telegram, db, 1)
    assert "✅ verified" in seen(card) and "by Moderator 2 and Moderator 3" in seen(card)
    assert [data for _, data in card.buttons] == ["case:d:1", "case:o:1"]
    assert db.value("SELECT status FROM cases WHERE id = 1") == "verified"
    assert db.value("SELECT status FROM reports WHERE id = 1") == "verified"


async def test_withdrawing_a_vote_is_its_own_button_and_a_second_verify_tap_keeps_the_vote(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    await _report(telegram, 1, CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    assert "case:w:1" not in [data for _, data in card.buttons]  # nothing to withdraw yet
    await press(telegram, team.alice, card, "case:v:1")
    card = card_of(telegram, db, 1)
    assert "case:w:1" in [data for _, data in card.buttons]
    assert await press(telegram, team.alice, card, "case:v:1") == (
        "You already voted to verify this case. To take it back, press ✋ Withdraw my vote."
    )
    assert db.value("SELECT COUNT(*) FROM case_votes") == 1
    assert await press(telegram, team.bob, card, "case:w:1") == replies.vote_answer(
        translations("ru"), VoteChange.NOT_VOTED, False, 1
    )
    assert await press(telegram, team.alice, card, "case:w:1") == "Your vote is withdrawn."
    assert db.value("SELECT COUNT(*) FROM case_votes") == 0
    assert "Votes to verify: 0 of 2" in seen(card_of(telegram, db, 1))
    assert [r[0] for r in db.rows("SELECT action FROM audit_log WHERE case_id = 1 ORDER BY id")] == [
        "vote.verify",
        "vote.withdraw",
    ]


async def test_a_strangers_press_and_crafted_payloads_change_nothing(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    await _report(telegram, 1, CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    before = snapshot(db)
    stranger = telegram.user(666, first_name="Troll", language_code="en")
    t = translations("en")
    refusals = {
        replies.refusal(t, error, plain=True) for error in (NotAllowed("moderator"), NotAllowed("admin"), DraftGone())
    }

    for data in ("case:v:1", "case:x:1", "case:t:1", "case:d:1"):
        assert await press(telegram, stranger, card, data) == replies.refusal(t, NotAllowed("moderator"), plain=True)
    for data in ("case:r:1:genuine", "case:o:1", "queue:1", "draft:1"):
        assert await press(telegram, stranger, card, data, forge=True) in refusals
    alice = team.alice
    for data in ("case:r:1:burn_it", "case:v:1:2", "case:v:-1", "case:v:99999999999999", "case:zz:1", "case:v:１"):
        assert await press(telegram, alice, card, data, forge=True) == (
            "This button no longer works. Send /start for a fresh menu."
        )
    assert await press(telegram, alice, card, "case:v:42", forge=True) == "There is no case #42."

    assert snapshot(db) == before
    assert seen(card_of(telegram, db, 1)) == seen(card)


async def test_a_reject_with_a_reason_closes_the_case(telegram: FakeTelegram, team, db: Database, translations) -> None:
    await _report(telegram, 1, CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    assert await press(telegram, team.alice, card, "case:x:1") == "Why is this not a campaign?"
    card = card_of(telegram, db, 1)
    assert "case:r:1:genuine" in [data for _, data in card.buttons]

    assert await press(telegram, team.alice, card, "case:r:1:genuine") == (
        "Case #1 is rejected. You can undo this for a few minutes with ↩️ Undo."
    )
    card = card_of(telegram, db, 1)
    assert "❌ rejected" in seen(card) and "A real person's own opinion" in seen(card)
    assert tuple(db.rows("SELECT status, reason_code, decided_by FROM cases")[0]) == ("rejected", "genuine", 901)

    assert await press(telegram, team.bob, card, "case:v:1", forge=True) == replies.refusal(
        translations("ru"), CaseClosed(1, "rejected"), plain=True
    )
    assert db.value("SELECT COUNT(*) FROM case_votes") == 0


async def test_reject_by_command_keeps_the_written_reason(telegram: FakeTelegram, team, db: Database) -> None:
    await _report(telegram, 1, CAMPAIGN)
    await wait_for_card(telegram, db, 1)
    answer = await say(telegram, team.alice, "/reject 1 the <b>account</b> is a real teacher")
    assert seen(answer) == "Case #1 is rejected. You can undo this for a few minutes with ↩️ Undo."
    assert db.value("SELECT reason FROM cases WHERE id = 1") == "the <b>account</b> is a real teacher"
    assert "the <b>account</b> is a real teacher" in seen(card_of(telegram, db, 1))

    usage = await say(telegram, team.alice, "/reject 1")
    assert seen(usage).startswith("Usage: /reject")


async def test_only_an_admin_reopens_and_a_reopened_case_needs_a_fresh_quorum(
    telegram: FakeTelegram, team, db: Database
) -> None:
    await _report(telegram, 1, CAMPAIGN)
    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.alice, card, "case:v:1")
    await press(telegram, team.bob, card, "case:v:1")
    card = card_of(telegram, db, 1)

    assert await press(telegram, team.alice, card, "case:o:1") == "Only admins can do this."
    assert db.value("SELECT status FROM cases WHERE id = 1") == "verified"
    answer = await say(telegram, team.admin, "/reopen 1")
    assert seen(answer) == "Case #1 is open again; it needs a fresh quorum."
    assert db.value("SELECT status FROM cases WHERE id = 1") == "open"
    assert db.value("SELECT status FROM reports WHERE id = 1") == "received"
    assert db.value("SELECT COUNT(*) FROM case_votes") == 0
    assert "Votes to verify: 0 of 2" in seen(card_of(telegram, db, 1))


async def test_verify_by_command_counts_one_vote_per_moderator(telegram: FakeTelegram, team, db: Database) -> None:
    await _report(telegram, 1, CAMPAIGN)
    await wait_for_card(telegram, db, 1)
    assert seen(await say(telegram, team.alice, "/verify 1")) == "Your vote to verify is counted."
    assert seen(await say(telegram, team.alice, "/verify #1")).startswith("You already voted to verify this case.")
    assert seen(await say(telegram, team.alice, "/verify one")).startswith("Usage: /verify")
    assert seen(await say(telegram, team.alice, "/verify 7")) == "There is no case #7."
    assert db.value("SELECT COUNT(*) FROM case_votes") == 1


async def test_members_of_the_group_without_a_role_are_refused(telegram: FakeTelegram, team, db: Database) -> None:
    await _report(telegram, 1, CAMPAIGN)
    await wait_for_card(telegram, db, 1)
    member = telegram.user(777, first_name="Member", language_code="en")
    for command in ("/queue", "/case 1", "/verify 1", "/reject 1 nonsense", "/stats", "/template list"):
        answer = await say(telegram, member, command, chat=team.group)
        assert seen(answer) == "Only moderators can do this.", command
        assert answer.reply_to["text"] == command  # in a busy group, the refusal answers its own command
    for command in ("/mod add 777", "/audit", "/reopen 1"):
        answer = await say(telegram, team.alice, command)
        assert seen(answer) == "Only admins can do this.", command
        assert answer.reply_to["text"] == command
    assert db.value("SELECT COUNT(*) FROM roles WHERE user_id = 777") == 0


async def test_the_queue_lists_open_cases_with_the_most_reporters_first_with_pages(
    telegram: FakeTelegram, team, db: Database
) -> None:
    texts = [
        "The President always cares and thinks about the people of our country",
        "Foreign agents spread lies about our elections, do not believe the opposition channels",
        "Bread prices fell again this month thanks to the wise economic policy of the government",
        "Only traitors criticise the new constitution, real patriots support every amendment",
        "Our city has never been so clean and safe, the akim works day and night for us",
        "Western media invent protests that never happened, stay calm and trust official news",
        "Thousands of volunteers joined the national clean-up day organised by the ruling party",
    ]
    citizen = 1
    for index, text in enumerate(texts):
        for _ in range(1 + (index == 3) * 2):
            await _report(telegram, citizen, text)
            citizen += 1
    await telegram.wait_until_idle()
    page = await say(telegram, team.alice, "/queue")
    assert "Open cases: 7 (all) · page 1 of 2" in seen(page)
    first, second = seen(page).split("\n")[3], seen(page).split("\n")[6]
    assert first.startswith("#4 · 0/2 · ") and first.endswith("reporters: 3")
    assert second.startswith("#1 · 0/2 · ")  # one reporter each: the longest waiting first
    assert ("2 ›", "queue:2:all") in page.buttons

    await press(telegram, team.alice, page, "queue:2:all")
    turned = telegram.sent(team.alice["id"])[-1]
    assert "page 2 of 2" in seen(turned) and turned.message_id == page.message_id
    await press(telegram, team.alice, turned, "case:s:7")
    opened = telegram.sent(team.alice["id"])[-1]
    assert seen(opened).startswith("Case #7")


async def test_stats_count_this_week_and_all_time(telegram: FakeTelegram, team, db: Database) -> None:
    await _report(telegram, 1, CAMPAIGN)
    await _report(telegram, 2, "https://x.com/nurbot_2022/status/123")
    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.alice, card, "case:v:1")
    await press(telegram, team.bob, card, "case:v:1")
    answer = await say(telegram, team.alice, "/stats")
    assert "Open cases now: 1" in seen(answer)
    assert re.search(r"This week \(since Monday, \w+ \d+, \d{4}\)", seen(answer)), seen(answer)
    week, all_time = seen(answer).split("All time")
    for part in (week, all_time):
        assert "Reports: 2" in part and "Cases opened: 2" in part and "Verified: 1 · rejected: 0" in part
        assert "English 1" in part and "By platform: X (Twitter) 1" in part
