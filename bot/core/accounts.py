"""Reported accounts and posts as plain values: what a report points at."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote


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


def public_link(platform: Platform, account: Account | None, post_id: str | None = None) -> str | None:
    """The public web address of the account, or of its post when ``post_id`` is given (the forms
    bot.core.links reads back); None when there is none anyone could open.

    Telegram users who hide their profile (``name:``), Facebook groups (``group:``), Telegram chats known only
    by id (their ``t.me/c/…`` links open only for members) and other accounts without a handle or a public id
    have none: a shown name may belong to a namesake, so it never stands in for a link.
    """
    if post_id is not None:
        return _post_link(platform, account, _part(post_id))
    if account is None:
        return None
    if account.handle:
        return _HANDLE_LINKS[platform].format(handle=_part(account.handle))
    if account.external_id and account.identity == f"id:{account.external_id}":
        return _id_link(platform, _part(account.external_id))
    return None


_HANDLE_LINKS = {
    Platform.TELEGRAM: "https://t.me/{handle}",
    Platform.X: "https://x.com/{handle}",
    Platform.FACEBOOK: "https://www.facebook.com/{handle}",
    Platform.INSTAGRAM: "https://www.instagram.com/{handle}",
    Platform.VK: "https://vk.com/{handle}",
    Platform.TIKTOK: "https://www.tiktok.com/@{handle}",
    Platform.YOUTUBE: "https://www.youtube.com/@{handle}",
}


def _part(value: str) -> str:
    """One path or query part, percent-encoded so a stored value can never reshape the address."""
    return quote(value, safe="")


def _id_link(platform: Platform, external_id: str) -> str | None:
    if platform is Platform.X and external_id.isdigit():
        return f"https://x.com/intent/user?user_id={external_id}"
    if platform is Platform.FACEBOOK and external_id.isdigit():
        return f"https://www.facebook.com/profile.php?id={external_id}"
    if platform is Platform.VK and external_id.lstrip("-").isdigit():
        # Negative ids are communities (vk.com/club…, public… and event… alike), positive ones people.
        return f"https://vk.com/club{external_id[1:]}" if external_id[0] == "-" else f"https://vk.com/id{external_id}"
    if platform is Platform.YOUTUBE and external_id.startswith("UC"):
        return f"https://www.youtube.com/channel/{external_id}"
    return None


def _post_link(platform: Platform, account: Account | None, post_id: str) -> str | None:
    owner = None if account is None else public_link(platform, account)
    if account is not None and owner is None:
        return None  # a post of an account that has no public address would point at that account
    handle = None if account is None or not account.handle else _part(account.handle)
    match platform:
        case Platform.TELEGRAM if handle and post_id.isdigit():
            return f"https://t.me/{handle}/{post_id}"
        case Platform.X if post_id.isdigit():
            return f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/status/{post_id}"
        case Platform.FACEBOOK if handle:
            return f"https://www.facebook.com/{handle}/posts/{post_id}"
        case Platform.FACEBOOK if account is not None:
            return f"https://www.facebook.com/permalink.php?story_fbid={post_id}&id={_part(account.external_id or '')}"
        case Platform.FACEBOOK if post_id.isdigit():
            return f"https://www.facebook.com/watch?v={post_id}"
        case Platform.INSTAGRAM if handle and post_id.isdigit():
            return f"https://www.instagram.com/stories/{handle}/{post_id}"
        case Platform.INSTAGRAM:
            return f"https://www.instagram.com/p/{post_id}"
        case Platform.VK:
            return f"https://vk.com/wall{post_id}"
        case Platform.TIKTOK if handle and post_id.isdigit():
            return f"https://www.tiktok.com/@{handle}/video/{post_id}"
        case Platform.YOUTUBE:
            return f"https://www.youtube.com/watch?v={post_id}"
    return None
