"""Cases: what moderators decide on, their votes, and what it takes to decide one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.accounts import Account, Platform
from bot.core.flags import Coordination, FlagRules, ReportSurge
from bot.core.matcher import Resemblance


class CaseKind(StrEnum):
    CLUSTER = "cluster"
    """Similar texts reported by citizens."""
    ACCOUNT = "account"
    """An account reported without a campaign text (a link or an @handle)."""


class CaseStatus(StrEnum):
    OPEN = "open"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Role(StrEnum):
    MODERATOR = "moderator"
    ADMIN = "admin"
    """Everything a moderator may do, plus roles, reopening and the audit log."""


class RejectReason(StrEnum):
    """The usual reasons, one button each; anything else is written out with /reject."""

    GENUINE = "genuine"
    MASS_REPORTING = "mass_reporting"
    NOT_ENOUGH = "not_enough"
    OTHER = "other"


MIN_VOTES_UNDER_SURGE = 2
"""A case that may be a report campaign is never verified by one moderator alone."""


@dataclass(frozen=True)
class Policy:
    """How cases are decided and flagged."""

    quorum: int = 2
    """Distinct moderators' verify votes that verify a case."""
    rules: FlagRules = field(default_factory=FlagRules)


@dataclass(frozen=True)
class Moderator:
    """A person acting in the bot: their Telegram id and the name they go by."""

    user_id: int
    name: str


@dataclass(frozen=True)
class CaseRecord:
    id: int
    kind: CaseKind
    status: CaseStatus
    cluster_id: int | None
    account_id: int | None
    opened_at: int
    updated_at: int
    reason_code: RejectReason | None = None
    reason: str | None = None
    decided_at: int | None = None
    decided_by: int | None = None
    template_id: int | None = None
    card_chat_id: int | None = None
    card_message_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN


@dataclass(frozen=True)
class AccountCount:
    account_id: int
    account: Account
    reports: int


@dataclass(frozen=True)
class PriorRejection:
    """An account of this case was already in a case that moderators rejected."""

    account: Account
    case_id: int


@dataclass(frozen=True)
class CaseView:
    """Everything a card shows about a case."""

    case: CaseRecord
    text: str | None
    reports: int
    reporters: int
    first_seen_at: int
    last_seen_at: int
    languages: tuple[str, ...]
    platforms: tuple[Platform, ...]
    accounts: tuple[AccountCount, ...]
    template_id: int | None
    template_label: str | None
    generic_reports: int
    verify_votes: tuple[Moderator, ...]
    votes_needed: int
    coordination: Coordination | None = None
    surges: tuple[tuple[Account, ReportSurge], ...] = field(default=())
    prior_rejections: tuple[PriorRejection, ...] = field(default=())
    resemblances: tuple[tuple[Resemblance, int], ...] = field(default=())
    """How many reports matched as the same text with edits, in other words, in another language."""

    @property
    def possible_report_campaign(self) -> bool:
        return bool(self.surges)


def votes_needed(quorum: int, possible_report_campaign: bool) -> int:
    """Distinct moderators' verify votes that verify a case."""
    return max(quorum, MIN_VOTES_UNDER_SURGE) if possible_report_campaign else quorum
