"""Roles live in the database, admins manage them, and every moderator action is in the append-only audit log."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from bot.app import running
from bot.sandbox import FakeTelegram, SentMessage
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, GROUP, appoint, card_of, press, reply, say, seen, wait_for_card

TEXT = "The President always cares and thinks about the people of every region, thank you"


@pytest.fixture
def settings(moderation_settings):
    return moderation_settings()


async def _two_cases(telegram: FakeTelegram, db: Database) -> tuple[dict, dict, dict, SentMessage]:
    """The admin, Alice and Bob, two open cases, and the first case's card."""
    telegram.add_group(GROUP, "Kuzet moderators")
    admin = telegram.user(ADMIN_ID, first_name="Aigerim")
    alice, bob = telegram.user(901, first_name="Alice"), telegram.user(902, first_name="Bob")
    await appoint(telegram, admin, alice, bob)
    await say(telegram, telegram.user(1), TEXT)
    await say(telegram, telegram.user(2), "Foreign agents spread lies about our elections, do not trust them")
    return admin, alice, bob, await wait_for_card(telegram, db, 1)


async def test_admins_add_list_and_remove_moderators_by_id_or_by_reply(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    group = telegram.add_group(GROUP, "Kuzet moderators")
    admin = telegram.user(ADMIN_ID, first_name="Aigerim")
    dana = telegram.user(903, first_name="Dana")
    async with running(settings):
        assert [tuple(row) for row in db.rows("SELECT user_id, role FROM roles")] == [(ADMIN_ID, "admin")]
        said = telegram.send_text(dana, "hello, I would like to help", chat=group)
        before = len(telegram.sent(GROUP))
        telegram.reply(admin, said, "/mod add")
        [added] = (await telegram.wait_for_messages(GROUP, before + 1))[before:]
        assert seen(added) == "Moderator 2 (903) is now a moderator."  # her alias: never the name replied to
        assert tuple(db.rows("SELECT user_id, role, name, added_by FROM roles WHERE user_id = 903")[0]) == (
            903,
            "moderator",
            "Dana",
            ADMIN_ID,
        )
        assert seen(await say(telegram, admin, "/mod add 903")) == "Moderator 2 (903) already moderates."
        listing = await say(telegram, admin, "/mod list")
        assert "Moderator 2 · 903 · moderator" in seen(listing) and "Moderator 1 · 900 · admin" in seen(listing)
        assert "Dana" not in seen(listing)
        assert seen(await say(telegram, admin, f"/mod remove {ADMIN_ID}")).startswith("Admins are set with ADMIN_IDS")
        assert seen(await say(telegram, admin, "/mod remove 903")) == "Moderator 2 (903) no longer moderates."
        assert seen(await say(telegram, dana, "/queue")) == "Only moderators can do this."
        assert seen(await say(telegram, admin, "/mod add nobody")).startswith("Usage: /mod add")


async def test_the_audit_log_holds_every_action_and_refuses_changes(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings):
        admin, alice, bob, card = await _two_cases(telegram, db)
        await press(telegram, alice, card, "case:v:1")
        await press(telegram, alice, card_of(telegram, db, 1), "case:w:1")
        await press(telegram, alice, card_of(telegram, db, 1), "case:v:1")
        await press(telegram, bob, card_of(telegram, db, 1), "case:v:1")
        await say(telegram, bob, "/reject 2 a real journalist's opinion")
        await say(telegram, admin, "/reopen 2")
        await press(telegram, alice, card_of(telegram, db, 2), "case:t:2")
        draft = telegram.sent(GROUP)[-1]
        await reply(
            telegram, alice, draft, "Foreign agents spread lies about our {elections|referendum}, do not trust them"
        )
        await press(telegram, alice, draft, "draft:1")
        await say(telegram, alice, "/template add Our {glorious|great} leader thinks about every family {*}")
        await say(telegram, alice, "/template disable 1")
        await say(telegram, alice, "/template enable 1")
        await say(telegram, alice, "/negative add Blessings to all the mothers of our land")
        await say(telegram, admin, "/mod remove 902")

        log = db.rows("SELECT actor_id, action, case_id FROM audit_log ORDER BY id")
        assert [tuple(row) for row in log] == [
            (None, "role.add", None),
            (ADMIN_ID, "role.add", None),
            (ADMIN_ID, "role.add", None),
            (901, "vote.verify", 1),
            (901, "vote.withdraw", 1),
            (901, "vote.verify", 1),
            (902, "vote.verify", 1),
            (902, "case.verify", 1),
            (902, "case.reject", 2),
            (ADMIN_ID, "case.reopen", 2),
            (901, "template.draft", 2),
            (901, "template.draft_edit", 2),
            (901, "template.add", 2),
            (901, "template.add", None),
            (901, "template.disable", None),
            (901, "template.enable", None),
            (901, "negative.add", None),
            (ADMIN_ID, "role.remove", None),
        ]
        reject = db.rows("SELECT before_value, after_value FROM audit_log WHERE action = 'case.reject'")[0]
        assert '"status": "open"' in reject[0] and "a real journalist's opinion" in reject[1]

        shown = seen(await say(telegram, admin, "/audit 50"))
        assert shown.startswith("Audit log, latest first") and shown.count("\n") >= 5
        assert "Moderator 1: took a role away" in shown and "Moderator 2: added to the negative bank" in shown
        assert seen(await say(telegram, alice, "/audit")) == "Only admins can do this."

    refusals = (sqlite3.IntegrityError, psycopg.errors.RestrictViolation)
    for statement in ("UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"):
        with pytest.raises(refusals, match="append-only"), db.connect() as conn:
            conn.execute(statement)
    if db.url.engine == "postgresql":
        with pytest.raises(refusals, match="append-only"), db.connect() as conn:
            conn.execute("TRUNCATE audit_log")
    assert db.value("SELECT COUNT(*) FROM audit_log") > 5


async def test_the_audit_log_reads_as_words_not_as_stored_fields(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    async with running(settings):
        admin, alice, bob, card = await _two_cases(telegram, db)
        await press(telegram, alice, card, "case:v:1")
        await press(telegram, bob, card, "case:v:1")
        await press(telegram, alice, card_of(telegram, db, 2), "case:x:2")
        await press(telegram, alice, card_of(telegram, db, 2), "case:r:2:genuine")
        await say(telegram, alice, "/template disable 1")

        shown = seen(await say(telegram, admin, "/audit 50"))
    assert (
        "Moderator 3: voted to verify · case #1\n   votes: Moderator 2 (1) → Moderator 2 and Moderator 3 (2)" in shown
    )
    assert "status: open → verified · votes: Moderator 2 and Moderator 3 (2)" in shown
    assert (
        "Moderator 2: rejected a case · case #2\n   status: open → rejected · reason: A real person's own opinion"
        in shown
    )
    assert "disabled a template · template #1\n   ✅ on → ⏸ off" in shown
    assert f"gave a role · user {alice['id']}\n   role: moderator" in shown
    for internal in ("verify_votes", "reason_code", "enabled", "genuine", "=", "{", "[", '"'):
        assert internal not in shown


async def test_mod_add_takes_only_ascii_digits_and_never_the_bot_itself(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    admin = telegram.user(ADMIN_ID, first_name="Aigerim")
    async with running(settings) as application:
        for other_script in ("٥٥٥", "５５５", "৫৫৫"):  # Arabic-Indic, full-width and Bengali 555
            assert seen(await say(telegram, admin, f"/mod add {other_script}")).startswith("Usage: /mod add")
        refused = await say(telegram, admin, f"/mod add {application.bot.id}")
        assert seen(refused) == "That is my own id: I cannot moderate. Send the id of a person."
        assert [tuple(row) for row in db.rows("SELECT user_id, role FROM roles")] == [(ADMIN_ID, "admin")]
        assert seen(await say(telegram, admin, "/mod add 555")) == "Moderator 2 (555) is now a moderator."


def test_every_audit_action_has_a_name_in_words() -> None:
    from bot.core.audit import AuditAction
    from bot.render.admin import ACTION_NAMES

    assert set(ACTION_NAMES) == set(AuditAction)
