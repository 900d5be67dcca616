"""Citizens in private chat: reports, receipts and their own reports' state."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.errors import NothingToReport, RateLimited, UnsupportedLink
from bot.handlers import digest
from bot.handlers.deps import Runtime
from bot.handlers.keyboards import main_menu
from bot.handlers.submission import media_kind, submission_from_message
from bot.i18n import Translator
from bot.images.photos import ReportPictures
from bot.render import citizen, moderation, reports
from bot.service.reports import Receipt, report_of, reports_of, submit_report
from bot.service.roles import role_of
from bot.store.outbox import QueuedReceipt
from bot.telegram.leadership import RECEIPTS
from bot.telegram.pictures import read_pictures

SUBSCRIBE_PAYLOAD = "subscribe"
STATUS_PAYLOAD = "status_"
"""Deep-link payloads /start understands; bot.render.citizen.status_link makes the second."""


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the citizen: what to send, with the main menu. A deep link's payload (t.me/<bot>?start=…) does
    what it names instead: ``subscribe`` is /subscribe, ``status_42`` is /status 42."""
    payload = context.args[0] if len(context.args or []) == 1 else ""
    if payload == SUBSCRIBE_PAYLOAD:
        await digest.on_subscribe(update, context)
        return
    report_id = _report_number(payload.removeprefix(STATUS_PAYLOAD)) if payload.startswith(STATUS_PAYLOAD) else None
    if report_id is not None:
        await _show_status(update, context, [str(report_id)])
        return
    t = await Runtime.of(context).translator(update.effective_user)
    await update.effective_message.reply_html(citizen.welcome(t), reply_markup=main_menu(t))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what to send, what happens next, and the commands; moderators also get theirs."""
    deps = Runtime.of(context)
    t = await deps.translator(update.effective_user)
    await update.effective_message.reply_html(citizen.help_text(t))
    if await role_of(deps.store, update.effective_user.id) is not None:
        await update.effective_message.reply_html(moderation.moderator_help(t))


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record a forwarded post, pasted text, link or captioned media, and answer with a receipt."""
    deps = Runtime.of(context)
    message, user = update.effective_message, update.effective_user
    if not _is_encodable(message.text or message.caption or ""):
        await on_unsupported(update, context)
        return
    t = await deps.translator(user)

    def answer(receipt: Receipt) -> QueuedReceipt:
        return QueuedReceipt(
            receipt.report.id,
            message.chat_id,
            message.message_id,
            t.code,
            reports.receipt(t, receipt, deps.settings.receipt_detail, context.bot.username),
            follow_up=not receipt.duplicate,
        )

    pictures = await read_pictures(context.bot, message, deps.profile_photos)
    try:
        receipt = await submit_report(
            deps.store,
            deps.matcher,
            submission_from_message(message, picture=pictures.post is not None),
            reporter=deps.reporter(user),
            dedupe_key=deps.pseudonyms.message(user.id, message.message_id),
            now=deps.clock(),
            hourly_limit=deps.settings.reports_per_hour,
            answer=answer,
            pictures=pictures,
            networks=deps.settings.networks,
        )
    except RateLimited as exc:
        await message.reply_html(citizen.rate_limited(t, exc.limit, exc.retry_at, deps.clock()), do_quote=True)
        return
    except NothingToReport as exc:
        await message.reply_html(_refusal(t, exc, message, pictures), do_quote=True)
        return
    if receipt.answered:
        return  # Telegram delivered this message again, and its receipt is out or on its way: one answer is enough
    await Runtime.of(context).leadership.tell(RECEIPTS)
    await Runtime.of(context).cards.cases_changed(context.application, receipt.cases)


def _refusal(t: Translator, exc: NothingToReport, message: Message, pictures: ReportPictures) -> str:
    if isinstance(exc, UnsupportedLink):
        return citizen.unsupported_link(t)
    if pictures.flat_post:
        return citizen.photo_too_plain(t)
    if pictures.unread_post:
        return citizen.photo_unavailable(t)
    if media_kind(message) and not message.caption:
        return citizen.media_without_caption(t)
    return citizen.text_too_short(t)


async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the citizen their latest reports, or one of them by number."""
    await _show_status(update, context, context.args or [])


async def _show_status(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> None:
    deps = Runtime.of(context)
    t = await deps.translator(update.effective_user)
    reporter = deps.reporter(update.effective_user)
    report_id = _report_number(args[0]) if len(args) == 1 else None
    if not args:
        text = reports.report_list(t, await reports_of(deps.store, reporter))
    elif report_id is None:
        text = citizen.status_usage(t)
    else:
        report = await report_of(deps.store, reporter, report_id)
        text = citizen.report_not_found(t, report_id) if report is None else reports.report_detail(t, report)
    await update.effective_message.reply_html(text)


def _report_number(arg: str) -> int | None:
    """``42`` or ``#42`` as a report number; None for anything else."""
    digits = arg.removeprefix("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
        return None
    return int(digits)


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot accepts when a message is not something it can report, in reply to it."""
    t = await Runtime.of(context).translator(update.effective_user)
    await update.effective_message.reply_html(citizen.unsupported_message(t), do_quote=True)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help when the command is not one of ours."""
    t = await Runtime.of(context).translator(update.effective_user)
    await update.effective_message.reply_html(citizen.unknown_command(t))


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that editing a sent message does not change the report."""
    t = await Runtime.of(context).translator(update.effective_user)
    await update.effective_message.reply_html(citizen.edit_ignored(t))


def _is_encodable(text: str) -> bool:
    """False for text with a lone UTF-16 surrogate (valid JSON, never valid Unicode): it cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
