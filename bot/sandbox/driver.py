"""FakeTelegram: what tests and the demo hold. It plays the people (updates in) and watches the bot (calls out)."""

import copy
import os
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import telegram

from . import updates
from .checks import scope_key
from .errors import ApiError
from .faults import Faults
from .files import picture
from .limits import FloodLimits
from .profiles import ProfilePhoto
from .server import BotApi
from .state import ApiCall, SentMessage, State, wait_set
from .webhook import Delivery

T = TypeVar("T")

_QUIET_SECONDS = 0.3


class FakeTelegram:
    """The Bot API for one bot: drive it with updates, observe what the bot did with it."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-token",
        bot_id: int = 7000001,
        bot_username: str = "kuzet_test_bot",
        global_per_second: int = 30,
        group_per_minute: int = 20,
        private_per_second: int | None = None,
        webhook_timeout: float = 60.0,
    ) -> None:
        """``webhook_timeout``: how long a post to the bot's webhook may wait for its answer (Telegram: 60 s)."""
        self._state = State(
            updates.user(
                bot_id, first_name="Kuzet Test", last_name=None, username=bot_username, language_code=None, is_bot=True
            )
        )
        self._api = BotApi(
            self._state,
            token=token,
            limits=FloodLimits(
                global_per_second=global_per_second,
                group_per_minute=group_per_minute,
                private_per_second=private_per_second,
            ),
            webhook_timeout=webhook_timeout,
        )
        self._claimed_calls: set[int] = set()

    # ---- lifecycle ----

    async def start(self) -> None:
        """Serve on a free port of 127.0.0.1; ``base_url`` is ready afterwards."""
        await self._api.start()

    async def stop(self) -> None:
        """Answer pending long polls with no updates and shut the server down."""
        await self._api.stop()

    async def __aenter__(self) -> "FakeTelegram":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---- what the bot sees and sets ----

    @property
    def token(self) -> str:
        return self._api.token

    @property
    def base_url(self) -> str:
        """The bot's base_url once started: http://127.0.0.1:PORT/bot"""
        return self._api.base_url

    @property
    def base_file_url(self) -> str:
        """The bot's base_file_url once started: http://127.0.0.1:PORT/file/bot (``base_url`` with /file
        before /bot, as on api.telegram.org and a local Bot API server)."""
        return self._api.base_file_url

    def bot_environment(self, **settings: str) -> dict[str, str]:
        """The environment of a `kuzet run` process talking to this sandbox: this process's own, minus any
        REPORTER_KEY and DATABASE_URL of the caller's, with the token, the API URL, LOG_LEVEL=WARNING and
        ``settings`` (which may set any of them again)."""
        env = {k: v for k, v in os.environ.items() if k not in ("REPORTER_KEY", "DATABASE_URL")}
        env.update(BOT_TOKEN=self.token, BOT_API_URL=self.base_url, LOG_LEVEL="WARNING")
        env.update(settings)
        return env

    @property
    def faults(self) -> Faults | None:
        """Random faults on a fraction of calls; set it to turn them on (see faults.py)."""
        return self._api.faults

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        self._api.faults = faults

    @property
    def calls(self) -> list[ApiCall]:
        """Every request the bot made, oldest first."""
        return self._state.calls

    @property
    def confirmed_update_id(self) -> int:
        return self._state.confirmed_update_id

    @property
    def last_update_id(self) -> int:
        return self._state.last_update_id

    @property
    def deliveries(self) -> list[Delivery]:
        """Every post of an update to the bot's webhook, oldest first."""
        return self._api.webhook.deliveries

    @property
    def webhook_backends(self) -> list[str] | None:
        """Base addresses (http://127.0.0.1:PORT) of bots behind one webhook URL, as behind a load balancer:
        posts go to the URL's path on each in turn, an update that failed on one next to the following one.
        None (the default): posts go to the URL itself."""
        return self._api.webhook.backends

    @webhook_backends.setter
    def webhook_backends(self, backends: list[str] | None) -> None:
        self._api.webhook.backends = backends

    def webhook_info(self) -> dict:
        """What getWebhookInfo answers now."""
        return self._api.webhook_info()

    @property
    def descriptions(self) -> dict[str, str]:
        """The bot's description by language code ("" for the default)."""
        return self._state.descriptions

    @property
    def short_descriptions(self) -> dict[str, str]:
        return self._state.short_descriptions

    # ---- building objects ----

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> dict:
        """A User object (nothing is enqueued)."""
        self._state.users[user_id] = updates.user(
            user_id, first_name=first_name, last_name=last_name, username=username, language_code=language_code
        )
        return self._state.users[user_id]

    channel = staticmethod(updates.channel)
    group = staticmethod(updates.group)
    origin_hidden_user = staticmethod(updates.origin_hidden_user)
    origin_chat = staticmethod(updates.origin_chat)
    origin_channel = staticmethod(updates.origin_channel)

    def origin_user(self, sender: dict) -> dict:
        """The forward origin of a message ``sender`` wrote: MessageOriginUser, or MessageOriginHiddenUser
        (their name, no account) when their privacy settings hide them in forwards."""
        if sender["id"] in self._state.profiles.hidden_forwards:
            return updates.origin_hidden_user(" ".join(filter(None, (sender["first_name"], sender.get("last_name")))))
        return updates.origin_user(sender)

    def add_private_chats(self, user_ids: Iterable[int]) -> None:
        """Private chats with users who once wrote to the bot (without sending their messages through polling)."""
        for user_id in user_ids:
            user = self._state.users.get(user_id) or updates.user(
                user_id, first_name="Test", last_name=None, username=None, language_code="en"
            )
            self._state.chats[user_id] = updates.private_chat(user)

    def add_group(self, chat_id: int, title: str) -> dict:
        """A group or supergroup the bot is a member of, so it may send there."""
        chat = updates.group(chat_id, title)
        self._state.chats[chat_id] = chat
        return chat

    # ---- driving ----

    def send_text(self, user: dict, text: str, *, chat: dict | None = None, entities: list[dict] | None = None) -> dict:
        """The user sends ``text``; entities are detected like Telegram's unless given. Returns the Message."""
        return self.send_message(user, chat=chat, text=text, entities=entities)

    def send_message(self, user: dict, *, chat: dict | None = None, **fields: Any) -> dict:
        """The user sends a message with any Message ``fields``. Returns the Message. The author of a forwarded
        message exists on Telegram, so the fake knows them from then on (getUserProfilePhotos answers)."""
        origin_user = (fields.get("forward_origin") or {}).get("sender_user")
        if origin_user is not None:
            self._state.users.setdefault(origin_user["id"], origin_user)
        chat = chat or updates.private_chat(user)
        fields.setdefault("date", int(self._state.now()))
        message = updates.message(self._state.next_message_id(chat["id"]), user, chat, **fields)
        self._enqueue("message", message)
        return message

    def send_photo(self, user: dict, data: bytes, *, caption: str | None = None, chat: dict | None = None) -> dict:
        """The user sends a photo of the image in ``data`` (JPEG, PNG...), with its sizes made as Telegram's."""
        return self.send_message(user, chat=chat, photo=self.photo_sizes(data), caption=caption)

    def photo_sizes(self, data: bytes) -> list[dict]:
        """The PhotoSize list Telegram gives a photo of ``data``, its files served: for a message built by hand
        (``send_message(user, photo=…, caption_entities=…)``)."""
        return self._state.files.photo(data)

    def send_document(
        self,
        user: dict,
        data: bytes,
        *,
        file_name: str,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: dict | None = None,
    ) -> dict:
        """The user sends ``data`` as a file."""
        document = self._state.files.document(data, file_name, mime_type)
        return self.send_message(user, chat=chat, document=document, caption=caption)

    def forward(
        self,
        user: dict,
        origin: dict,
        *,
        text: str | None = None,
        caption: str | None = None,
        photo: bytes | bool = False,
    ) -> dict:
        """The user forwards a text, or a photo with an optional caption, that came from ``origin``.

        ``photo``: the image's bytes, or True for a picture of its own (320×240, a PhotoSize of 90 and one of
        320, bytes behind both)."""
        assert photo or text is not None, "forward() needs text, or a photo"
        if photo:
            data = photo if isinstance(photo, bytes) else picture(self._state.next_counter())
            return self.send_message(user, forward_origin=origin, photo=self._state.files.photo(data), caption=caption)
        return self.send_message(user, forward_origin=origin, text=text)

    def set_profile_photo(self, owner: dict, data: bytes) -> ProfilePhoto:
        """A user, channel or group takes the image in ``data`` as its profile photo. A user keeps the
        earlier ones (getUserProfilePhotos lists them, newest first); getChat shows the newest."""
        photo = self._state.files.profile_photo(data)
        self._state.profiles.add(owner["id"], photo)
        return photo

    def set_privacy(self, user: dict, *, hide_photos: bool = False, hide_forwards: bool = False) -> None:
        """The user's privacy settings: photos shown to nobody (getUserProfilePhotos has none, getChat no
        photo); their account left out of forwards (origin_user gives a hidden user)."""
        profiles = self._state.profiles
        for hidden, chosen in ((profiles.hidden_photos, hide_photos), (profiles.hidden_forwards, hide_forwards)):
            if chosen:
                hidden.add(user["id"])
            else:
                hidden.discard(user["id"])

    def reply(self, user: dict, to: SentMessage | dict, text: str) -> dict:
        """The user answers a bot message (or a message sent through the fake) with ``text``, in its chat."""
        if isinstance(to, SentMessage):
            original = self._state.message_json(self._live(to))
        else:
            original = self._state.user_messages[(to["chat"]["id"], to["message_id"])]
        original = {k: v for k, v in original.items() if k != "reply_to_message"}
        return self.send_message(user, chat=original["chat"], text=text, reply_to_message=original)

    def edit(self, user: dict, message: dict, new_text: str) -> dict:
        """The user edits a text message they sent earlier. Returns the edited Message."""
        current = self._state.user_messages.get((message["chat"]["id"], message["message_id"]))
        assert current is not None and current["from"]["id"] == user["id"] and "text" in current, (
            "edit() takes a text message this user sent through the fake"
        )
        fields = {k: v for k, v in current.items() if k not in ("message_id", "from", "chat", "date", "entities")}
        fields.update(text=new_text, edit_date=int(time.time()))
        edited = updates.message(current["message_id"], user, current["chat"], date=current["date"], **fields)
        self._enqueue("edited_message", edited)
        return edited

    def press(self, user: dict, message: SentMessage, data: str, *, forge: bool = False) -> str:
        """The user presses a button of a bot message; returns the callback query id.

        Unless ``forge``, ``data`` must be the callback_data of a button now on the message.
        """
        live = self._live(message)
        assert forge or data in [d for _, d in live.buttons if d is not None], (
            f"no button with callback_data {data!r} on message {live.message_id}: {live.buttons}"
        )
        query_id = str(10**15 + self._state.next_counter())
        self._state.open_queries.add(query_id)
        bot_id = self._state.bot_user["id"]
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user,
                "message": self._state.message_json(live),
                "chat_instance": str(abs(hash((bot_id, live.chat_id)))),
                "data": data,
            },
        )
        return query_id

    def push_update(self, update: dict, *, unparseable: bool = False) -> int:
        """Enqueue a raw Update (update_id is assigned when missing); returns its update_id.

        An update PTB cannot parse is usually a test bug, so it raises AssertionError here; with
        ``unparseable`` it must fail to parse, and is served as it is: Telegram sends such updates when
        its Bot API is newer than PTB's.
        """
        update = copy.deepcopy(update)
        update.setdefault("update_id", self._state.last_update_id + 1)
        try:
            telegram.Update.de_json(copy.deepcopy(update), None)
        except Exception as error:
            if not unparseable:
                raise AssertionError(f"PTB cannot parse this update: {error!r}\n{update}") from error
        else:
            assert not unparseable, f"PTB parses this update: {update}"
        return self._state.enqueue(update)

    def redeliver(self, update_id: int) -> None:
        """Offer an update again, as Telegram does when the bot stopped before confirming it.

        A running bot has confirmed past it and never sees it; a bot started afterwards does.
        """
        self._state.redeliver(update_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail, and the bot gets a my_chat_member update."""
        state = self._state
        state.blocked.add(user_id)
        user = state.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "Test"}
        self._enqueue(
            "my_chat_member",
            {
                "chat": state.chats.get(user_id) or updates.private_chat(user),
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {"user": state.bot_user, "status": "member"},
                "new_chat_member": {"user": state.bot_user, "status": "kicked", "until_date": 0},
            },
        )

    def fail_next(
        self, method: str, *, status: int, description: str, retry_after: int | None = None, count: int = 1
    ) -> None:
        """The next ``count`` calls of ``method`` get this error instead of being executed."""
        self._api.fail_next(method, [ApiError(status, description, retry_after) for _ in range(count)])

    def lose_answer_next(self, method: str, *, chat_id: int | None = None, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (to ``chat_id``, if given) are carried out, then the
        connection drops unanswered.

        What a bot sees when a request reached Telegram but the answer was lost: it cannot know
        whether the message went out.
        """
        self._api.lose_answer_next(method, chat_id, count)

    def advance_clock(self, seconds: float) -> None:
        """Move Telegram's clock on: every message is ``seconds`` older (deleteMessage's 48 hours count by it)."""
        self._state.clock_offset += seconds

    # ---- observing ----

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Bot messages not deleted, oldest first, in one chat or in all."""
        return [m for m in self._state.sent if not m.deleted and chat_id in (None, m.chat_id)]

    def menu_button(self, chat_id: int) -> dict | None:
        """The menu button the bot set for this private chat, if it set one."""
        return self._state.menu_buttons.get(chat_id)

    def in_chat(self, chat_id: int) -> list[int]:
        """Ids of the messages of both sides still in the chat (not deleted), in order."""
        users = [message_id for chat, message_id in self._state.user_messages if chat == chat_id]
        return sorted(users + [m.message_id for m in self.sent(chat_id)])

    def refused(self) -> list[ApiCall]:
        """Calls answered with ok=false."""
        return [call for call in self.calls if not call.response.get("ok")]

    def my_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict] | None:
        """Commands set for exactly this scope and language, None if never set or deleted."""
        return self._state.commands.get((scope_key(scope or {"type": "default"}), language_code))

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 10) -> list[SentMessage]:
        """Wait until the chat holds at least ``count`` bot messages; returns them all."""

        def probe() -> list[SentMessage] | None:
            messages = self.sent(chat_id)
            return messages if len(messages) >= count else None

        return await self._wait_for(
            probe, timeout, lambda: f"chat {chat_id} has {len(self.sent(chat_id))} bot message(s), wanted {count}"
        )

    async def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None, timeout: float = 10
    ) -> ApiCall:
        """The earliest call of ``method`` matching ``predicate`` not returned by an earlier wait_for_call."""

        def probe() -> int | None:
            return next(
                (
                    index
                    for index, call in enumerate(self.calls)
                    if index not in self._claimed_calls
                    and call.method.lower() == method.lower()
                    and (predicate is None or predicate(call))
                ),
                None,
            )

        index = await self._wait_for(probe, timeout, lambda: f"no matching {method} call")
        self._claimed_calls.add(index)
        return self.calls[index]

    async def wait_until(self, condition: Callable[[], bool], *, timeout: float = 10, what: str = "condition") -> None:
        """Wait until ``condition()`` holds, looking again after every call the bot makes."""
        await self._wait_for(lambda: True if condition() else None, timeout, lambda: f"still not true: {what}")

    async def wait_until_idle(self, timeout: float = 10) -> None:
        """Wait until every update is confirmed, no request is being served and none came for 0.3 s."""
        deadline = time.monotonic() + timeout
        while True:
            changed = self._state.changed
            busy = bool(self._state.updates) or self._api.in_flight > 0
            quiet = time.monotonic() - self._api.last_arrival
            if not busy and quiet >= _QUIET_SECONDS:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"not idle after {timeout} s\n{self.dump()}")
            await wait_set(changed, remaining if busy else min(remaining, _QUIET_SECONDS - quiet))

    def dump(self, chat_id: int | None = None) -> str:
        """A readable summary of bot messages, unconfirmed updates and the last calls."""
        lines = ["bot messages:"]
        lines += [
            f"  chat {m.chat_id} #{m.message_id} {m.method}{' (deleted)' if m.deleted else ''}: {m.plain!r:.200}"
            for m in self._state.sent
            if chat_id in (None, m.chat_id)
        ]
        lines.append(f"unconfirmed update ids: {[u['update_id'] for u in self._state.updates]}")
        lines.append("last calls:")
        lines += [f"  {c.method} -> {c.status} {c.description or ''} {_brief(c.params)}" for c in self.calls[-20:]]
        return "\n".join(lines)

    # ---- helpers ----

    def _enqueue(self, kind: str, payload: dict) -> int:
        return self.push_update({kind: payload})

    def _live(self, message: SentMessage) -> SentMessage:
        """The message as it stands now (``message`` may be an older copy); it must not be deleted."""
        live = self._state.bot_messages[(message.chat_id, message.message_id)]
        assert not live.deleted, f"message {live.message_id} was deleted"
        return live

    async def _wait_for(self, probe: Callable[[], T | None], timeout: float, what: Callable[[], str]) -> T:
        deadline = time.monotonic() + timeout
        while True:
            changed = self._state.changed
            found = probe()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{what()} after {timeout} s\n{self.dump()}")
            await wait_set(changed, remaining)


def _brief(params: dict[str, Any]) -> str:
    return " ".join(f"{name}={str(value)[:80]!r}" for name, value in params.items())
