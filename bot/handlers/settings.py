"""A citizen's own settings and data: language, privacy, forgetting, and the main menu."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.core.trail import TRAIL_CHOICES
from bot.handlers import citizen as citizen_handlers
from bot.handlers.commands import clear_chat_command_menu, set_chat_command_menu
from bot.handlers.deps import Runtime
from bot.handlers.keyboards import (
    FORGET_YES,
    MENU_HELP,
    MENU_LANGUAGE,
    MENU_PRIVACY,
    MENU_STATUS,
    forget_confirmation,
    language_picker,
    trail_picker,
    value_of,
)
from bot.i18n import SUPPORTED_LOCALES
from bot.render import citizen
from bot.service.reporters import choose_language, chosen_language, forget_reporter
from bot.service.subscriptions import is_subscribed
from bot.service.trail import choose_trail
from bot.telegram.edits import unless_unchanged
from bot.telegram.trail import clear_chat


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the five languages."""
    t = await Runtime.of(context).translator(update.effective_user)
    await update.effective_message.reply_html(citizen.language_prompt(t), reply_markup=language_picker(t.code))


async def on_language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the chosen language; it wins over Telegram's from now on."""
    deps = Runtime.of(context)
    query, user = update.callback_query, update.effective_user
    code = value_of(query.data)
    if code not in SUPPORTED_LOCALES:
        await query.answer(citizen.stale_button(await deps.translator(user)))
        return
    reporter = deps.reporter(user)
    unchanged = await chosen_language(deps.store, reporter) == code
    await choose_language(deps.store, reporter, code, deps.clock())
    deps.language_changed(reporter)
    t = deps.i18n.get(code)
    await query.answer(citizen.language_set(t))
    if unchanged:
        return
    await query.edit_message_text(citizen.language_set(t), reply_markup=language_picker(code))
    await set_chat_command_menu(context.bot, update.effective_chat.id, t)


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what is stored and for how long, with the buttons that choose when the chat is cleared."""
    deps = Runtime.of(context)
    t = await deps.translator(update.effective_user)
    minutes = await deps.trail_minutes(update.effective_user.id)
    await update.effective_message.reply_html(
        citizen.privacy(t, deps.settings.retention_days, minutes, deps.settings.small_count_k),
        reply_markup=trail_picker(t, minutes),
    )


async def on_trail_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store when the citizen's chat is cleared; it holds for messages from now on."""
    deps = Runtime.of(context)
    query, user = update.callback_query, update.effective_user
    t = await deps.translator(user)
    value = value_of(query.data)
    minutes = int(value) if value.isascii() and value.isdigit() else -1
    if minutes not in TRAIL_CHOICES:
        await query.answer(citizen.stale_button(t))
        return
    await choose_trail(deps.store, deps.reporter(user), minutes, deps.clock())
    deps.trail_changed(deps.reporter(user))
    await query.answer(citizen.trail_set(t, minutes))
    await unless_unchanged(
        query.edit_message_text(
            citizen.privacy(t, deps.settings.retention_days, minutes, deps.settings.small_count_k),
            reply_markup=trail_picker(t, minutes),
        )
    )


async def on_forgetme(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before forgetting the user."""
    deps = Runtime.of(context)
    t = await deps.translator(update.effective_user)
    subscribed = await is_subscribed(deps.store, update.effective_chat.id)
    await update.effective_message.reply_html(citizen.forget_prompt(t, subscribed), reply_markup=forget_confirmation(t))


async def on_forget_answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget the user if they confirmed; otherwise say nothing was deleted."""
    deps = Runtime.of(context)
    query, user = update.callback_query, update.effective_user
    t = await deps.translator(user)
    await query.answer()
    if value_of(query.data) != FORGET_YES:
        await _replace(query, citizen.forget_cancelled(t))
        return
    # The chat's trail goes first, while its rows still say what to delete; the question stays for the answer.
    await clear_chat(context.bot, deps, update.effective_chat.id, everything=True, keep={query.message.message_id})
    forgotten = await forget_reporter(
        deps.store, deps.reporter(user), user_id=user.id, username=user.username, now=deps.clock()
    )
    deps.language_changed(deps.reporter(user))
    deps.trail_changed(deps.reporter(user))
    await clear_chat_command_menu(context.bot, update.effective_chat.id)
    await _replace(query, citizen.forgotten(t, forgotten.reports_unlinked, forgotten.unsubscribed))


async def _replace(query: CallbackQuery, text: str) -> None:
    """Replace the question with its answer; a second press of the same button changes nothing."""
    await unless_unchanged(query.edit_message_text(text))


_MENU_ACTIONS = {
    MENU_STATUS: citizen_handlers.on_status,
    MENU_LANGUAGE: on_language,
    MENU_PRIVACY: on_privacy,
    MENU_HELP: citizen_handlers.on_help,
}


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Run the main-menu action the button names, as if its command had been sent."""
    action = _MENU_ACTIONS.get(value_of(update.callback_query.data))
    if action is None:
        t = await Runtime.of(context).translator(update.effective_user)
        await update.callback_query.answer(citizen.stale_button(t))
        return
    await update.callback_query.answer()
    await action(update, context)
