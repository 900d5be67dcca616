"""Moderators' commands for the banks: /template, /negative, and templates made from a case's text."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.errors import KuzetError
from bot.handlers.deps import Runtime
from bot.telegram.edits import reply_long, unless_unchanged
from bot.handlers.moderator_input import chat_translator, command_rest, number_arg, refusing, refusing_press
from bot.handlers.moderation_keyboards import DRAFT, draft_keyboard, parse_id
from bot.render import admin, citizen, moderation, moderator_replies as replies
from bot.service.bank import add_negative, add_template, correct_draft, list_templates, save_draft, set_template_enabled


async def on_template(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/template add <text> | list | disable <n> | enable <n>."""
    deps = Runtime.of(context)
    message = update.effective_message
    t = await chat_translator(update, context)
    args = context.args or []
    action = args[0].casefold() if args else ""
    actor, now = deps.actor(update.effective_user), deps.clock()
    async with refusing(message, t):
        if action == "add" and (text := command_rest(message, 2)):
            template = await add_template(deps.store, deps.matcher, actor, text, now)
            await message.reply_html(replies.template_added(t, template))
        elif action == "list" and len(args) == 1:
            await reply_long(message, admin.templates(t, await list_templates(deps.store, actor)))
        elif action in ("disable", "enable") and len(args) == 2 and (number := number_arg(args[1])) is not None:
            enabled = action == "enable"
            changed = await set_template_enabled(deps.store, deps.matcher, actor, number, enabled, now)
            await message.reply_html(replies.template_switched(t, number, enabled, changed))
        else:
            await message.reply_html(replies.usage(t, moderation.HELP_TEMPLATE))


async def on_negative(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/negative add <text>."""
    deps = Runtime.of(context)
    message = update.effective_message
    t = await chat_translator(update, context)
    args = context.args or []
    text = command_rest(message, 2)
    if not args or args[0].casefold() != "add" or not text:
        await message.reply_html(replies.usage(t, moderation.HELP_NEGATIVE))
        return
    async with refusing(message, t):
        negative_id = await add_negative(deps.store, deps.matcher, deps.actor(update.effective_user), text, deps.clock())
        await message.reply_html(replies.negative_added(t, negative_id))


async def on_draft_save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """💾 Save: the draft becomes a template; the case's card shows it."""
    deps = Runtime.of(context)
    query = update.callback_query
    toast_t = await deps.translator(update.effective_user)
    draft_id = parse_id(DRAFT, query.data)
    if draft_id is None:
        await query.answer(citizen.stale_button(toast_t))
        return
    async with refusing_press(query, toast_t):
        case_id, template = await save_draft(deps.store, deps.matcher, deps.actor(update.effective_user), draft_id,
                                             deps.clock())
        await query.answer()
        t = await chat_translator(update, context)
        await query.message.edit_text(moderation.draft_saved(t, case_id, template))
        await Runtime.of(context).cards.refresh(context.application, case_id)


async def on_draft_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to a template draft corrects its text; any other reply is left to the other handlers."""
    deps = Runtime.of(context)
    message = update.effective_message
    try:
        corrected = await correct_draft(deps.store, deps.actor(update.effective_user), message.chat.id,
                                        message.reply_to_message.message_id, message.text or "", deps.clock())
    except KuzetError as exc:
        t = await chat_translator(update, context)
        await message.reply_html(replies.refusal(t, exc))
        raise ApplicationHandlerStop from None
    if corrected is None:
        return
    draft, cut = corrected
    t = await chat_translator(update, context)
    await unless_unchanged(context.bot.edit_message_text(
        moderation.draft(t, draft.case_id, draft.text, cut=cut), chat_id=draft.chat_id, message_id=draft.message_id,
        reply_markup=draft_keyboard(t, draft.id)))
    await message.reply_html(replies.draft_corrected(t))
    raise ApplicationHandlerStop
