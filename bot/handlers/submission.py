"""Telegram message → core Submission: the only place that reads message internals for reports."""

from __future__ import annotations

from telegram import (
    Message,
    MessageEntity,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.submission import Submission, build_submission

MEDIA_WITH_CAPTION = ("photo", "video", "animation", "document", "audio")


def media_kind(message: Message) -> str | None:
    """The kind of attachment the message carries, if it is one that can have a caption."""
    for kind in MEDIA_WITH_CAPTION:
        if getattr(message, kind):
            return kind
    return None


def origin_target(origin: MessageOrigin) -> Target:
    """The account (and post) a forwarded message came from."""
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        account = _telegram_account(user.username, str(user.id), user.full_name)
        return Target(Platform.TELEGRAM, account, None, Via.FORWARD)
    if isinstance(origin, MessageOriginHiddenUser):
        name = origin.sender_user_name
        account = Account(Platform.TELEGRAM, "name:" + name.casefold(), display_name=name)
        return Target(Platform.TELEGRAM, account, None, Via.FORWARD)
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        account = _telegram_account(chat.username, str(chat.id), chat.title)
        return Target(Platform.TELEGRAM, account, str(origin.message_id), Via.FORWARD)
    if isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
        account = _telegram_account(chat.username, str(chat.id), chat.title)
        return Target(Platform.TELEGRAM, account, None, Via.FORWARD)
    raise ValueError(f"unknown forward origin {origin.type!r}")


def _telegram_account(username: str | None, external_id: str, name: str | None) -> Account:
    if username:
        return Account.by_handle(Platform.TELEGRAM, username, external_id=external_id, display_name=name)
    return Account.by_id(Platform.TELEGRAM, external_id, display_name=name)


def submission_from_message(message: Message, *, picture: bool = False) -> Submission:
    """What the message reports; raises NothingToReport when it gives nothing to act on (``picture``: the
    message's photo has a hash to compare, so it is a report on its own)."""
    # Only the links hidden behind words are needed, not the entities' text: slicing the text by entity
    # offsets fails on offsets that split an emoji, which Telegram never sends but a client might.
    entities = message.entities if message.text else message.caption_entities
    hidden_urls = tuple(e.url for e in entities if e.type == MessageEntity.TEXT_LINK and e.url)
    return build_submission(
        message.text or message.caption,
        origin=origin_target(message.forward_origin) if message.forward_origin else None,
        hidden_urls=hidden_urls,
        media=media_kind(message),
        picture=picture,
    )
