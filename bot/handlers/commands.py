"""The bot's command menu and its descriptions, registered in every language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from telegram.error import BadRequest, Forbidden

from bot.i18n import COMMAND_LANGUAGE_CODES, N_, I18n, Translator

log = logging.getLogger(__name__)

CITIZEN_COMMANDS = (
    ("start", N_("Start: what you can send")),
    ("help", N_("What to send and what happens next")),
    ("status", N_("Your latest reports")),
    ("language", N_("Choose the language")),
    ("privacy", N_("What is stored and for how long")),
    ("forgetme", N_("Delete everything linked to you")),
    ("wipe", N_("Delete this chat's messages now")),
    ("subscribe", N_("Get the weekly digest of verified campaigns")),
    ("unsubscribe", N_("Stop the weekly digest")),
)

DESCRIPTION = N_(
    "Kuzet helps expose fake accounts and copy-paste propaganda. Forward a suspicious post or comment, paste "
    "its text, or send a link to an account: you get a receipt with a report number at once. Volunteer "
    "moderators review every report; verified campaigns go into a weekly digest. Your Telegram ID is never "
    "stored with your reports."
)
"""What an empty chat with the bot shows (Telegram allows 512 characters)."""
APP_MENU = N_("🗂 Queue")
"""The menu button of a moderator's private chat, and the button that opens the Mini App."""
SHORT_DESCRIPTION = N_("Report fake accounts and copy-paste propaganda; volunteer moderators check every report.")
"""The bot's profile line and the text shared with its link (Telegram allows 120 characters)."""

MODERATOR_COMMANDS = (
    ("queue", N_("Open cases, the most reported first")),
    ("case", N_("One case: /case number")),
    ("network", N_("An account network: /network number")),
    ("verify", N_("Vote to verify a case")),
    ("reject", N_("Reject a case with a reason")),
    ("template", N_("Templates: add, list, disable, enable, label")),
    ("negative", N_("Add a common phrase to the negative bank")),
    ("image", N_("The image bank: campaign images and common pictures")),
    ("stats", N_("Reports, cases and verdicts")),
    ("digest", N_("This week's digest draft")),
    ("publish", N_("Publish the digest to the subscribers")),
    ("alias", N_("Be shown by your alias or your name")),
    ("help", N_("How moderation works")),
)


def citizen_commands(t: Translator) -> list[BotCommand]:
    return [BotCommand(name, t.gettext(description)) for name, description in CITIZEN_COMMANDS]


async def register_command_menus(bot: Bot, i18n: I18n) -> None:
    """The default menu and descriptions in the default language, plus one set per language for Telegram's
    language_code."""
    await bot.set_my_commands(citizen_commands(i18n.get(None)))
    for t in i18n.all():
        await bot.set_my_commands(citizen_commands(t), language_code=COMMAND_LANGUAGE_CODES[t.code])
    await _register_descriptions(bot, i18n)


async def _register_descriptions(bot: Bot, i18n: I18n) -> None:
    """A description Telegram refuses (a translation too long) is logged, not fatal; network failures are left
    to the caller, which tries again later."""
    for t, code in [(i18n.get(None), None), *((t, COMMAND_LANGUAGE_CODES[t.code]) for t in i18n.all())]:
        try:
            await bot.set_my_description(t.gettext(DESCRIPTION), language_code=code)
            await bot.set_my_short_description(t.gettext(SHORT_DESCRIPTION), language_code=code)
        except BadRequest as exc:
            log.warning("the %s description was refused: %s", t.code, exc.message)


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


async def set_app_menu(bot: Bot, chat_id: int, t: Translator | None, url: str | None) -> None:
    """A moderator's private chat: its menu button opens the Mini App at ``url`` (labelled in ``t``'s language), or,
    without a url, is the default again. A chat Telegram refuses (they never wrote, or blocked the bot) is logged."""
    button = MenuButtonDefault() if url is None or t is None else MenuButtonWebApp(t.gettext(APP_MENU), WebAppInfo(url))
    try:
        await bot.set_chat_menu_button(chat_id, button)
    except (BadRequest, Forbidden) as exc:
        log.info("a moderator's menu button was not changed: %s", exc.message)
