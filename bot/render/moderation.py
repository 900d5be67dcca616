"""What moderators read: case cards, the queue, details, statistics, the audit log, and their replies."""

from __future__ import annotations

from bot.core.accounts import Account
from bot.core.cases import CaseKind, CaseStatus, CaseView, Moderator, RejectReason, Verdict
from bot.core.matcher import MatchKind, Resemblance
from bot.core.reports import Report
from bot.core.suggestions import SuggestedCampaign, SuggestionAnswer
from bot.core.templates import Template
from bot.core.text import excerpt
from bot.i18n import N_, Translator
from bot.render import number, user_text
from bot.render.reports import report_body, resemblance_label
from bot.service.bank import MAX_DRAFT_CHARS
from bot.service.cases import QueueFilter, QueuePage

REASON_NAMES: dict[str, str] = {  # by str, as the audit log stores a reason code
    RejectReason.GENUINE: N_("A real person's own opinion"),
    RejectReason.MASS_REPORTING: N_("The reports themselves look organised"),
    RejectReason.NOT_ENOUGH: N_("Not enough evidence"),
    RejectReason.OTHER: N_("Other reason"),
    RejectReason.BRIGADE: N_("Report brigade: the account is protected"),
}

HELP_QUEUE = N_(
    "/queue: open cases, the most reporters first · /queue 🚨 · /queue vote (one vote short) · "
    "/queue <i>language code</i>"
)
HELP_CASE = N_("/case <i>number</i>: one case's card")
HELP_NETWORK = N_("/network <i>number</i>: an account network: its accounts, campaigns, timeline and how sure it is")
HELP_VERIFY = N_("/verify <i>number</i>: vote to verify a case")
HELP_REJECT = N_("/reject <i>number</i> <i>reason</i>: close a case as not a campaign")
HELP_TEMPLATE = N_(
    "/template add <i>text</i> · /template list · /template disable <i>number</i> · /template enable <i>number</i> · "
    "/template label <i>number</i>"
)
HELP_LABEL = N_(
    "/template label <i>number</i> <i>language</i> <i>text</i>: name the template's campaign for readers of a "
    "language (en, ru, kk, ar, zh)"
)
HELP_IMAGE = N_(
    "/image campaign <i>case number or PDQ hash</i> [<i>label</i>] · /image common <i>case number or PDQ hash</i> · "
    "/image list · /image remove <i>number</i>"
)
HELP_NEGATIVE = N_("/negative add <i>text</i>: a common phrase that is never a campaign on its own")
HELP_STATS = N_("/stats: reports, cases and verdicts, this week and all time")
HELP_MOD = N_("/mod add <i>user id</i> (or reply to their message) · /mod remove <i>user id</i> · /mod list")
HELP_ALIAS = N_("/alias hide: others see you as your alias (“Moderator 7”) · /alias name: they see your Telegram name")
HELP_REOPEN = N_("/reopen <i>number</i>: reopen a decided case")
HELP_AUDIT = N_("/audit <i>count</i>: the latest moderator actions")
HELP_DIGEST = N_("/digest: this week's digest draft · /publish: send it to the subscribers · /digests: past digests")


PUBLISHED_AS_IT_STANDS = N_(
    "📢 If verified, this text is published as it stands (digest, site, open data). If it holds a "
    "reporter's own words, make a template first (📌) that keeps only the campaign's words."
)
"""On an open case no template covers (card and Mini App): what verifying publishes is the first report as its
reporter typed it, until a template's words replace it (README, "A case record")."""


def moderator_name(t: Translator, moderator: Moderator, *, plain: bool = False) -> str:
    """Their alias ("Moderator 7"), else the Telegram name they chose to show; ``plain`` for a button's toast."""
    if moderator.alias is not None:
        return t.gettext("Moderator {number}").format(number=moderator.alias)
    if moderator.name:
        return moderator.name if plain else user_text(moderator.name)
    return t.gettext("moderator {id}").format(id=moderator.user_id)


def voter_names(t: Translator, view: CaseView) -> str:
    """Who voted to verify, a vote on probation marked as such (shown only once the case is decided)."""
    return t.list(
        t.gettext("{moderator} (on probation)").format(moderator=moderator_name(t, m))
        if m.user_id in view.probationary
        else moderator_name(t, m)
        for m in view.verify_votes
    )


def account_label(account: Account) -> str:
    return f"{account.platform.brand} {user_text(account.label)}"


def status_label(t: Translator, status: CaseStatus) -> str:
    _ = t.gettext
    return {
        CaseStatus.OPEN: _("🟡 open"),
        CaseStatus.VERIFIED: _("✅ verified"),
        CaseStatus.REJECTED: _("❌ rejected"),
        CaseStatus.JOINED: _("🔗 joined another case"),
    }[status]


def reason_label(t: Translator, code: RejectReason | None, reason: str | None) -> str:
    if reason:
        return user_text(excerpt(reason, 300))
    return t.gettext(REASON_NAMES[code or RejectReason.OTHER])


def card(t: Translator, view: CaseView) -> str:
    """The one message per case in the moderators' chat, edited as the case grows and is decided."""
    _ = t.gettext
    case = view.case
    kind = {
        CaseKind.CLUSTER: _("similar texts"),
        CaseKind.ACCOUNT: _("reported account"),
        CaseKind.IMAGE: _("same picture"),
    }[case.kind]
    lines = [
        _("<b>Case #{number}</b> · {kind} · {status}").format(
            number=number(case.id), kind=kind, status=status_label(t, case.status)
        )
    ]
    lines += flag_lines(t, view)
    lines.append("")
    if view.text:
        lines.append(t.quote(user_text(excerpt(view.text, 300))))
    if view.template_id is not None:
        name = view.template_labels.for_reader(t.code)
        label = user_text(name) if name else ""
        lines.append(_("📌 Template #{number} {label}").format(number=number(view.template_id), label=label).rstrip())
    elif case.kind is CaseKind.CLUSTER and case.is_open and view.text:
        lines.append(_(PUBLISHED_AS_IT_STANDS))
    lines += suggestion_lines(t, view)
    lines += image_lines(t, view)
    if view.accounts:
        listed = [f"{account_label(a.account)} ({t.number(a.reports)})" for a in view.accounts]
        if view.accounts_total > len(view.accounts):
            listed.append(_("+{count} more").format(count=t.number(view.accounts_total - len(view.accounts))))
        lines.append(_("Accounts: {accounts}").format(accounts=t.list(listed)))
    lines.append(
        _("Reports: {reports} · reporters: {reporters}").format(
            reports=t.number(view.reports), reporters=t.number(view.reporters)
        )
    )
    if view.languages:
        lines.append(_("Languages: {languages}").format(languages=t.language_list(view.languages)))
    if view.platforms:
        lines.append(_("Platforms: {platforms}").format(platforms=t.list(p.brand for p in view.platforms)))
    if view.resemblances:
        lines.append(
            _("🔎 How reports match: {kinds}").format(
                kinds=t.list(f"{resemblance_label(t, kind)} ({t.number(count)})" for kind, count in view.resemblances)
            )
        )
    if view.reports:
        lines.append(
            _("First seen: {first} · last seen: {last}").format(
                first=t.datetime(view.first_seen_at), last=t.datetime(view.last_seen_at)
            )
        )
    if case.kind is CaseKind.ACCOUNT and case.is_open:
        lines += ["", *account_decision_lines(t, view)]
    lines.append("")
    lines += verdict_lines(t, view)
    return t.lines(lines)


def image_lines(t: Translator, view: CaseView) -> list[str]:
    """An image case's picture (the card's photo goes just above the card) and its place in the image bank; and
    for any case, the other cases whose reports carried the same picture (posted with a text, or alone)."""
    _ = t.gettext
    lines = []
    image = view.image
    if image is not None:
        lines.append(
            _("🖼 The picture is the photo above this card.") if image.file_id else _("🖼 A picture (no copy kept).")
        )
    if image is not None and image.bank_id is not None and image.campaign:
        label = user_text(image.label) if image.label else ""
        lines.append(
            _("📌 Known campaign image #{number} {label}").format(number=number(image.bank_id), label=label).rstrip()
        )
    elif image is not None and image.bank_id is not None:
        lines.append(
            _("🚫 Common picture #{number}: it never counts as a match alone").format(number=number(image.bank_id))
        )
    if view.same_picture_cases:
        lines.append(
            t.ngettext(
                "🖼 The same picture was reported in case {cases} too",
                "🖼 The same picture was reported in cases {cases} too",
                len(view.same_picture_cases),
            ).format(cases=t.list(f"#{number(c)}" for c in view.same_picture_cases))
        )
    return lines


def shared_avatar_lines(t: Translator, view: CaseView) -> list[str]:
    """Accounts whose profile photo other reported accounts wear too: one sign of coordination."""
    lines = []
    for shared in view.shared_avatars:
        line = t.ngettext(
            "🖼 <b>Profile photo</b> of {account} also on {count} other reported account",
            "🖼 <b>Profile photo</b> of {account} also on {count} other reported accounts",
            shared.others,
        ).format(account=account_label(shared.account), count=t.number(shared.others))
        if shared.cases:
            line += t.gettext(": {cases}").format(cases=t.list(f"#{number(c)}" for c in shared.cases))
        lines.append(line)
    return lines


def network_lines(t: Translator, view: CaseView) -> list[str]:
    """The account networks the case's accounts are in: evidence for moderators, never a verdict."""
    return [
        t.ngettext(
            "🕸 <b>Part of network #{number}</b>: {count} account, {campaigns}, active since {date}",
            "🕸 <b>Part of network #{number}</b>: {count} accounts, {campaigns}, active since {date}",
            network.accounts,
        ).format(
            number=number(network.number),
            count=t.number(network.accounts),
            campaigns=t.ngettext("{count} campaign", "{count} campaigns", network.campaigns).format(
                count=t.number(network.campaigns)
            ),
            date=t.date(network.first_at),
        )
        for network in view.networks
    ]


def suggestion_lines(t: Translator, view: CaseView) -> list[str]:
    """The campaign the case may belong to, for moderators to answer with ✅ Same campaign or ✖ Different; once
    answered, the answer and who gave it."""
    _ = t.gettext
    suggested = view.suggestion
    if suggested is None:
        return []
    suggestion = suggested.suggestion
    campaign = _suggested_name(t, suggested)
    if suggestion.answer is None:
        if not view.case.is_open:
            return []
        if suggestion.resemblance is Resemblance.TRANSLATED and suggestion.language:
            how = _("in another language: {language}").format(language=t.language_name(suggestion.language))
        elif suggestion.resemblance is Resemblance.TRANSLATED:
            how = _("in another language")
        else:
            how = _("in other words")
        return [_("🤔 <b>Possibly the campaign {campaign}</b>: {how}").format(campaign=campaign, how=how)]
    moderator = moderator_name(
        t, Moderator(suggestion.answered_by or 0, suggested.answered_by_name, suggested.answered_by_alias)
    )
    if suggestion.answer is SuggestionAnswer.SAME:
        return [
            _("✅ The campaign {campaign}, as {moderator} confirmed").format(campaign=campaign, moderator=moderator)
        ]
    return [_("✖ Not the campaign {campaign}, as {moderator} answered").format(campaign=campaign, moderator=moderator)]


def _suggested_name(t: Translator, suggested: SuggestedCampaign) -> str:
    """A template's label in the reader's language (or its text), or a cluster's case number and text."""
    shown = suggested.labels.for_reader(t.code) or excerpt(suggested.text or "", 60)
    name = t.quote(user_text(shown))
    if suggested.suggestion.target_kind is MatchKind.CLUSTER and suggested.target_case_id is not None:
        return t.gettext("of case #{number} {text}").format(number=number(suggested.target_case_id), text=name)
    return name


def account_decision_lines(t: Translator, view: CaseView) -> list[str]:
    """What each decision on a reported account means, and whether the evidence allows calling it a campaign account."""
    _ = t.gettext
    lines = [
        _("<b>What a decision means</b>"),
        _(
            "🛡 Protect: the reports are a brigade. The account goes on the protected list, later reports against "
            "it are flagged as brigading, and no digest or export names it."
        ),
    ]
    if view.evidence_case is not None and not view.protected:
        lines.append(
            _(
                "⚠️ Campaign account: it posts campaign content. Evidence: it posted the text of verified "
                "case #{number}."
            ).format(number=number(view.evidence_case))
        )
        if view.needs_admin:
            lines.append(
                t.ngettext(
                    "<b>Possible report campaign: marking it needs {count} vote, one of them an admin's.</b>",
                    "<b>Possible report campaign: marking it needs {count} votes, one of them an admin's.</b>",
                    view.votes_needed,
                ).format(count=t.number(view.votes_needed))
            )
    else:
        lines.append(
            _(
                "⚠️ Campaign account: not possible. No verified campaign text posted by this account is "
                "known, and reports alone are no evidence."
            )
        )
    return lines


def flag_lines(t: Translator, view: CaseView) -> list[str]:
    """The warnings, most serious first: protection, a possible report campaign, coordination, earlier rejections,
    common text."""
    _ = t.gettext
    lines = []
    for mark in view.protected:
        lines.append(
            _(
                "🛡 <b>{account} is protected</b> from a report brigade since {date}: {count} reports "
                "against it since then, flagged as brigading"
            ).format(
                account=account_label(mark.account), date=t.datetime(mark.since), count=t.number(mark.reports_since)
            )
        )
    for account, surge in view.surges:
        lines += [
            _("🚨 <b>Possible report campaign against {account}</b>").format(account=account_label(account)),
            _("Reports: {count} within {window}").format(
                count=t.number(surge.reports), window=t.duration(surge.window)
            ),
            _("Reporters: {count}, new: {new}, often report together: {together}").format(
                count=t.number(surge.reporters),
                new=t.number(surge.new_reporters),
                together=t.number(surge.co_reporters),
            ),
        ]
    if view.surges and view.case.is_open and view.case.kind is CaseKind.CLUSTER:
        lines.append(
            t.ngettext(
                "<b>Verifying needs {count} vote, one of them an admin's.</b>",
                "<b>Verifying needs {count} votes, one of them an admin's.</b>",
                view.votes_needed,
            ).format(count=t.number(view.votes_needed))
        )
    if view.coordination is not None:
        lines.append(
            t.ngettext(
                "🤝 <b>Coordinated:</b> {count} account posted this text within {window}",
                "🤝 <b>Coordinated:</b> {count} accounts posted this text within {window}",
                view.coordination.accounts,
            ).format(count=t.number(view.coordination.accounts), window=t.duration(view.coordination.window))
        )
    lines += shared_avatar_lines(t, view)
    lines += network_lines(t, view)
    for prior in view.prior_rejections:
        lines.append(
            _("↩️ {account} was in case #{number}, which moderators rejected").format(
                account=account_label(prior.account), number=number(prior.case_id)
            )
        )
    if view.generic_reports:
        lines.append(
            t.ngettext(
                "🔇 {count} report only matched the negative bank (common phrases, no campaign)",
                "🔇 {count} reports only matched the negative bank (common phrases, no campaign)",
                view.generic_reports,
            ).format(count=t.number(view.generic_reports))
        )
    return lines


def verdict_lines(t: Translator, view: CaseView) -> list[str]:
    _ = t.gettext
    case = view.case
    voters = voter_names(t, view)
    if case.status is CaseStatus.VERIFIED and case.verdict is Verdict.CAMPAIGN_ACCOUNT:
        return [
            _("⚠️ Verified as a campaign account {date} by {moderators}.").format(
                date=t.datetime(case.decided_at or 0), moderators=voters
            )
        ]
    if case.status is CaseStatus.VERIFIED:
        return [_("Verified {date} by {moderators}.").format(date=t.datetime(case.decided_at or 0), moderators=voters)]
    if case.status is CaseStatus.JOINED:
        return [
            _("🔗 Its reports joined case #{number} {date}.").format(
                number=number(case.joined_case_id or 0), date=t.datetime(case.decided_at or 0)
            )
        ]
    if case.status is CaseStatus.REJECTED:
        line = _("Rejected {date}: {reason}").format(
            date=t.datetime(case.decided_at or 0), reason=reason_label(t, case.reason_code, case.reason)
        )
        if case.reason_code is RejectReason.BRIGADE:
            line = "🛡 " + line
        return [line]
    lines = [
        _("Votes to verify: {count} of {needed}").format(
            count=t.number(view.counting_votes), needed=t.number(view.votes_needed)
        )
    ]
    if probationary := len(view.verify_votes) - view.counting_votes:
        lines.append(
            t.ngettext(
                "🔰 {count} more vote from a moderator on probation: recorded, not counted",
                "🔰 {count} more votes from moderators on probation: recorded, not counted",
                probationary,
            ).format(count=t.number(probationary))
        )
    lines.append(_("🙈 Who voted is shown once the case is decided."))
    if view.claim is not None:
        lines.append(
            _("🙋 {moderator} is working on it (since {date})").format(
                moderator=moderator_name(t, view.claim.moderator), date=t.datetime(view.claim.at)
            )
        )
    lines.append(_("Another reason to reject: /reject {number} <i>reason</i>").format(number=case.id))
    return lines


def details(t: Translator, view: CaseView, reports: list[Report]) -> str:
    """The case's latest reports in full, for a closer look."""
    _ = t.gettext
    lines = [_("<b>Case #{number}: latest reports</b>").format(number=number(view.case.id))]
    for report in reports:
        lines += [
            "",
            _("<b>#{number}</b> · {date}").format(number=number(report.id), date=t.datetime(report.created_at)),
        ]
        lines += report_body(t, report)
    if view.reports > len(reports):
        lines += ["", _("…and {count} more.").format(count=t.number(view.reports - len(reports)))]
    return t.lines(lines)


QUEUE_FILTER_NAMES = {
    QueueFilter.ALL: N_("all"),
    QueueFilter.SURGE: N_("🚨 possible report campaigns"),
    QueueFilter.ONE_VOTE: N_("🗳 one vote short"),
}


def queue_filter_name(t: Translator, filter: QueueFilter | str) -> str:
    if isinstance(filter, QueueFilter):
        return t.gettext(QUEUE_FILTER_NAMES[filter])
    return t.language_name(filter)


def queue(t: Translator, page: QueuePage) -> str:
    _ = t.gettext
    shown = queue_filter_name(t, page.filter)
    if not page.views:
        return _("No open cases ({filter}). 🎉").format(filter=shown)
    lines = [
        _("<b>Open cases: {total}</b> ({filter}) · page {page} of {pages}").format(
            total=t.number(page.total), filter=shown, page=t.number(page.page), pages=t.number(page.pages)
        )
    ]
    lines.append(_("The most reporters first, then the longest waiting."))
    for view in page.views:
        marks = (
            ("🛡" if view.protected else "")
            + ("🚨" if view.surges else "")
            + ("🤝" if view.coordination else "")
            + ("↩️" if view.prior_rejections else "")
        )
        entry = _("<b>#{number}</b> · {votes}/{needed} · {age} · reporters: {reporters}").format(
            number=number(view.case.id),
            votes=t.number(view.counting_votes),
            needed=t.number(view.votes_needed),
            age=t.age(page.now - view.case.opened_at),
            reporters=t.number(view.reporters),
        )
        if view.claim is not None:
            entry += " · 🙋 " + moderator_name(t, view.claim.moderator)
        lines += ["", f"{entry} {marks}".rstrip()]
        if view.text:
            lines.append(t.quote(user_text(excerpt(view.text, 100))))
        elif view.accounts:
            lines.append(account_label(view.accounts[0].account))
    lines += ["", _("Open one with its button or /case <i>number</i>.")]
    return t.lines(lines)


def draft(t: Translator, case_id: int, text: str, *, cut: bool = False) -> str:
    """A template draft; ``cut``: its text was cut to MAX_DRAFT_CHARS to become one."""
    _ = t.gettext
    notice = (
        [_("✂️ The text was cut to {count} characters for the draft.").format(count=t.number(MAX_DRAFT_CHARS)), ""]
        if cut
        else []
    )
    return t.lines(
        [
            _("<b>Template draft from case #{number}</b>").format(number=number(case_id)),
            "",
            f"<code>{user_text(text)}</code>",
            "",
            *notice,
            _(
                "Reply to this message with a corrected text if needed, then press Save. "
                "Write alternatives as {{a|b}} and any words as {{*}}."
            ).format(),
        ]
    )


def draft_saved(t: Translator, case_id: int, template: Template) -> str:
    return t.lines(
        [
            t.gettext(
                "📌 Template #{template} saved from case #{case}. Reports matching it now join this case."
            ).format(template=number(template.id), case=number(case_id)),
            "",
            f"<code>{user_text(template.text)}</code>",
        ]
    )


def moderator_help(t: Translator) -> str:
    _ = t.gettext
    return t.lines(
        [
            _("<b>Moderation</b>"),
            _(
                "Each new case gets a card in the moderators' chat: ✅ votes to verify, ❌ rejects with a reason, "
                "📌 makes a template from its text, 🔎 shows the reports."
            ),
            _(
                "🤔 When a case may be a known campaign in other words or another language, its card asks: "
                "✅ Same campaign moves its reports there and teaches the template the new wording, ✖ Different "
                "keeps it apart for good."
            ),
            _(
                "🖼 A photo reported alone opens a case of the same picture: 📌 Campaign image makes it a known "
                "campaign image, 🚫 Common picture puts it among flags, logos and memes that never count alone."
            ),
            "",
            *(
                _(line)
                for line in (
                    HELP_QUEUE,
                    HELP_CASE,
                    HELP_NETWORK,
                    HELP_VERIFY,
                    HELP_REJECT,
                    HELP_TEMPLATE,
                    HELP_LABEL,
                    HELP_NEGATIVE,
                    HELP_IMAGE,
                    HELP_STATS,
                    HELP_DIGEST,
                    HELP_ALIAS,
                )
            ),
            "",
            _("<b>Admins</b>"),
            *(_(line) for line in (HELP_MOD, HELP_REOPEN, HELP_AUDIT)),
        ]
    )
