"""The weekly digest as plain data: built from verified cases, frozen as JSON when published,
rendered separately for each language."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from bot.core.accounts import Account, public_link
from bot.core.small_counts import DEFAULT_K
from bot.core.templates import reader_label


class DigestStatus(StrEnum):
    DRAFT = "draft"
    DISCARDED = "discarded"
    PUBLISHED = "published"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    CANCELLED = "cancelled"
    """The subscriber opted out (/unsubscribe, /forgetme) before the delivery was done."""


TOP_CAMPAIGNS = 5
MAX_ACCOUNTS = 30
MAX_EXAMPLES = 3
MAX_NETWORKS = 5
MAX_NETWORK_ACCOUNTS = 10


@dataclass(frozen=True)
class Totals:
    reports: int
    """Reports received in the week that belong to verified cases."""
    verified_cases: int
    """Cases verified in the week."""
    new_templates: int


@dataclass(frozen=True)
class Campaign:
    case_id: int
    label: str | None
    """The label for a reader whose language has none (in the family's original language, else any)."""
    text: str
    reports: int
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    coordinated: bool
    per_day: tuple[int, ...]
    """Reports on each day of the week, Monday first."""
    verified_at: int = 0
    votes: int = 0
    """Distinct moderators who voted to verify the case."""
    examples: tuple[str, ...] = ()
    """Public links to posts that carried the campaign (never of a protected or a hidden account)."""
    quotes: dict[str, str] = field(default_factory=dict)
    """The campaign's text in each language its template family has (language code → text)."""
    labels: dict[str, str] = field(default_factory=dict)
    """The family's label in each language it has one (digests frozen before labels had languages: none)."""
    picture: bool = False
    """A campaign of the same picture (an image case). The digest never shows the picture: a citizen sent it."""
    sharing_photo: int = 0
    """The campaign's accounts whose profile photo other reported accounts wear too."""

    def quote(self, language: str) -> str:
        """The text in the reader's language ("zh_Hant" reads "zh") if the family has it, else the campaign's own."""
        return self.quotes.get(language) or self.quotes.get(language.split("_")[0]) or self.text

    def label_for(self, language: str) -> str | None:
        """The label in the reader's language if the family has one, else ``label``."""
        return reader_label(self.labels, language) or self.label


@dataclass(frozen=True)
class VerifiedAccount:
    platform: str
    label: str
    """The @handle, or the link where the account has no handle: never a shown name."""
    link: str = ""
    """Its public address; digests frozen before links were kept have none, and their accounts are not shown."""


@dataclass(frozen=True)
class DigestNetwork:
    """An account network behind campaigns verified this week, as far as verified cases show it: never its size
    or any account only reporters linked to it."""

    number: int
    campaigns: tuple[int, ...]
    """Its campaign cases verified this week."""
    verified_campaigns: int
    """Its campaign cases verified so far."""
    accounts: int
    """Its accounts the digest may name (public, not protected) that posted those campaigns."""
    named: tuple[VerifiedAccount, ...] = ()
    """The first of them."""


@dataclass(frozen=True)
class Digest:
    period: str
    start: int
    end: int
    totals: Totals
    previous: Totals
    campaigns: tuple[Campaign, ...] = ()
    accounts: tuple[VerifiedAccount, ...] = ()
    more_accounts: int = 0
    days: tuple[int, ...] = field(default=())
    """The start of each day of the week (for the chart and day labels)."""
    small_count_k: int = DEFAULT_K
    """A count below this is shown as "fewer than K" (digests frozen before it had one: the default)."""
    networks: tuple[DigestNetwork, ...] = ()
    """Account networks behind the week's verified campaigns (digests frozen before networks: none)."""

    @property
    def is_empty(self) -> bool:
        return not self.campaigns and not self.totals.verified_cases

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Digest:
        """A digest frozen by this or an earlier version (fields added since take their defaults)."""
        raw = json.loads(text)
        return cls(
            raw["period"],
            raw["start"],
            raw["end"],
            Totals(**raw["totals"]),
            Totals(**raw["previous"]),
            tuple(
                Campaign(
                    **{
                        **c,
                        "languages": tuple(c["languages"]),
                        "platforms": tuple(c["platforms"]),
                        "per_day": tuple(c["per_day"]),
                        "examples": tuple(c.get("examples", ())),
                    }
                )
                for c in raw["campaigns"]
            ),
            tuple(VerifiedAccount(**a) for a in raw["accounts"]),
            raw["more_accounts"],
            tuple(raw["days"]),
            raw.get("small_count_k", DEFAULT_K),
            tuple(
                DigestNetwork(
                    n["number"],
                    tuple(n["campaigns"]),
                    n["verified_campaigns"],
                    n["accounts"],
                    tuple(VerifiedAccount(**a) for a in n["named"]),
                )
                for n in raw.get("networks", ())
            ),
        )


def line_label(rank: int, campaign: Campaign) -> str:
    """ "1 · #12": how the chart's legend and its caption name a campaign's line, by its rank in the digest's
    text and its case number (Latin digits only, the same in every language)."""
    return f"{rank} · #{campaign.case_id}"


def change(current: int, previous: int) -> int | None:
    """The change from last week in percent, rounded; None when last week had nothing to compare with."""
    if previous == 0:
        return None
    return round((current - previous) * 100 / previous)


def citable(account: Account) -> VerifiedAccount | None:
    """How a digest or an export names a campaign account: its @handle (else its link) and its link; None
    when it has no public link (a hidden user's shown name, a group, a private chat)."""
    link = public_link(account.platform, account)
    if link is None:
        return None
    return VerifiedAccount(account.platform.value, "@" + account.handle if account.handle else link, link)
