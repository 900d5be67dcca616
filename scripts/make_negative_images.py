"""Draw the starter negative image bank: national flags that are common profile photos and post pictures and
never point to a campaign alone. Writes bot/data/negative_images.jsonl (label, PDQ hash in hex, how drawn).

Only flags drawn from plain geometry are in it (an emblem cannot be drawn faithfully); moderators add the rest
(logos, memes, other flags) with 🚫 Common picture or `/image common <hash>`.
Run: python scripts/make_negative_images.py
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

from bot.images.pdq import hash_image

WIDTH, HEIGHT = 900, 600
OUT = Path(__file__).resolve().parent.parent / "bot" / "data" / "negative_images.jsonl"

Painter = Callable[[ImageDraw.ImageDraw], None]


def stripes(*colours: str, vertical: bool = False) -> Painter:
    def paint(draw: ImageDraw.ImageDraw) -> None:
        for i, colour in enumerate(colours):
            if vertical:
                draw.rectangle([i * WIDTH / len(colours), 0, (i + 1) * WIDTH / len(colours), HEIGHT], fill=colour)
            else:
                draw.rectangle([0, i * HEIGHT / len(colours), WIDTH, (i + 1) * HEIGHT / len(colours)], fill=colour)

    return paint


def star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float, colour: str, turn: float = 0.0) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = turn - math.pi / 2 + i * math.pi / 5
        points.append((x + r * math.cos(angle), y + r * math.sin(angle)))
    draw.polygon(points, fill=colour)


def uae(draw: ImageDraw.ImageDraw) -> None:
    stripes("#00732f", "#ffffff", "#000000")(draw)
    draw.rectangle([0, 0, WIDTH / 4, HEIGHT], fill="#ff0000")


def serrated(field: str, points: int, band: float) -> Painter:
    """White band at the hoist with a serrated edge (Qatar: 9 points, Bahrain: 5)."""

    def paint(draw: ImageDraw.ImageDraw) -> None:
        draw.rectangle([0, 0, WIDTH, HEIGHT], fill=field)
        edge = [(0, 0), (band, 0)]
        step = HEIGHT / points
        for i in range(points):
            edge += [(band + WIDTH * 0.1, step * (i + 0.5)), (band, step * (i + 1))]
        draw.polygon([*edge, (0, HEIGHT)], fill="#ffffff")

    return paint


def kuwait(draw: ImageDraw.ImageDraw) -> None:
    stripes("#007a3d", "#ffffff", "#ce1126")(draw)
    draw.polygon([(0, 0), (WIDTH / 4, HEIGHT / 3), (WIDTH / 4, 2 * HEIGHT / 3), (0, HEIGHT)], fill="#000000")


def palestine(draw: ImageDraw.ImageDraw) -> None:
    stripes("#000000", "#ffffff", "#007a3d")(draw)
    draw.polygon([(0, 0), (WIDTH / 3, HEIGHT / 2), (0, HEIGHT)], fill="#ce1126")


def china(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill="#ee1c25")
    unit = HEIGHT / 20
    star(draw, 5 * unit, 5 * unit, 3 * unit, "#ffff00")
    for x, y in ((10, 2), (12, 4), (12, 7), (10, 9)):
        star(draw, x * unit, y * unit, unit, "#ffff00", math.atan2(5 - y, 5 - x) + math.pi / 2)


FLAGS: dict[str, Painter] = {
    "Flag of Russia": stripes("#ffffff", "#0039a6", "#d52b1e"),
    "Flag of Ukraine": stripes("#0057b7", "#ffd700"),
    "Flag of the United Arab Emirates": uae,
    "Flag of Qatar": serrated("#8a1538", 9, WIDTH * 0.25),
    "Flag of Bahrain": serrated("#ce1126", 5, WIDTH * 0.2),
    "Flag of Kuwait": kuwait,
    "Flag of Palestine": palestine,
    "Flag of China": china,
    "Flag of Yemen": stripes("#ce1126", "#ffffff", "#000000"),
    "Flag of Iraq (without the inscription)": stripes("#ce1126", "#ffffff", "#000000"),
}


def drawn(paint: Painter) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    paint(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def records() -> list[dict]:
    found, seen = [], set()
    for label, paint in FLAGS.items():
        picture = hash_image(drawn(paint))
        if not picture.usable:  # too plain for PDQ (Ukraine's two stripes): such a picture never matches anyway
            continue
        if picture.hex in seen:  # Yemen's and Iraq's stripes without the inscription are one picture
            continue
        seen.add(picture.hex)
        found.append({"label": label, "pdq": picture.hex, "quality": picture.quality, "source": "drawn"})
    return found


if __name__ == "__main__":
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()), encoding="utf-8")
    print(f"{OUT}: {len(records())} pictures")
