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

    def add(self, kind: ImageKind, key: int, bits: bytes) -> None:
        """Know a hash; adding a key again replaces its hash."""
        self._indexes[kind].add(key, bits)

    def remove(self, kind: ImageKind, key: int) -> None:
        self._indexes[kind].remove(key)

    def match(self, *orientations: bytes) -> ImageMatch:
        """How a report's picture relates to what is known; given several hashes (its rotations and mirror
        images), the nearest of any."""
        negative = self._nearest(ImageKind.NEGATIVE, orientations)
        if negative is not None:
            return ImageMatch(negative=negative)
        return ImageMatch(
            campaign=self._nearest(ImageKind.CAMPAIGN, orientations),
            group=self._nearest(ImageKind.GROUP, orientations),
        )

    def matches(self, kind: ImageKind, bits: bytes) -> list[Near]:
        """Every hash of ``kind`` within the distance, nearest first; none for a negative-bank picture."""
        if kind is not ImageKind.NEGATIVE and self.is_common(bits):
            return []
        return self._indexes[kind].near(bits, self.max_distance)

    def is_common(self, *orientations: bytes) -> bool:
        """Whether the picture is in the negative bank."""
        return self._nearest(ImageKind.NEGATIVE, orientations) is not None

    def accounts_with(self, *orientations: bytes, besides: int) -> list[Near]:
        """Other reported accounts whose profile photo matches the picture, in any of the given orientations
        (none for a negative-bank picture)."""
        if self.is_common(*orientations):
            return []
        nearest: dict[int, int] = {}
        for bits in orientations:
            for near in self._indexes[ImageKind.AVATAR].near(bits, self.max_distance):
                nearest[near.key] = min(near.distance, nearest.get(near.key, near.distance))
        return sorted((Near(k, d) for k, d in nearest.items() if k != besides), key=lambda n: (n.distance, n.key))

    def _nearest(self, kind: ImageKind, orientations: tuple[bytes, ...]) -> Near | None:
        found = [near for bits in orientations for near in self._indexes[kind].near(bits, self.max_distance)]
        return min(found, key=lambda n: (n.distance, n.key)) if found else None
