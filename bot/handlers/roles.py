"""Admins' commands: /mod (who moderates) and /audit; the moderators' /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.deps import Runtime
from bot.telegram.edits import reply_long
from bot.handlers.moderator_input import chat_translator, only_number, refusing, user_id_arg
from bot.render import admin, moderation, moderator_replies as replies
from bot.service.roles import add_moderator, latest_audit, remove_moderator, team

DEFAULT_AUDIT_ENTRIES = 20


async def on_mod(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mod add|remove <user id> (or as a reply to the person's message), /mod list."""
    deps = Runtime.of(context)
    message = update.effective_message
    t = await chat_translator(update, context)
    args = context.args or []
    action = args[0].casefold() if args else ""
    actor, now = deps.actor(update.effective_user), deps.clock()
    target = _target(update, args[1:])
    async with refusing(message, t):
        if action == "list" and len(args) == 1:
            await message.reply_html(admin.team(t, await team(deps.store, actor)))
        elif action == "add" and target is not None and target[0] == context.bot.id:
            await message.reply_html(replies.bot_cannot_moderate(t))
        elif action == "add" and target is not None:
            user_id, name = target
            added = await add_moderator(deps.store, actor, user_id, name or None, now)
            await message.reply_html(replies.moderator_added(t, name or str(user_id), added))
        elif action == "remove" and target is not None:
            user_id, name = target
            removed = await remove_moderator(deps.store, actor, user_id, now)
            await message.reply_html(replies.moderator_removed(t, name or str(user_id), removed))
        else:
            await message.reply_html(replies.usage(t, moderation.HELP_MOD))


def _target(update: Update, rest: list[str]) -> tuple[int, str] | None:
    """The user a /mod command names: a numeric id, or the author of the message it replies to."""
    if len(rest) == 1:
        user_id = user_id_arg(rest[0])
        return None if user_id is None or user_id == 0 else (user_id, "")
    replied = update.effective_message.reply_to_message
    if not rest and replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id, replied.from_user.full_name
    return None


async def on_audit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/audit [n]: the latest moderator actions, for admins."""
    deps = Runtime.of(context)
    t = await chat_translator(update, context)
    count = DEFAULT_AUDIT_ENTRIES if not context.args else only_number(context)
    if count is None:
        await update.effective_message.reply_html(replies.usage(t, moderation.HELP_AUDIT))
        return
    async with refusing(update.effective_message, t):
        actor = deps.actor(update.effective_user)
        entries = await latest_audit(deps.store, actor, count)
        names = {moderator.user_id: moderator.name for moderator, _ in await team(deps.store, actor) if moderator.name}
        await reply_long(update.effective_message, admin.audit(t, entries, names))


async def on_moderators_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help in the moderators' chat."""
    t = await chat_translator(update, context)
    await update.effective_message.reply_html(moderation.moderator_help(t))
