"""The pictures a report carries, as values: hashes and Telegram file ids, never bytes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.images.pdq import ImageHash


@dataclass(frozen=True)
class Photo:
    """A picture as Telegram holds it: its hash, and the file id a card shows it by."""

    hash: ImageHash
    file_id: str
    turned: tuple[bytes, ...] = ()
    """The hashes of its seven rotations and mirror images: a mirrored copy of a known picture still matches
    (PDQ itself does not survive mirroring). Only ``hash`` is stored."""

    @property
    def orientations(self) -> tuple[bytes, ...]:
        return (self.hash.bits, *self.turned)


@dataclass(frozen=True)
class ReportPictures:
    post: Photo | None = None
    """The photo of the forwarded or sent post, when its hash is usable."""
    avatar: Photo | None = None
    """The profile photo of the account the report names (a forward's origin), when Telegram shows it."""
    flat_post: bool = False
    """The post had a photo too flat or featureless to compare (its hash was dropped)."""
    unread_post: bool = False
    """The post had a photo that could not be fetched from Telegram just now."""
