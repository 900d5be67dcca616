"""Driving the moderators' side through the sandbox Bot API: a moderators' group, an admin, appointing, cards."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox import FakeTelegram, SentMessage, press, reply, say, seen
from tests.databases import Database

__all__ = [
    "ADMIN_ID",
    "GROUP",
    "MODERATION_SETTINGS",
    "Team",
    "appoint",
    "card_of",
    "form_team",
    "press",
    "reply",
    "say",
    "seen",
    "snapshot",
    "wait_for_card",
]

GROUP = -1001234567890
ADMIN_ID = 900

MODERATION_SETTINGS = {
    "MODERATOR_CHAT_ID": str(GROUP),
    "ADMIN_IDS": str(ADMIN_ID),
    "CARD_REFRESH_SECONDS": "0",
    "MODERATOR_LOCALE": "en",
    "MODERATOR_PROBATION_VOTES": "0",  # the team is trusted from the start; tests of probation set it
}


@dataclass(frozen=True)
class Team:
    group: dict
    admin: dict
    alice: dict
    bob: dict
    carol: dict


async def form_team(telegram: FakeTelegram) -> Team:
    """The moderators' group, the admin Aigerim, and Alice, Bob and Carol appointed as moderators."""
    group = telegram.add_group(GROUP, "Kuzet moderators")
    admin = telegram.user(ADMIN_ID, first_name="Aigerim")
    alice, bob = telegram.user(901, first_name="Alice"), telegram.user(902, first_name="Bob")
    carol = telegram.user(903, first_name="Carol")
    await appoint(telegram, admin, alice, bob, carol)
    return Team(group, admin, alice, bob, carol)


async def appoint(telegram: FakeTelegram, admin: dict, *moderators: dict) -> None:
    for moderator in moderators:
        reply = await say(telegram, admin, f"/mod add {moderator['id']}")
        assert str(moderator["id"]) in reply.plain, reply.plain


CARD_WAIT_SECONDS = 70
"""A new card may wait for the group's window (20 messages a minute, edits of other cards included): a test that
sends many reports to one case can fill it, and a busy machine changes how many edits get in first."""


def card_of(telegram: FakeTelegram, db: Database, case_id: int) -> SentMessage:
    """The case's card in the moderators' group, as it stands now."""
    message_id = db.value("SELECT card_message_id FROM cases WHERE id = ?", (case_id,))
    [card] = [m for m in telegram.sent(GROUP) if m.message_id == message_id]
    return card


async def wait_for_card(telegram: FakeTelegram, db: Database, case_id: int) -> SentMessage:
    """The case's card once the bot is idle and the card is posted (a loaded machine can pause the card
    sender for longer than the sandbox's idea of idle)."""
    await telegram.wait_until_idle()

    def posted() -> bool:
        message_id = db.value("SELECT card_message_id FROM cases WHERE id = ?", (case_id,))
        return any(m.message_id == message_id for m in telegram.sent(GROUP))

    await telegram.wait_until(posted, timeout=CARD_WAIT_SECONDS, what=f"the card of case {case_id}")
    return card_of(telegram, db, case_id)


def snapshot(db: Database) -> str:
    """Everything moderation decides, to show that something changed nothing."""
    tables = (
        "cases",
        "case_votes",
        "audit_log",
        "templates",
        "template_labels",
        "negatives",
        "roles",
        "follow_ups",
        "template_drafts",
    )
    return "\n".join(repr([tuple(row) for row in db.rows(f"SELECT * FROM {table} ORDER BY 1")]) for table in tables)
