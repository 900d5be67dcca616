"""What moderators read of an account network (/network)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render import number
from bot.render.moderation import account_label
from bot.service.networks import NetworkView

WEEKS_SHOWN = 8


def network(t: Translator, view: NetworkView) -> str:
    """The network's accounts, campaigns, weekly timeline and the strength of its links."""
    _ = t.gettext
    record = view.record
    lines = [
        _("🕸 <b>Network #{number}</b>").format(number=number(record.number)),
        _("Active {span}").format(span=t.date_range(record.first_at, record.last_at)),
    ]
    if record.merged_into is not None:
        lines.append(_("Merged into network #{number}.").format(number=number(record.merged_into)))
    elif record.status != "active":
        lines.append(_("No longer a network: its accounts stopped acting together."))
    if record.split_from is not None:
        lines.append(_("Split from network #{number}.").format(number=number(record.split_from)))
    if record.accounts:
        lines += [
            "",
            t.ngettext("<b>{count} account</b>", "<b>{count} accounts</b>", record.accounts).format(
                count=t.number(record.accounts)
            ),
        ]
        lines += [f"• {account_label(account)}" for account in view.accounts]
        if record.accounts > len(view.accounts):
            lines.append(_("…and {count} more").format(count=t.number(record.accounts - len(view.accounts))))
    lines += ["", _("<b>Campaigns</b>")]
    lines.append(t.list(f"#{number(case_id)}" for case_id in view.campaigns) if view.campaigns else _("none yet"))
    if view.weekly:
        lines += ["", _("<b>Reports per week</b>")]
        lines += [
            _("{week}: {count}").format(week=t.date(week), count=t.number(count))
            for week, count in view.weekly[-WEEKS_SHOWN:]
        ]
    strength = view.strength
    lines += [
        "",
        _("<b>How sure</b>"),
        t.ngettext(
            "{count} link between its accounts; weight from {weakest} to {strongest}, median {median}",
            "{count} links between its accounts; weight from {weakest} to {strongest}, median {median}",
            strength.edges,
        ).format(
            count=t.number(strength.edges),
            weakest=t.number(strength.weakest),
            strongest=t.number(strength.strongest),
            median=t.number(strength.median),
        ),
        _(
            "Acting together: {texts} times the same text, {pictures} the same picture; {photos} pairs wear the "
            "same profile photo; {reported} pairs were reported together"
        ).format(
            texts=t.number(strength.clusters),
            pictures=t.number(strength.images),
            photos=t.number(strength.avatars),
            reported=t.number(strength.reported),
        ),
        _("Evidence for moderators, not a verdict: only verified campaigns are ever published."),
    ]
    return t.lines(lines)
