"""The weekly digest in one language, and the texts around it: subscribing, drafts, progress."""

from __future__ import annotations

from html import escape

from bot.core.accounts import Platform
from bot.core.digest import Campaign, Digest, VerifiedAccount, change, line_label
from bot.core.evidence import ChainLink
from bot.core.small_counts import is_small
from bot.core.text import excerpt
from bot.i18n import Translator, isolate
from bot.render import number, user_text
from bot.store.digests import DigestRecord, Tally


def days_label(t: Translator, digest: Digest) -> str:
    """ "30 Nov – 6 Dec 2026" in the reader's language (the end is the week's last day)."""
    return t.date_range(digest.start, digest.end - 1)


def period_label(t: Translator, digest: Digest) -> str:
    """ "2026-W49 · 30 Nov – 6 Dec 2026": the ISO week, then its days."""
    return f"{isolate(digest.period)} · {days_label(t, digest)}"


def count(t: Translator, value: int, k: int) -> tuple[str, int]:
    """A count as a public output shows it, and the number its words agree with: below ``k``, only
    "fewer than k" (see bot.core.small_counts)."""
    if is_small(value, k):
        return t.gettext("fewer than {count}").format(count=t.number(k)), k
    return t.number(value), value


def _figure(t: Translator, label: str, current: int, previous: int, k: int) -> str:
    """A week's figure with its change from the week before; no change where either week's count is small
    (a percentage would give it away)."""
    percent = None if is_small(current, k) or is_small(previous, k) else change(current, previous)
    if percent is None:
        trend = ""
    elif percent == 0:
        trend = t.gettext("same as the week before")
    else:
        arrow = "▲ +" if percent > 0 else "▼ −"
        trend = t.gettext("{change} vs. the week before").format(change=arrow + t.percent(percent))
    line = label.format(count=count(t, current, k)[0])
    return f"{line} ({trend})" if trend else line


def digest_text(t: Translator, digest: Digest, link: ChainLink | None = None, site: str | None = None) -> str:
    """The whole digest as Telegram HTML (split it with render.split before sending); a published one ends with
    its evidence chain link, which anyone can later check the published files against, and with WEB_URL set its
    address on the public site."""
    _ = t.gettext
    totals, previous, k = digest.totals, digest.previous, digest.small_count_k
    lines = [
        _("📰 <b>Kuzet weekly digest</b>"),
        _("<b>{period}</b>: what volunteer moderators verified").format(period=period_label(t, digest)),
        "",
        _figure(t, _("Reports in verified campaigns: {count}"), totals.reports, previous.reports, k),
        _figure(t, _("Cases verified: {count}"), totals.verified_cases, previous.verified_cases, k),
        _figure(t, _("New templates: {count}"), totals.new_templates, previous.new_templates, k),
    ]
    if digest.campaigns:
        lines += ["", _("<b>Top campaigns</b>")]
        for rank, campaign in enumerate(digest.campaigns, start=1):
            lines += campaign_lines(t, rank, campaign, k)
    else:
        lines += ["", _("No campaign was verified with reports this week.")]
    accounts = [a for a in digest.accounts if a.link]
    if accounts:
        lines += ["", _("<b>Accounts verified as part of campaigns</b>")]
        lines += [f"• {Platform(a.platform).brand}: {_account(a)}" for a in accounts]
        if digest.more_accounts:
            lines.append(_("…and {count} more.").format(count=count(t, digest.more_accounts, k)[0]))
    lines += network_lines(t, digest)
    if link is not None:
        lines += ["", chain_line(t, link)]
        if site is not None:
            page = _link(f"{site}/digests/{digest.period}")
            lines.append(_("🌐 This digest on the web, to cite and to download: {link}").format(link=page))
    lines += ["", _("To stop receiving the digest: /unsubscribe")]
    return t.lines(lines)


def network_lines(t: Translator, digest: Digest) -> list[str]:
    """Account networks behind the week's verified campaigns: their verified campaigns and the accounts that
    posted them (never a network's size, nor accounts only reports tie to it)."""
    if not digest.networks:
        return []
    _ = t.gettext
    k = digest.small_count_k
    lines = ["", _("<b>🕸 Accounts acting together</b>")]
    for network in digest.networks:
        shown, agrees = count(t, network.accounts, k)
        lines.append(
            t.ngettext(
                "Network #{number}: campaigns {campaigns} ({verified} verified in all), posted by {count} account",
                "Network #{number}: campaigns {campaigns} ({verified} verified in all), posted by {count} accounts",
                agrees,
            ).format(
                number=number(network.number),
                campaigns=t.list(f"#{number(case_id)}" for case_id in network.campaigns),
                verified=count(t, network.verified_campaigns, k)[0],
                count=shown,
            )
        )
        if not is_small(network.accounts, k):
            lines.append(t.list(_account(a) for a in network.named if a.link))
    lines.append(
        _(
            "Accounts that repeatedly posted the same campaigns together. Only verified campaigns and the accounts "
            "that posted them are shown."
        )
    )
    return lines


def chain_line(t: Translator, link: ChainLink) -> str:
    return t.gettext("🔗 Evidence chain, link #{number}: <code>{link}</code>").format(
        number=link.seq, link=isolate(link.link)
    )


def _link(url: str) -> str:
    """A link that shows its address: it can be cited as read, and stays whole where HTML is dropped (a terminal)."""
    return isolate(f'<a href="{escape(url)}">{escape(url, quote=False)}</a>')


def _account(account: VerifiedAccount) -> str:
    if account.label == account.link:
        return _link(account.link)
    return f"{user_text(account.label)} · {_link(account.link)}"


def _case_title(t: Translator, campaign: Campaign) -> str:
    """ "Case #12", the campaign's stable reference (the case number), and its label when it has one."""
    case = t.gettext("Case #{number}").format(number=number(campaign.case_id))
    label = campaign.label_for(t.code)
    return f"{user_text(label)} · {case}" if label else case


def campaign_lines(t: Translator, rank: int, campaign: Campaign, k: int) -> list[str]:
    _ = t.gettext
    lines = [
        f"{t.number(rank)}. <b>{_case_title(t, campaign)}</b>"
        + (" · " + _("🤝 coordinated") if campaign.coordinated else "")
    ]
    if campaign.picture:
        lines.append(_("🖼 The same picture, posted again and again (not shown here: a citizen sent it)"))
    elif quote := campaign.quote(t.code):
        lines.append(t.quote(user_text(excerpt(quote, 160))))
    if campaign.sharing_photo:
        shown, agrees = count(t, campaign.sharing_photo, k)
        lines.append(
            t.ngettext(
                "🖼 {count} account wears a profile photo seen on other reported accounts",
                "🖼 {count} accounts wear a profile photo seen on other reported accounts",
                agrees,
            ).format(count=shown)
        )
    shown, agrees = count(t, campaign.reports, k)
    details = [t.ngettext("{count} report", "{count} reports", agrees).format(count=shown)]
    if campaign.languages:
        details.append(t.language_list(campaign.languages))
    if campaign.platforms:
        details.append(t.list(Platform(p).brand for p in campaign.platforms))
    lines.append(" · ".join(details))
    if campaign.verified_at:
        # A single day: babel writes an interval whose two ends are the same moment as that one date.
        day = t.date_range(campaign.verified_at, campaign.verified_at)
        shown, agrees = count(t, campaign.votes, k)
        lines.append(
            t.ngettext(
                "Verified on {date} by {count} moderator", "Verified on {date} by {count} moderators", agrees
            ).format(date=day, count=shown)
        )
    if campaign.examples:
        lines.append(_("Examples: {links}").format(links=t.list(_link(url) for url in campaign.examples)))
    return lines


def chart_caption(t: Translator, digest: Digest) -> str:
    """The chart's caption: what it shows, and which line is which campaign, by its rank in the digest."""
    _ = t.gettext
    lines = [_("📈 Reports per day, {period}").format(period=period_label(t, digest))]
    for rank, campaign in enumerate(digest.campaigns, start=1):
        name = campaign.label_for(t.code) or excerpt(campaign.quote(t.code), 50) or t.gettext("🖼 a picture")
        lines.append(f"{line_label(rank, campaign)}: {user_text(excerpt(name, 60))}")
    return t.lines(lines)


def subscribe_text(t: Translator, subscribed: bool) -> str:
    _ = t.gettext
    head = (
        _("✅ You are subscribed to the weekly digest.")
        if subscribed
        else _("You are already subscribed to the weekly digest.")
    )
    return t.lines(
        [
            head,
            "",
            _(
                "Every week, after moderators review it, you get: the verified campaigns and how much they were "
                "reported, in which languages and on which platforms; the accounts verified as part of them; and "
                "how the week compares with the one before, with a chart."
            ),
            "",
            _("To stop, send /unsubscribe. Your chat ID is kept only while you are subscribed."),
        ]
    )


def unsubscribe_text(t: Translator, was_subscribed: bool) -> str:
    if not was_subscribed:
        return t.gettext("You were not subscribed. To get the weekly digest: /subscribe")
    return t.gettext("Done: you will get no more digests, and your chat ID is deleted. To come back: /subscribe")


def draft_header(t: Translator, digest: Digest) -> str:
    return t.gettext(
        "📝 <b>Digest draft for {period}</b> ({week}). Publish it to the subscribers or discard it."
    ).format(period=days_label(t, digest), week=isolate(digest.period))


def already_published(t: Translator, period: str) -> str:
    return t.gettext("The digest for {week} is already published.").format(week=period)


def discarded(t: Translator, period: str) -> str:
    return t.gettext("🗑 The draft for {week} was discarded. /publish still publishes it.").format(week=period)


def progress(t: Translator, period: str, tally: Tally) -> str:
    if tally.pending:
        return t.gettext("📣 Digest {week}: sent {sent} of {total}").format(
            week=period, sent=t.number(tally.sent), total=t.number(tally.total)
        )
    done = t.gettext("📣 Digest {week} delivered: {sent} sent, {blocked} blocked the bot, {failed} failed.").format(
        week=period, sent=t.number(tally.sent), blocked=t.number(tally.blocked), failed=t.number(tally.failed)
    )
    lines = [done]
    if tally.cancelled:
        lines.append(
            t.ngettext(
                "{count} subscriber opted out while it was being sent and got no more of it.",
                "{count} subscribers opted out while it was being sent and got no more of it.",
                tally.cancelled,
            ).format(count=t.number(tally.cancelled))
        )
    if tally.doubtful:
        lines.append(
            t.ngettext(
                "{count} subscriber may have received a message twice: the bot stopped or Telegram timed out while it "
                "was being sent, and a repeat is better than a gap.",
                "{count} subscribers may have received a message twice: the bot stopped or Telegram timed out while it "
                "was being sent, and a repeat is better than a gap.",
                tally.doubtful,
            ).format(count=t.number(tally.doubtful))
        )
    return done if len(lines) == 1 else t.lines(lines)


def past_digests(t: Translator, items: list[tuple[DigestRecord, Tally]]) -> str:
    _ = t.gettext
    if not items:
        return _("No digest has been published yet.")
    lines = [_("<b>Published digests</b>")]
    for record, tally in items:
        lines.append(
            _("{week} · published {date} · sent {sent} of {total}").format(
                week=record.period,
                date=t.datetime(record.published_at or 0),
                sent=t.number(tally.sent),
                total=t.number(tally.total),
            )
        )
    return t.lines(lines)


def publishing(t: Translator, period: str, chats: int) -> str:
    return t.ngettext(
        "📣 Publishing the digest for {week} to {count} chat.",
        "📣 Publishing the digest for {week} to {count} chats.",
        chats,
    ).format(week=period, count=t.number(chats))
