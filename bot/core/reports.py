"""A stored report as a plain value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.accounts import Target


class ReportKind(StrEnum):
    FORWARD = "forward"
    LINK = "link"
    TEXT = "text"
    PHOTO = "photo"
    """A photo with no campaign text and no account: its picture is the report."""


class ReportStatus(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    """Moderators verified the case it is in as a campaign."""
    REJECTED = "rejected"
    """Moderators reviewed the case it is in and did not confirm it."""


@dataclass(frozen=True)
class Report:
    id: int
    kind: ReportKind
    text: str | None
    media: str | None
    status: ReportStatus
    created_at: int
    targets: tuple[Target, ...]


class ReceiptDetail(StrEnum):
    """How much a citizen's receipt says about what their report matched.

    Every receipt is also seen by the people it is about: a campaign operator can forward their own posts to
    learn whether a variant is detected, and a brigade member can screenshot a receipt as "proof". No level
    shows counts of other people's unverified reports.
    """

    FULL = "full"
    """Names the known campaign, how the text matches, and accounts already in a verified campaign."""
    MATCHED = "matched"
    """Only whether the text matches something known or is new."""
    RECEIVED = "received"
    """Only that the report was received: nothing to probe with."""
