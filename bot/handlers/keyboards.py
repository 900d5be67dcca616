"""Inline keyboards and their callback data.

Callback data is a short prefix and a value (``lang:kk``); handlers match
the prefix with a pattern and validate the value before acting on it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.trail import TRAIL_CHOICES
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.render.citizen import trail_choice

MENU = "menu"
LANGUAGE = "lang"
FORGET = "forget"
TRAIL = "trail"

MENU_STATUS, MENU_LANGUAGE, MENU_PRIVACY, MENU_HELP = "status", "language", "privacy", "help"
FORGET_YES, FORGET_NO = "yes", "no"


def data(prefix: str, value: str) -> str:
    return f"{prefix}:{value}"


def value_of(callback_data: str | None) -> str:
    """The value part of ``prefix:value`` callback data."""
    return (callback_data or "").partition(":")[2]


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    _ = t.gettext
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("📋 My reports"), callback_data=data(MENU, MENU_STATUS)),
                InlineKeyboardButton(_("🌐 Language"), callback_data=data(MENU, MENU_LANGUAGE)),
            ],
            [
                InlineKeyboardButton(_("🔒 Privacy"), callback_data=data(MENU, MENU_PRIVACY)),
                InlineKeyboardButton(_("❓ Help"), callback_data=data(MENU, MENU_HELP)),
            ],
        ]
    )


def language_picker(current: str) -> InlineKeyboardMarkup:
    """One button per language, each named in itself; the current one ticked."""
    buttons = [
        InlineKeyboardButton(("✓ " if code == current else "") + name, callback_data=data(LANGUAGE, code))
        for code, name in LANGUAGE_NAMES.items()
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def forget_confirmation(t: Translator) -> InlineKeyboardMarkup:
    _ = t.gettext
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("🗑 Yes, delete my data"), callback_data=data(FORGET, FORGET_YES)),
                InlineKeyboardButton(_("Cancel"), callback_data=data(FORGET, FORGET_NO)),
            ]
        ]
    )


def trail_picker(t: Translator, current: int) -> InlineKeyboardMarkup:
    """The chat trail's delays (off, 10 minutes, 1 hour, 24 hours); the current one ticked."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if minutes == current else "") + trail_choice(t, minutes), callback_data=data(TRAIL, str(minutes))
        )
        for minutes in TRAIL_CHOICES
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])
