"""Files the fake Telegram holds: bytes in memory by file_id, the sizes Telegram makes of a photo, and what
getFile and the download path serve.

Like Telegram, a photo becomes a list of PhotoSize, smallest first, each its own file: the sandbox makes the
smaller sizes from the bytes with Pillow, and the largest keeps the bytes as sent unless Telegram would have
shrunk it. A profile photo becomes square sizes, and a ChatPhoto (small and big) that can only be downloaded.
"""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from PIL import Image, ImageOps

from .errors import bad
from .profiles import ProfilePhoto

MAX_DOWNLOAD = 20 * 1024 * 1024
"""Bots may download files of up to 20 MB; getFile refuses bigger ones."""
PHOTO_BOXES = (90, 320, 800, 1280, 2560)
"""The longest side of each size Telegram makes of a photo; a photo is never enlarged to fill one."""
AVATAR_SIDES = (160, 320, 640)
"""The square sizes of a profile photo; its ChatPhoto is the smallest (small) and the largest (big)."""
MAX_PHOTO_SIDES = 10_000
"""A photo's width and height must not exceed this in total (sendPhoto)."""
MAX_PHOTO_RATIO = 20
_JPEG_QUALITY = 87
_FOLDERS = {"Photo": "photos", "ProfilePhoto": "profile_photos", "Document": "documents"}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}


class Unreadable(ValueError):
    """Bytes that Pillow cannot read as an image."""


@dataclass(frozen=True)
class _Made:
    """A file the sandbox made: its type as Telegram names it, and its bytes and path when it has them."""

    kind: str
    data: bytes | None
    path: str | None


class Files:
    """Every file the fake knows by file_id: what Telegram says of it (``known``) and, for files made here
    from bytes, the bytes behind it."""

    def __init__(self, next_number: Callable[[], int]) -> None:
        self.known: dict[str, dict] = {}
        """The JSON (PhotoSize, Document, ...) of every file_id sent or seen, as Telegram shows it."""
        self._next_number = next_number
        self._made: dict[str, _Made] = {}
        self._photos: dict[str, list[dict]] = {}
        """file_id of any size of a photo -> all its sizes."""
        self._served: dict[str, bytes] = {}
        """file_path -> bytes, for the paths getFile gave out."""

    def learn(self, found: dict[str, dict]) -> None:
        """Files seen in an update (a test may write its own); the ones made here stay as they are."""
        for file_id, file in found.items():
            self.known.setdefault(file_id, file)

    # ---- making files ----

    def photo(self, data: bytes) -> list[dict]:
        """The PhotoSize list of a photo sent as ``data``; raises Unreadable, or refuses bad dimensions."""
        image, image_format = _read(data)
        width, height = image.size
        if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(width, height):
            raise bad("PHOTO_INVALID_DIMENSIONS")
        longest = max(width, height)
        smaller: list[Image.Image] = []
        for box in reversed([box for box in PHOTO_BOXES if box < longest]):  # each from the next larger: fast
            image = _fitted(image, box)
            smaller.insert(0, image)
        sizes = [self._jpeg("Photo", each) for each in smaller]
        if longest <= PHOTO_BOXES[-1]:
            sizes.append(self._new("Photo", data, _EXTENSIONS.get(image_format or "", "jpg"), width, height))
        return self._grouped(sizes)

    def placeholder_photo(self, size: int | None) -> list[dict]:
        """Two PhotoSize with no bytes behind them: a photo sent by URL (the sandbox fetches nothing), or
        bytes that only look like an image (``size`` bytes, None when unknown)."""
        return self._grouped(
            [
                self._new("Photo", None, None, 90, 90, file_size=min(size, 2000) if size else None),
                self._new("Photo", None, None, 1280, 960, file_size=size),
            ]
        )

    def document(self, data: bytes | None, file_name: str | None, mime_type: str | None) -> dict:
        """A Document; ``data`` None for one sent by URL."""
        extension = PurePosixPath(file_name or "").suffix.lstrip(".") or "bin"
        document = self._new("Document", data, extension, file_size=len(data) if data else None)
        document.update({k: v for k, v in (("file_name", file_name), ("mime_type", mime_type)) if v})
        return document

    def profile_photo(self, data: bytes) -> ProfilePhoto:
        """A profile photo made of ``data``: its square PhotoSize list (getUserProfilePhotos) and its ChatPhoto
        (getChat). Like Telegram, the picture is cropped to its centre square and stored at fixed sizes."""
        image, _ = _read(data)
        side = min(image.size)
        square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
        sizes = self._grouped(
            [self._jpeg("Photo", square.resize((s, s), Image.Resampling.LANCZOS)) for s in AVATAR_SIDES]
        )
        small, big = (self._new("ProfilePhoto", self.data(s["file_id"]), "jpg") for s in (sizes[0], sizes[-1]))
        chat_photo = {
            "small_file_id": small["file_id"],
            "small_file_unique_id": small["file_unique_id"],
            "big_file_id": big["file_id"],
            "big_file_unique_id": big["file_unique_id"],
        }
        return ProfilePhoto(sizes, chat_photo)

    # ---- using files ----

    def data(self, file_id: str) -> bytes | None:
        """The bytes behind a file, None for a file the sandbox has none of."""
        made = self._made.get(file_id)
        return None if made is None else made.data

    def reused(self, file_id: str, kind: str) -> list[dict] | dict:
        """What a message carries when the bot sends a known ``file_id`` as ``kind`` ("Photo": every size of
        the photo; "Document": the document)."""
        made = self._made.get(file_id)
        if made is not None and made.kind != kind:
            raise bad(f"can't use file of type {made.kind} as {kind}")
        if kind == "Photo":
            return self._photos.get(file_id) or [self.known[file_id]]
        return self.known[file_id]

    def get_file(self, file_id: str) -> dict:
        """getFile's File, its file_path served from now on; refuses unknown and too big files as Telegram."""
        if file_id not in self.known:
            raise bad("invalid file_id")
        made = self._made.get(file_id)
        if made is None or made.data is None or made.path is None:
            raise bad("wrong file_id or the file is temporarily unavailable")
        if len(made.data) > MAX_DOWNLOAD:
            raise bad("file is too big")
        self._served[made.path] = made.data
        file = self.known[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file["file_unique_id"],
            "file_size": len(made.data),
            "file_path": made.path,
        }

    def download(self, file_path: str) -> bytes | None:
        """The bytes at a file_path getFile gave out, None for any other path."""
        return self._served.get(file_path)

    # ---- helpers ----

    def _new(
        self,
        kind: str,
        data: bytes | None,
        extension: str | None,
        width: int | None = None,
        height: int | None = None,
        *,
        file_size: int | None = None,
    ) -> dict:
        number = self._next_number()
        file: dict[str, Any] = {"file_id": f"FAKEFILE{number:08d}", "file_unique_id": f"FAKEUNIQ{number:08d}"}
        if width is not None and height is not None:
            file.update(width=width, height=height)
        size = len(data) if data is not None else file_size
        if size is not None:
            file["file_size"] = size
        path = f"{_FOLDERS[kind]}/file_{number}.{extension}" if data is not None else None
        self._made[file["file_id"]] = _Made(kind, data, path)
        self.known[file["file_id"]] = file
        return file

    def _jpeg(self, kind: str, image: Image.Image) -> dict:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=_JPEG_QUALITY)
        return self._new(kind, buffer.getvalue(), "jpg", *image.size)

    def _grouped(self, sizes: list[dict]) -> list[dict]:
        for size in sizes:
            self._photos[size["file_id"]] = sizes
        return sizes


def picture(seed: int, width: int = 320, height: int = 240, image_format: str = "JPEG") -> bytes:
    """A picture for tests: a grid of random colours drawn from ``seed`` (the same seed, the same picture;
    different seeds, pictures that look nothing alike), encoded as ``image_format``."""
    chance = random.Random(seed)
    grid = Image.frombytes("RGB", (8, 6), chance.randbytes(8 * 6 * 3))
    buffer = io.BytesIO()
    grid.resize((width, height), Image.Resampling.NEAREST).save(buffer, image_format)
    return buffer.getvalue()


def _fitted(image: Image.Image, box: int) -> Image.Image:
    """``image`` shrunk to fit a ``box``-sided square (reducing by whole factors first: fast on big photos)."""
    smaller = image.copy()
    smaller.thumbnail((box, box), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return smaller


def _read(data: bytes) -> tuple[Image.Image, str | None]:
    """The image in ``data`` in RGB, turned upright as its EXIF says (as Telegram shows it), and its format."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened)
            return upright.convert("RGB"), opened.format
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise Unreadable(str(error)) from error
