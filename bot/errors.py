"""The exceptions Kuzet raises on purpose, in one hierarchy.

Handlers turn these into translated replies; the CLI turns ``ConfigError``
into one line and exit status 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.cases import Moderator


class KuzetError(Exception):
    """Base class of every deliberate Kuzet error."""


class ConfigError(KuzetError):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class MigrationError(KuzetError):
    """A schema migration failed and was rolled back."""


class RateLimited(KuzetError):
    """The reporter sent more reports in the last hour than allowed; ``retry_at`` is when one more may be sent."""

    def __init__(self, limit: int, retry_at: int) -> None:
        super().__init__(f"more than {limit} reports in an hour")
        self.limit = limit
        self.retry_at = retry_at


class NothingToReport(KuzetError):
    """The message holds neither reportable text nor a recognisable account."""


class TextTooShort(NothingToReport):
    """The text is too short to be a campaign comment and names no account."""


class UnsupportedLink(NothingToReport):
    """The message is only links that point at no supported platform."""


class InvalidTemplate(KuzetError):
    """A template's ``{a|b}`` / ``{*}`` syntax is broken; the message says where."""


class TemplateTooVague(KuzetError):
    """A template says too little besides its gaps and function words: it would match unrelated messages."""


class NotAllowed(KuzetError):
    """The user's role in the database does not allow this action."""

    def __init__(self, needed: str) -> None:
        super().__init__(f"needs the {needed} role")
        self.needed = needed


class CaseError(KuzetError):
    """Something about one case stops the action."""

    def __init__(self, case_id: int, problem: str) -> None:
        super().__init__(f"case {case_id}: {problem}")
        self.case_id = case_id


class CaseNotFound(CaseError):
    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "does not exist")


class CaseClosed(CaseError):
    """The case is already decided; only an admin can reopen it."""

    def __init__(self, case_id: int, status: str) -> None:
        super().__init__(case_id, status)
        self.status = status


class CaseAlreadyOpen(CaseError):
    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "is open")


class NoCaseText(CaseError):
    """The case holds no text to make a template from."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "has no text")


class TemplateNotFound(KuzetError):
    def __init__(self, template_id: int) -> None:
        super().__init__(f"no template {template_id}")
        self.template_id = template_id


class UnknownLabelLanguage(KuzetError):
    """A label was given in a language that is none of the bot's."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no label language {code!r}")
        self.code = code


class InvalidLabel(KuzetError):
    """A campaign label is empty or longer than its limit."""

    def __init__(self, limit: int, *, too_long: bool) -> None:
        super().__init__(f"a label has 1 to {limit} characters")
        self.limit = limit
        self.too_long = too_long


class DraftGone(KuzetError):
    """The template draft was saved or does not exist any more."""


class RoleFromConfig(KuzetError):
    """Admins come from ADMIN_IDS; they are not added or removed with /mod."""

    def __init__(self, user_id: int) -> None:
        super().__init__("admins are set with ADMIN_IDS")
        self.user_id = user_id


class StorageUnavailable(KuzetError):
    """The database cannot take a write now: locked by another process, or the disk is full.

    The transaction was rolled back whole, so nothing half-written is left behind.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"the database cannot be written ({reason})")
        self.reason = reason


class NoEvidence(CaseError):
    """An account is marked as a campaign account only with evidence: a verified campaign text it posted.

    A protected account (the target of a report brigade) has none by definition.
    """

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "no verified campaign text posted by this account")


class NotAnAccountCase(CaseError):
    """Protecting is for an account that was reported, not for a text."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "is not an account case")


class UndoExpired(CaseError):
    """The reject can no longer be undone by a moderator; an admin can still /reopen."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "the reject can no longer be undone")


class ClaimedByOther(CaseError):
    """Another moderator is working on the case."""

    def __init__(self, case_id: int, moderator: Moderator) -> None:
        super().__init__(case_id, "claimed by another moderator")
        self.moderator = moderator


class SuggestionAnswered(CaseError):
    """The case's suggestion was already answered (a second press, or a card out of date)."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "the suggestion was already answered")


class NoCaseImage(CaseError):
    """The case holds no picture to put in the image bank."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id, "has no picture")


class BankedImageNotFound(KuzetError):
    def __init__(self, bank_id: int) -> None:
        super().__init__(f"no picture {bank_id} in the image bank")
        self.bank_id = bank_id


class NetworkNotFound(KuzetError):
    def __init__(self, number: int) -> None:
        super().__init__(f"no network {number}")
        self.number = number


class InvalidImageHash(KuzetError):
    """A PDQ hash is written as 64 hexadecimal digits."""
