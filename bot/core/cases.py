"""Cases: what moderators decide on, their votes, and what it takes to decide one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.accounts import Account, Platform
from bot.core.flags import Coordination, FlagRules, ReportSurge
from bot.core.matcher import Resemblance
from bot.core.networks import CaseNetwork
from bot.core.suggestions import SuggestedCampaign
from bot.core.templates import Labels


class CaseKind(StrEnum):
    CLUSTER = "cluster"
    """Similar texts reported by citizens."""
    ACCOUNT = "account"
    """An account reported without a campaign text (a link or an @handle)."""
    IMAGE = "image"
    """Near-identical pictures reported without a campaign text (a photo alone)."""


class CaseStatus(StrEnum):
    OPEN = "open"
    VERIFIED = "verified"
    REJECTED = "rejected"
    JOINED = "joined"
    """A moderator confirmed it as a known campaign: its reports moved into that campaign's case."""


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
    BRIGADE = "brigade"
    """An account case closed as a report brigade: the account is put on the protected list (🛡 Protect)."""


class Verdict(StrEnum):
    """What a verified account case says about the account."""

    CAMPAIGN_ACCOUNT = "campaign_account"
    """The account posts campaign content: allowed only with evidence (a verified campaign text it posted)."""


MIN_VOTES_UNDER_SURGE = 2
"""A case that may be a report campaign is never verified by one moderator alone."""


@dataclass(frozen=True)
class Policy:
    """How cases are decided and flagged."""

    quorum: int = 2
    """Distinct moderators' verify votes that verify a case."""
    surge_quorum: int = 3
    """Votes that verify a case flagged as a possible report campaign; one of them must be an admin's."""
    undo_seconds: int = 300
    """How long a reject can be undone by the moderator who made it (or an admin); outcomes wait as long."""
    claim_seconds: int = 3600
    """How long a claim keeps others from taking a case over."""
    probation_votes: int = 3
    """A new moderator's verify votes count toward the quorum once this many of them agreed with the final
    decision of their case (0: no probation). Admins are never on probation."""
    aliases: bool = True
    """Moderators are shown under their alias ("Moderator 7") unless they chose to show their name."""
    rules: FlagRules = field(default_factory=FlagRules)


@dataclass(frozen=True)
class Moderator:
    """A person acting in the bot: their Telegram id and the name they go by, or the alias they are shown by."""

    user_id: int
    name: str
    alias: int | None = None
    """Shown as "Moderator {alias}"; the name is then left empty, so it cannot reach any output."""


def shown_as(user_id: int, name: str, alias: int, shows_name: bool, policy: Policy) -> Moderator:
    """How a moderator appears to others: under their alias, unless aliases are off or they chose their name."""
    if policy.aliases and not shows_name:
        return Moderator(user_id, "", alias)
    return Moderator(user_id, name)


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
    verdict: Verdict | None = None
    claimed_by: int | None = None
    claimed_at: int | None = None
    joined_case_id: int | None = None
    """For a JOINED case: the case its reports moved into."""
    image_id: int | None = None
    """For an IMAGE case: its picture group."""

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN

    def undo_until(self, policy: Policy) -> int | None:
        """Until when this reject may be undone; None if the case is not a reject."""
        if self.status is not CaseStatus.REJECTED or self.decided_at is None:
            return None
        return self.decided_at + policy.undo_seconds


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
class ProtectedMark:
    """An account of this case is on the protected list: reports against it since then count as brigading."""

    account: Account
    case_id: int | None
    since: int
    reports_since: int


@dataclass(frozen=True)
class CaseImage:
    """The picture of an image case, and whether moderators put it in the image bank."""

    pdq: str
    """PDQ hash, 64 hex digits."""
    file_id: str | None
    """The Telegram file id the card shows it by (Kuzet keeps no image bytes)."""
    bank_id: int | None = None
    campaign: bool = False
    """A known campaign image (📌); otherwise, when banked, a common picture that never counts alone."""
    label: str | None = None


@dataclass(frozen=True)
class SharedAvatar:
    """An account of this case whose profile photo other reported accounts wear too: a sign of coordination."""

    account: Account
    others: int
    """How many other reported accounts wear it."""
    cases: tuple[int, ...]
    """The cases that name those accounts (the first few)."""


@dataclass(frozen=True)
class Claim:
    moderator: Moderator
    at: int


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
    template_labels: Labels
    """The template family's labels, for the card to name the campaign in the moderators' language."""
    generic_reports: int
    verify_votes: tuple[Moderator, ...]
    votes_needed: int
    coordination: Coordination | None = None
    surges: tuple[tuple[Account, ReportSurge], ...] = field(default=())
    prior_rejections: tuple[PriorRejection, ...] = field(default=())
    resemblances: tuple[tuple[Resemblance, int], ...] = field(default=())
    """How many reports matched as the same text with edits, in other words, in another language."""
    accounts_total: int = 0
    """All accounts the case's reports name (``accounts`` holds the first few)."""
    evidence_case: int | None = None
    """For an account case: a verified campaign case whose text this account posted, if any."""
    protected: tuple[ProtectedMark, ...] = field(default=())
    admin_voted: bool = False
    claim: Claim | None = None
    undo_open: bool = False
    """A reject that its moderator (or an admin) may still undo."""
    suggestion: SuggestedCampaign | None = None
    """The case's latest suggestion: open (the card asks), or answered (the card says by whom)."""
    image: CaseImage | None = None
    """An image case's picture."""
    same_picture_cases: tuple[int, ...] = ()
    """Other cases whose reports carried a picture this case's reports carried too."""
    shared_avatars: tuple[SharedAvatar, ...] = field(default=())
    networks: tuple[CaseNetwork, ...] = ()
    """The account networks the case's accounts are in (most of them first)."""
    probationary: frozenset[int] = frozenset()
    """The voters who voted on probation: their votes are recorded and shown, but never count toward the quorum."""

    @property
    def possible_report_campaign(self) -> bool:
        return bool(self.surges)

    @property
    def needs_admin(self) -> bool:
        """Verifying a possible report campaign takes an admin's vote too."""
        return self.possible_report_campaign

    @property
    def may_be_campaign_account(self) -> bool:
        """An account case can be marked as a campaign account only with evidence, and never while protected."""
        return self.case.kind is not CaseKind.ACCOUNT or (self.evidence_case is not None and not self.protected)

    @property
    def counting_votes(self) -> int:
        """The verify votes that count toward the quorum (not those of moderators on probation)."""
        return sum(1 for m in self.verify_votes if m.user_id not in self.probationary)

    @property
    def votes_missing(self) -> int:
        return max(0, self.votes_needed - self.counting_votes)

    @property
    def has_quorum(self) -> bool:
        """Whether the counting votes (with an admin's where one is needed) verify the case."""
        return self.counting_votes >= self.votes_needed and (self.admin_voted or not self.needs_admin)


def votes_needed(policy: Policy, possible_report_campaign: bool) -> int:
    """Distinct moderators' verify votes that verify a case: a possible report campaign needs the higher quorum."""
    if possible_report_campaign:
        return max(policy.quorum, policy.surge_quorum, MIN_VOTES_UNDER_SURGE)
    return policy.quorum
