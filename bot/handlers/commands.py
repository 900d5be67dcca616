"""The bot's command menu, registered in every language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.i18n import COMMAND_LANGUAGE_CODES, I18n, N_, Translator

log = logging.getLogger(__name__)

CITIZEN_COMMANDS = (
    ("start", N_("Start: what you can send")),
    ("help", N_("What to send and what happens next")),
    ("status", N_("Your latest reports")),
    ("language", N_("Choose the language")),
    ("privacy", N_("What is stored and for how long")),
    ("forgetme", N_("Delete everything linked to you")),
    ("subscribe", N_("Get the weekly digest of verified campaigns")),
    ("unsubscribe", N_("Stop the weekly digest")),
)


MODERATOR_COMMANDS = (
    ("queue", N_("Open cases, the most reported first")),
    ("case", N_("One case: /case number")),
    ("verify", N_("Vote to verify a case")),
    ("reject", N_("Reject a case with a reason")),
    ("template", N_("Templates: add, list, disable, enable")),
    ("negative", N_("Add a common phrase to the negative bank")),
    ("stats", N_("Reports, cases and verdicts")),
    ("digest", N_("This week's digest draft")),
    ("publish", N_("Publish the digest to the subscribers")),
    ("help", N_("How moderation works")),
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


async def register_moderator_menu(bot: Bot, chat_id: int | None, t: Translator) -> None:
    """The moderators' commands in their chat's menu; a chat the bot cannot reach is logged, not fatal."""
    if chat_id is None:
        return
    commands = [BotCommand(name, t.gettext(description)) for name, description in MODERATOR_COMMANDS]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except (BadRequest, Forbidden) as exc:
        log.warning("cannot set the moderators' command menu: %s", exc.message)
