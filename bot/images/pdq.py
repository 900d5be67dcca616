"""PDQ hashes of image bytes, decoded in memory (the bytes never touch the disk)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pdqhash
from PIL import Image, UnidentifiedImageError

BITS = 256
MIN_QUALITY = 50
"""PDQ's quality score runs 0–100; below 50 the image is too flat or featureless for its hash to mean anything
(the threshold Facebook's reference implementation and ThreatExchange use). Such hashes are dropped."""
MAX_SIDE = 512
"""PDQ reduces every image to 64×64 through a 512-pixel box filter stage; decoding larger only costs time."""


@dataclass(frozen=True)
class ImageHash:
    bits: bytes
    """The 256-bit hash, 32 bytes, most significant bit first (the order of PDQ's hex form)."""
    quality: int

    @property
    def hex(self) -> str:
        """PDQ's customary 64-digit hex form, as ThreatExchange and HMA exchange it."""
        return self.bits.hex()

    @classmethod
    def from_hex(cls, value: str, quality: int = 100) -> ImageHash:
        bits = bytes.fromhex(value)
        if len(bits) != BITS // 8:
            raise ValueError(f"a PDQ hash has {BITS // 4} hex digits, not {len(value)}")
        return cls(bits, quality)

    @property
    def usable(self) -> bool:
        return self.quality >= MIN_QUALITY


class NotAnImage(ValueError):
    """The bytes are not an image Pillow can decode."""


def hash_image(data: bytes) -> ImageHash:
    """The PDQ hash of an encoded image (JPEG, PNG, WebP…). Raises NotAnImage for anything else."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale, much faster
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise NotAnImage(str(exc)) from exc
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    vector, quality = pdqhash.compute(np.asarray(rgb))
    return ImageHash(np.packbits(vector.astype(np.uint8)).tobytes(), int(quality))


def distance(a: ImageHash | bytes, b: ImageHash | bytes) -> int:
    """Hamming distance between two hashes, in bits."""
    x = a.bits if isinstance(a, ImageHash) else a
    y = b.bits if isinstance(b, ImageHash) else b
    return (int.from_bytes(x, "big") ^ int.from_bytes(y, "big")).bit_count()
