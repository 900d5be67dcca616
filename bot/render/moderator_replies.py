"""Short answers to moderators: confirmations, refusals and how to use each command.

Texts for button answers (toasts) are plain: Telegram shows them without HTML.
"""

from __future__ import annotations

from bot.core.cases import CaseStatus, Moderator
from bot.core.suggestions import SuggestionAnswer
from bot.core.templates import LABEL_LANGUAGES, Labels, Template
from bot.errors import (
    BankedImageNotFound,
    CaseAlreadyOpen,
    CaseClosed,
    CaseError,
    CaseNotFound,
    ClaimedByOther,
    DraftGone,
    InvalidImageHash,
    InvalidLabel,
    InvalidTemplate,
    KuzetError,
    NetworkNotFound,
    NoCaseImage,
    NoCaseText,
    NoEvidence,
    NotAllowed,
    NotAnAccountCase,
    RoleFromConfig,
    SuggestionAnswered,
    TemplateNotFound,
    TemplateTooVague,
    TextTooShort,
    UndoExpired,
    UnknownLabelLanguage,
)
from bot.i18n import Translator
from bot.images.matcher import ImageKind
from bot.render import number, user_text
from bot.render.moderation import HELP_ALIAS, HELP_IMAGE, HELP_LABEL, moderator_name
from bot.service.cases import ClaimChange, VoteChange
from bot.service.suggestions import SuggestionResult
from bot.store.images import BankedImage


def refusal(t: Translator, error: KuzetError, *, plain: bool = False) -> str:
    """Why a moderator action was refused; ``plain`` for a button's toast."""
    _ = t.gettext
    if isinstance(error, NotAllowed):
        return _("Only admins can do this.") if error.needed == "admin" else _("Only moderators can do this.")
    case_number = ""
    if isinstance(error, CaseError):
        case_number = str(error.case_id) if plain else number(error.case_id)
    if isinstance(error, CaseNotFound):
        return _("There is no case #{number}.").format(number=case_number)
    if isinstance(error, CaseClosed) and error.status == CaseStatus.JOINED:
        return _("Case #{number} joined another case; its card links to it.").format(number=case_number)
    if isinstance(error, CaseClosed):
        return _("Case #{number} is already decided; an admin can reopen it.").format(number=case_number)
    if isinstance(error, CaseAlreadyOpen):
        return _("Case #{number} is already open.").format(number=case_number)
    if isinstance(error, NoEvidence):
        return _(
            "Case #{number} cannot be marked as a campaign account: no verified campaign text posted by this "
            "account is known, and reports alone are no evidence."
        ).format(number=case_number)
    if isinstance(error, NotAnAccountCase):
        return _("Case #{number} is about a text, not an account: there is no account to protect.").format(
            number=case_number
        )
    if isinstance(error, UndoExpired):
        return _("The reject of case #{number} can no longer be undone; an admin can reopen it.").format(
            number=case_number
        )
    if isinstance(error, ClaimedByOther):
        return _("{moderator} is already working on case #{number}.").format(
            moderator=moderator_name(t, error.moderator, plain=plain), number=case_number
        )
    if isinstance(error, SuggestionAnswered):
        return _("This suggestion on case #{number} was already answered.").format(number=case_number)
    if isinstance(error, NoCaseImage):
        return _("Case #{number} has no picture: only a case of the same picture can go into the image bank.").format(
            number=case_number
        )
    if isinstance(error, BankedImageNotFound):
        return _("There is no picture #{number} in the image bank.").format(number=error.bank_id)
    if isinstance(error, NetworkNotFound):
        return _("There is no network #{number}.").format(number=error.number)
    if isinstance(error, InvalidImageHash):
        return t.lines([_("A PDQ hash is written as 64 hexadecimal digits."), usage(t, HELP_IMAGE)])
    if isinstance(error, NoCaseText):
        return _("Case #{number} has no text to make a template from.").format(number=case_number)
    if isinstance(error, TemplateNotFound):
        return _("There is no template #{number}.").format(number=error.template_id)
    if isinstance(error, UnknownLabelLanguage):
        return _("{code} is not one of the bot's languages: use {codes}.").format(
            code=user_text(error.code), codes=", ".join(LABEL_LANGUAGES)
        )
    if isinstance(error, InvalidLabel):
        if error.too_long:
            return _("This label is too long: at most {count} characters, a short name of the campaign.").format(
                count=t.number(error.limit)
            )
        return t.lines([_("The label is empty."), usage(t, HELP_LABEL)])
    if isinstance(error, DraftGone):
        return _("This draft was already saved.")
    if isinstance(error, RoleFromConfig):
        return _("Admins are set with ADMIN_IDS in the configuration; /mod does not change them.")
    if isinstance(error, InvalidTemplate):
        return _(
            "The template's syntax is broken: every {{ needs a matching }}, alternatives look like {{a|b}}, "
            "any words like {{*}}."
        ).format()
    if isinstance(error, TemplateTooVague):
        return _(
            "Too vague for a template, it would match unrelated messages: besides its gaps it has too few "
            "words of its own."
        )
    if isinstance(error, TextTooShort):
        return _("This text is too short to be a template or a common phrase.")
    raise error


def vote_answer(t: Translator, change: VoteChange, decided: bool, case_id: int) -> str:
    _ = t.gettext
    if decided:
        return _("Case #{number} is verified.").format(number=case_id)
    return {
        VoteChange.VOTED: _("Your vote to verify is counted."),
        VoteChange.WITHDRAWN: _("Your vote is withdrawn."),
        VoteChange.ALREADY: _("You already voted to verify this case. To take it back, press ✋ Withdraw my vote."),
        VoteChange.NOT_VOTED: _("You have no vote on this case to withdraw."),
        VoteChange.ON_PROBATION: _(
            "🔰 Your vote is recorded. You are on probation: it does not count toward verifying."
        ),
    }[change]


def suggestion_answered(t: Translator, result: SuggestionResult) -> str:
    """The toast after ✅ Same campaign or ✖ Different (plain text)."""
    _ = t.gettext
    case_id = result.view.case.id
    if result.answer is SuggestionAnswer.DIFFERENT:
        return _("Noted: case #{number} stays apart, and this campaign will not be suggested for it again.").format(
            number=case_id
        )
    if result.joined_case_id is not None:
        text = _("Case #{number} joined case #{joined}.").format(number=case_id, joined=result.joined_case_id)
    else:
        text = _("Case #{number} is now this campaign's case.").format(number=case_id)
    if result.learned is not None:
        text += " " + _("Its text is now template #{template}, matched at once.").format(template=result.learned.id)
    return text


def protected(t: Translator, case_id: int) -> str:
    return t.gettext("Case #{number}: the account is protected from the report brigade.").format(number=case_id)


def reject_undone(t: Translator, case_id: int) -> str:
    return t.gettext("The reject of case #{number} is undone; the case is open with its votes.").format(number=case_id)


def claim_answer(t: Translator, change: ClaimChange, case_id: int) -> str:
    if change is ClaimChange.CLAIMED:
        return t.gettext("Case #{number} is yours; others see that you are working on it.").format(number=case_id)
    return t.gettext("You released case #{number}.").format(number=case_id)


def sent_privately(t: Translator) -> str:
    return t.gettext("Sent to you in our private chat.")


def rejected(t: Translator, case_id: int) -> str:
    return t.gettext("Case #{number} is rejected. You can undo this for a few minutes with ↩️ Undo.").format(
        number=case_id
    )


def reopened(t: Translator, case_id: int) -> str:
    return t.gettext("Case #{number} is open again; it needs a fresh quorum.").format(number=case_id)


def choose_reason(t: Translator) -> str:
    return t.gettext("Why is this not a campaign?")


def usage(t: Translator, help_line: str) -> str:
    """How to use a command: its line of the moderators' help (one of ``moderation.HELP_*``)."""
    return t.gettext("Usage: {line}").format(line=t.gettext(help_line))


def _member(t: Translator, moderator: Moderator) -> str:
    """How a /mod answer names the person: as others see them, with the Telegram id the admin used."""
    return f"{moderator_name(t, moderator)} (<code>{moderator.user_id}</code>)"


def moderator_added(t: Translator, moderator: Moderator, added: bool, probation_votes: int) -> str:
    if not added:
        return t.gettext("{name} already moderates.").format(name=_member(t, moderator))
    line = t.gettext("{name} is now a moderator.").format(name=_member(t, moderator))
    if not probation_votes:
        return line
    return t.lines(
        [
            line,
            t.ngettext(
                "🔰 On probation: their votes count toward verifying once {count} of them agreed with the final "
                "decision.",
                "🔰 On probation: their votes count toward verifying once {count} of them agreed with the final "
                "decisions.",
                probation_votes,
            ).format(count=t.number(probation_votes)),
        ]
    )


def moderator_removed(t: Translator, moderator: Moderator, removed: bool) -> str:
    if not removed:
        return t.gettext("{name} was not a moderator.").format(name=_member(t, moderator))
    return t.gettext("{name} no longer moderates.").format(name=_member(t, moderator))


def aliases_off(t: Translator) -> str:
    return t.gettext(
        "Aliases are switched off here (MODERATOR_ALIASES=0): every moderator is shown by their Telegram name."
    )


def alias_state(t: Translator, moderator: Moderator, *, unchanged: bool = False) -> str:
    """The answer to /alias: how others see the moderator now."""
    _ = t.gettext
    if moderator.alias is not None:
        head = _(
            "🎭 Others see you as {alias}: cards, the audit log, digests and exports never show your name."
        ).format(alias=moderator_name(t, moderator))
    else:
        head = _("🪪 Others see you by your Telegram name, {name}.").format(name=moderator_name(t, moderator))
    lines = [head]
    if unchanged:
        lines.append(_("That was already so."))
    lines.append(_(HELP_ALIAS))
    return t.lines(lines)


def template_added(t: Translator, template: Template) -> str:
    return t.gettext("📌 Template #{number} added. Reports matching it now count as this campaign.").format(
        number=number(template.id)
    )


def template_switched(t: Translator, template_id: int, enabled: bool, changed: bool) -> str:
    _ = t.gettext
    if not changed:
        text = _("Template #{number} was already on.") if enabled else _("Template #{number} was already off.")
    else:
        text = (
            _("Template #{number} is on again.") if enabled else _("Template #{number} is off: nothing matches it now.")
        )
    return text.format(number=number(template_id))


def label_set(t: Translator, template: Template, language: str, label: str) -> str:
    return t.gettext("🏷 Template #{number}: its campaign is labelled {label} in {language}.").format(
        number=number(template.id), label=t.quote(user_text(label)), language=t.language_name(language)
    )


def labels(t: Translator, template: Template, labels: Labels) -> str:
    """The labels of the template's campaign in each language, and which one readers of the others see."""
    _ = t.gettext
    lines = [_("🏷 <b>Labels of template #{number}'s campaign</b>").format(number=number(template.id))]
    for language in dict.fromkeys([*LABEL_LANGUAGES, *sorted(labels.by_language)]):
        label = labels.by_language.get(language)
        lines.append(f"{t.language_name(language)}: {t.quote(user_text(label)) if label else '—'}")
    if labels.fallback is not None and any(language not in labels.by_language for language in LABEL_LANGUAGES):
        lines.append(_("Readers of the other languages see {label}.").format(label=t.quote(user_text(labels.fallback))))
    lines += ["", t.gettext(HELP_LABEL)]
    return t.lines(lines)


def negative_added(t: Translator, negative_id: int) -> str:
    return t.gettext(
        "Added to the negative bank (#{number}): texts like this no longer count as a campaign on their own."
    ).format(number=number(negative_id))


def image_banked(t: Translator, banked: BankedImage, *, plain: bool = False) -> str:
    """A picture went into the image bank; ``plain`` for a button's toast."""
    shown = str(banked.id) if plain else number(banked.id)
    if banked.kind is ImageKind.CAMPAIGN:
        return t.gettext(
            "Picture #{number} is now a known campaign image: copies of it are recognised in new reports."
        ).format(number=shown)
    return t.gettext(
        "Picture #{number} is now a common picture: copies of it never count as a match on their own."
    ).format(number=shown)


def image_removed(t: Translator, banked: BankedImage) -> str:
    return t.gettext("Picture #{number} is out of the image bank.").format(number=number(banked.id))


def draft_corrected(t: Translator) -> str:
    return t.gettext("Draft corrected. Press Save when it is right.")


def bot_cannot_moderate(t: Translator) -> str:
    return t.gettext("That is my own id: I cannot moderate. Send the id of a person.")


def card_out_of_date(t: Translator) -> str:
    """The answer to a press on a stray copy of a case card (one whose posting seemed to fail)."""
    return t.gettext("This card is out of date; the current one is below.")
