"""Moderators: cases (commands and card buttons), the queue and /stats.

Each handler turns the update into a use-case call with the acting user;
the use case checks that user's role in the database. Chat membership
grants nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.core.cases import CaseView, RejectReason
from bot.errors import CaseClosed
from bot.handlers.cards import CardDesk
from bot.handlers.deps import Deps
from bot.handlers.edits import reply_long, unless_unchanged
from bot.handlers.follow_ups import deliver_outcomes
from bot.handlers.moderator_input import (
    chat_translator,
    command_rest,
    number_arg,
    only_number,
    refusing,
    refusing_press,
)
from bot.handlers.moderation_keyboards import (
    BACK,
    DETAILS,
    QUEUE,
    REASON,
    REJECT,
    REOPEN,
    SHOW,
    TEMPLATE,
    VERIFY,
    case_keyboard,
    draft_keyboard,
    parse_case_press,
    parse_id,
    queue_keyboard,
    reason_keyboard,
)
from bot.render import admin, citizen, moderation, moderator_replies as replies
from bot.service.bank import place_draft, start_draft
from bot.service.cases import (
    case_details,
    open_queue,
    reject_case,
    reopen_case,
    view_case,
    vote_verify,
)
from bot.service.stats import moderation_stats

async def after_change(application: Application, view: CaseView) -> None:
    """After a vote, reject or reopen: update the card, and tell the reporters who asked if the case is decided."""
    await CardDesk.of(application).refresh(application, view.case.id, view)
    if not view.case.is_open:
        await deliver_outcomes(application)


async def on_queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open cases, most reported first, with buttons to open each and to turn pages."""
    deps = Deps.of(context)
    t = await chat_translator(update, context)
    async with refusing(update.effective_message, t):
        page = await open_queue(deps.store, deps.actor(update.effective_user), deps.settings.policy, 1)
        await update.effective_message.reply_html(moderation.queue(t, page), reply_markup=queue_keyboard(t, page))


async def on_queue_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = Deps.of(context)
    query = update.callback_query
    toast_t = await deps.translator(update.effective_user)
    number = parse_id(QUEUE, query.data)
    if number is None:
        await query.answer(citizen.stale_button(toast_t))
        return
    async with refusing_press(query, toast_t):
        page = await open_queue(deps.store, deps.actor(update.effective_user), deps.settings.policy, number)
        await query.answer()
        t = await chat_translator(update, context)
        await unless_unchanged(query.message.edit_text(moderation.queue(t, page), reply_markup=queue_keyboard(t, page)))


async def on_case(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One case's card, here."""
    deps = Deps.of(context)
    t = await chat_translator(update, context)
    case_id = only_number(context)
    if case_id is None:
        await update.effective_message.reply_html(replies.usage(t, moderation.HELP_CASE))
        return
    async with refusing(update.effective_message, t):
        view = await view_case(deps.store, deps.actor(update.effective_user), case_id, deps.settings.policy)
        await update.effective_message.reply_html(moderation.card(t, view), reply_markup=case_keyboard(t, view))


async def on_verify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/verify <n>: one vote to verify."""
    deps = Deps.of(context)
    t = await chat_translator(update, context)
    case_id = only_number(context)
    if case_id is None:
        await update.effective_message.reply_html(replies.usage(t, moderation.HELP_VERIFY))
        return
    async with refusing(update.effective_message, t):
        result = await vote_verify(deps.store, deps.actor(update.effective_user), case_id, deps.settings.policy,
                                   deps.clock())
        await update.effective_message.reply_html(replies.vote_answer(t, result.change, result.decided, case_id))
        await after_change(context.application, result.view)


async def on_reject(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reject <n> <reason>: close the case with a written reason."""
    deps = Deps.of(context)
    t = await chat_translator(update, context)
    args = context.args or []
    case_id = number_arg(args[0]) if args else None
    reason = command_rest(update.effective_message, 2)
    if case_id is None or not reason:
        await update.effective_message.reply_html(replies.usage(t, moderation.HELP_REJECT))
        return
    async with refusing(update.effective_message, t):
        view = await reject_case(deps.store, deps.actor(update.effective_user), case_id, deps.settings.policy,
                                 deps.clock(), RejectReason.OTHER, reason)
        await update.effective_message.reply_html(replies.rejected(t, case_id))
        await after_change(context.application, view)


async def on_reopen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reopen <n>: an admin reopens a decided case."""
    deps = Deps.of(context)
    t = await chat_translator(update, context)
    case_id = only_number(context)
    if case_id is None:
        await update.effective_message.reply_html(replies.usage(t, moderation.HELP_REOPEN))
        return
    async with refusing(update.effective_message, t):
        view = await reopen_case(deps.store, deps.actor(update.effective_user), case_id, deps.settings.policy,
                                 deps.clock())
        await update.effective_message.reply_html(replies.reopened(t, case_id))
        await after_change(context.application, view)


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = Deps.of(context)
    t = await chat_translator(update, context)
    async with refusing(update.effective_message, t):
        figures = await moderation_stats(deps.store, deps.actor(update.effective_user), deps.clock(),
                                         deps.settings.timezone)
        await update.effective_message.reply_html(admin.stats(t, figures))


async def on_case_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button of a case card. The press is refused unless the presser moderates."""
    deps = Deps.of(context)
    query = update.callback_query
    toast_t = await deps.translator(update.effective_user)
    press = parse_case_press(query.data)
    if press is None:
        await query.answer(citizen.stale_button(toast_t))
        return
    actor, policy, now = deps.actor(update.effective_user), deps.settings.policy, deps.clock()
    t = await chat_translator(update, context)
    async with refusing_press(query, toast_t):
        if press.action == VERIFY:
            result = await vote_verify(deps.store, actor, press.case_id, policy, now, toggle=True)
            await query.answer(replies.vote_answer(toast_t, result.change, result.decided, press.case_id))
            await _show_change(update, context, result.view)
        elif press.action == REASON:
            view = await reject_case(deps.store, actor, press.case_id, policy, now, press.reason or RejectReason.OTHER)
            await query.answer(replies.rejected(toast_t, press.case_id))
            await _show_change(update, context, view)
        elif press.action == REOPEN:
            view = await reopen_case(deps.store, actor, press.case_id, policy, now)
            await query.answer(replies.reopened(toast_t, press.case_id))
            await _show_change(update, context, view)
        elif press.action == REJECT:
            view = await view_case(deps.store, actor, press.case_id, policy)
            if not view.case.is_open:
                raise CaseClosed(view.case.id, view.case.status.value)
            await query.answer(replies.choose_reason(toast_t))
            await unless_unchanged(query.message.edit_reply_markup(reply_markup=reason_keyboard(t, press.case_id)))
        elif press.action == BACK:
            view = await view_case(deps.store, actor, press.case_id, policy)
            await query.answer()
            await unless_unchanged(query.message.edit_reply_markup(reply_markup=case_keyboard(t, view)))
        elif press.action == DETAILS:
            view, reports = await case_details(deps.store, actor, press.case_id, policy)
            await query.answer()
            await reply_long(query.message, moderation.details(t, view, reports))
        elif press.action == SHOW:
            view = await view_case(deps.store, actor, press.case_id, policy)
            await query.answer()
            await query.message.reply_html(moderation.card(t, view), reply_markup=case_keyboard(t, view))
        elif press.action == TEMPLATE:
            draft = await start_draft(deps.store, actor, press.case_id, query.message.chat.id, now)
            await query.answer()
            shown = await query.message.reply_html(moderation.draft(t, draft.case_id, draft.text),
                                                   reply_markup=draft_keyboard(t, draft.id))
            await place_draft(deps.store, draft.id, shown.message_id)


async def _show_change(update: Update, context: ContextTypes.DEFAULT_TYPE, view: CaseView) -> None:
    """Show the case as a press left it: on its card, and on the pressed message if that is another copy."""
    await after_change(context.application, view)
    message = update.callback_query.message
    if (message.chat.id, message.message_id) == (view.case.card_chat_id, view.case.card_message_id):
        return
    t = await chat_translator(update, context)
    await unless_unchanged(message.edit_text(moderation.card(t, view), reply_markup=case_keyboard(t, view)))
