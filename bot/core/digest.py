"""The weekly digest as plain data: built from verified cases, frozen as JSON when published,
rendered separately for each language."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class DigestStatus(StrEnum):
    DRAFT = "draft"
    DISCARDED = "discarded"
    PUBLISHED = "published"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"


TOP_CAMPAIGNS = 5
MAX_ACCOUNTS = 30


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
    text: str
    reports: int
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    coordinated: bool
    per_day: tuple[int, ...]
    """Reports on each day of the week, Monday first."""


@dataclass(frozen=True)
class VerifiedAccount:
    platform: str
    label: str


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

    @property
    def is_empty(self) -> bool:
        return not self.campaigns and not self.totals.verified_cases

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Digest:
        raw = json.loads(text)
        return cls(
            raw["period"], raw["start"], raw["end"], Totals(**raw["totals"]), Totals(**raw["previous"]),
            tuple(Campaign(**{**c, "languages": tuple(c["languages"]), "platforms": tuple(c["platforms"]),
                              "per_day": tuple(c["per_day"])}) for c in raw["campaigns"]),
            tuple(VerifiedAccount(**a) for a in raw["accounts"]), raw["more_accounts"], tuple(raw["days"]),
        )


def change(current: int, previous: int) -> int | None:
    """The change from last week in percent, rounded; None when last week had nothing to compare with."""
    if previous == 0:
        return None
    return round((current - previous) * 100 / previous)
