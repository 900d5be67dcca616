"""Bulk scan of pictures: image files, or the images in a folder, against the image bank (``kuzet scan``).

Each picture is read, hashed with PDQ and matched against the known campaign images; the output has the shape
of the text scan's (one JSON object a picture: ``id`` and ``matches``), plus the picture's own hash and quality.
A file that is not an image, or too flat to compare, is reported on standard error and given no match.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.images.index import Near
from bot.images.matcher import ImageKind, ImageMatcher
from bot.images.pdq import BITS, ImageHash, NotAnImage, hash_image

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"})
MAX_FILE_BYTES = 50 * 1024 * 1024
"""A picture file larger than this is skipped: no campaign image is, and reading it would cost the memory."""

Complaint = Callable[[str, str], None]
"""Called with a file name and what is wrong with it (and what was done about it)."""


@dataclass(frozen=True)
class ScannedImage:
    id: str
    hash: ImageHash | None
    """None for a file that could not be read as an image."""
    matches: tuple[Near, ...] = ()


def is_image_input(source: str) -> bool:
    """Whether ``kuzet scan`` was given pictures: a folder, or a file with an image suffix."""
    path = Path(source)
    return path.is_dir() or path.suffix.casefold() in IMAGE_SUFFIXES


def image_files(source: str) -> list[Path]:
    """The image file, or the image files under the folder (all depths), in name order."""
    path = Path(source)
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.casefold() in IMAGE_SUFFIXES)


def scan_images(files: Iterable[Path], matcher: ImageMatcher, complain: Complaint) -> Iterator[ScannedImage]:
    """Each picture with the known campaign images it matches, nearest first (a common picture matches none)."""
    for path in files:
        name = str(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                complain(name, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped")
                yield ScannedImage(name, None)
                continue
            picture = hash_image(path.read_bytes())
        except (OSError, NotAnImage) as exc:
            complain(
                name,
                f"not a readable image ({exc.strerror if isinstance(exc, OSError) else 'unknown format'}); skipped",
            )
            yield ScannedImage(name, None)
            continue
        if not picture.usable:
            complain(name, f"too flat to compare (PDQ quality {picture.quality}); no match")
            yield ScannedImage(name, picture)
            continue
        yield ScannedImage(name, picture, tuple(matcher.matches(ImageKind.CAMPAIGN, picture.bits)))


def _score(distance: int) -> float:
    return round(1 - distance / BITS, 4)


def write_jsonl(results: Iterable[ScannedImage], out: IO[str]) -> int:
    count = 0
    for item in results:
        line = {
            "id": item.id,
            "pdq": None if item.hash is None else item.hash.hex,
            "quality": None if item.hash is None else item.hash.quality,
            "matches": [
                {
                    "kind": ImageKind.CAMPAIGN.value,
                    "id": near.key,
                    "score": _score(near.distance),
                    "how": "pdq",
                    "distance": near.distance,
                }
                for near in item.matches
            ],
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(results: Iterable[ScannedImage], out: IO[str]) -> int:
    """``id,pdq,quality,image_id,score,distance``: a row per match, one with empty match fields for none."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "pdq", "quality", "image_id", "score", "distance"])
    count = 0
    for item in results:
        own = ("", "") if item.hash is None else (item.hash.hex, item.hash.quality)
        for near in item.matches or [None]:
            match = ("", "", "") if near is None else (near.key, _score(near.distance), near.distance)
            writer.writerow([item.id, *own, *match])
        count += 1
    return count
