"""Moderators' buttons and their callback data.

Case buttons carry ``case:<action>:<case id>[:<reason>]``. Any press is
parsed strictly and checked against the presser's role before anything
changes, so a crafted payload can at most be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.cases import CaseKind, CaseView, RejectReason
from bot.handlers.keyboards import data
from bot.i18n import Translator
from bot.render.moderation import REASON_NAMES
from bot.service.cases import QueuePage

CASE, QUEUE, DRAFT, FOLLOW = "case", "queue", "draft", "follow"

VERIFY, REJECT, REASON, BACK, TEMPLATE, DETAILS, REOPEN, SHOW = "v", "x", "r", "b", "t", "d", "o", "s"
CASE_ACTIONS = {VERIFY, REJECT, REASON, BACK, TEMPLATE, DETAILS, REOPEN, SHOW}
MAX_ID_DIGITS = 12


@dataclass(frozen=True)
class CasePress:
    action: str
    case_id: int
    reason: RejectReason | None = None


def _id(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)


def parse_case_press(callback_data: str | None) -> CasePress | None:
    """The action a case button asks for, or None for anything malformed."""
    parts = (callback_data or "").split(":")
    if len(parts) not in (3, 4) or parts[0] != CASE or parts[1] not in CASE_ACTIONS:
        return None
    case_id = _id(parts[2])
    if case_id is None:
        return None
    if parts[1] == REASON:
        if len(parts) != 4 or parts[3] not in set(RejectReason):
            return None
        return CasePress(REASON, case_id, RejectReason(parts[3]))
    return None if len(parts) != 3 else CasePress(parts[1], case_id)


def parse_id(prefix: str, callback_data: str | None) -> int | None:
    """The number of ``<prefix>:<number>`` data, or None."""
    head, _, value = (callback_data or "").partition(":")
    return _id(value) if head == prefix else None


def case_button(text: str, action: str, case_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{CASE}:{action}:{case_id}")


def case_keyboard(t: Translator, view: CaseView) -> InlineKeyboardMarkup:
    _ = t.gettext
    case_id = view.case.id
    if not view.case.is_open:
        return InlineKeyboardMarkup([[case_button(_("🔎 Details"), DETAILS, case_id),
                                      case_button(_("↩️ Reopen"), REOPEN, case_id)]])
    second_row = [case_button(_("🔎 Details"), DETAILS, case_id)]
    if view.case.kind is CaseKind.CLUSTER and view.text and view.template_id is None:
        second_row.insert(0, case_button(_("📌 Make template"), TEMPLATE, case_id))
    return InlineKeyboardMarkup([
        [case_button(_("✅ Verify"), VERIFY, case_id), case_button(_("❌ Reject"), REJECT, case_id)],
        second_row,
    ])


def reason_keyboard(t: Translator, case_id: int) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton("❌ " + t.gettext(name), callback_data=f"{CASE}:{REASON}:{case_id}:{code.value}")]
            for code, name in REASON_NAMES.items()]
    rows.append([case_button(t.gettext("« Back"), BACK, case_id)])
    return InlineKeyboardMarkup(rows)


def queue_keyboard(t: Translator, page: QueuePage) -> InlineKeyboardMarkup | None:
    if not page.views:
        return None
    rows = [[case_button(f"#{view.case.id}", SHOW, view.case.id) for view in page.views]]
    navigation = []
    if page.page > 1:
        navigation.append(InlineKeyboardButton("‹ " + t.number(page.page - 1), callback_data=data(QUEUE, str(page.page - 1))))
    if page.page < page.pages:
        navigation.append(InlineKeyboardButton(t.number(page.page + 1) + " ›", callback_data=data(QUEUE, str(page.page + 1))))
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(rows)


def draft_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext("💾 Save template"),
                                                       callback_data=data(DRAFT, str(draft_id)))]])


def follow_up_keyboard(t: Translator, report_ids: list[int]) -> InlineKeyboardMarkup | None:
    """"Tell me the outcome" under a receipt; one button per report under receipts sent together."""
    if len(report_ids) == 1:
        labels = [t.gettext("🔔 Tell me the outcome")]
    else:
        labels = [t.gettext("🔔 Outcome of #{number}").format(number=report_id) for report_id in report_ids]
    rows = [[InlineKeyboardButton(label, callback_data=data(FOLLOW, str(report_id)))]
            for label, report_id in zip(labels, report_ids)]
    return InlineKeyboardMarkup(rows) if rows else None
