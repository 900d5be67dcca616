"""What moderators read about the team and the record: statistics, the audit log, the team, the template bank."""

from __future__ import annotations

from bot.core.accounts import Platform
from bot.core.cases import Moderator, Role
from bot.core.templates import Template
from bot.core.text import excerpt
from bot.i18n import N_, Translator
from bot.render import number, user_text
from bot.service.stats import ModerationStats
from bot.store.audit import AuditEntry
from bot.store.stats import Counts

ROLE_NAMES = {Role.MODERATOR: N_("moderator"), Role.ADMIN: N_("admin")}

ACTION_NAMES = {
    "vote.verify": N_("voted to verify"),
    "vote.withdraw": N_("withdrew a vote"),
    "case.verify": N_("case verified"),
    "case.reject": N_("rejected a case"),
    "case.reopen": N_("reopened a case"),
    "template.add": N_("added a template"),
    "template.draft": N_("started a template from a case"),
    "template.draft_edit": N_("corrected a template draft"),
    "template.enable": N_("enabled a template"),
    "template.disable": N_("disabled a template"),
    "negative.add": N_("added to the negative bank"),
    "role.add": N_("gave a role"),
    "role.remove": N_("took a role away"),
    "digest.publish": N_("published a digest"),
}

MAX_LISTED_TEMPLATES = 40

def stats(t: Translator, figures: ModerationStats) -> str:
    _ = t.gettext
    lines = [_("<b>Statistics</b>"), _("Open cases now: {count}").format(count=t.number(figures.open_cases)), ""]
    lines.append(_("<b>This week</b> (since {date})").format(date=t.datetime(figures.week_start)))
    lines += _counts(t, figures.this_week)
    lines += ["", _("<b>All time</b>")]
    lines += _counts(t, figures.all_time)
    return "\n".join(lines)


def _counts(t: Translator, counts: Counts) -> list[str]:
    _ = t.gettext
    lines = [
        _("Reports: {count}").format(count=t.number(counts.reports)),
        _("Cases opened: {count}").format(count=t.number(counts.cases)),
        _("Verified: {verified} · rejected: {rejected}").format(
            verified=t.number(counts.verified), rejected=t.number(counts.rejected)),
    ]
    if counts.by_language:
        lines.append(_("By language: {list}").format(list=t.list(
            f"{t.language_name(code) if code else _('no text')} {t.number(n)}" for code, n in counts.by_language)))
    if counts.by_platform:
        lines.append(_("By platform: {list}").format(list=t.list(
            f"{_platform_brand(code)} {t.number(n)}" for code, n in counts.by_platform)))
    return lines


def _platform_brand(code: str) -> str:
    return Platform(code).brand


def audit(t: Translator, entries: list[AuditEntry]) -> str:
    _ = t.gettext
    if not entries:
        return _("The audit log is empty.")
    lines = [_("<b>Audit log</b>, latest first")]
    for entry in entries:
        who = user_text(entry.actor_name) if entry.actor_name else (
            _("configuration") if entry.actor_id is None else str(entry.actor_id))
        action = t.gettext(ACTION_NAMES.get(entry.action, entry.action))
        where = " · " + _("case #{number}").format(number=number(entry.case_id)) if entry.case_id else ""
        subject = f" · {user_text(entry.subject)}" if entry.subject and not entry.case_id else ""
        lines.append(f"{t.datetime(entry.at)} · {who}: {action}{where}{subject}")
        change = _change(entry)
        if change:
            lines.append("   " + change)
    return "\n".join(lines)


def _change(entry: AuditEntry) -> str:
    """Before → after, briefly."""
    def brief(value: object) -> str:
        text = value if isinstance(value, str) else ", ".join(
            f"{k}={v}" for k, v in value.items() if v not in (None, [])) if isinstance(value, dict) else str(value)
        return user_text(excerpt(text, 80))

    parts = [brief(v) for v in (entry.before, entry.after) if v is not None]
    return " → ".join(parts)


def team(t: Translator, members: list[tuple[Moderator, Role]]) -> str:
    _ = t.gettext
    if not members:
        return _("Nobody moderates yet. Add someone with /mod add <i>user id</i>.")
    lines = [_("<b>Moderators and admins</b>")]
    for moderator, role in members:
        name = user_text(moderator.name) if moderator.name else "—"
        lines.append(f"• {name} · <code>{moderator.user_id}</code> · {t.gettext(ROLE_NAMES[role])}")
    return "\n".join(lines)


def templates(t: Translator, items: list[Template]) -> str:
    _ = t.gettext
    if not items:
        return _("The template bank is empty.")
    shown = items[-MAX_LISTED_TEMPLATES:]
    lines = [_("<b>Templates: {count}</b> (✅ on, ⏸ off)").format(count=t.number(len(items)))]
    if len(items) > len(shown):
        lines.append(_("The latest {count} are shown.").format(count=t.number(len(shown))))
    for item in shown:
        mark = "✅" if item.enabled else "⏸"
        text = item.label or excerpt(item.text, 60)
        lines.append(f"{mark} <b>#{item.id}</b> {user_text(text)}")
    lines += ["", _("/template disable <i>number</i> · /template enable <i>number</i>")]
    return "\n".join(lines)
