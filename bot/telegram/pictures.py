"""Reading a report's pictures from Telegram: the post's photo, and the profile photo of the account a forward
came from. Bytes are downloaded into memory, hashed off the event loop and dropped: only hashes and file ids
go further."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from telegram import (
    Bot,
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginUser,
    PhotoSize,
)
from telegram.error import TelegramError

from bot.images.pdq import NotAnImage, dihedral_hashes
from bot.images.photos import Photo, ReportPictures

log = logging.getLogger(__name__)

LONGEST_SIDE = 1280
"""The largest photo size fetched: PDQ works on at most 512 pixels, so Telegram's 2560 would only cost time."""
MAX_BYTES = 5 * 1024 * 1024
"""No photo larger than this is downloaded (Telegram's photos are far smaller; a limit bounds the memory)."""


PROFILE_PHOTO_SECONDS = 600.0
"""How long an account's profile photo, once read, stands for it (a change within this time is seen late)."""
PROFILE_PHOTOS_KEPT = 4096


class ProfilePhotos:
    """The profile photos of forward origins read lately, by account. A campaign wave forwards many posts of a few
    channels, and each forward would cost a getChat (or getUserProfilePhotos), a getFile and a download; forwards
    of one account arriving together share one read. A read that fails is not kept."""

    def __init__(
        self,
        seconds: float = PROFILE_PHOTO_SECONDS,
        kept: int = PROFILE_PHOTOS_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds, self._kept, self._clock = seconds, kept, clock
        self._known: OrderedDict[int, tuple[float, Photo | None]] = OrderedDict()
        self._reading: dict[int, asyncio.Future[Photo | None]] = {}

    async def of(self, account: int, read: Callable[[], Awaitable[Photo | None]]) -> Photo | None:
        """The account's photo as read within the last ``seconds``, else ``read()`` (once for all who ask)."""
        known = self._known.get(account)
        if known is not None and self._clock() - known[0] < self._seconds:
            return known[1]
        reading = self._reading.get(account)
        if reading is None:
            reading = self._reading[account] = asyncio.ensure_future(read())
            reading.add_done_callback(lambda done: self._keep(account, done))
        return await asyncio.shield(reading)  # one caller cancelled does not cancel the others' read

    def _keep(self, account: int, done: asyncio.Future[Photo | None]) -> None:
        del self._reading[account]
        if done.cancelled() or done.exception() is not None:
            return
        self._known[account] = (self._clock(), done.result())
        self._known.move_to_end(account)
        while len(self._known) > self._kept:
            self._known.popitem(last=False)


async def read_pictures(bot: Bot, message: Message, profiles: ProfilePhotos) -> ReportPictures:
    """The hashes of the message's photo and of the forward origin's profile photo (read through ``profiles``).
    A photo too flat to compare is dropped (``flat_post``), one that cannot be fetched just now too
    (``unread_post``): the rest of the message is still a report; a profile photo that cannot be fetched is left
    out."""
    post, flat, unread = None, False, False
    if message.photo:
        try:
            post = await _photo(bot, _size_to_fetch(message.photo).file_id)
        except (TelegramError, NotAnImage) as exc:
            log.warning("a report's photo was not read: %s", type(exc).__name__)
            unread = True
        if post is not None and not post.hash.usable:
            post, flat = None, True
    avatar = None
    if message.forward_origin is not None:
        try:
            avatar = await _profile_photo(bot, message.forward_origin, profiles)
        except (TelegramError, NotAnImage) as exc:
            log.info("profile photo of a forward origin not read: %s", type(exc).__name__)
        if avatar is not None and not avatar.hash.usable:
            avatar = None
    return ReportPictures(post=post, avatar=avatar, flat_post=flat, unread_post=unread)


async def _profile_photo(bot: Bot, origin: MessageOrigin, profiles: ProfilePhotos) -> Photo | None:
    """The origin account's current profile photo, when Telegram shows it: getUserProfilePhotos for a user,
    getChat for a channel or group. A hidden user (forward privacy) has none to show."""
    if isinstance(origin, MessageOriginUser):
        user_id = origin.sender_user.id

        async def of_user() -> Photo | None:
            photos = await bot.get_user_profile_photos(user_id, limit=1)
            return await _photo(bot, _size_to_fetch(photos.photos[0]).file_id) if photos.photos else None

        return await profiles.of(user_id, of_user)
    chat = origin.chat if isinstance(origin, MessageOriginChannel) else None
    if isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
    if chat is None:
        return None
    chat_id = chat.id

    async def of_chat() -> Photo | None:
        full = await bot.get_chat(chat_id)
        return None if full.photo is None else await _photo(bot, full.photo.big_file_id)

    return await profiles.of(chat_id, of_chat)


async def _photo(bot: Bot, file_id: str) -> Photo:
    file = await bot.get_file(file_id)
    if file.file_size is not None and file.file_size > MAX_BYTES:
        raise NotAnImage("larger than the download limit")
    data = bytes(await file.download_as_bytearray())
    hashes = await asyncio.to_thread(dihedral_hashes, data)  # one DCT gives all eight, at the cost of one
    return Photo(hashes[0], file_id, tuple(h.bits for h in hashes[1:]))


def _size_to_fetch(sizes: Sequence[PhotoSize]) -> PhotoSize:
    """The largest size within LONGEST_SIDE and MAX_BYTES (Telegram lists sizes smallest first); the smallest if
    none is."""
    fitting = [
        s for s in sizes if max(s.width, s.height) <= LONGEST_SIDE and (s.file_size is None or s.file_size <= MAX_BYTES)
    ]
    return max(fitting, key=lambda s: s.width * s.height) if fitting else min(sizes, key=lambda s: s.width * s.height)
