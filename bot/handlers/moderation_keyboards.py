"""Moderators' buttons and their callback data.

Case buttons carry ``case:<action>:<case id>[:<reason>]``. Any press is
parsed strictly and checked against the presser's role before anything
changes, so a crafted payload can at most be refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.config import MiniApp
from bot.core.cases import CaseKind, CaseView, RejectReason
from bot.handlers.commands import APP_MENU
from bot.handlers.keyboards import data
from bot.i18n import Translator, locale_from_telegram
from bot.render.moderation import QUEUE_FILTER_NAMES, REASON_NAMES
from bot.service.cases import QueueFilter, QueuePage

CASE, QUEUE, DRAFT, FOLLOW = "case", "queue", "draft", "follow"


class CaseAction(StrEnum):
    """What a case button asks for, one letter in its callback data; buttons already sent keep theirs, so never
    change one."""

    VERIFY = "v"
    REJECT = "x"
    REASON = "r"
    BACK = "b"
    TEMPLATE = "t"
    DETAILS = "d"
    REOPEN = "o"
    SHOW = "s"
    WITHDRAW = "w"
    PROTECT = "p"
    UNDO = "u"
    CLAIM = "c"
    SAME = "j"
    """✅ Same campaign: the answer to a suggestion (its id follows the case's)."""
    DIFFERENT = "n"
    """✖ Different: the other answer to a suggestion."""
    CAMPAIGN_IMAGE = "i"
    """📌 Campaign image: the image case's picture becomes a known campaign image."""
    COMMON_IMAGE = "g"
    """🚫 Common picture: it goes into the negative image bank."""


REASONS_OFFERED = [code for code in RejectReason if code is not RejectReason.BRIGADE]
"""The reasons the ❌ button offers; a brigade is answered with 🛡 Protect, which also protects the account."""
MAX_ID_DIGITS = 12
SUGGESTION_ANSWERS = (CaseAction.SAME, CaseAction.DIFFERENT)


@dataclass(frozen=True)
class CasePress:
    action: CaseAction
    case_id: int
    reason: RejectReason | None = None
    suggestion_id: int | None = None


def _id(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)


def parse_case_press(callback_data: str | None) -> CasePress | None:
    """The action a case button asks for, or None for anything malformed."""
    parts = (callback_data or "").split(":")
    if len(parts) not in (3, 4) or parts[0] != CASE:
        return None
    action, case_id = _case_action(parts[1]), _id(parts[2])
    if action is None or case_id is None:
        return None
    if action is CaseAction.REASON:
        if len(parts) != 4 or parts[3] not in REASONS_OFFERED:
            return None
        return CasePress(action, case_id, RejectReason(parts[3]))
    if action in SUGGESTION_ANSWERS:
        suggestion_id = _id(parts[3]) if len(parts) == 4 else None
        return None if suggestion_id is None else CasePress(action, case_id, suggestion_id=suggestion_id)
    return None if len(parts) != 3 else CasePress(action, case_id)


def _case_action(text: str) -> CaseAction | None:
    try:
        return CaseAction(text)
    except ValueError:
        return None


def parse_id(prefix: str, callback_data: str | None) -> int | None:
    """The number of ``<prefix>:<number>`` data, or None."""
    head, _, value = (callback_data or "").partition(":")
    return _id(value) if head == prefix else None


def case_button(text: str, action: CaseAction, case_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{CASE}:{action}:{case_id}")


def case_keyboard(t: Translator, view: CaseView) -> InlineKeyboardMarkup:
    _ = t.gettext
    case_id = view.case.id
    details = case_button(_("🔎 Details"), CaseAction.DETAILS, case_id)
    if view.case.joined_case_id is not None:
        joined = view.case.joined_case_id
        return InlineKeyboardMarkup(
            [[case_button(_("➡️ Case #{number}").format(number=joined), CaseAction.SHOW, joined)]]
        )
    if not view.case.is_open:
        if view.undo_open:
            return InlineKeyboardMarkup([[case_button(_("↩️ Undo"), CaseAction.UNDO, case_id), details]])
        return InlineKeyboardMarkup([[details, case_button(_("↩️ Reopen"), CaseAction.REOPEN, case_id)]])
    reject = case_button(_("❌ Reject"), CaseAction.REJECT, case_id)
    if view.case.kind is CaseKind.ACCOUNT:
        first_row = [case_button(_("🛡 Protect"), CaseAction.PROTECT, case_id)]
        if view.may_be_campaign_account:
            first_row.append(case_button(_("⚠️ Campaign account"), CaseAction.VERIFY, case_id))
        rows = [first_row, [reject, details]]
    else:
        second_row = [details]
        if view.text and view.template_id is None:
            second_row.insert(0, case_button(_("📌 Make template"), CaseAction.TEMPLATE, case_id))
        if view.image is not None:
            second_row[:0] = _image_buttons(t, view, case_id)
        rows = [[case_button(_("✅ Verify"), CaseAction.VERIFY, case_id), reject], second_row]
    suggestion = view.suggestion.suggestion if view.suggestion else None
    if suggestion is not None and suggestion.is_open:
        rows.insert(
            0,
            [
                InlineKeyboardButton(
                    _("✅ Same campaign"), callback_data=f"{CASE}:{CaseAction.SAME}:{case_id}:{suggestion.id}"
                ),
                InlineKeyboardButton(
                    _("✖ Different"), callback_data=f"{CASE}:{CaseAction.DIFFERENT}:{case_id}:{suggestion.id}"
                ),
            ],
        )
    last_row = [case_button(_("🙋 Release") if view.claim else _("🙋 Claim"), CaseAction.CLAIM, case_id)]
    if view.verify_votes:
        last_row.append(case_button(_("✋ Withdraw my vote"), CaseAction.WITHDRAW, case_id))
    rows.append(last_row)
    return InlineKeyboardMarkup(rows)


def _image_buttons(t: Translator, view: CaseView, case_id: int) -> list[InlineKeyboardButton]:
    """📌 and 🚫 for an image case's picture, each while the picture is not already banked that way."""
    image = view.image
    banked = image is not None and image.bank_id is not None
    buttons = []
    if not (banked and image is not None and image.campaign):
        buttons.append(case_button(t.gettext("📌 Campaign image"), CaseAction.CAMPAIGN_IMAGE, case_id))
    if not (banked and image is not None and not image.campaign):
        buttons.append(case_button(t.gettext("🚫 Common picture"), CaseAction.COMMON_IMAGE, case_id))
    return buttons


def reason_keyboard(t: Translator, case_id: int) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                "❌ " + t.gettext(REASON_NAMES[code]),
                callback_data=f"{CASE}:{CaseAction.REASON}:{case_id}:{code.value}",
            )
        ]
        for code in REASONS_OFFERED
    ]
    rows.append([case_button(t.gettext("« Back"), CaseAction.BACK, case_id)])
    return InlineKeyboardMarkup(rows)


def queue_data(page: int, filter: QueueFilter | str) -> str:
    return data(QUEUE, f"{page}:{filter}")


def parse_queue_press(callback_data: str | None) -> tuple[int, QueueFilter | str] | None:
    """The page and filter a queue button asks for (``queue:<page>:<filter>``), or None."""
    head, _, rest = (callback_data or "").partition(":")
    page_text, _, filter_text = rest.partition(":")
    page = _id(page_text)
    if head != QUEUE or page is None:
        return None
    return page, queue_filter(filter_text or QueueFilter.ALL.value)


def queue_filter(word: str) -> QueueFilter | str | None:
    """``all``, ``🚨``/``surge``, ``vote``/``one_vote``, or a language code, as a queue filter; None otherwise."""
    word = word.strip().casefold()
    aliases = {
        "🚨": QueueFilter.SURGE,
        "surge": QueueFilter.SURGE,
        "vote": QueueFilter.ONE_VOTE,
        "one_vote": QueueFilter.ONE_VOTE,
        "all": QueueFilter.ALL,
    }
    if word in aliases:
        return aliases[word]
    code = locale_from_telegram(word)
    return code if code is not None and len(word) <= 7 else None


APP_QUEUE = "queue"
"""The Mini App's start parameter that opens the queue."""


def app_button(
    t: Translator, miniapp: MiniApp, bot_username: str, *, private: bool, start: str = APP_QUEUE
) -> InlineKeyboardButton | None:
    """🗂 Queue: opens the Mini App (when MINIAPP_URL is set). Telegram takes a web_app button only in a private
    chat; a group gets a link that opens the app in Telegram (MINIAPP_LINK, else the bot's main Mini App)."""
    if miniapp.url is None:
        return None
    label = t.gettext(APP_MENU)
    if private:
        return InlineKeyboardButton(label, web_app=WebAppInfo(miniapp.url))
    link = miniapp.link or f"https://t.me/{bot_username}"
    return InlineKeyboardButton(label, url=f"{link}?startapp={start}")


def queue_keyboard(t: Translator, page: QueuePage, app: InlineKeyboardButton | None = None) -> InlineKeyboardMarkup:
    rows = [[app]] if app is not None else []
    if page.views:
        rows.append([case_button(f"#{view.case.id}", CaseAction.SHOW, view.case.id) for view in page.views])
    navigation = []
    if page.page > 1:
        navigation.append(
            InlineKeyboardButton("‹ " + t.number(page.page - 1), callback_data=queue_data(page.page - 1, page.filter))
        )
    if page.page < page.pages:
        navigation.append(
            InlineKeyboardButton(t.number(page.page + 1) + " ›", callback_data=queue_data(page.page + 1, page.filter))
        )
    if navigation:
        rows.append(navigation)
    rows.append(
        [
            InlineKeyboardButton(t.gettext(name), callback_data=queue_data(1, code))
            for code, name in QUEUE_FILTER_NAMES.items()
            if code != page.filter
        ]
    )
    return InlineKeyboardMarkup(rows)


def draft_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("💾 Save template"), callback_data=data(DRAFT, str(draft_id)))]]
    )


def follow_up_keyboard(t: Translator, report_ids: list[int]) -> InlineKeyboardMarkup | None:
    """ "Tell me the outcome" under a receipt; one button per report under receipts sent together."""
    if len(report_ids) == 1:
        labels = [t.gettext("🔔 Tell me the outcome")]
    else:
        labels = [t.gettext("🔔 Outcome of #{number}").format(number=report_id) for report_id in report_ids]
    rows = [
        [InlineKeyboardButton(label, callback_data=data(FOLLOW, str(report_id)))]
        for label, report_id in zip(labels, report_ids, strict=False)
    ]
    return InlineKeyboardMarkup(rows) if rows else None
