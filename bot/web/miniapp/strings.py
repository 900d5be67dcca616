"""The Mini App's string table: every text the client shows, in the moderator's language (the API sends codes)."""

from __future__ import annotations

from bot.i18n import Translator


def app_strings(t: Translator) -> dict[str, str]:
    """Each string code the client uses, translated."""
    return {}
