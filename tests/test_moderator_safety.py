"""Moderators who are not exposed: aliases wherever others look, votes blind until the decision, and probation
for new moderators, through the real bot and the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import GROUP, card_of, press, say, seen, wait_for_card
from tests.test_digest import CAMPAIGN
from tests.test_scan import kuzet

OTHER = "Foreign agents spread lies about our elections, do not trust them"
NAMES = ("Aigerim", "Alice", "Bob", "Carol", "Dana")
"""The first names of the admin and the moderators (tests/moderation_helpers.py, and Dana below)."""


async def _case(telegram: FakeTelegram, db: Database, text: str, case_id: int) -> None:
    await say(telegram, telegram.user(case_id * 10 + 1), text)
    await say(telegram, telegram.user(case_id * 10 + 2), text + "!")
    await wait_for_card(telegram, db, case_id)


def _everything_sent(telegram: FakeTelegram) -> str:
    """Every request the bot made (messages, edits, captions, toasts), parameters and all."""
    return "\n".join(json.dumps(call.params, ensure_ascii=False) for call in telegram.calls)


async def test_no_moderators_name_reaches_the_group_the_audit_log_or_the_export(
    telegram: FakeTelegram, moderated, db: Database, tmp_path: Path
) -> None:
    async with moderated() as team:
        await _case(telegram, db, CAMPAIGN, 1)
        await press(telegram, team.alice, card_of(telegram, db, 1), "case:c:1")
        assert "🙋 Moderator 2 is working on it" in seen(card_of(telegram, db, 1))
        await press(telegram, team.alice, card_of(telegram, db, 1), "case:v:1")
        await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
        dana = telegram.user(904, first_name="Dana")
        said = telegram.send_text(dana, "hello, I would like to help", chat=team.group)
        before = len(telegram.sent(GROUP))
        telegram.reply(team.admin, said, "/mod add")
        [added] = (await telegram.wait_for_messages(GROUP, before + 1))[before:]
        audit = seen(await say(telegram, team.admin, "/audit 50"))
        listing = seen(await say(telegram, team.admin, "/mod list"))
        await telegram.wait_until_idle()
        card = seen(card_of(telegram, db, 1))
    exported = {format: kuzet(["export", "--format", format], tmp_path) for format in ("json", "csv")}

    assert "by Moderator 2 and Moderator 3." in card
    assert seen(added) == "Moderator 5 (904) is now a moderator."
    assert (
        "Moderator 3: voted to verify · case #1\n   votes: Moderator 2 (1) → Moderator 2 and Moderator 3 (2)" in audit
    )
    assert "Moderator 1: gave a role · user 904" in audit
    assert "• Moderator 2 · 901 · moderator" in listing and "• Moderator 1 · 900 · admin" in listing
    assert db.value("SELECT name FROM roles WHERE user_id = 904") == "Dana"  # kept for /alias name, never shown
    for format, result in exported.items():
        assert result.returncode == 0, result.stderr
        assert "901" not in result.stdout and "902" not in result.stdout, format
    outputs = {
        "sent": _everything_sent(telegram),
        "audit": audit,
        "list": listing,
        **{format: result.stdout for format, result in exported.items()},
    }
    for where, text in outputs.items():
        for name in NAMES:
            assert name not in text, (where, name)


async def test_a_moderator_chooses_their_name_or_their_alias_and_each_change_is_audited(
    telegram: FakeTelegram, team, db: Database
) -> None:
    shown = seen(await say(telegram, team.alice, "/alias name"))
    assert shown.startswith("🪪 Others see you by your Telegram name, Alice.")
    await _case(telegram, db, CAMPAIGN, 1)
    await press(telegram, team.alice, card_of(telegram, db, 1), "case:c:1")
    assert "🙋 Alice is working on it" in seen(card_of(telegram, db, 1))

    hidden = seen(await say(telegram, team.alice, "/alias hide"))
    assert hidden.startswith("🎭 Others see you as Moderator 2: cards, the audit log, digests and exports never")
    assert "That was already so." in seen(await say(telegram, team.alice, "/alias hide"))
    assert seen(await say(telegram, team.alice, "/alias")).startswith("🎭 Others see you as Moderator 2")
    await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")  # the card is drawn again
    assert "🙋 Moderator 2 is working on it" in seen(card_of(telegram, db, 1))
    assert seen(await say(telegram, team.bob, "/alias everyone")).startswith("Usage: /alias hide")
    member = telegram.user(777, first_name="Member")
    assert seen(await say(telegram, member, "/alias name", chat=team.group)) == "Only moderators can do this."

    log = [tuple(row) for row in db.rows("SELECT actor_id, action FROM audit_log WHERE action LIKE 'alias.%'")]
    assert log == [(team.alice["id"], "alias.name_shown"), (team.alice["id"], "alias.name_hidden")]
    audit = seen(await say(telegram, team.admin, "/audit 50"))
    assert "Moderator 2: chose to be shown by their alias" in audit
    assert "Moderator 2: chose to be shown by their Telegram name" in audit


async def test_with_aliases_off_moderators_are_named_as_before(telegram: FakeTelegram, moderated, db: Database) -> None:
    async with moderated(MODERATOR_ALIASES="0") as team:
        await _case(telegram, db, CAMPAIGN, 1)
        await press(telegram, team.alice, card_of(telegram, db, 1), "case:v:1")
        await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
        assert "by Alice and Bob." in seen(card_of(telegram, db, 1))
        assert seen(await say(telegram, team.alice, "/alias hide")).startswith("Aliases are switched off here")


async def test_votes_stay_blind_until_the_case_is_decided(telegram: FakeTelegram, team, db: Database) -> None:
    await _case(telegram, db, CAMPAIGN, 1)
    assert await press(telegram, team.alice, card_of(telegram, db, 1), "case:v:1") == "Your vote to verify is counted."
    open_card = seen(card_of(telegram, db, 1))
    assert "Votes to verify: 1 of 2\n🙈 Who voted is shown once the case is decided." in open_card
    assert "Moderator 2" not in open_card
    queue = seen(await say(telegram, team.carol, "/queue"))
    assert "#1 · 1/2 ·" in queue and "Moderator 2" not in queue

    await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
    decided = seen(card_of(telegram, db, 1))
    assert "✅ verified" in decided and "by Moderator 2 and Moderator 3." in decided
    assert "🙈" not in decided


async def test_moderators_on_probation_cannot_verify_a_case_until_their_votes_agreed(
    telegram: FakeTelegram, moderated, db: Database
) -> None:
    async with moderated(MODERATOR_PROBATION_VOTES="1", VERIFY_QUORUM="1") as team:
        await _case(telegram, db, CAMPAIGN, 1)
        answer = await press(telegram, team.alice, card_of(telegram, db, 1), "case:v:1")
        assert answer == "🔰 Your vote is recorded. You are on probation: it does not count toward verifying."
        await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
        assert db.value("SELECT status FROM cases WHERE id = 1") == "open"  # a burst of new ones verifies nothing
        card = seen(card_of(telegram, db, 1))
        assert "Votes to verify: 0 of 1\n🔰 2 more votes from moderators on probation: recorded, not counted" in card
        listing = seen(await say(telegram, team.admin, "/mod list"))
        assert "• Moderator 2 · 901 · moderator · 🔰 on probation: 0 of 1 votes agreed with the decision" in listing
        assert "admin · 🔰" not in listing
        log = seen(await say(telegram, team.admin, "/audit"))
        on_probation = "🔰 cast on probation: not counted toward the quorum"
        assert [line.count(on_probation) for line in log.splitlines() if "votes:" in line] == [1, 1]

        await press(telegram, team.admin, card_of(telegram, db, 1), "case:v:1")
        assert db.value("SELECT status FROM cases WHERE id = 1") == "verified"
        verified = seen(card_of(telegram, db, 1))
        for shown in ("Moderator 2 (on probation)", "Moderator 3 (on probation)", "Moderator 1"):
            assert shown in verified.split("by ")[-1], shown
        assert "Moderator 1 (on probation)" not in verified
        listing = seen(await say(telegram, team.admin, "/mod list"))
        assert "• Moderator 2 · 901 · moderator\n" in listing  # her vote agreed: probation is over
        assert "• Moderator 4 · 903 · moderator · 🔰 on probation: 0 of 1" in listing

        await _case(telegram, db, OTHER, 2)
        assert await press(telegram, team.alice, card_of(telegram, db, 2), "case:v:2") == "Case #2 is verified."
    votes = [tuple(row) for row in db.rows("SELECT case_id, moderator_id, probation FROM case_votes ORDER BY 1, 2")]
    assert votes == [(1, 900, 0), (1, 901, 1), (1, 902, 1), (2, 901, 0)]
