"""Reading a report's pictures from Telegram: the post's photo, and the profile photo of the account a forward
came from. Bytes are downloaded into memory, hashed off the event loop and dropped: only hashes and file ids
go further."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

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


async def read_pictures(bot: Bot, message: Message) -> ReportPictures:
    """The hashes of the message's photo and of the forward origin's profile photo. A photo too flat to compare
    is dropped (``flat_post``), one that cannot be fetched just now too (``unread_post``): the rest of the message
    is still a report; a profile photo that cannot be fetched is left out."""
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
            avatar = await _profile_photo(bot, message.forward_origin)
        except (TelegramError, NotAnImage) as exc:
            log.info("profile photo of a forward origin not read: %s", type(exc).__name__)
        if avatar is not None and not avatar.hash.usable:
            avatar = None
    return ReportPictures(post=post, avatar=avatar, flat_post=flat, unread_post=unread)


async def _profile_photo(bot: Bot, origin: MessageOrigin) -> Photo | None:
    """The origin account's current profile photo, when Telegram shows it: getUserProfilePhotos for a user,
    getChat for a channel or group. A hidden user (forward privacy) has none to show."""
    if isinstance(origin, MessageOriginUser):
        photos = await bot.get_user_profile_photos(origin.sender_user.id, limit=1)
        return await _photo(bot, _size_to_fetch(photos.photos[0]).file_id) if photos.photos else None
    chat = origin.chat if isinstance(origin, MessageOriginChannel) else None
    if isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
    if chat is None:
        return None
    full = await bot.get_chat(chat.id)
    return None if full.photo is None else await _photo(bot, full.photo.big_file_id)


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
