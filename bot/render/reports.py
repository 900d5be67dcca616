"""Receipts and the citizen's view of their own reports."""

from __future__ import annotations

from bot.core.accounts import Target
from bot.core.reports import Report, ReportStatus
from bot.core.text import excerpt
from bot.i18n import N_, Translator
from bot.render import number, user_text
from bot.service.reports import Receipt

_STATUS_NAMES = {
    ReportStatus.RECEIVED: N_("received, waiting for review"),
}


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


def _report_body(t: Translator, report: Report) -> list[str]:
    _ = t.gettext
    lines = ["• " + target_line(t, target) for target in report.targets[:MAX_TARGETS_SHOWN]]
    if len(report.targets) > MAX_TARGETS_SHOWN:
        lines.append(f"• … (+{t.number(len(report.targets) - MAX_TARGETS_SHOWN)})")
    if report.text:
        lines.append(_("Text: “{excerpt}”").format(excerpt=user_text(excerpt(report.text))))
    return lines


def receipt(t: Translator, receipt: Receipt) -> str:
    _ = t.gettext
    report = receipt.report
    if receipt.duplicate:
        return _("You already sent this message: it was recorded as report <b>#{number}</b>.").format(
            number=number(report.id)
        )
    lines = [_("✅ <b>Report #{number}</b> received.").format(number=number(report.id)), ""]
    lines += _report_body(t, report)
    lines += [
        "",
        _(
            "Volunteer moderators will review it together with similar reports. "
            "Check its state at any time: /status {number}"
        ).format(number=report.id),
    ]
    return "\n".join(lines)


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
    return "\n".join(lines)


def report_detail(t: Translator, report: Report) -> str:
    _ = t.gettext
    lines = [
        _("<b>Report #{number}</b>").format(number=number(report.id)),
        _("Sent: {date}").format(date=t.datetime(report.created_at)),
        _("State: {status}").format(status=status_name(t, report.status)),
        "",
    ]
    return "\n".join(lines + _report_body(t, report))
