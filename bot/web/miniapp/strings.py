"""The Mini App's string table: every text the client shows, by code, in the moderator's language.

The API answers codes, never prose; the session sends this table and the client (static/*.js) words each code
with it. Texts shared with the cards and the audit log reuse their messages, so a moderator reads the same words
in the group and in the app.
"""

from __future__ import annotations

from bot.core.accounts import Platform
from bot.core.cases import CaseStatus, RejectReason
from bot.i18n import N_, Translator
from bot.render.admin import ACTION_NAMES, ROLE_NAMES, STATUS_NAMES
from bot.render.moderation import PUBLISHED_AS_IT_STANDS, REASON_NAMES

STRINGS: dict[str, str] = {
    "app.title": N_("🗂 Queue"),
    "me.alias": N_("Moderator {number}"),
    "keys.help": N_(
        "Keys: v verify · r reject, then 1–4 for the reason · n or j next · k previous · / search · Esc back"
    ),
    "status.loading": N_("Loading…"),
    "search.label": N_("Find cases by their text"),
    "search.placeholder": N_("Text to find…"),
    "search.button": N_("Find"),
    "filter.any": N_("Any"),
    "facet.filters": N_("Filters"),
    "facet.state": N_("State"),
    "facet.flag": N_("Flag"),
    "facet.language": N_("Language"),
    "facet.platform": N_("Platform"),
    "facet.template": N_("Template"),
    "facet.age": N_("Waiting since"),
    "facet.sort": N_("Order"),
    "state.claimed": N_("taken on"),
    "state.unclaimed": N_("nobody has taken it on"),
    "state.one_vote": N_("one vote short"),
    "flag.coordinated": N_("Coordinated"),
    "flag.surge": N_("Possible report campaign"),
    "flag.suggestion": N_("Suggestion waiting"),
    "flag.protected": N_("Protected from a report brigade"),
    "flag.rejected_before": N_("Rejected before"),
    "flag.shared_avatar": N_("Shares a profile photo"),
    "flag.network": N_("Account network"),
    "flag.same_picture": N_("The same picture in other cases"),
    "flag.evidence": N_("Evidence in another case"),
    "evidence.account": N_("Account"),
    "evidence.accounts": N_("Accounts"),
    "evidence.reports": N_("Reports"),
    "evidence.new_reporters": N_("New reporters"),
    "evidence.co_reporters": N_("Reporters who often report together"),
    "evidence.window": N_("Within"),
    "evidence.start_at": N_("From"),
    "evidence.end_at": N_("Until"),
    "evidence.since": N_("Since"),
    "evidence.reports_since": N_("Reports since then"),
    "evidence.case": N_("Case"),
    "evidence.cases": N_("Cases"),
    "evidence.others": N_("Other accounts"),
    "evidence.number": N_("Network"),
    "age.day": N_("The last 24 hours"),
    "age.week": N_("The last 7 days"),
    "age.older": N_("Longer than a week"),
    "sort.reported": N_("Most reported"),
    "sort.newest": N_("Newest"),
    "sort.oldest": N_("Waiting longest"),
    "queue.total": N_("Cases found: {count}"),
    "queue.empty": N_("No case matches these filters."),
    "queue.more": N_("Show more"),
    "case.number": N_("Case #{number}"),
    "kind.cluster": N_("similar texts"),
    "kind.account": N_("reported account"),
    "kind.image": N_("same picture"),
    "row.reports": N_("reports: {count}"),
    "row.accounts": N_("accounts: {count}"),
    "row.votes": N_("votes: {count} of {needed}"),
    "row.template": N_("📌 Template #{number}"),
    "row.claimed_by": N_("🙋 Taken on by {name}"),
    "case.opened": N_("Opened {time}"),
    "case.last_report": N_("latest report {time}"),
    "case.text": N_("Text"),
    "case.published": PUBLISHED_AS_IT_STANDS,
    "case.reports": N_("Reports"),
    "case.accounts": N_("Accounts"),
    "case.flags": N_("Flags"),
    "case.votes": N_("Votes"),
    "case.history": N_("History"),
    "case.suggestion": N_("Suggested campaign"),
    "case.template": N_("Make a template"),
    "history.none": N_("No moderator has acted on this case yet."),
    "votes.mine": N_("You voted"),
    "match.exact": N_("same text"),
    "match.edited": N_("same text with small edits"),
    "match.reworded": N_("same message in other words"),
    "match.translated": N_("same message in another language"),
    "match.image": N_("same picture"),
    "match.new": N_("first report"),
    "do.verify": N_("✅ Verify"),
    "do.reject": N_("❌ Reject"),
    "do.protect": N_("🛡 Protect"),
    "do.withdraw": N_("✋ Withdraw my vote"),
    "do.undo": N_("↩️ Undo"),
    "do.claim": N_("🙋 Claim"),
    "do.release": N_("🙋 Release"),
    "do.reopen": N_("↩️ Reopen"),
    "do.same": N_("✅ Same campaign"),
    "do.different": N_("✖ Different"),
    "do.template": N_("📌 Make template"),
    "do.back": N_("« Back"),
    "do.cancel": N_("Cancel"),
    "do.retry": N_("Try again"),
    "do.close": N_("Close"),
    "done": N_("Done."),
    "reject.title": N_("Why is it not a campaign?"),
    "reject.own": N_("The reason in your own words"),
    "confirm.reject": N_("Reject case #{number}: {reason}?"),
    "confirm.reopen": N_("Reopen case #{number}?"),
    "suggestion.question": N_("Is this the same campaign as case #{number}?"),
    "suggestion.same": N_("Answered: the same campaign"),
    "suggestion.different": N_("Answered: a different campaign"),
    "template.label": N_("Template text"),
    "template.help": N_("Edit the text; the reports it would match are highlighted below."),
    "template.matches": N_("It would match {count} of {total} reports"),
    "problem.other": N_("This text cannot be a template."),
    "problem.too_short": N_("The text is too short to be a template."),
    "problem.invalid_template": N_("The template's gaps are written wrongly."),
    "problem.too_vague": N_("The text says too little besides its gaps: it would match unrelated messages."),
    "error.action": N_("That is not possible now: the case has changed. It is shown as it stands."),
    "error.load": N_("The queue could not be loaded."),
    "error.not_allowed": N_("You may not do that."),
    "error.closed": N_("This case is already decided."),
    "error.claimed_by_other": N_("Another moderator has taken this case on."),
    "error.undo_expired": N_("The time to undo it has passed."),
    "error.suggestion_answered": N_("Someone has already answered this suggestion."),
    "error.not_found": N_("There is no such case."),
    "refused.title": N_("The queue cannot open"),
    "refused.not_moderator": N_("Only Kuzet's moderators can open the queue."),
    "refused.invalid": N_("Telegram's sign-in could not be checked. Close the app and open it again from the bot."),
    "refused.expired": N_("This sign-in is too old. Close the app and open it again from the bot."),
    "refused.replayed": N_("This sign-in was already used. Close the app and open it again from the bot."),
    "refused.ended": N_("Your session has ended. Close the app and open it again from the bot."),
    "refused.no_telegram": N_("Open the queue from the bot in Telegram."),
    "language.unknown": N_("language unknown"),
    "ago.now": N_("just now"),
    "ago.minutes": N_("{count} min ago"),
    "ago.hours": N_("{count} h ago"),
    "ago.days": N_("{count} d ago"),
    "span.seconds": N_("{count} s"),
    "span.minutes": N_("{count} min"),
    "span.hours": N_("{count} h"),
    "span.days": N_("{count} d"),
}
"""Codes the client shows (static/*.js) → messages; reasons, audit actions, roles and case states are added from
the maps the cards and the audit log use."""


CASE_LANGUAGES = ("en", "ru", "kk", "ar", "zh")
"""The languages bot.core.language tells cases apart by, named by the server: the browser's Intl lacks some."""


def app_strings(t: Translator) -> dict[str, str]:
    """The string table in ``t``'s language, as the session sends it."""
    table = dict(STRINGS)
    table |= {f"reason.{code}": REASON_NAMES[code] for code in RejectReason}
    table |= {f"action.{action}": name for action, name in ACTION_NAMES.items()}
    table |= {f"role.{role}": name for role, name in ROLE_NAMES.items()}
    table |= {f"state.{status}": STATUS_NAMES[status] for status in CaseStatus}
    words = {code: t.gettext(message) for code, message in table.items()}
    words |= {f"language.{code}": t.language_name(code) for code in CASE_LANGUAGES}
    return words | {f"platform.{platform}": platform.brand for platform in Platform}  # brands are not translated
