"""What the fake Telegram knows: users, chats, messages, files, the updates queue and the calls log."""

import asyncio
import contextlib
import copy
import time
from dataclasses import dataclass, field
from typing import Any

from . import updates
from .files import Files
from .profiles import Profiles


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a multipart request."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass
class ApiCall:
    """One request the bot made, with decoded parameters and the answer it got."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float

    @property
    def description(self) -> str | None:
        """The error description, None for successful calls."""
        return self.response.get("description")


@dataclass(frozen=True)
class Formatted:
    """Text or caption as sent (``raw``) and as shown (``plain`` with ``entities``)."""

    raw: str
    plain: str
    entities: list[dict]
    parse_mode: str | None


@dataclass(frozen=True)
class MessageVersion:
    """An earlier version of a bot message, kept when it is edited."""

    text: str
    plain: str
    parse_mode: str | None
    entities: list[dict]
    reply_markup: dict | None


@dataclass
class SentMessage:
    """A message the bot sent, as it currently stands."""

    chat_id: int
    message_id: int
    method: str
    text: str
    plain: str
    parse_mode: str | None
    reply_markup: dict | None
    entities: list[dict] = field(default_factory=list)
    edits: list[MessageVersion] = field(default_factory=list)
    file_bytes: bytes | None = None
    deleted: bool = False
    date: int = 0
    edit_date: int | None = None
    media: dict = field(default_factory=dict)
    reply_to: dict | None = None
    sent_at: float = 0.0
    """time.monotonic() when the bot sent it."""

    @property
    def inline_markup(self) -> dict | None:
        """The inline keyboard, the only markup that belongs to the message itself."""
        return self.reply_markup if self.reply_markup and "inline_keyboard" in self.reply_markup else None

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data) of every inline button; callback_data is None for url and other buttons."""
        rows = (self.inline_markup or {}).get("inline_keyboard", [])
        return [(button["text"], button.get("callback_data")) for row in rows for button in row]

    def button(self, text_substring: str) -> str:
        """callback_data of the one callback button whose text contains ``text_substring``."""
        found = [data for text, data in self.buttons if text_substring in text and data is not None]
        assert len(found) == 1, f"want one callback button with {text_substring!r}, message has {self.buttons}"
        return found[0]


DELETABLE_SECONDS = 48 * 3600
"""Telegram lets a bot delete a message for 48 hours after it was sent."""

_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class State:
    """The data behind one bot's Bot API; the HTTP methods and the driver both read and change it."""

    def __init__(self, bot_user: dict) -> None:
        self.bot_user = bot_user
        self.calls: list[ApiCall] = []
        self.updates: list[dict] = []
        """Updates not yet confirmed, oldest first."""
        self.last_update_id = 0
        self.confirmed_update_id = 0
        self.allowed_updates: set[str] = set()
        self.pushed: dict[int, dict] = {}
        """Every update ever enqueued, by id, as it was enqueued (for redelivery)."""
        self.users: dict[int, dict] = {}
        self.chats: dict[int, dict] = {}
        self.blocked: set[int] = set()
        self.user_messages: dict[tuple[int, int], dict] = {}
        self.sent: list[SentMessage] = []
        self.bot_messages: dict[tuple[int, int], SentMessage] = {}
        self.seen_chats: dict[int, dict] = {}
        """Chats the bot only saw as the origin of forwards: it may read them (getChat), not write to them."""
        self.files = Files(self.next_counter)
        self.profiles = Profiles()
        self.open_queries: set[str] = set()
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        """Each private chat's menu button (None: the default of every private chat), if one was set."""
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.clock_offset = 0.0
        """Seconds Telegram's clock is ahead of this machine's (FakeTelegram.advance_clock): messages age."""
        self._message_ids: dict[int, int] = {}
        self._counter = 0
        self._changed = asyncio.Event()

    # ---- change notification ----

    @property
    def changed(self) -> asyncio.Event:
        """Set at the next change. Take it before looking at the state, then wait on it: no change is missed."""
        return self._changed

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def now(self) -> float:
        """Telegram's clock: Unix seconds, moved on by ``clock_offset``."""
        return time.time() + self.clock_offset

    # ---- numbering ----

    def next_counter(self) -> int:
        self._counter += 1
        return self._counter

    def next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    # ---- the updates queue ----

    def enqueue(self, update: dict) -> int:
        """Queue a checked Update (update_id is assigned when missing); returns its update_id."""
        update.setdefault("update_id", self.last_update_id + 1)
        self.last_update_id = max(self.last_update_id, update["update_id"])
        self._note(update)
        self.pushed[update["update_id"]] = copy.deepcopy(update)
        self.updates.append(update)
        self.notify()
        return update["update_id"]

    def redeliver(self, update_id: int) -> None:
        self.updates = sorted([*self.updates, copy.deepcopy(self.pushed[update_id])], key=lambda u: u["update_id"])
        self.notify()

    def confirm(self, offset: int) -> None:
        """Drop the updates before ``offset``, as getUpdates does."""
        confirmed = [u["update_id"] for u in self.updates if u["update_id"] < offset]
        if confirmed:
            self.confirmed_update_id = max(self.confirmed_update_id, *confirmed)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self.notify()

    def delivered(self, update_id: int) -> None:
        """Drop one update the webhook delivered (getUpdates confirms by offset instead)."""
        self.updates = [u for u in self.updates if u["update_id"] != update_id]
        self.confirmed_update_id = max(self.confirmed_update_id, update_id)
        self.notify()

    def is_allowed(self, update: dict) -> bool:
        """Whether getUpdates serves this update under the allowed_updates last given."""
        kind = update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _OPT_IN_UPDATES

    def _note(self, update: dict) -> None:
        """Learn chats, user messages and file ids from an update, as Telegram would know them."""
        kind = update_type(update)
        payload = update[kind]
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if chat:
            self.chats[chat["id"]] = {**self.chats.get(chat["id"], {}), **chat}
            sender = payload.get("from") or {}
            if kind in ("message", "edited_message", "callback_query") and sender.get("id") == chat["id"]:
                self.blocked.discard(chat["id"])
        if kind in ("message", "edited_message"):
            key = (payload["chat"]["id"], payload["message_id"])
            self.user_messages[key] = payload
            self._message_ids[key[0]] = max(self._message_ids.get(key[0], 0), key[1])
        origin = payload.get("forward_origin") or {}
        if "chat" in origin or "sender_chat" in origin:
            seen = origin.get("chat") or origin["sender_chat"]
            self.seen_chats[seen["id"]] = seen
        self.files.learn(_files_in(payload))

    # ---- messages and files ----

    def store(
        self,
        chat: dict,
        method: str,
        content: Formatted,
        markup: dict | None,
        reply_to: dict | None,
        *,
        media: dict | None = None,
        file_bytes: bytes | None = None,
    ) -> SentMessage:
        """Record a message the bot sent."""
        sent = SentMessage(
            chat["id"],
            self.next_message_id(chat["id"]),
            method,
            content.raw,
            content.plain,
            content.parse_mode,
            markup,
            content.entities,
            file_bytes=file_bytes,
            date=int(self.now()),
            media=media or {},
            reply_to=reply_to,
            sent_at=time.monotonic(),
        )
        self.sent.append(sent)
        self.bot_messages[(sent.chat_id, sent.message_id)] = sent
        return sent

    @staticmethod
    def replace(sent: SentMessage, content: Formatted, markup: dict | None) -> None:
        """Edit a bot message, keeping its previous version."""
        sent.edits.append(MessageVersion(sent.text, sent.plain, sent.parse_mode, sent.entities, sent.reply_markup))
        sent.text, sent.plain, sent.parse_mode, sent.entities = (
            content.raw,
            content.plain,
            content.parse_mode,
            content.entities,
        )
        sent.reply_markup = markup
        sent.edit_date = int(time.time())

    def delete(self, chat_id: int, message_id: int) -> str | None:
        """Delete a message of either side as Telegram lets a bot (younger than 48 hours); else the refusal."""
        key = (chat_id, message_id)
        sent = self.live_bot_message(chat_id, message_id)
        if key in self.user_messages:
            date = self.user_messages[key]["date"]
        elif sent is not None:
            date = sent.date
        else:
            return "message to delete not found"
        if self.now() - date >= DELETABLE_SECONDS:
            return "message can't be deleted"
        if sent is not None:
            sent.deleted = True
        self.user_messages.pop(key, None)
        return None

    def live_bot_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        sent = self.bot_messages.get((chat_id, message_id))
        return None if sent is None or sent.deleted else sent

    def find_message(self, chat_id: int, message_id: int) -> dict | None:
        """A Message object, from a user or the bot, unless it is unknown or deleted."""
        if (chat_id, message_id) in self.user_messages:
            return self.user_messages[chat_id, message_id]
        sent = self.live_bot_message(chat_id, message_id)
        return None if sent is None else self.message_json(sent)

    def message_json(self, sent: SentMessage) -> dict:
        """The Message object of a bot message, as Telegram returns and forwards it."""
        body, key = ("text", "entities") if sent.method == "sendMessage" else ("caption", "caption_entities")
        fields: dict[str, Any] = {
            **sent.media,
            "reply_markup": sent.inline_markup,
            "edit_date": sent.edit_date,
            "reply_to_message": sent.reply_to,
        }
        if sent.plain:
            fields[body] = sent.plain
            fields[key] = updates.with_detected_entities(sent.plain, sent.entities)
        return updates.message(sent.message_id, self.bot_user, self.chats[sent.chat_id], date=sent.date, **fields)


def update_type(update: dict) -> str:
    return next(key for key in update if key != "update_id")


async def wait_set(event: asyncio.Event, seconds: float) -> None:
    """Wait until ``event`` is set, at most ``seconds``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def _files_in(value: Any) -> dict[str, dict]:
    if isinstance(value, list):
        return {k: v for item in value for k, v in _files_in(item).items()}
    if not isinstance(value, dict):
        return {}
    found = {value["file_id"]: value} if "file_id" in value and "file_unique_id" in value else {}
    for item in value.values():
        found.update(_files_in(item))
    return found
