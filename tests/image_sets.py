"""The picture evaluation set: source pictures of the kinds campaigns post, and the changes they go through.

Photos are public-domain and CC0 pictures from scikit-image's bundled data (tests/data/images/, see its
README) and matplotlib's portrait of Grace Hopper; posters, quote screenshots and memes are drawn here with
the DejaVu fonts matplotlib ships. Each kind has its hard negatives: other photos, the same poster layout
with other words, the same screenshot layout with another quote, other pictures under the same caption.
Nothing is downloaded; everything is deterministic.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from bot.images.evaluation import Query
from bot.images.pdq import ImageHash, dihedral_hashes, distance, hash_image

DATA = Path(__file__).parent / "data" / "images"
MPL_DATA = Path(matplotlib.get_data_path())
FONTS = MPL_DATA / "fonts" / "ttf"

PHOTOS = (
    "camera",
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "hubble",
    "retina",
    "coins",
    "ihc",
    "clock",
    "cell",
    "brick",
    "grass",
    "gravel",
    "text",
)
"""Stored at 480 pixels on the longer side (grace_hopper is read from matplotlib)."""

POSTER_TEXTS = (
    ("ВЫБОРЫ 2024", "Голосуй за порядок"),
    ("ҚАЗАҚСТАН", "Біз біргеміз"),
    ("STOP THE LIES", "They are paid to post"),
    ("ПРАВДА ЗДЕСЬ", "Подпишись на канал"),
    ("BOYCOTT NOW", "Share before they delete it"),
    ("НАШ ГОРОД", "Митинг в субботу в 12:00"),
)
QUOTES = (
    ("Айгерим Н.", "@aigerim_n", "Они не хотят, чтобы вы знали правду о том, что происходит на границе."),
    ("Daniyar K.", "@daniyar_k", "Every journalist who writes about this is paid by foreign money. Wake up."),
    ("Ержан С.", "@erzhan_s", "Бұл шешімді халық қолдамайды, бәрі біледі, бірақ ешкім айтпайды."),
    ("Marat B.", "@marat_b", "I was there. Nothing happened. The videos are staged, share this."),
    ("Ольга П.", "@olga_p", "Посмотрите, кто финансирует эти протесты, и всё станет понятно."),
    ("Asel T.", "@asel_t", "The election was the fairest in our history. Only traitors say otherwise."),
)
MEMES = (
    ("chelsea", "КОГДА ПРОЧИТАЛ НОВОСТИ", "И ПОНЯЛ, КТО ВРЁТ"),
    ("camera", "ME READING THE OFFICIAL STATEMENT", "NOTHING ADDS UP"),
    ("coffee", "ТАҢЕРТЕҢГІ ЖАҢАЛЫҚТАР", "ТАҒЫ ДА ӨТІРІК"),
    ("rocket", "THEIR PROMISES", "OUR BUDGET"),
    ("astronaut", "КОГДА ГОВОРЯТ ПРАВДУ", "А ТЕБЕ НЕ ВЕРЯТ"),
    ("grace_hopper", "THE EXPERTS WHO KNEW", "AND STAYED SILENT"),
)
OTHER_CAPTIONS = ("ПРОСТО ЧЕТВЕРГ", "NOTHING TO SEE HERE")
"""Captions for the same meme pictures: reported apart, the picture dominates such a pair."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    """photo, poster, screenshot or meme."""
    image: Image.Image


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def photo(name: str) -> Image.Image:
    if name == "grace_hopper":
        path = MPL_DATA / "sample_data" / "grace_hopper.jpg"
    else:
        path = DATA / f"{name}.jpg"
    with Image.open(path) as image:
        return image.convert("RGB")


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: str, width: int) -> None:
    face = font(size, bold=True)
    left, _, right, _ = draw.textbbox((0, 0), text, font=face)
    draw.text(((width - (right - left)) // 2, y), text, font=face, fill=fill, stroke_width=2, stroke_fill="black")


def poster(number: int) -> Image.Image:
    """One layout, as a campaign reuses it: a band of colour, a photo, the headline and a line under it."""
    headline, line = POSTER_TEXTS[number]
    hue = ("#b22222", "#1f4e9a", "#2e7d32", "#6a1b9a", "#e65100", "#00695c")[number]
    image = Image.new("RGB", (480, 640), hue)
    picture = ImageOps.fit(photo(PHOTOS[number * 2 % len(PHOTOS)]), (420, 300))
    image.paste(picture, (30, 150))
    draw = ImageDraw.Draw(image)
    centred(draw, 40, headline, 44, "white", 480)
    centred(draw, 480, line, 26, "#ffeb3b", 480)
    draw.rectangle((30, 560, 450, 600), fill="white")
    draw.text((44, 566), "t.me/" + headline.split()[0].lower(), font=font(22), fill=hue)
    return image


def screenshot(number: int) -> Image.Image:
    """A post as a phone shows it: avatar, name, handle and the quote on a white card."""
    name, handle, quote = QUOTES[number]
    image = Image.new("RGB", (540, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((24, 24, 88, 88), fill=("#90caf9", "#a5d6a7", "#ffcc80", "#ce93d8", "#ef9a9a", "#80cbc4")[number])
    draw.text((104, 30), name, font=font(24, bold=True), fill="black")
    draw.text((104, 62), handle, font=font(20), fill="#607d8b")
    draw.multiline_text((24, 120), "\n".join(textwrap.wrap(quote, 34)), font=font(26), fill="black", spacing=10)
    draw.text((24, 360), "12:4" + str(number) + " · 1.2K views", font=font(18), fill="#607d8b")
    return image


def meme(picture: str, top: str, bottom: str) -> Image.Image:
    """A picture with a caption above and below, in the customary white letters on a black outline."""
    image = ImageOps.fit(photo(picture), (480, 400))
    draw = ImageDraw.Draw(image)
    size = 30 if max(len(top), len(bottom)) < 24 else 22
    centred(draw, 12, top, size, "white", 480)
    centred(draw, 400 - size - 24, bottom, size, "white", 480)
    return image


@cache
def sources() -> tuple[Source, ...]:
    return (
        *(Source(name, "photo", photo(name)) for name in (*PHOTOS, "grace_hopper")),
        *(Source(f"poster{n}", "poster", poster(n)) for n in range(len(POSTER_TEXTS))),
        *(Source(f"quote{n}", "screenshot", screenshot(n)) for n in range(len(QUOTES))),
        *(Source(f"meme_{m[0]}", "meme", meme(*m)) for m in MEMES),
    )


def held_out(source: Source) -> bool:
    """Every other source of each kind: the half whose figures the floors hold to, tuned on by nothing."""
    same_kind = [s.name for s in sources() if s.kind == source.kind]
    return same_kind.index(source.name) % 2 == 1


def other_captions() -> list[tuple[str, Image.Image]]:
    """The memes' pictures under other captions: same picture, other words."""
    return [(f"meme_{p}", meme(p, caption, OTHER_CAPTIONS[i % 2])) for i, (p, caption, _) in enumerate(MEMES)]


def jpeg(image: Image.Image, quality: int = 87) -> bytes:
    """Encoded as Telegram re-encodes a photo (about quality 87) unless a change sets its own quality."""
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def scale(image: Image.Image, factor: float, y_factor: float | None = None) -> Image.Image:
    size = (round(image.width * factor), round(image.height * (y_factor or factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = image.size
    return image.crop((round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom))))


def caption_strip(image: Image.Image) -> Image.Image:
    """A white band under the picture with a line of text, as reposting pages add."""
    band = round(image.height * 0.12)
    out = Image.new("RGB", (image.width, image.height + band), "white")
    out.paste(image, (0, 0))
    ImageDraw.Draw(out).text((10, image.height + band // 4), "via @news_channel_kz", font=font(band // 2), fill="black")
    return out


def watermark(image: Image.Image) -> Image.Image:
    """A half-transparent handle across the lower part and a corner tag, as channels stamp reposts."""
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = max(12, image.width // 14)
    draw.text(
        (image.width // 8, image.height * 2 // 3),
        "@truth_channel",
        font=font(size, bold=True),
        fill=(255, 255, 255, 110),
    )
    draw.rectangle((0, 0, image.width // 4, size + 8), fill=(0, 0, 0, 160))
    draw.text((4, 2), "KZ24", font=font(size), fill=(255, 255, 255, 220))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def screenshot_frame(image: Image.Image) -> Image.Image:
    """The picture as a phone screenshot shows it: black margins, a status bar and a navigation bar."""
    pad = round(image.height * 0.08)
    out = Image.new("RGB", (image.width, image.height + 3 * pad), "black")
    out.paste(image, (0, 2 * pad))
    draw = ImageDraw.Draw(out)
    draw.text((8, pad // 4), "14:32", font=font(pad // 2), fill="white")
    draw.text((image.width - 6 * pad // 2, pad // 4), "4G 87%", font=font(pad // 2), fill="white")
    draw.line(
        (image.width // 3, out.height - pad // 2, 2 * image.width // 3, out.height - pad // 2), fill="white", width=3
    )
    return out


def plain_border(image: Image.Image) -> Image.Image:
    return ImageOps.expand(image, border=round(max(image.size) * 0.04), fill="white")


Change = Callable[[Image.Image], bytes]

SURVIVABLE: dict[str, Change] = {
    "resize 50%": lambda im: jpeg(scale(im, 0.5)),
    "resize 25%": lambda im: jpeg(scale(im, 0.25)),
    "resize 200%": lambda im: jpeg(scale(im, 2.0)),
    "aspect 110%": lambda im: jpeg(scale(im, 1.1, 1.0)),
    "jpeg q30": lambda im: jpeg(im, 30),
    "jpeg q50": lambda im: jpeg(im, 50),
    "jpeg q70": lambda im: jpeg(im, 70),
    "jpeg q90": lambda im: jpeg(im, 90),
    "crop 5% (centred)": lambda im: jpeg(crop(im, 0.025, 0.025, 0.025, 0.025)),
    "crop 10% (centred)": lambda im: jpeg(crop(im, 0.05, 0.05, 0.05, 0.05)),
    "crop 10% (one side)": lambda im: jpeg(crop(im, 0.0, 0.1, 0.0, 0.0)),
    "brightness +25%": lambda im: jpeg(ImageEnhance.Brightness(im).enhance(1.25)),
    "brightness -25%": lambda im: jpeg(ImageEnhance.Brightness(im).enhance(0.75)),
    "contrast +30%": lambda im: jpeg(ImageEnhance.Contrast(im).enhance(1.3)),
    "contrast -30%": lambda im: jpeg(ImageEnhance.Contrast(im).enhance(0.7)),
    "watermark": lambda im: jpeg(watermark(im)),
    "caption strip": lambda im: jpeg(caption_strip(im)),
    "white border 4%": lambda im: jpeg(plain_border(im)),
    "screenshot frame": lambda im: jpeg(screenshot_frame(im)),
    "crop 5% + brightness + q50": lambda im: jpeg(
        ImageEnhance.Brightness(crop(im, 0.03, 0.02, 0.02, 0.03)).enhance(1.15), 50
    ),
}
"""The changes of the issue. Those PDQ does not survive are marked in the test with the measured reason."""

MIRRORED: dict[str, Change] = {
    "mirror": lambda im: jpeg(ImageOps.mirror(im)),
    "mirror + q50": lambda im: jpeg(ImageOps.mirror(im), 50),
}


def original(image: Image.Image) -> bytes:
    """The first copy reported: the source as Telegram delivers it."""
    return jpeg(image, 87)


@cache
def stored_hashes() -> dict[str, ImageHash]:
    return {source.name: hash_image(original(source.image)) for source in sources()}


@cache
def queries(mirrored: bool = False, dihedral: bool = False) -> tuple[Query, ...]:
    """Every source through every change (the mirroring ones when ``mirrored``), hashed once a session."""
    changes = MIRRORED if mirrored else SURVIVABLE
    return tuple(
        Query(source.name, name, tuple(dihedral_hashes(data)) if dihedral else (hash_image(data),))
        for name, change in changes.items()
        for source in sources()
        for data in [change(source.image)]
    )


def half(items: Iterable[Query], held: bool) -> list[Query]:
    kept = {source.name for source in sources() if held_out(source) == held}
    return [query for query in items if query.source in kept]


def distance_to_stored(source: str, query: ImageHash) -> int:
    return distance(stored_hashes()[source], query)
