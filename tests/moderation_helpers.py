"""Driving the moderators' side through the fake Bot API: a moderators' group, an admin, commands, presses."""

from __future__ import annotations

from bot.i18n import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE
from tests.conftest import Database
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.server import SentMessage

GROUP = -1001234567890
ADMIN_ID = 900

MODERATION_SETTINGS = {
    "MODERATOR_CHAT_ID": str(GROUP),
    "ADMIN_IDS": str(ADMIN_ID),
    "CARD_REFRESH_SECONDS": "0",
    "MODERATOR_LOCALE": "en",
}


def seen(message: SentMessage) -> str:
    """The message as a person reads it: without the invisible bidi isolates around numbers and names."""
    return message.plain.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")


async def say(telegram: FakeTelegram, user: dict, text: str, *, chat: dict | None = None) -> SentMessage:
    """Send a message (privately unless ``chat``) and return the bot's next message in that chat."""
    chat_id = user["id"] if chat is None else chat["id"]
    before = len(telegram.sent(chat_id))
    telegram.send_text(user, text, chat=chat)
    answer = (await telegram.wait_for_messages(chat_id, before + 1))[before]
    await telegram.wait_until_idle()
    return answer


async def reply(telegram: FakeTelegram, user: dict, to: SentMessage, text: str) -> SentMessage:
    """Answer a bot message; return the bot's next message in that chat."""
    before = len(telegram.sent(to.chat_id))
    telegram.reply(user, to, text)
    answer = (await telegram.wait_for_messages(to.chat_id, before + 1))[before]
    await telegram.wait_until_idle()
    return answer


async def press(telegram: FakeTelegram, user: dict, message: SentMessage, data: str, *, forge: bool = False) -> str:
    """Press a button; return the text of the bot's answer to the press (after the bot went idle)."""
    query_id = telegram.press(user, message, data, forge=forge)
    answer = await telegram.wait_for_call("answerCallbackQuery",
                                          lambda call: call.params.get("callback_query_id") == query_id)
    await telegram.wait_until_idle()
    return answer.params.get("text") or ""


async def appoint(telegram: FakeTelegram, admin: dict, *moderators: dict) -> None:
    for moderator in moderators:
        reply = await say(telegram, admin, f"/mod add {moderator['id']}")
        assert str(moderator["id"]) in reply.plain, reply.plain


def card_of(telegram: FakeTelegram, db: Database, case_id: int) -> SentMessage:
    """The case's card in the moderators' group, as it stands now."""
    message_id = db.value("SELECT card_message_id FROM cases WHERE id = ?", (case_id,))
    [card] = [m for m in telegram.sent(GROUP) if m.message_id == message_id]
    return card


async def wait_for_card(telegram: FakeTelegram, db: Database, case_id: int) -> SentMessage:
    await telegram.wait_until_idle()
    return card_of(telegram, db, case_id)


def snapshot(db: Database) -> str:
    """Everything moderation decides, to show that something changed nothing."""
    tables = ("cases", "case_votes", "audit_log", "templates", "negatives", "roles", "follow_ups", "template_drafts")
    return "\n".join(repr([tuple(row) for row in db.rows(f"SELECT * FROM {table} ORDER BY 1")]) for table in tables)
