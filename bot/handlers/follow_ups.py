"""Telling reporters the outcome: the receipt's button, and delivering outcomes once cases are decided."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.handlers.deps import Runtime
from bot.handlers.moderation_keyboards import FOLLOW, parse_id
from bot.handlers.requests import Request, button
from bot.render import reports
from bot.service.follow_ups import FollowUpAnswer, ask_outcome, due_outcomes, outcome_delivered
from bot.telegram.edits import pressed_message, unless_unchanged

log = logging.getLogger(__name__)


@button(lambda data: parse_id(FOLLOW, data))
async def on_follow_up(request: Request, report_id: int) -> None:
    """Keep this chat's id until the report is decided, then tell the reporter."""
    query, t = request.query, request.t
    answer = await ask_outcome(
        request.store,
        request.runtime.reporter(request.update.effective_user),
        report_id,
        request.update.effective_chat.id,
        t.code,
        request.now(),
    )
    await query.answer(reports.follow_up_answer(t, answer))
    if answer in (FollowUpAnswer.ASKED, FollowUpAnswer.ALREADY):
        message = pressed_message(query)
        await unless_unchanged(message.edit_reply_markup(reply_markup=_without(message.reply_markup, query.data)))


def _without(markup: InlineKeyboardMarkup | None, pressed: str) -> InlineKeyboardMarkup | None:
    """The keyboard less the pressed button (receipts sent together have one button per report)."""
    rows = [[b for b in row if b.callback_data != pressed] for row in (markup.inline_keyboard if markup else ())]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def deliver_outcomes(application: Application) -> int:
    """Message every waiting reporter whose report was decided, then forget their chat id; return how many."""
    deps = Runtime.of_application(application)
    delivered = 0
    for due in await due_outcomes(deps.store, deps.clock(), deps.settings.policy.undo_seconds):
        t = deps.i18n.get(due.locale)
        try:
            await application.bot.send_message(due.chat_id, reports.outcome(t, due.report_id, due.status))
        except (Forbidden, BadRequest) as exc:
            log.info("outcome of report %s not deliverable (%s); forgetting the chat id", due.report_id, exc.message)
        except TelegramError as exc:
            log.warning("outcome delivery paused, will retry: %s", exc)
            break
        else:
            delivered += 1
        await outcome_delivered(deps.store, due.report_id)
    return delivered


async def retry_outcomes(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: deliver outcomes that a network failure held back."""
    await deliver_outcomes(context.application)
