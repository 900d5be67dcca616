"""The digest in Telegram: subscribing, the weekly draft for moderators, publishing, past digests."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, ContextTypes

from bot.core.digest import Digest
from bot.core.periods import last_complete_week
from bot.handlers.deps import Runtime
from bot.handlers.moderator_input import chat_translator, refusing, refusing_press
from bot.handlers.requests import Request, command
from bot.i18n import Translator
from bot.render import citizen
from bot.render import digest as texts
from bot.render.split import split_message
from bot.service.digest import (
    AlreadyPublished,
    Published,
    build_digest,
    discard_digest,
    past_digests,
    publish_digest,
)
from bot.service.roles import require_moderator
from bot.service.subscriptions import subscribe, unsubscribe
from bot.telegram.broadcast import NO_PREVIEW
from bot.telegram.edits import pressed_message
from bot.telegram.leadership import BROADCAST

DIGEST = "digest"
PUBLISH, DISCARD = "publish", "discard"


async def on_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = Runtime.of(context)
    user = update.effective_user
    t = await deps.translator(user)
    added = await subscribe(deps.store, update.effective_chat.id, deps.reporter(user), t.code, deps.clock())
    await update.effective_message.reply_html(texts.subscribe_text(t, added))


async def on_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = Runtime.of(context)
    t = await deps.translator(update.effective_user)
    removed = await unsubscribe(deps.store, update.effective_chat.id)
    await update.effective_message.reply_html(texts.unsubscribe_text(t, removed))


async def current_draft(application: Application) -> Digest:
    """The digest of the last complete week, as it stands now."""
    deps = Runtime.of_application(application)
    period = last_complete_week(deps.clock(), deps.settings.timezone)
    settings = deps.settings
    return await build_digest(deps.store, period, settings.timezone, settings.policy.rules, settings.small_count_k)


def draft_keyboard(t: Translator, period: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("📣 Publish"), callback_data=f"{DIGEST}:{PUBLISH}:{period}"),
                InlineKeyboardButton(t.gettext("🗑 Discard"), callback_data=f"{DIGEST}:{DISCARD}:{period}"),
            ]
        ]
    )


async def send_draft(application: Application, chat_id: int, t: Translator, digest: Digest) -> None:
    """The draft as subscribers will read it, under a header, with Publish and Discard on its last piece."""
    pieces = split_message(t.lines([texts.draft_header(t, digest), "", texts.digest_text(t, digest)]))
    for index, piece in enumerate(pieces):
        markup = draft_keyboard(t, digest.period) if index == len(pieces) - 1 else None
        await application.bot.send_message(chat_id, piece, reply_markup=markup, link_preview_options=NO_PREVIEW)


@command
async def on_digest(request: Request) -> None:
    """/digest: the current draft, for moderators."""
    await require_moderator(request.store, request.actor)
    application = request.context.application
    await send_draft(application, request.update.effective_chat.id, request.t, await current_draft(application))


async def on_publish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/publish: send the current draft to every subscriber."""
    t = await chat_translator(update, context)
    message = update.effective_message
    digest = await current_draft(context.application)
    async with refusing(message, t):
        try:
            published = await _publish(update, context, digest)
        except AlreadyPublished:
            await message.reply_html(texts.already_published(t, digest.period))
            return
        await _started(context, t, message, digest, published)


async def _publish(update: Update, context: ContextTypes.DEFAULT_TYPE, digest: Digest) -> Published:
    deps = Runtime.of(context)
    channel = deps.settings.digest_channel_id
    return await publish_digest(
        deps.store,
        deps.actor(update.effective_user),
        digest,
        deps.clock(),
        None if channel is None else (channel, deps.settings.default_locale),
        deps.pseudonyms.seal,
    )


async def _started(
    context: ContextTypes.DEFAULT_TYPE, t: Translator, message: Message, digest: Digest, published: Published
) -> None:
    """Say in the moderators' chat that publishing began, and begin it."""
    await message.reply_html(texts.publishing(t, digest.period, published.deliveries))
    await Runtime.of(context).leadership.tell(BROADCAST)


async def on_draft_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📣 Publish or 🗑 Discard under a draft; only for the week the draft shows.

    The press is answered as soon as the decision is stored, before anything is sent to the group: group
    messages wait for the group's flood window, the button's spinner must not.
    """
    deps = Runtime.of(context)
    query = update.callback_query
    toast_t = await deps.translator(update.effective_user)
    parts = (query.data or "").split(":")
    digest = await current_draft(context.application)
    if len(parts) != 3 or parts[1] not in (PUBLISH, DISCARD) or parts[2] != digest.period:
        await query.answer(citizen.stale_button(toast_t))
        return
    t = await chat_translator(update, context)
    async with refusing_press(query, toast_t):
        try:
            if parts[1] == PUBLISH:
                published = await _publish(update, context, digest)
            else:
                await discard_digest(deps.store, deps.actor(update.effective_user), digest, deps.clock())
        except AlreadyPublished:
            await query.answer(texts.already_published(toast_t, digest.period))
            return
        await query.answer()
        message = pressed_message(query)
        if parts[1] == PUBLISH:
            await _started(context, t, message, digest, published)
        else:
            await message.reply_html(texts.discarded(t, digest.period))
        await message.edit_reply_markup(reply_markup=None)


@command
async def on_digests(request: Request) -> None:
    """/digests: the published digests and how their delivery went."""
    items = await past_digests(request.store, request.actor)
    await request.message.reply_html(texts.past_digests(request.t, items))


async def post_weekly_draft(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: the week's draft to the moderators' chat, to publish or discard."""
    deps = Runtime.of(context)
    chat_id = deps.settings.moderator_chat_id
    if chat_id is None:
        return
    await send_draft(context.application, chat_id, deps.moderators_translator, await current_draft(context.application))
