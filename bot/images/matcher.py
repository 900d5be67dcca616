"""Matching a picture against the pictures Kuzet knows: the negative bank, the campaign image bank, earlier
report pictures, and reported accounts' profile photos.

Like the text matcher, a negative-bank picture (a flag, a logo, a common meme) vetoes every other match: such
pictures are on too many honest accounts and posts to mean anything alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.images.index import DEFAULT_MAX_DISTANCE, HammingIndex, Near


class ImageKind(StrEnum):
    """What a known hash is; the values name them in ``matcher_changes``, shared by every process."""

    GROUP = "image"
    """A group of near-identical report pictures (an image case), under its first hash."""
    CAMPAIGN = "image_campaign"
    """A picture moderators made a known campaign image."""
    NEGATIVE = "image_negative"
    """A picture that never counts alone."""
    AVATAR = "avatar"
    """A reported account's profile photo, under the account's id."""


@dataclass(frozen=True)
class ImageMatch:
    negative: Near | None = None
    campaign: Near | None = None
    """The nearest known campaign image (None when a negative matched)."""
    group: Near | None = None
    """The nearest group of earlier report pictures (None when a negative matched)."""


class ImageMatcher:
    def __init__(self, max_distance: int = DEFAULT_MAX_DISTANCE) -> None:
        self.max_distance = max_distance
        self._indexes = {kind: HammingIndex() for kind in ImageKind}

    def __len__(self) -> int:
        return sum(len(index) for index in self._indexes.values())

    def count(self, kind: ImageKind) -> int:
        return len(self._indexes[kind])

    def add(self, kind: ImageKind, key: int, bits: bytes) -> None:
        """Know a hash; adding a key again replaces its hash."""
        self._indexes[kind].add(key, bits)

    def remove(self, kind: ImageKind, key: int) -> None:
        self._indexes[kind].remove(key)

    def match(self, bits: bytes) -> ImageMatch:
        """How a report's picture relates to what is known."""
        negative = self._nearest(ImageKind.NEGATIVE, bits)
        if negative is not None:
            return ImageMatch(negative=negative)
        return ImageMatch(campaign=self._nearest(ImageKind.CAMPAIGN, bits), group=self._nearest(ImageKind.GROUP, bits))

    def matches(self, kind: ImageKind, bits: bytes) -> list[Near]:
        """Every hash of ``kind`` within the distance, nearest first; none for a negative-bank picture."""
        if kind is not ImageKind.NEGATIVE and self.is_common(bits):
            return []
        return self._indexes[kind].near(bits, self.max_distance)

    def is_common(self, bits: bytes) -> bool:
        """Whether the picture is in the negative bank."""
        return self._nearest(ImageKind.NEGATIVE, bits) is not None

    def accounts_with(self, bits: bytes, *, besides: int) -> list[Near]:
        """Other reported accounts whose profile photo matches ``bits`` (none for a negative-bank picture)."""
        if self.is_common(bits):
            return []
        found = self._indexes[ImageKind.AVATAR].near(bits, self.max_distance)
        return [near for near in found if near.key != besides]

    def _nearest(self, kind: ImageKind, bits: bytes) -> Near | None:
        found = self._indexes[kind].near(bits, self.max_distance)
        return found[0] if found else None
