"""The exceptions Kuzet raises on purpose, in one hierarchy.

Handlers turn these into translated replies; the CLI turns ``ConfigError``
into one line and exit status 2.
"""


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
    """The reporter sent more reports in the last hour than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} reports in an hour")
        self.limit = limit


class NothingToReport(KuzetError):
    """The message holds neither reportable text nor a recognisable account."""


class TextTooShort(NothingToReport):
    """The text is too short to be a campaign comment and names no account."""


class UnsupportedLink(NothingToReport):
    """The message is only links that point at no supported platform."""


class InvalidTemplate(KuzetError):
    """A template's ``{a|b}`` / ``{*}`` syntax is broken; the message says where."""
