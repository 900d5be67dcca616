"""Builders of the JSON objects Telegram sends: users, chats, messages, origins, entities."""

import re
import time
from typing import Any

from .html import utf16_len

_COMMON_TLDS = frozenset(
    "com org net edu gov mil int info biz name pro io me co app dev ai tv cc ly gg to fm am so "
    "kz ru ua by uz kg tj az ge am md lt lv ee pl de fr uk us ca au nz it es pt nl be ch at se no "
    "fi dk cz sk hu ro bg gr tr il ir in cn jp kr tw hk sg my id th vn ph br ar mx cl pe eu asia "
    "online site xyz top club news blog shop store live tech space website link рф қаз".split()
)
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
_MENTION = re.compile(r"(?<!\w)@([A-Za-z0-9_]{2,32})(?!\w)")
_HASHTAG = re.compile(r"(?<![\w\u200c])#([\w\u200c]{1,256})(?![\w\u200c]*#)")
_CASHTAG = re.compile(r"(?<![\w$])\$(?:1INCH|[A-Z]{1,8})(?![\w$])")
_EMAIL = re.compile(
    r"(?<![\w.+\-/@])[A-Za-z0-9_\-](?:[A-Za-z0-9_.+\-]{0,60}[A-Za-z0-9_\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9_\-]{0,28}[A-Za-z0-9])?\.){1,6}[A-Za-z]{2,8}(?![\w\-@])"
)
_URL = re.compile(
    r"(?<![\w/#@.\-])(?P<proto>(?:https?|ftp)://)?"
    r"(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+(?P<tld>[^\W\d_]{2,24})(?![\w\-@])"
    r"(?::\d{1,5})?(?P<path>[/?#][^\s<>\"«»]*)?",
    re.IGNORECASE,
)
_BAD_URL_END = ".:;,('?!`"
_SHORT_USERNAMES = frozenset({"gif", "vid", "pic"})
_HIDING_TYPES = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})


def user(
    user_id: int,
    *,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
    is_bot: bool = False,
) -> dict:
    """A User object, without the keys Telegram leaves out when empty."""
    return _compact(
        {
            "id": user_id,
            "is_bot": is_bot,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
    )


def private_chat(sender: dict) -> dict:
    """The private Chat between the bot and ``sender``."""
    return _compact(
        {
            "id": sender["id"],
            "type": "private",
            "first_name": sender["first_name"],
            "last_name": sender.get("last_name"),
            "username": sender.get("username"),
        }
    )


def channel(chat_id: int, title: str, username: str | None = None) -> dict:
    """A channel Chat (ids look like -100xxxxxxxxxx)."""
    assert chat_id < 0, "channel ids are negative"
    return _compact({"id": chat_id, "type": "channel", "title": title, "username": username})


def group(chat_id: int, title: str) -> dict:
    """A group Chat; ids from -100xxxxxxxxxx down are supergroups."""
    assert chat_id < 0, "group ids are negative"
    return {"id": chat_id, "type": "supergroup" if chat_id <= -1_000_000_000_000 else "group", "title": title}


def origin_user(sender: dict) -> dict:
    """MessageOriginUser of a forward."""
    return {"type": "user", "date": _earlier(), "sender_user": sender}


def origin_hidden_user(name: str) -> dict:
    """MessageOriginHiddenUser of a forward (the sender hides their account)."""
    return {"type": "hidden_user", "date": _earlier(), "sender_user_name": name}


def origin_chat(chat: dict, author_signature: str | None = None) -> dict:
    """MessageOriginChat: a message an anonymous admin sent on behalf of a group."""
    return _compact({"type": "chat", "date": _earlier(), "sender_chat": chat, "author_signature": author_signature})


def origin_channel(chat: dict, message_id: int, author_signature: str | None = None) -> dict:
    """MessageOriginChannel: a channel post."""
    return _compact(
        {
            "type": "channel",
            "date": _earlier(),
            "chat": chat,
            "message_id": message_id,
            "author_signature": author_signature,
        }
    )


def message(message_id: int, sender: dict, chat: dict, *, date: int | None = None, **fields: Any) -> dict:
    """A Message; ``entities``/``caption_entities`` are detected like Telegram's unless given."""
    result = {"message_id": message_id, "from": sender, "chat": chat, "date": date or int(time.time())}
    for body, key in (("text", "entities"), ("caption", "caption_entities")):
        if fields.get(body) is not None and fields.get(key) is None:
            fields[key] = detect_entities(fields[body])
    result.update(_compact(fields))
    return {k: v for k, v in result.items() if v != []}


def detect_entities(text: str) -> list[dict]:
    """The entities Telegram finds by itself: commands, mentions, hashtags, cashtags, emails, URLs."""
    spans = [(m.start(), m.end(), "bot_command") for m in _BOT_COMMAND.finditer(text)]
    spans += [
        (m.start(), m.end(), "mention")
        for m in _MENTION.finditer(text)
        if len(m[1]) >= 4 or m[1].lower() in _SHORT_USERNAMES
    ]
    spans += [(m.start(), m.end(), "hashtag") for m in _HASHTAG.finditer(text) if any(c.isalpha() for c in m[1])]
    spans += [(m.start(), m.end(), "cashtag") for m in _CASHTAG.finditer(text)]
    spans += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    spans += [span for m in _URL.finditer(text) if (span := _url_span(m))]
    spans.sort(key=lambda s: (s[0], s[0] - s[1]))
    entities, taken_until = [], 0
    for start, end, kind in spans:
        if start >= taken_until:
            entities.append({"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])})
            taken_until = end
    return entities


def with_detected_entities(text: str, entities: list[dict]) -> list[dict]:
    """``entities`` plus detected ones that don't fall inside code, pre or links, as Telegram merges them."""
    hidden = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _HIDING_TYPES]
    found = [
        e
        for e in detect_entities(text)
        if not any(e["offset"] < end and start < e["offset"] + e["length"] for start, end in hidden)
    ]
    return sorted(entities + found, key=lambda e: (e["offset"], -e["length"]))


def _url_span(match: re.Match) -> tuple[int, int, str] | None:
    if not match["proto"] and match["tld"].lower() not in _COMMON_TLDS:
        return None
    end = match.end()
    if match["path"]:
        end = match.start("path") + _path_length(match["path"])
    return match.start(), end, "url"


def _path_length(path: str) -> int:
    depth = 0
    for index, char in enumerate(path):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            path = path[:index]
            break
    stripped = path.rstrip(_BAD_URL_END)
    return len(stripped) if len(stripped) > 1 or path.startswith("/") else 0


def _earlier() -> int:
    return int(time.time()) - 3600


def _compact(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if v is not None}
