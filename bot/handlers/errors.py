"""The one error handler, and the answer to unknown buttons: never leave a user without an answer."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.errors import StorageUnavailable
from bot.handlers.deps import Runtime
from bot.render import citizen

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an unexpected error with the update number only, and apologise in the user's language."""
    update_id = update.update_id if isinstance(update, Update) else None
    unavailable = isinstance(context.error, StorageUnavailable)
    if unavailable:  # the cause is known and nothing was stored: one clear line, no traceback
        log.error("update %s not handled: %s", update_id, context.error)
    else:
        log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        t = await Runtime.of(context).translator(update.effective_user)
        apology = citizen.storage_unavailable(t) if unavailable else citizen.internal_error(t)
        await context.bot.send_message(update.effective_chat.id, apology)
    except Exception:  # the apology itself failed: the log above already has the cause
        log.warning("could not tell the user about the error in update %s", update_id)


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no other handler knows (a button of an older version, or forged data): stop the spinner."""
    t = await Runtime.of(context).translator(update.effective_user)
    await update.callback_query.answer(citizen.stale_button(t))
