"""A stored report as a plain value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.accounts import Target


class ReportKind(StrEnum):
    FORWARD = "forward"
    LINK = "link"
    TEXT = "text"


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
