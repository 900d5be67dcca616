"""The citizen's fixed texts: welcome, help, privacy, and every polite refusal."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from babel.dates import format_timedelta

from bot.core.small_counts import DEFAULT_K
from bot.i18n import LANGUAGE_NAMES, Translator, isolate
from bot.render import number

SUPPORTED_PLATFORMS = "Telegram, X (Twitter), Facebook, Instagram, VK, TikTok, YouTube"


def welcome(t: Translator) -> str:
    _ = t.gettext
    return t.lines(
        [
            _("👋 <b>Kuzet</b> helps expose fake accounts and copy-paste propaganda."),
            "",
            _("Send me:"),
            _("• a suspicious post or comment: just forward it here;"),
            _("• the text of a comment: paste it;"),
            _("• a link to an account or a post, or an @handle."),
            "",
            _(
                "You get a receipt with a report number at once. Volunteer moderators review the reports; "
                "nothing is published without them. Your Telegram ID is never stored with your reports."
            ),
        ]
    )


def help_text(t: Translator) -> str:
    _ = t.gettext
    return t.lines(
        [
            _("<b>What to send</b>"),
            _("• Forward a suspicious post or comment."),
            _("• Paste the text of a comment."),
            _("• Send a link to an account or a post ({platforms}) or an @handle.").format(
                platforms=SUPPORTED_PLATFORMS
            ),
            _("• A photo, video or file counts too if it has a caption: the caption is the text."),
            "",
            _("<b>What happens next</b>"),
            _(
                "Every report gets a number. Volunteer moderators compare it with other reports and known "
                "campaigns, then verify or reject it. Verified campaigns go into a weekly digest."
            ),
            "",
            _("<b>Commands</b>"),
            _("/status: your latest reports; /status <i>number</i>: one report"),
            _("/language: choose the language"),
            _("/privacy: what is stored and for how long"),
            _("/forgetme: delete everything linked to you"),
            _("/wipe: delete this chat's messages now"),
            _("/subscribe: the weekly digest of verified campaigns; /unsubscribe to stop it"),
            _("/help: this help"),
        ]
    )


def privacy(t: Translator, retention_days: int, trail_minutes: int, small_count_k: int = DEFAULT_K) -> str:
    """What is stored and for how long, what is published, then the disappearing chat with its current delay
    (buttons below)."""
    _ = t.gettext
    return t.lines(
        [
            _("<b>What Kuzet stores</b>"),
            _("• Your reports: the text, the account or post they point at, and when you sent them."),
            _(
                "• Never your Telegram ID: reports are filed under a pseudonym, a code that only this bot's "
                "secret key can compute, so the database alone does not reveal who reported."
            ),
            _("• The language you chose, under the same pseudonym."),
            _(
                "• Your chat ID, only if you ask to hear from us later (a subscription or news about a report); "
                "it is deleted when that request ends."
            ),
            "",
            _("<b>For how long</b>"),
            t.ngettext(
                "Reports are kept while moderators review them. {days} day after it was sent, a report whose case "
                "was rejected or has gone quiet loses its text and its pseudonym; a report in a verified campaign "
                "keeps its text as evidence but loses its pseudonym, so it no longer points to you.",
                "Reports are kept while moderators review them. {days} days after it was sent, a report whose case "
                "was rejected or has gone quiet loses its text and its pseudonym; a report in a verified campaign "
                "keeps its text as evidence but loses its pseudonym, so it no longer points to you.",
                retention_days,
            ).format(days=t.number(retention_days)),
            _(
                "/forgetme deletes your settings and unlinks every report from you at any time; "
                "the reports stay only as anonymous texts."
            ),
            "",
            _(
                "<b>Stay safe:</b> if someone may look at your phone, delete this chat after reporting. "
                "Deleting the chat does not delete your reports."
            ),
            "",
            _("<b>What is published</b>"),
            _(
                "Only campaigns that moderators verified, in the weekly digest and in exports for researchers. "
                "Never who reported, never a photo you sent (only its fingerprint, a hash, is kept), and never an "
                'account that only reporters named. A count below {count} is shown as "fewer than {count}", so '
                "a small number cannot point to the few people who reported. Moderators appear under aliases "
                'such as "Moderator 7", and who voted stays hidden until a case is decided.'
            ).format(count=t.number(small_count_k)),
            "",
            *trail_explained(t, trail_minutes),
        ]
    )


def trail_explained(t: Translator, minutes: int) -> list[str]:
    _ = t.gettext
    return [
        _("<b>A chat that disappears</b>"),
        _(
            "The bot can delete your messages here and its own answers by itself, a while after they were sent: "
            "choose when with the buttons below. /wipe deletes them at once."
        ),
        trail_state(t, minutes),
        _(
            "What cannot be deleted: messages older than 48 hours (Telegram does not let bots delete them); "
            "notifications your phone has already shown; copies you forwarded elsewhere; and nothing at all "
            "once you have blocked the bot."
        ),
        _(
            "While it is on, the bot keeps this chat's ID and the numbers of its messages until they are "
            "deleted, and no longer."
        ),
    ]


def trail_delay(t: Translator, minutes: int) -> str:
    """The delay as the buttons name it: 10 minutes, 1 hour, 24 hours (a day in hours)."""
    hours_from = 24 if minutes % (24 * 60) == 0 else 1
    return format_timedelta(timedelta(minutes=minutes), threshold=hours_from, locale=t.locale)


def trail_state(t: Translator, minutes: int) -> str:
    if not minutes:
        return t.gettext("Now: this chat is not cleared.")
    return t.gettext("Now: this chat is cleared after {delay}.").format(delay=trail_delay(t, minutes))


def trail_choice(t: Translator, minutes: int) -> str:
    """A button's label: off, or the delay."""
    return trail_delay(t, minutes) if minutes else t.gettext("Off")


def trail_set(t: Translator, minutes: int) -> str:
    if not minutes:
        return t.gettext("Done: this chat is no longer cleared.")
    return t.gettext("Done: this chat is cleared after {delay}.").format(delay=trail_delay(t, minutes))


def trail_line(t: Translator, minutes: int) -> str:
    """The receipt's last line while the trail is on."""
    return t.gettext("🧹 This chat is cleared after {delay}: /privacy").format(delay=trail_delay(t, minutes))


def wiped(t: Translator, *, deleted: int, expired: int, left: int, trail_on: bool, answer_after: int) -> str:
    """The answer to /wipe: what went, what could not and why, and when this answer goes too."""
    lines = [
        t.ngettext("🧹 {count} message was deleted.", "🧹 {count} messages were deleted.", deleted).format(
            count=t.number(deleted)
        )
        if deleted
        else t.gettext("🧹 There was nothing left that the bot could delete.")
    ]
    if expired:
        lines.append(
            t.ngettext(
                "{count} message is older than 48 hours: Telegram no longer lets the bot delete it.",
                "{count} messages are older than 48 hours: Telegram no longer lets the bot delete them.",
                expired,
            ).format(count=t.number(expired))
        )
    if left:
        lines.append(
            t.ngettext(
                "{count} message could not be deleted just now; the bot tries again shortly.",
                "{count} messages could not be deleted just now; the bot tries again shortly.",
                left,
            ).format(count=t.number(left))
        )
    if not trail_on:
        lines.append(
            t.gettext(
                "The bot keeps a list of this chat's messages only while the disappearing chat is on, so it "
                "cannot find earlier ones: turn it on in /privacy."
            )
        )
    lines.append(t.gettext("This answer is deleted in {delay}.").format(delay=t.duration(answer_after)))
    return t.lines(lines)


def forget_prompt(t: Translator, subscribed: bool) -> str:
    _ = t.gettext
    if subscribed:
        return _(
            "This deletes your language choice, ends your subscription to the weekly digest and unlinks all your "
            "reports from you. They stay only as anonymous reports, and /status will no longer show them. "
            "This cannot be undone. Continue?"
        )
    return _(
        "This deletes your language choice and unlinks all your reports from you. They stay only as anonymous "
        "reports, and /status will no longer show them. This cannot be undone. Continue?"
    )


def forgotten(t: Translator, reports_unlinked: int, unsubscribed: bool) -> str:
    done = t.ngettext(
        "Done: your settings are deleted and {count} report was unlinked from you.",
        "Done: your settings are deleted and {count} reports were unlinked from you.",
        reports_unlinked,
    ).format(count=t.number(reports_unlinked))
    if not unsubscribed:
        return done
    return done + " " + t.gettext("Your subscription to the weekly digest has ended; /subscribe starts it again.")


def forget_cancelled(t: Translator) -> str:
    return t.gettext("Nothing was deleted.")


def language_prompt(t: Translator) -> str:
    return t.gettext("Choose your language:")


def language_set(t: Translator) -> str:
    return t.gettext("Language set: {language}.").format(language=LANGUAGE_NAMES[t.code])


def rate_limited(t: Translator, limit: int, retry_at: int, now: int) -> str:
    """The refusal, with when sending works again: a time of day and a wait in whole minutes."""
    minutes = max(1, -(-(retry_at - now) // 60))
    return t.ngettext(
        "You have reached the limit of {count} report per hour: this message was not stored. "
        "You can send reports again at {time} (in {wait}).",
        "You have reached the limit of {count} reports per hour: this message was not stored. "
        "You can send reports again at {time} (in {wait}).",
        limit,
    ).format(count=t.number(limit), time=t.time(retry_at), wait=t.duration(minutes * 60))


def text_too_short(t: Translator) -> str:
    return t.gettext(
        "That is too short to tell whether it is a campaign. Paste the whole comment, forward the post, "
        "or send a link to the account."
    )


def unsupported_link(t: Translator) -> str:
    return t.gettext(
        "I can't tell which account this link points to. I recognise links to accounts and posts on {platforms}, "
        "and @handles. Short links (like vm.tiktok.com or fb.me) must be opened first: send the full address."
    ).format(platforms=SUPPORTED_PLATFORMS)


def media_without_caption(t: Translator) -> str:
    return t.gettext(
        "I can only record a video or a file that has a caption: add the text of the post as a caption, or "
        "forward the original post. A photo can come alone."
    )


def photo_too_plain(t: Translator) -> str:
    return t.gettext(
        "This picture is too plain to compare (nearly one colour, or no detail). Send it with the text of the "
        "post, or with a link to the account that posted it."
    )


def photo_unavailable(t: Translator) -> str:
    return t.gettext("I couldn't fetch this photo from Telegram just now. Please send it again in a minute.")


def unsupported_message(t: Translator) -> str:
    return t.gettext(
        "I can't take this kind of message as a report. Send me a forwarded post, the text of a comment, "
        "a link to an account or a post, or an @handle. /help explains more."
    )


def unknown_command(t: Translator) -> str:
    return t.gettext("I don't know that command. /help lists what I can do.")


def edit_ignored(t: Translator) -> str:
    return t.gettext(
        "Editing a message does not change a report already received. "
        "If something was wrong, send the corrected message as a new report."
    )


def status_usage(t: Translator) -> str:
    return t.gettext("Write /status for your latest reports, or /status and a report number, e.g. /status 42.")


def status_link(bot_username: str, report_id: int) -> str:
    """ "/status 42" as a link that opens the bot and shows report 42 (a tapped "/status 42" sends only "/status")."""
    url = f"https://t.me/{bot_username}?start=status_{report_id}"
    return f'<a href="{escape(url)}">{isolate(f"/status {report_id}")}</a>'


def report_not_found(t: Translator, report_id: int) -> str:
    return t.gettext("Report #{number} is not among your reports.").format(number=number(report_id))


def stale_button(t: Translator) -> str:
    return t.gettext("This button no longer works. Send /start for a fresh menu.")


def storage_unavailable(t: Translator) -> str:
    return t.gettext(
        "⚠️ We could not save this just now, so nothing was recorded. Please send it again in a few minutes."
    )


def internal_error(t: Translator) -> str:
    return t.gettext(
        "Sorry, something went wrong on our side. If you were sending a report, please send it again in a minute."
    )
