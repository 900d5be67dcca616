"""Moderators' commands for the banks: /template, /negative, and templates made from a case's text."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.errors import KuzetError
from bot.handlers.deps import Runtime
from bot.handlers.moderation_keyboards import DRAFT, draft_keyboard, parse_id
from bot.handlers.moderator_input import chat_translator, command_rest, number_arg, refusing_press
from bot.handlers.requests import Request, button, command, command_taking
from bot.images.matcher import ImageKind
from bot.render import admin, moderation
from bot.render import moderator_replies as replies
from bot.service.bank import (
    add_negative,
    add_template,
    correct_draft,
    list_templates,
    save_draft,
    set_label,
    set_template_enabled,
    template_labels,
)
from bot.service.image_bank import bank_case_image, bank_hash, list_bank, remove_banked
from bot.telegram.edits import pressed_message, reply_long, unless_unchanged


@command
async def on_template(request: Request) -> None:
    """/template add <text> | list | disable <n> | enable <n> | label <n> [<language> <text>]."""
    store, matcher, actor, t = request.store, request.runtime.matcher, request.actor, request.t
    action, args, message = request.subcommand, request.args, request.message
    if action == "add" and (text := command_rest(message, 2)):
        template = await add_template(store, matcher, actor, text, request.now())
        await message.reply_html(replies.template_added(t, template))
    elif action == "list" and len(args) == 1:
        await reply_long(message, admin.templates(t, *await list_templates(store, actor)))
    elif action in ("disable", "enable") and len(args) == 2 and (number := number_arg(args[1])) is not None:
        enabled = action == "enable"
        changed = await set_template_enabled(store, matcher, actor, number, enabled, request.now())
        await message.reply_html(replies.template_switched(t, number, enabled, changed))
    elif action == "label" and len(args) >= 2 and (number := number_arg(args[1])) is not None:
        await _label(request, number)
    else:
        await request.reply_usage(moderation.HELP_TEMPLATE)


async def _label(request: Request, template_id: int) -> None:
    """/template label <n>: the campaign's labels; /template label <n> <language> <text>: set one."""
    store, actor, t, args = request.store, request.actor, request.t, request.args
    if len(args) == 2:
        template, labels = await template_labels(store, actor, template_id)
        await request.message.reply_html(replies.labels(t, template, labels))
        return
    template, language, label = await set_label(
        store, actor, template_id, args[2], command_rest(request.message, 4), request.now()
    )
    await request.message.reply_html(replies.label_set(t, template, language, label))


@command
async def on_image(request: Request) -> None:
    """/image campaign|common <case number or PDQ hash> [label] · /image list · /image remove <n>."""
    store, matcher, actor, t = request.store, request.runtime.matcher, request.actor, request.t
    action, args, message = request.subcommand, request.args, request.message
    if action in IMAGE_BANKS and len(args) >= 2:
        kind, label = IMAGE_BANKS[action], command_rest(message, 3) or None
        if (case_id := number_arg(args[1])) is not None:
            banked = await bank_case_image(store, matcher, actor, case_id, kind, request.now(), label)
        else:
            banked = await bank_hash(store, matcher, actor, args[1], kind, request.now(), label)
        await message.reply_html(replies.image_banked(t, banked))
    elif action == "list" and len(args) == 1:
        await reply_long(message, admin.image_bank(t, await list_bank(store, actor)))
    elif action == "remove" and len(args) == 2 and (number := number_arg(args[1])) is not None:
        await message.reply_html(
            replies.image_removed(t, await remove_banked(store, matcher, actor, number, request.now()))
        )
    else:
        await request.reply_usage(moderation.HELP_IMAGE)


IMAGE_BANKS = {"campaign": ImageKind.CAMPAIGN, "common": ImageKind.NEGATIVE}


def _negative_text(request: Request) -> str | None:
    return (request.subcommand == "add" and command_rest(request.message, 2)) or None


@command_taking(_negative_text, moderation.HELP_NEGATIVE)
async def on_negative(request: Request, text: str) -> None:
    """/negative add <text>."""
    negative_id = await add_negative(request.store, request.runtime.matcher, request.actor, text, request.now())
    await request.message.reply_html(replies.negative_added(request.t, negative_id))


@button(lambda data: parse_id(DRAFT, data))
async def on_draft_save(request: Request, draft_id: int) -> None:
    """💾 Save: the draft becomes a template; the case's card shows it."""
    query = request.query
    async with refusing_press(query, request.t):
        case_id, template = await save_draft(
            request.store, request.runtime.matcher, request.actor, draft_id, request.now()
        )
        await query.answer()
        t = await request.chat_translator()
        await pressed_message(query).edit_text(moderation.draft_saved(t, case_id, template))
        await request.runtime.cards.refresh(request.context.application, case_id)


async def on_draft_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to a template draft corrects its text; any other reply is left to the other handlers."""
    deps = Runtime.of(context)
    message = update.effective_message
    try:
        corrected = await correct_draft(
            deps.store,
            deps.actor(update.effective_user),
            message.chat.id,
            message.reply_to_message.message_id,
            message.text or "",
            deps.clock(),
        )
    except KuzetError as exc:
        t = await chat_translator(update, context)
        await message.reply_html(replies.refusal(t, exc))
        raise ApplicationHandlerStop from None
    if corrected is None:
        return
    draft, cut = corrected
    t = await chat_translator(update, context)
    await unless_unchanged(
        context.bot.edit_message_text(
            moderation.draft(t, draft.case_id, draft.text, cut=cut),
            chat_id=draft.chat_id,
            message_id=draft.message_id,
            reply_markup=draft_keyboard(t, draft.id),
        )
    )
    await message.reply_html(replies.draft_corrected(t))
    raise ApplicationHandlerStop
