"""The bot's command menu, registered in every language."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.i18n import COMMAND_LANGUAGE_CODES, I18n, N_, Translator

CITIZEN_COMMANDS = (
    ("start", N_("Start: what you can send")),
    ("help", N_("What to send and what happens next")),
    ("status", N_("Your latest reports")),
    ("language", N_("Choose the language")),
    ("privacy", N_("What is stored and for how long")),
    ("forgetme", N_("Delete everything linked to you")),
)


def citizen_commands(t: Translator) -> list[BotCommand]:
    return [BotCommand(name, t.gettext(description)) for name, description in CITIZEN_COMMANDS]


async def register_command_menus(bot: Bot, i18n: I18n) -> None:
    """The default menu in the default language, plus one per language for Telegram's language_code."""
    await bot.set_my_commands(citizen_commands(i18n.get(None)))
    for t in i18n.all():
        await bot.set_my_commands(citizen_commands(t), language_code=COMMAND_LANGUAGE_CODES[t.code])


async def set_chat_command_menu(bot: Bot, chat_id: int, t: Translator) -> None:
    """Show this chat the menu in the language its user chose, whatever Telegram's language is."""
    await bot.set_my_commands(citizen_commands(t), scope=BotCommandScopeChat(chat_id))


async def clear_chat_command_menu(bot: Bot, chat_id: int) -> None:
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
