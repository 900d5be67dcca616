"""Reported accounts and posts as plain values: what a report points at."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    VK = "vk"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"

    @property
    def brand(self) -> str:
        """The platform's own name, the same in every language."""
        return _BRANDS[self]


_BRANDS = {
    Platform.TELEGRAM: "Telegram",
    Platform.X: "X (Twitter)",
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.VK: "VK",
    Platform.TIKTOK: "TikTok",
    Platform.YOUTUBE: "YouTube",
}


class Via(StrEnum):
    """How the citizen pointed at the target."""

    FORWARD = "forward"
    LINK = "link"
    MENTION = "mention"


@dataclass(frozen=True)
class Account:
    """One account on one platform.

    ``identity`` is the normalised key that makes the same account reached
    by a forward, a link and an @handle one account: ``@handle`` in lower
    case where a handle is known, else ``id:<id>``, ``group:<name>`` or, for
    Telegram users who hide their profile, ``name:<shown name>``.
    """

    platform: Platform
    identity: str
    handle: str | None = None
    external_id: str | None = None
    display_name: str | None = None

    @classmethod
    def by_handle(cls, platform: Platform, handle: str, **extra: str | None) -> Account:
        return cls(platform, "@" + handle.casefold(), handle=handle, **extra)

    @classmethod
    def by_id(cls, platform: Platform, external_id: str, **extra: str | None) -> Account:
        return cls(platform, f"id:{external_id}", external_id=external_id, **extra)

    @property
    def label(self) -> str:
        """How to show the account to a person."""
        if self.handle:
            return "@" + self.handle
        if self.display_name:
            return self.display_name
        return self.identity


@dataclass(frozen=True)
class Target:
    """What a report points at: an account, a post, or both."""

    platform: Platform
    account: Account | None
    post_id: str | None
    via: Via
