"""What moderators read when the bot had to skip an update from Telegram."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render import number, user_text


def skipped_update(t: Translator, update_id: int, kind: str) -> str:
    return t.gettext(
        "⚠️ An update from Telegram could not be read and was skipped (update {number}, kind: {kind}). "
        "Details are in the log."
    ).format(number=number(update_id), kind=user_text(kind))
