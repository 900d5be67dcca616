"""Sending and editing bot messages: long texts in pieces, edits that may change nothing."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Message
from telegram.error import BadRequest

from bot.render.split import split_message


def is_not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.casefold()


def is_message_gone(error: BadRequest) -> bool:
    """The message to edit was deleted (Telegram: "message to edit not found")."""
    return "not found" in error.message.casefold()


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
