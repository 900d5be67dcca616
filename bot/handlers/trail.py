"""The disappearing chat trail in a private chat: the citizen's messages join it, and /wipe clears it now."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.trail import WIPE_ANSWER_SECONDS
from bot.handlers.deps import Runtime
from bot.render import citizen
from bot.service.trail import schedule_deletion
from bot.telegram.trail import clear_chat, record


async def on_private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message a citizen sends the bot joins their chat's trail, if it is on (runs before the other handlers)."""
    await record(Runtime.of(context), update.effective_chat.id, [update.effective_message.message_id])


async def on_wipe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete everything of the chat the bot still can, say what went and what could not, and let the
    command and this answer go a minute later."""
    deps = Runtime.of(context)
    message, chat_id = update.effective_message, update.effective_chat.id
    t = await deps.translator(update.effective_user)
    cleared = await clear_chat(context.bot, deps, chat_id, everything=True)
    minutes = await deps.trail_minutes(update.effective_user.id)
    answer = await message.reply_html(
        citizen.wiped(
            t,
            deleted=cleared.deleted,
            expired=cleared.expired,
            left=cleared.left,
            trail_on=minutes > 0,
            answer_after=WIPE_ANSWER_SECONDS,
        ),
        do_quote=False,
    )
    ids = [message.message_id, answer.message_id]
    await schedule_deletion(deps.store, chat_id, ids, deps.clock(), WIPE_ANSWER_SECONDS)
