"""Moderators: cases (commands and card buttons), the queue and /stats.

Each handler turns the update into a use-case call with the acting user;
the use case checks that user's role in the database. Chat membership
grants nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes

from bot.core.cases import CaseStatus, CaseView, Moderator, Policy, RejectReason
from bot.core.suggestions import SuggestionAnswer
from bot.errors import CaseClosed
from bot.handlers.commands import set_app_menu
from bot.handlers.deps import Runtime
from bot.handlers.follow_ups import deliver_outcomes
from bot.handlers.moderation_keyboards import (
    SUGGESTION_ANSWERS,
    CaseAction,
    CasePress,
    app_button,
    case_keyboard,
    draft_keyboard,
    parse_case_press,
    parse_queue_press,
    queue_filter,
    queue_keyboard,
    reason_keyboard,
)
from bot.handlers.moderator_input import (
    chat_translator,
    command_rest,
    number_arg,
    refusing_press,
)
from bot.handlers.requests import Request, button, command, command_taking
from bot.i18n import Translator
from bot.images.matcher import ImageKind
from bot.render import admin, moderation, networks
from bot.render import moderator_replies as replies
from bot.render.split import split_message
from bot.service.bank import place_draft, start_draft
from bot.service.cases import (
    QueueFilter,
    case_details,
    claim_case,
    open_queue,
    protect_account,
    reject_case,
    reopen_case,
    undo_reject,
    view_case,
    vote_verify,
    withdraw_vote,
)
from bot.service.image_bank import bank_case_image
from bot.service.networks import view_network
from bot.service.roles import has_private_chat, note_private_chat, role_of
from bot.service.stats import moderation_stats
from bot.service.suggestions import answer_suggestion, learn_from_verified
from bot.store import Store
from bot.telegram.edits import pressed_message, reply_long, unless_unchanged


async def after_change(application: Application, view: CaseView) -> None:
    """After a decision: update the card, let the family of a template the case matched semantically learn its
    text once it is verified, and tell the reporters who asked once the outcome is final (a reject
    waits until it can no longer be undone)."""
    deps = Runtime.of_application(application)
    await deps.cards.refresh(application, view.case.id, view)
    if view.case.is_open:
        return
    if view.case.status is CaseStatus.VERIFIED:
        await learn_from_verified(deps.store, deps.matcher, view.case.id, deps.clock())
    await deliver_outcomes(application)
    if view.undo_open:
        undo_seconds = deps.settings.policy.undo_seconds
        application.job_queue.run_once(_undo_window_closed, undo_seconds + 1, data=view.case.id)


async def _undo_window_closed(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: a reject can no longer be undone: drop ↩️ Undo from its card and tell the reporters."""
    case_id = context.job.data
    assert isinstance(case_id, int)  # scheduled by after_change with the case's id
    await Runtime.of(context).cards.refresh(context.application, case_id)
    await deliver_outcomes(context.application)


async def on_private_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command in private chat: if its sender moderates, lookups they ask for in the group can come here, and
    (with the Mini App) the chat's menu button opens the queue: set when the private chat opens, and again on
    /start and /queue (so moderators from before the Mini App get it too)."""
    deps, user = Runtime.of(context), update.effective_user
    opened = await note_private_chat(deps.store, user.id, True)
    command = (update.effective_message.text or "").split(maxsplit=1)[0].split("@")[0]
    url = deps.settings.miniapp.url
    if url and (opened or command in ("/start", "/queue")) and await role_of(deps.store, user.id) is not None:
        await set_app_menu(context.bot, user.id, await deps.translator(user), url)


async def _send_privately(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    render: Callable[[Translator], list[tuple[str, InlineKeyboardMarkup | None]]],
) -> bool:
    """Send a lookup asked for in the group to the moderator's private chat, in their language, if they have
    one with the bot: the group's 20 messages a minute are kept for decisions. False if it could not go there."""
    deps = Runtime.of(context)
    user = update.effective_user
    if update.effective_chat.type == ChatType.PRIVATE or not await has_private_chat(deps.store, user.id):
        return False
    try:
        for text, markup in render(await deps.translator(user)):
            await context.bot.send_message(user.id, text, reply_markup=markup)
    except Forbidden:  # they blocked the bot since
        await note_private_chat(deps.store, user.id, False)
        return False
    return True


async def _lookup_reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    render: Callable[[Translator, bool], tuple[str, InlineKeyboardMarkup | None]],
) -> bool:
    """Answer a lookup in the moderator's private chat, else in the chat where they asked (``render`` is told
    whether that chat is private)."""
    if await _send_privately(update, context, lambda tr: [render(tr, True)]):
        return True
    private = update.effective_chat.type == ChatType.PRIVATE
    text, markup = render(await chat_translator(update, context), private)
    if update.callback_query is not None:
        await pressed_message(update.callback_query).reply_html(text, reply_markup=markup)
    else:
        await update.effective_message.reply_html(text, reply_markup=markup)
    return False


def _queue_filter(request: Request) -> QueueFilter | str | None:
    args = request.args
    return queue_filter(args[0]) if len(args) == 1 else (QueueFilter.ALL if not args else None)


def _app_button(context: ContextTypes.DEFAULT_TYPE, t: Translator, private: bool) -> InlineKeyboardButton | None:
    return app_button(t, Runtime.of(context).settings.miniapp, context.bot.username, private=private)


@command_taking(_queue_filter, moderation.HELP_QUEUE)
async def on_queue(request: Request, filter: QueueFilter | str) -> None:
    """Open cases, most reporters first, optionally filtered (🚨, vote, a language), with buttons; and 🗂 Queue,
    which opens the Mini App."""
    page = await open_queue(request.store, request.actor, request.policy, 1, request.now(), filter)
    context = request.context
    await _lookup_reply(
        request.update,
        context,
        lambda tr, private: (moderation.queue(tr, page), queue_keyboard(tr, page, _app_button(context, tr, private))),
    )


def _queue_press(data: str | None) -> tuple[int, QueueFilter | str] | None:
    press = parse_queue_press(data)
    return None if press is None or press[1] is None else (press[0], press[1])


@button(_queue_press)
async def on_queue_page(request: Request, press: tuple[int, QueueFilter | str]) -> None:
    query = request.query
    async with refusing_press(query, request.t):
        page = await open_queue(request.store, request.actor, request.policy, press[0], request.now(), press[1])
        await query.answer()
        t = await request.chat_translator()
        message = pressed_message(query)
        app = _app_button(request.context, t, message.chat.type == ChatType.PRIVATE)
        await unless_unchanged(message.edit_text(moderation.queue(t, page), reply_markup=queue_keyboard(t, page, app)))


@command_taking(Request.only_number, moderation.HELP_CASE)
async def on_case(request: Request, case_id: int) -> None:
    """One case's card, in the moderator's private chat if they asked in the group."""
    view = await view_case(request.store, request.actor, case_id, request.policy, request.now())
    await _lookup_reply(
        request.update, request.context, lambda tr, _: (moderation.card(tr, view), case_keyboard(tr, view))
    )


@command_taking(Request.only_number, moderation.HELP_NETWORK)
async def on_network(request: Request, number: int) -> None:
    """One account network, in the moderator's private chat if they asked in the group."""
    view = await view_network(request.store, request.actor, number, request.runtime.settings.networks)
    await _lookup_reply(request.update, request.context, lambda tr, _: (networks.network(tr, view), None))


@command_taking(Request.only_number, moderation.HELP_VERIFY)
async def on_verify(request: Request, case_id: int) -> None:
    """/verify <n>: one vote to verify."""
    result = await vote_verify(request.store, request.actor, case_id, request.policy, request.now())
    await request.message.reply_html(replies.vote_answer(request.t, result.change, result.decided, case_id))
    await after_change(request.context.application, result.view)


def _case_and_reason(request: Request) -> tuple[int, str] | None:
    case_id = number_arg(request.args[0]) if request.args else None
    reason = command_rest(request.message, 2)
    return None if case_id is None or not reason else (case_id, reason)


@command_taking(_case_and_reason, moderation.HELP_REJECT)
async def on_reject(request: Request, case_and_reason: tuple[int, str]) -> None:
    """/reject <n> <reason>: close the case with a written reason."""
    case_id, reason = case_and_reason
    view = await reject_case(
        request.store, request.actor, case_id, request.policy, request.now(), RejectReason.OTHER, reason
    )
    await request.message.reply_html(replies.rejected(request.t, case_id))
    await after_change(request.context.application, view)


@command_taking(Request.only_number, moderation.HELP_REOPEN)
async def on_reopen(request: Request, case_id: int) -> None:
    """/reopen <n>: an admin reopens a decided case."""
    view = await reopen_case(request.store, request.actor, case_id, request.policy, request.now())
    await request.message.reply_html(replies.reopened(request.t, case_id))
    await after_change(request.context.application, view)


@command
async def on_stats(request: Request) -> None:
    figures = await moderation_stats(request.store, request.actor, request.now(), request.runtime.settings.timezone)
    await request.message.reply_html(admin.stats(request.t, figures))


@button(parse_case_press)
async def on_case_button(request: Request, press: CasePress) -> None:
    """Any button of a case card. The press is refused unless the presser moderates; it is answered as soon as
    the decision is stored, before the card is touched."""
    update, context, deps, query, toast_t = request.update, request.context, request.runtime, request.query, request.t
    actor, policy, now = request.actor, request.policy, request.now()
    case_id = press.case_id
    async with refusing_press(query, toast_t):
        if await Runtime.of(context).cards.answered_stray(context.application, query, case_id, toast_t):
            return
        if press.action in DECISIONS:
            view, answer = await DECISIONS[press.action](deps.store, actor, case_id, policy, now, press, toast_t)
            await query.answer(answer)
            await _show_change(update, context, view)
        elif press.action in SUGGESTION_ANSWERS and press.suggestion_id is not None:
            answer = SuggestionAnswer.SAME if press.action is CaseAction.SAME else SuggestionAnswer.DIFFERENT
            result = await answer_suggestion(
                deps.store, deps.matcher, actor, case_id, press.suggestion_id, answer, policy, now
            )
            await query.answer(replies.suggestion_answered(toast_t, result))
            await _show_change(update, context, result.view)
            if result.joined_case_id is not None:
                await deps.cards.refresh(context.application, result.joined_case_id)
        elif press.action is CaseAction.REJECT:
            view = await view_case(deps.store, actor, case_id, policy, now)
            if not view.case.is_open:
                raise CaseClosed(view.case.id, view.case.status.value)
            await query.answer(replies.choose_reason(toast_t))
            t = await chat_translator(update, context)
            await unless_unchanged(pressed_message(query).edit_reply_markup(reply_markup=reason_keyboard(t, case_id)))
        elif press.action is CaseAction.BACK:
            view = await view_case(deps.store, actor, case_id, policy, now)
            await query.answer()
            t = await chat_translator(update, context)
            await unless_unchanged(pressed_message(query).edit_reply_markup(reply_markup=case_keyboard(t, view)))
        elif press.action is CaseAction.DETAILS:
            view, reports = await case_details(deps.store, actor, case_id, policy)
            await _answer_lookup(update, context, toast_t, lambda tr: moderation.details(tr, view, reports))
        elif press.action is CaseAction.SHOW:
            view = await view_case(deps.store, actor, case_id, policy, now)
            await query.answer()
            await _lookup_reply(update, context, lambda tr, _: (moderation.card(tr, view), case_keyboard(tr, view)))
        elif press.action in IMAGE_BANKS:
            banked = await bank_case_image(deps.store, deps.matcher, actor, case_id, IMAGE_BANKS[press.action], now)
            await query.answer(replies.image_banked(toast_t, banked, plain=True))
            await deps.cards.refresh(context.application, case_id)
        elif press.action is CaseAction.TEMPLATE:
            message = pressed_message(query)
            draft, cut = await start_draft(deps.store, actor, case_id, message.chat.id, now)
            await query.answer()
            t = await chat_translator(update, context)
            shown = await message.reply_html(
                moderation.draft(t, draft.case_id, draft.text, cut=cut), reply_markup=draft_keyboard(t, draft.id)
            )
            await place_draft(deps.store, draft.id, shown.message_id)


IMAGE_BANKS = {CaseAction.CAMPAIGN_IMAGE: ImageKind.CAMPAIGN, CaseAction.COMMON_IMAGE: ImageKind.NEGATIVE}


async def _answer_lookup(
    update: Update, context: ContextTypes.DEFAULT_TYPE, toast_t: Translator, render: Callable[[Translator], str]
) -> None:
    """🔎 Details: long, so privately when possible; the press is answered first."""
    query = update.callback_query
    if await _send_privately(update, context, lambda tr: [(piece, None) for piece in split_message(render(tr))]):
        await query.answer(replies.sent_privately(toast_t))
        return
    await query.answer()
    await reply_long(pressed_message(query), render(await chat_translator(update, context)))


async def _verify(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    result = await vote_verify(store, actor, case_id, policy, now)
    return result.view, replies.vote_answer(t, result.change, result.decided, case_id)


async def _withdraw(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    result = await withdraw_vote(store, actor, case_id, policy, now)
    return result.view, replies.vote_answer(t, result.change, result.decided, case_id)


async def _reject(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    view = await reject_case(store, actor, case_id, policy, now, press.reason or RejectReason.OTHER)
    return view, replies.rejected(t, case_id)


async def _protect(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    return await protect_account(store, actor, case_id, policy, now), replies.protected(t, case_id)


async def _undo(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    return await undo_reject(store, actor, case_id, policy, now), replies.reject_undone(t, case_id)


async def _reopen(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    return await reopen_case(store, actor, case_id, policy, now), replies.reopened(t, case_id)


async def _claim(
    store: Store, actor: Moderator, case_id: int, policy: Policy, now: int, press: CasePress, t: Translator
) -> tuple[CaseView, str]:
    view, change = await claim_case(store, actor, case_id, policy, now)
    return view, replies.claim_answer(t, change, case_id)


DECISIONS: dict[CaseAction, Callable[..., Awaitable[tuple[CaseView, str]]]] = {
    CaseAction.VERIFY: _verify,
    CaseAction.WITHDRAW: _withdraw,
    CaseAction.REASON: _reject,
    CaseAction.PROTECT: _protect,
    CaseAction.UNDO: _undo,
    CaseAction.REOPEN: _reopen,
    CaseAction.CLAIM: _claim,
}
"""Presses that change the case: each runs one use case and is answered with its outcome."""


async def _show_change(update: Update, context: ContextTypes.DEFAULT_TYPE, view: CaseView) -> None:
    """Show the case as a press left it: on its card, and on the pressed message if that is another copy."""
    await after_change(context.application, view)
    message = pressed_message(update.callback_query)
    if (message.chat.id, message.message_id) == (view.case.card_chat_id, view.case.card_message_id):
        return
    t = await chat_translator(update, context)
    await unless_unchanged(message.edit_text(moderation.card(t, view), reply_markup=case_keyboard(t, view)))
