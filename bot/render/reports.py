"""Receipts and the citizen's view of their own reports."""

from __future__ import annotations

from bot.core.accounts import Target
from bot.core.cases import CaseStatus
from bot.core.links import strip_links
from bot.core.matcher import Resemblance
from bot.core.reports import ReceiptDetail, Report, ReportStatus
from bot.core.text import excerpt
from bot.i18n import N_, Translator
from bot.render import as_plain_text, number, user_text
from bot.render.citizen import status_link
from bot.render.split import MESSAGE_LIMIT
from bot.service.follow_ups import FollowUpAnswer
from bot.service.reports import Receipt

_STATUS_NAMES = {
    ReportStatus.RECEIVED: N_("received, waiting for review"),
    ReportStatus.VERIFIED: N_("verified: part of a confirmed campaign"),
    ReportStatus.REJECTED: N_("reviewed: no campaign confirmed"),
}


_RESEMBLANCES = {
    Resemblance.EDITED: N_("same text with small edits"),
    Resemblance.REWORDED: N_("same message in other words"),
    Resemblance.TRANSLATED: N_("same message in another language"),
}


def resemblance_label(t: Translator, resemblance: Resemblance) -> str:
    return t.gettext(_RESEMBLANCES[resemblance])


SEPARATOR = "➖➖➖"


def target_line(t: Translator, target: Target) -> str:
    _ = t.gettext
    platform = target.platform.brand
    if target.account is not None and target.post_id is not None:
        return _("{platform}: {account}, post {post}").format(
            platform=platform, account=user_text(target.account.label), post=user_text(target.post_id)
        )
    if target.account is not None:
        return _("{platform}: {account}").format(platform=platform, account=user_text(target.account.label))
    return _("{platform}: post {post}").format(platform=platform, post=user_text(target.post_id or ""))


MAX_TARGETS_SHOWN = 10


def report_body(t: Translator, report: Report) -> list[str]:
    _ = t.gettext
    lines = ["• " + target_line(t, target) for target in report.targets[:MAX_TARGETS_SHOWN]]
    if len(report.targets) > MAX_TARGETS_SHOWN:
        lines.append(f"• … (+{t.number(len(report.targets) - MAX_TARGETS_SHOWN)})")
    if report.text and strip_links(report.text).strip():  # a bare link is already listed above
        lines.append(_("Text: {excerpt}").format(excerpt=t.quote(user_text(excerpt(report.text)))))
    elif report.media == "photo":
        lines.append(_("🖼 A photo"))
    return lines


def receipt(t: Translator, receipt: Receipt, detail: ReceiptDetail, bot_username: str) -> str:
    """The citizen's receipt; ``detail`` says how much it tells about what the report matched. Its "/status N"
    is a link that opens the report (a tapped command would send only "/status")."""
    _ = t.gettext
    report = receipt.report
    if receipt.duplicate:
        return _("You already sent this message: it was recorded as report <b>#{number}</b>.").format(
            number=number(report.id)
        )
    lines = [_("📥 <b>Report #{number}</b> received.").format(number=number(report.id)), ""]
    lines += report_body(t, report)
    matched = match_lines(t, receipt, detail)
    if matched:
        lines += ["", *matched]
    lines += [
        "",
        _(
            "Volunteer moderators will review it together with similar reports. Check its state at any time: {status}"
        ).format(status=status_link(bot_username, report.id)),
    ]
    return t.lines(lines)


def receipts_together(t: Translator, bodies: list[str]) -> str:
    """One message for several receipts, when a citizen's reports came faster than Telegram lets the bot answer."""
    if len(bodies) == 1:
        return bodies[0]
    heading = t.ngettext(
        "📬 You sent {count} report in quick succession; here is its receipt.",
        "📬 You sent {count} reports in quick succession; here are their receipts in one message.",
        len(bodies),
    ).format(count=t.number(len(bodies)))
    return f"\n\n{SEPARATOR}\n\n".join([heading, *bodies])


def fits_in_a_message(text: str) -> bool:
    return len(as_plain_text(text)) <= MESSAGE_LIMIT


def match_lines(t: Translator, receipt: Receipt, detail: ReceiptDetail) -> list[str]:
    """What the report matched, as much as ``detail`` allows; never a count of other people's reports."""
    if detail is ReceiptDetail.RECEIVED:
        return []
    lines = text_match_lines(t, receipt, detail) + picture_match_lines(t, receipt, detail)
    if detail is ReceiptDetail.FULL:
        lines += [
            t.gettext("⚠️ {account} is part of a campaign that moderators verified.").format(
                account=user_text(account.label)
            )
            for account in receipt.verified_accounts
        ]
    return lines


def text_match_lines(t: Translator, receipt: Receipt, detail: ReceiptDetail) -> list[str]:
    placement = receipt.placement
    if placement is None:
        return []
    known = not (placement.generic or placement.is_new)
    new = t.gettext("🆕 Nobody has reported this text before: copies that come later will be grouped with it.")
    if detail is ReceiptDetail.MATCHED:
        return [t.gettext("🔁 This text matches reports moderators already know.") if known else new]
    if receipt.template is not None:
        label = receipt.labels.for_reader(t.code) or excerpt(receipt.template.text, 60)
        line = t.gettext("🔁 Matches the known campaign {label}.").format(label=t.quote(user_text(label)))
    elif placement.generic:
        line = t.gettext("This text is too common to point to a campaign on its own.")
    elif placement.is_new:
        line = new
    else:
        line = t.gettext("👥 Similar to earlier reports: moderators will review them together.")
    if not known:
        return [line]
    return [line, t.gettext("🔎 How it matches: {how}").format(how=resemblance_label(t, placement.resemblance))]


def picture_match_lines(t: Translator, receipt: Receipt, detail: ReceiptDetail) -> list[str]:
    """What the post's photo and the account's profile photo matched (never how often anyone reported them)."""
    _ = t.gettext
    picture = receipt.picture
    lines = []
    if picture is not None:
        known = picture.campaign or picture.seen_before
        new = _("🆕 Nobody has reported this picture before: copies that come later will be grouped with it.")
        if picture.common:
            lines.append(
                _(
                    "🖼 This picture is common (a flag, a logo or a well-known meme): alone, it does not point "
                    "to a campaign."
                )
            )
        elif detail is ReceiptDetail.MATCHED:
            lines.append(_("🖼 This picture matches pictures moderators already know.") if known else new)
        elif picture.campaign and picture.campaign_label:
            lines.append(
                _("🖼 The picture matches the known campaign image {label}.").format(
                    label=t.quote(user_text(picture.campaign_label))
                )
            )
        elif picture.campaign:
            lines.append(_("🖼 The picture matches a known campaign image."))
        elif picture.seen_before:
            lines.append(_("🖼 The same picture was reported before: moderators will review them together."))
        else:
            lines.append(new)
    if receipt.shared_avatar and detail is ReceiptDetail.FULL:
        lines.append(_("🖼 The account's profile photo is also on other reported accounts."))
    return lines


def status_name(t: Translator, status: ReportStatus) -> str:
    return t.gettext(_STATUS_NAMES[status])


def report_list(t: Translator, reports: list[Report]) -> str:
    _ = t.gettext
    if not reports:
        return _("You have no reports yet. Forward a suspicious post or paste a comment to make one.")
    lines = [_("<b>Your latest reports</b>"), ""]
    for report in reports:
        lines.append(
            _("<b>#{number}</b> · {date} · {status}").format(
                number=number(report.id), date=t.datetime(report.created_at), status=status_name(t, report.status)
            )
        )
        if report.targets:
            lines.append(target_line(t, report.targets[0]))
        elif report.text:
            lines.append(user_text(excerpt(report.text, 80)))
    lines += ["", _("For one report in full: /status <i>number</i>")]
    return t.lines(lines)


def report_detail(t: Translator, report: Report) -> str:
    _ = t.gettext
    lines = [
        _("<b>Report #{number}</b>").format(number=number(report.id)),
        _("Sent: {date}").format(date=t.datetime(report.created_at)),
        _("State: {status}").format(status=status_name(t, report.status)),
        "",
    ]
    return t.lines(lines + report_body(t, report))


def outcome(t: Translator, report_id: int, status: CaseStatus) -> str:
    """What a reporter who asked is told once moderators decide."""
    _ = t.gettext
    if status is CaseStatus.VERIFIED:
        head = _(
            "✅ Moderators verified the campaign that your report <b>#{number}</b> belongs to. "
            "Thank you: your report helped expose it."
        )
    else:
        head = _(
            "Moderators reviewed your report <b>#{number}</b> and did not confirm a coordinated campaign. "
            "Thank you for reporting: every report is checked."
        )
    return "\n\n".join(
        [
            head.format(number=number(report_id)),
            _("As promised, the chat ID we kept to tell you this is now deleted."),
        ]
    )


def follow_up_answer(t: Translator, answer: FollowUpAnswer) -> str:
    """The short answer (a toast, plain text) to the "tell me the outcome" button."""
    _ = t.gettext
    return {
        FollowUpAnswer.ASKED: _("We will message you when moderators decide."),
        FollowUpAnswer.ALREADY: _("You will be told; nothing more to do."),
        FollowUpAnswer.DECIDED: _("This report was already reviewed: see /status."),
        FollowUpAnswer.NOT_FOUND: _("This report is not among yours."),
    }[answer]
