"""Playing a person in the sandbox: say something, answer a message, press a button, read a reply."""

from __future__ import annotations

from bot.i18n import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE

from .driver import FakeTelegram
from .state import SentMessage


def seen(message: SentMessage) -> str:
    """The message as a person reads it: without the invisible bidi isolates around numbers and names."""
    return message.plain.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")


async def say(
    telegram: FakeTelegram, user: dict, text: str, *, chat: dict | None = None, timeout: float = 10
) -> SentMessage:
    """Send a message (privately unless ``chat``) and return the bot's next message in that chat."""
    chat_id = user["id"] if chat is None else chat["id"]
    before = len(telegram.sent(chat_id))
    telegram.send_text(user, text, chat=chat)
    answer = (await telegram.wait_for_messages(chat_id, before + 1, timeout=timeout))[before]
    await telegram.wait_until_idle(timeout=timeout)
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
    answer = await telegram.wait_for_call(
        "answerCallbackQuery", lambda call: call.params.get("callback_query_id") == query_id
    )
    await telegram.wait_until_idle()
    return answer.params.get("text") or ""
