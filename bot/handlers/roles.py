"""Admins' commands: /mod (who moderates) and /audit; the moderators' /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.commands import set_app_menu
from bot.handlers.moderator_input import chat_translator, user_id_arg
from bot.handlers.requests import Request, command, command_taking
from bot.render import admin, moderation
from bot.render import moderator_replies as replies
from bot.service.roles import add_moderator, how_shown, latest_audit, remove_moderator, show_name, team
from bot.telegram.edits import reply_long

DEFAULT_AUDIT_ENTRIES = 20


@command
async def on_mod(request: Request) -> None:
    """/mod add|remove <user id> (or as a reply to the person's message), /mod list."""
    store, actor, t, message = request.store, request.actor, request.t, request.message
    action, target = request.subcommand, _target(request.update, request.args[1:])
    policy = request.policy
    if action == "list" and len(request.args) == 1:
        await message.reply_html(admin.team(t, await team(store, actor, policy), policy.probation_votes))
    elif action == "add" and target is not None and target[0] == request.context.bot.id:
        await message.reply_html(replies.bot_cannot_moderate(t))
    elif action == "add" and target is not None:
        user_id, name = target
        added, shown = await add_moderator(store, actor, user_id, name or None, policy, request.now())
        await message.reply_html(replies.moderator_added(t, shown, added, policy.probation_votes))
        if added and (url := request.runtime.settings.miniapp.url) is not None:
            await set_app_menu(request.context.bot, user_id, request.runtime.moderators_translator, url)
    elif action == "remove" and target is not None:
        removed, shown = await remove_moderator(store, actor, target[0], policy, request.now())
        await message.reply_html(replies.moderator_removed(t, shown, removed))
        if removed and request.runtime.settings.miniapp.url is not None:
            await set_app_menu(request.context.bot, target[0], None, None)
    else:
        await request.reply_usage(moderation.HELP_MOD)


def _target(update: Update, rest: list[str]) -> tuple[int, str] | None:
    """The user a /mod command names: a numeric id, or the author of the message it replies to."""
    if len(rest) == 1:
        user_id = user_id_arg(rest[0])
        return None if user_id is None or user_id == 0 else (user_id, "")
    replied = update.effective_message.reply_to_message
    if not rest and replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id, replied.from_user.full_name
    return None


def _audit_entries(request: Request) -> int | None:
    return request.only_number() if request.args else DEFAULT_AUDIT_ENTRIES


@command_taking(_audit_entries, moderation.HELP_AUDIT)
async def on_audit(request: Request, count: int) -> None:
    """/audit [n]: the latest moderator actions, for admins."""
    page = await latest_audit(request.store, request.actor, count, request.policy)
    await reply_long(request.message, admin.audit(request.t, page))


ALIAS_CHOICES = {"name": True, "hide": False}


@command
async def on_alias(request: Request) -> None:
    """/alias: how others see the moderator; /alias name or /alias hide changes it."""
    if len(request.args) > 1 or (request.args and request.subcommand not in ALIAS_CHOICES):
        await request.reply_usage(moderation.HELP_ALIAS)
    elif not request.policy.aliases:
        await how_shown(request.store, request.actor, request.policy)  # refuses anyone who does not moderate
        await request.message.reply_html(replies.aliases_off(request.t))
    elif request.args:
        shows = ALIAS_CHOICES[request.subcommand]
        changed, shown = await show_name(request.store, request.actor, shows, request.policy, request.now())
        await request.message.reply_html(replies.alias_state(request.t, shown, unchanged=not changed))
    else:
        shown = await how_shown(request.store, request.actor, request.policy)
        await request.message.reply_html(replies.alias_state(request.t, shown))


async def on_moderators_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help in the moderators' chat."""
    t = await chat_translator(update, context)
    await update.effective_message.reply_html(moderation.moderator_help(t))
