"""Sending and editing bot messages: long texts in pieces, edits that may change nothing."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, cast

from telegram import CallbackQuery, Message
from telegram.error import BadRequest

from bot.render.split import split_message


def is_not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.casefold()


def is_message_gone(error: BadRequest) -> bool:
    """The message to edit was deleted (Telegram: "message to edit not found")."""
    return "not found" in error.message.casefold()


def pressed_message(query: CallbackQuery) -> Message:
    """The message whose button was pressed. PTB types it MaybeInaccessibleMessage: Telegram sends an
    InaccessibleMessage (no text, no editing) for a message the bot can no longer see. The handlers treat it as a
    Message, as they always did: such a press fails at the first Message-only call, as before."""
    return cast(Message, query.message)


async def unless_unchanged(edit: Awaitable[Any]) -> None:
    """Await an edit; Telegram refuses one that changes nothing, and that is fine here."""
    try:
        await edit
    except BadRequest as error:
        if not is_not_modified(error):
            raise


async def reply_long(message: Message, text: str) -> None:
    """Reply with HTML that may be longer than one Telegram message."""
    for piece in split_message(text):
        await message.reply_html(piece)
