"""A local fake of the Telegram Bot API (aiohttp), as strict as Telegram, for driving a PTB bot in tests and the demo."""

import asyncio
import contextlib
import copy
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import telegram
from aiohttp import web

from . import updates
from .faults import Faults
from .html import HtmlError, parse_html
from .limits import FloodLimits

T = TypeVar("T")

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_QUIET_SECONDS = 0.3
_MAX_BODY = 64 * 1024 * 1024
_ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii "
    "ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi "
    "mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw "
    "sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk "
    "ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id",
                         "cache_time", "message_thread_id", "user_id"})
_BOOL_PARAMS = frozenset({"show_alert", "drop_pending_updates", "disable_notification", "protect_content",
                          "allow_sending_without_reply", "disable_web_page_preview", "has_spoiler"})
_JSON_PARAMS = frozenset({"reply_markup", "commands", "scope", "allowed_updates", "entities", "caption_entities",
                          "reply_parameters", "link_preview_options"})
_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")
_CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                           "upload_voice", "upload_document", "choose_sticker", "find_location",
                           "record_video_note", "upload_video_note"})
_SCOPE_FIELDS = {"default": (), "all_private_chats": (), "all_group_chats": (), "all_chat_administrators": (),
                 "chat": ("chat_id",), "chat_administrators": ("chat_id",), "chat_member": ("chat_id", "user_id")}
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
_SEND_METHODS = {"photo": "sendPhoto", "document": "sendDocument"}


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            self.body["parameters"] = {"retry_after": retry_after}
        self.status = status


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


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

    def _replace(self, content: "_Formatted", markup: dict | None) -> None:
        self.edits.append(MessageVersion(self.text, self.plain, self.parse_mode, self.entities, self.reply_markup))
        self.text, self.plain, self.parse_mode, self.entities = (
            content.raw, content.plain, content.parse_mode, content.entities)
        self.reply_markup = markup
        self.edit_date = int(time.time())


@dataclass(frozen=True)
class _Formatted:
    raw: str
    plain: str
    entities: list[dict]
    parse_mode: str | None


class FakeTelegram:
    """The Bot API for one bot: drive it with updates, observe what the bot did with it."""

    def __init__(self, *, token: str = "123456:TEST-token", bot_id: int = 7000001,
                 bot_username: str = "kuzet_test_bot", global_per_second: int = 30, group_per_minute: int = 20,
                 private_per_second: int | None = None) -> None:
        self.token = token
        self.base_url = ""
        self.calls: list[ApiCall] = []
        self.confirmed_update_id = 0
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self._bot_user = updates.user(bot_id, first_name="Kuzet Test", last_name=None, username=bot_username,
                                      language_code=None, is_bot=True)
        self._limits = FloodLimits(global_per_second=global_per_second, group_per_minute=group_per_minute,
                                   private_per_second=private_per_second)
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._in_flight = 0
        self._last_arrival = 0.0
        self._updates: list[dict] = []
        self._last_update_id = 0
        self._allowed_updates: set[str] = set()
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self._blocked: set[int] = set()
        self._message_ids: dict[int, int] = {}
        self._user_messages: dict[tuple[int, int], dict] = {}
        self._sent: list[SentMessage] = []
        self._bot_messages: dict[tuple[int, int], SentMessage] = {}
        self._files: dict[str, dict] = {}
        self._open_queries: set[str] = set()
        self._counter = 0
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._faults: dict[str, list[ApiError]] = {}
        self.faults: Faults | None = None
        """Random faults on a fraction of calls; set it to turn them on (see faults.py)."""
        self._lost_answers: dict[tuple[str, int | None], int] = {}
        self._pushed: dict[int, dict] = {}
        self._claimed_calls: set[int] = set()
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getme": self._get_me, "logout": self._ok, "close": self._ok,
            "deletewebhook": self._delete_webhook, "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates, "sendmessage": self._send_message,
            "sendphoto": self._send_photo, "senddocument": self._send_document,
            "sendchataction": self._send_chat_action, "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup, "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query, "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands, "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_my_description,
            "setmyshortdescription": self._set_my_short_description, "getchat": self._get_chat,
        }

    # ---- lifecycle ----

    async def start(self) -> None:
        """Serve on a free port of 127.0.0.1; ``base_url`` is ready afterwards."""
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/bot"

    async def stop(self) -> None:
        """Answer pending long polls with no updates and shut the server down."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeTelegram":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---- building objects ----

    def user(self, user_id: int, *, first_name: str = "Test", last_name: str | None = None,
             username: str | None = None, language_code: str | None = "en") -> dict:
        """A User object (nothing is enqueued)."""
        self._users[user_id] = updates.user(user_id, first_name=first_name, last_name=last_name,
                                            username=username, language_code=language_code)
        return self._users[user_id]

    channel = staticmethod(updates.channel)
    group = staticmethod(updates.group)
    origin_user = staticmethod(updates.origin_user)
    origin_hidden_user = staticmethod(updates.origin_hidden_user)
    origin_chat = staticmethod(updates.origin_chat)
    origin_channel = staticmethod(updates.origin_channel)

    def add_private_chats(self, user_ids: Iterable[int]) -> None:
        """Private chats with users who once wrote to the bot (without sending their messages through polling)."""
        for user_id in user_ids:
            user = self._users.get(user_id) or updates.user(user_id, first_name="Test", last_name=None, username=None,
                                                             language_code="en")
            self._chats[user_id] = updates.private_chat(user)

    def add_group(self, chat_id: int, title: str) -> dict:
        """A group or supergroup the bot is a member of, so it may send there."""
        chat = updates.group(chat_id, title)
        self._chats[chat_id] = chat
        return chat

    # ---- driving ----

    def send_text(self, user: dict, text: str, *, chat: dict | None = None,
                  entities: list[dict] | None = None) -> dict:
        """The user sends ``text``; entities are detected like Telegram's unless given. Returns the Message."""
        return self.send_message(user, chat=chat, text=text, entities=entities)

    def send_message(self, user: dict, *, chat: dict | None = None, **fields: Any) -> dict:
        """The user sends a message with any Message ``fields``. Returns the Message."""
        chat = chat or updates.private_chat(user)
        message = updates.message(self._next_message_id(chat["id"]), user, chat, **fields)
        self._enqueue("message", message)
        return message

    def forward(self, user: dict, origin: dict, *, text: str | None = None, caption: str | None = None,
                photo: bool = False) -> dict:
        """The user forwards a text, or a photo with an optional caption, that came from ``origin``."""
        assert photo or text is not None, "forward() needs text, or photo=True"
        if photo:
            return self.send_message(user, forward_origin=origin, photo=self._photo_sizes(None), caption=caption)
        return self.send_message(user, forward_origin=origin, text=text)

    def reply(self, user: dict, to: "SentMessage | dict", text: str) -> dict:
        """The user answers a bot message (or a message sent through the fake) with ``text``, in its chat."""
        if isinstance(to, SentMessage):
            live = self._bot_messages[(to.chat_id, to.message_id)]
            assert not live.deleted, f"message {live.message_id} was deleted"
            original = self._bot_message_json(live)
        else:
            original = self._user_messages[(to["chat"]["id"], to["message_id"])]
        original = {k: v for k, v in original.items() if k != "reply_to_message"}
        return self.send_message(user, chat=original["chat"], text=text, reply_to_message=original)

    def edit(self, user: dict, message: dict, new_text: str) -> dict:
        """The user edits a text message they sent earlier. Returns the edited Message."""
        current = self._user_messages.get((message["chat"]["id"], message["message_id"]))
        assert current is not None and current["from"]["id"] == user["id"] and "text" in current, (
            "edit() takes a text message this user sent through the fake")
        fields = {k: v for k, v in current.items() if k not in ("message_id", "from", "chat", "date", "entities")}
        fields.update(text=new_text, edit_date=int(time.time()))
        edited = updates.message(current["message_id"], user, current["chat"], date=current["date"], **fields)
        self._enqueue("edited_message", edited)
        return edited

    def press(self, user: dict, message: SentMessage, data: str, *, forge: bool = False) -> str:
        """The user presses a button of a bot message; returns the callback query id.

        Unless ``forge``, ``data`` must be the callback_data of a button now on the message.
        """
        live = self._bot_messages[(message.chat_id, message.message_id)]
        assert not live.deleted, f"message {live.message_id} was deleted"
        assert forge or data in [d for _, d in live.buttons if d is not None], (
            f"no button with callback_data {data!r} on message {live.message_id}: {live.buttons}")
        query_id = str(10**15 + self._next_counter())
        self._open_queries.add(query_id)
        self._enqueue("callback_query", {"id": query_id, "from": user, "message": self._bot_message_json(live),
                                         "chat_instance": str(abs(hash((self._bot_user["id"], live.chat_id)))),
                                         "data": data})
        return query_id

    def push_update(self, update: dict, *, unparseable: bool = False) -> int:
        """Enqueue a raw Update (update_id is assigned when missing); returns its update_id.

        An update PTB cannot parse is usually a test bug, so it raises AssertionError here; with
        ``unparseable`` it must fail to parse, and is served as it is: Telegram sends such updates when
        its Bot API is newer than PTB's.
        """
        update = copy.deepcopy(update)
        update.setdefault("update_id", self._last_update_id + 1)
        try:
            telegram.Update.de_json(copy.deepcopy(update), None)
        except Exception as error:
            if not unparseable:
                raise AssertionError(f"PTB cannot parse this update: {error!r}\n{update}") from error
        else:
            assert not unparseable, f"PTB parses this update: {update}"
        self._last_update_id = max(self._last_update_id, update["update_id"])
        self._note(update)
        self._pushed[update["update_id"]] = copy.deepcopy(update)
        self._updates.append(update)
        self._notify()
        return update["update_id"]

    @property
    def last_update_id(self) -> int:
        return self._last_update_id

    def redeliver(self, update_id: int) -> None:
        """Offer an update again, as Telegram does when the bot stopped before confirming it.

        A running bot has confirmed past it and never sees it; a bot started afterwards does.
        """
        self._updates = sorted([*self._updates, copy.deepcopy(self._pushed[update_id])], key=lambda u: u["update_id"])
        self._notify()

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail, and the bot gets a my_chat_member update."""
        self._blocked.add(user_id)
        user = self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "Test"}
        self._enqueue("my_chat_member", {
            "chat": self._chats.get(user_id) or updates.private_chat(user), "from": user, "date": int(time.time()),
            "old_chat_member": {"user": self._bot_user, "status": "member"},
            "new_chat_member": {"user": self._bot_user, "status": "kicked", "until_date": 0},
        })

    def fail_next(self, method: str, *, status: int, description: str, retry_after: int | None = None,
                  count: int = 1) -> None:
        """The next ``count`` calls of ``method`` get this error instead of being executed."""
        errors = self._faults.setdefault(method.lower(), [])
        errors += [ApiError(status, description, retry_after) for _ in range(count)]

    def lose_answer_next(self, method: str, *, chat_id: int | None = None, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (to ``chat_id``, if given) are carried out, then the
        connection drops unanswered.

        What a bot sees when a request reached Telegram but the answer was lost: it cannot know
        whether the message went out.
        """
        key = (method.lower(), chat_id)
        self._lost_answers[key] = self._lost_answers.get(key, 0) + count

    # ---- observing ----

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Bot messages not deleted, oldest first, in one chat or in all."""
        return [m for m in self._sent if not m.deleted and chat_id in (None, m.chat_id)]

    def refused(self) -> list[ApiCall]:
        """Calls answered with ok=false."""
        return [call for call in self.calls if not call.response.get("ok")]

    def my_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict] | None:
        """Commands set for exactly this scope and language, None if never set or deleted."""
        return self._commands.get((_scope_key(scope or {"type": "default"}), language_code))

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 10) -> list[SentMessage]:
        """Wait until the chat holds at least ``count`` bot messages; returns them all."""
        def probe() -> list[SentMessage] | None:
            messages = self.sent(chat_id)
            return messages if len(messages) >= count else None

        return await self._wait_for(
            probe, timeout, lambda: f"chat {chat_id} has {len(self.sent(chat_id))} bot message(s), wanted {count}")

    async def wait_for_call(self, method: str, predicate: Callable[[ApiCall], bool] | None = None,
                            timeout: float = 10) -> ApiCall:
        """The earliest call of ``method`` matching ``predicate`` not returned by an earlier wait_for_call."""
        def probe() -> int | None:
            return next((index for index, call in enumerate(self.calls)
                         if index not in self._claimed_calls and call.method.lower() == method.lower()
                         and (predicate is None or predicate(call))), None)

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
            changed = self._changed
            busy = bool(self._updates) or self._in_flight > 0
            quiet = time.monotonic() - self._last_arrival
            if not busy and quiet >= _QUIET_SECONDS:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"not idle after {timeout} s\n{self.dump()}")
            await _wait(changed, remaining if busy else min(remaining, _QUIET_SECONDS - quiet))

    def dump(self, chat_id: int | None = None) -> str:
        """A readable summary of bot messages, unconfirmed updates and the last calls."""
        lines = ["bot messages:"]
        lines += [f"  chat {m.chat_id} #{m.message_id} {m.method}{' (deleted)' if m.deleted else ''}: {m.plain!r:.200}"
                  for m in self._sent if chat_id in (None, m.chat_id)]
        lines.append(f"unconfirmed update ids: {[u['update_id'] for u in self._updates]}")
        lines.append("last calls:")
        lines += [f"  {c.method} -> {c.status} {c.description or ''} {_brief(c.params)}" for c in self.calls[-20:]]
        return "\n".join(lines)

    # ---- HTTP ----

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        arrived = self._last_arrival = time.monotonic()
        counted = method.lower() != "getupdates"  # a pending long poll is not work in progress
        if counted:
            self._in_flight += 1
        params: dict[str, Any] = {}
        try:
            params = await _read_params(request)
            fault = self.faults.pick(method) if self.faults is not None else None
            if fault in ("drop", "timeout"):
                stall = self.faults.stall_seconds if fault == "timeout" else 0.0
                return await self._drop(request, method, params, arrived, stall=stall)
            if fault is not None:
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1) if fault == "429" else \
                    ApiError(500, "Internal Server Error")
            result = await self._dispatch(request.match_info["token"], method, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.status, error.body
        except Exception as error:  # a bug in the fake: make it visible in calls and to the bot
            status, body = 500, {"ok": False, "error_code": 500, "description": f"sandbox bug: {error!r}"}
        finally:
            if counted:
                self._in_flight -= 1
        self.calls.append(ApiCall(method, params, status, body, arrived))
        self._notify()
        lost = next((key for key in ((method.lower(), params.get("chat_id")), (method.lower(), None))
                     if self._lost_answers.get(key)), None)
        if status == 200 and lost is not None:
            self._lost_answers[lost] -= 1
            if request.transport is not None:
                request.transport.abort()
        return web.json_response(body, status=status)

    async def _drop(self, request: web.Request, method: str, params: dict[str, Any], arrived: float, *,
                    stall: float) -> web.Response:
        """Leave the call undone and unanswered: hold it ``stall`` seconds (the client times out), then cut it."""
        await asyncio.sleep(stall)
        self.calls.append(ApiCall(method, params, 0, {"ok": False, "description": "connection dropped"}, arrived))
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=502)

    async def _dispatch(self, token: str, method: str, params: dict[str, Any]) -> Any:
        if token != self.token:
            raise ApiError(401, "Unauthorized")
        handler = self._methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        if self._faults.get(method.lower()):
            raise self._faults[method.lower()].pop(0)
        return await handler(params)

    # ---- methods: bot and updates ----

    async def _ok(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict:
        return {**self._bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._confirm(self._last_update_id + 1)
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise _bad("can't parse allowed_updates JSON object")
            self._allowed_updates = set(allowed)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self._confirm(offset)
        elif offset < 0 and -offset < len(self._updates):
            self._confirm(self._updates[offset]["update_id"])
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.0)
        while True:
            changed = self._changed
            self._updates = [u for u in self._updates if self._is_allowed(_update_type(u))]
            remaining = deadline - time.monotonic()
            if self._updates or self._closing or remaining <= 0:
                return self._updates[:limit]
            await _wait(changed, remaining)

    # ---- methods: sending and editing ----

    async def _send_message(self, params: dict[str, Any]) -> dict:
        chat = self._send_target(params)
        content = _formatted(params, "text", "entities")
        _check_text(content)
        markup = _markup(params, inline_only=False)
        reply_to = self._reply_to(chat["id"], params)
        self._spend(chat["id"])
        return self._bot_message_json(self._store(chat, "sendMessage", content, markup, reply_to))

    async def _send_photo(self, params: dict[str, Any]) -> dict:
        return self._send_media(params, "photo")

    async def _send_document(self, params: dict[str, Any]) -> dict:
        return self._send_media(params, "document")

    def _send_media(self, params: dict[str, Any], kind: str) -> dict:
        chat = self._send_target(params)
        media, data = self._media(kind, params.get(kind))
        caption = _formatted(params, "caption", "caption_entities")
        _check_caption(caption)
        markup = _markup(params, inline_only=False)
        reply_to = self._reply_to(chat["id"], params)
        self._spend(chat["id"])
        sent = self._store(chat, _SEND_METHODS[kind], caption, markup, reply_to, media=media, file_bytes=data)
        return self._bot_message_json(sent)

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._send_target(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    async def _edit_message_text(self, params: dict[str, Any]) -> dict:
        sent = self._editable(params)
        if sent.method != "sendMessage":
            raise _bad("there is no text in the message to edit")
        content = _formatted(params, "text", "entities")
        _check_text(content)
        return self._edit(sent, content, _markup(params, inline_only=True))

    async def _edit_message_caption(self, params: dict[str, Any]) -> dict:
        sent = self._editable(params)
        if sent.method == "sendMessage":
            raise _bad("there is no caption in the message to edit")
        content = _formatted(params, "caption", "caption_entities")
        _check_caption(content)
        return self._edit(sent, content, _markup(params, inline_only=True))

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict:
        sent = self._editable(params)
        content = _Formatted(sent.text, sent.plain, sent.entities, sent.parse_mode)
        return self._edit(sent, content, _markup(params, inline_only=True))

    def _edit(self, sent: SentMessage, content: _Formatted, markup: dict | None) -> dict:
        if (content.plain, content.entities, markup) == (sent.plain, sent.entities, sent.inline_markup):
            raise _bad(NOT_MODIFIED)
        self._spend(sent.chat_id)
        sent._replace(content, markup)
        return self._bot_message_json(sent)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        key = (self._chat_id(params), _required_int(params, "message_id", "message identifier is not specified"))
        if self._user_messages.pop(key, None) is not None:
            return True
        sent = self._bot_messages.get(key)
        if sent is None or sent.deleted:
            raise _bad("message to delete not found")
        sent.deleted = True
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_queries:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    # ---- methods: commands, descriptions, chats ----

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        key = self._commands_key(params)
        commands = params.get("commands")
        if commands is None:
            raise _bad('parameter "commands" is required')
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        self._commands[key] = [_checked_command(command) for command in commands]
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict]:
        return self._commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        """(scope, language_code) of a commands call; a chat scope needs a chat the bot knows."""
        scope = params.get("scope") or {"type": "default"}
        key = _scope_key(scope)
        if "chat_id" in scope and self._chat_id(scope) not in self._chats:
            raise _bad("chat not found")
        return key, _language(params)

    async def _set_my_description(self, params: dict[str, Any]) -> bool:
        return _set_description(self.descriptions, params, "description", 512)

    async def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        return _set_description(self.short_descriptions, params, "short_description", 120)

    async def _get_chat(self, params: dict[str, Any]) -> dict:
        chat = self._chats.get(self._chat_id(params))
        if chat is None:
            raise _bad("chat not found")
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), True)
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    # ---- state helpers ----

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _next_counter(self) -> int:
        self._counter += 1
        return self._counter

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _enqueue(self, kind: str, payload: dict) -> int:
        return self.push_update({kind: payload})

    def _note(self, update: dict) -> None:
        """Learn chats, user messages and file ids from an update, as Telegram would know them."""
        kind = _update_type(update)
        payload = update[kind]
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if chat:
            self._chats[chat["id"]] = {**self._chats.get(chat["id"], {}), **chat}
            sender = payload.get("from") or {}
            if kind in ("message", "edited_message", "callback_query") and sender.get("id") == chat["id"]:
                self._blocked.discard(chat["id"])
        if kind in ("message", "edited_message"):
            key = (payload["chat"]["id"], payload["message_id"])
            self._user_messages[key] = payload
            self._message_ids[key[0]] = max(self._message_ids.get(key[0], 0), key[1])
        self._files.update(_files_in(payload))

    def _confirm(self, offset: int) -> None:
        confirmed = [u["update_id"] for u in self._updates if u["update_id"] < offset]
        if confirmed:
            self.confirmed_update_id = max(self.confirmed_update_id, *confirmed)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._notify()

    def _is_allowed(self, update_type: str) -> bool:
        if self._allowed_updates:
            return update_type in self._allowed_updates
        return update_type not in _OPT_IN_UPDATES

    def _chat_id(self, params: dict[str, Any]) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == value[1:].lower():
                    return chat["id"]
        raise _bad("chat not found")

    def _send_target(self, params: dict[str, Any]) -> dict:
        chat_id = self._chat_id(params)
        if chat_id > 0 and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id > 0:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        raise _bad("chat not found")

    def _spend(self, chat_id: int) -> None:
        now = time.monotonic()
        wait = self._limits.retry_after(chat_id, now)
        if wait is not None:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        self._limits.record(chat_id, now)

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        if params.get("inline_message_id"):
            raise _bad("message to edit not found")
        key = (self._chat_id(params), _required_int(params, "message_id", "message identifier is not specified"))
        if key in self._user_messages:
            raise _bad("message can't be edited")
        sent = self._bot_messages.get(key)
        if sent is None or sent.deleted:
            raise _bad("message to edit not found")
        return sent

    def _find_message(self, chat_id: int, message_id: int) -> dict | None:
        if (chat_id, message_id) in self._user_messages:
            return self._user_messages[chat_id, message_id]
        sent = self._bot_messages.get((chat_id, message_id))
        return None if sent is None or sent.deleted else self._bot_message_json(sent)

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id"):
            reply = {"message_id": params["reply_to_message_id"]}
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise _bad("can't parse reply parameters JSON object")
        found = self._find_message(reply.get("chat_id", chat_id), reply["message_id"])
        if found is None:
            if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return {k: v for k, v in found.items() if k != "reply_to_message"}

    def _media(self, kind: str, value: Any) -> tuple[dict, bytes | None]:
        if value is None or value == "":
            raise _bad(f"there is no {kind} in the request")
        data = None
        if isinstance(value, Upload):
            if not value.data:
                raise _bad("file must be non-empty")
            if kind == "photo" and not _is_image(value.data):
                raise _bad("IMAGE_PROCESS_FAILED")
            data = value.data
        elif isinstance(value, str) and value in self._files:
            known = self._files[value]
            return ({"photo": [known]} if kind == "photo" else {"document": known}), None
        elif not (isinstance(value, str) and value.lower().startswith(("http://", "https://"))):
            raise _bad("wrong file identifier/HTTP URL specified")
        if kind == "photo":
            return {"photo": self._photo_sizes(len(data) if data else None)}, data
        document = self._new_file(file_name=value.filename if data else value.rsplit("/", 1)[-1],
                                  mime_type=value.content_type if data else None,
                                  file_size=len(data) if data else None)
        return {"document": document}, data

    def _new_file(self, **fields: Any) -> dict:
        number = self._next_counter()
        file = {"file_id": f"FAKEFILE{number:08d}", "file_unique_id": f"FAKEUNIQ{number:08d}",
                **{k: v for k, v in fields.items() if v is not None}}
        self._files[file["file_id"]] = file
        return file

    def _photo_sizes(self, size: int | None) -> list[dict]:
        return [self._new_file(width=90, height=90, file_size=min(size, 2000) if size else None),
                self._new_file(width=1280, height=960, file_size=size)]

    def _store(self, chat: dict, method: str, content: _Formatted, markup: dict | None, reply_to: dict | None,
               *, media: dict | None = None, file_bytes: bytes | None = None) -> SentMessage:
        sent = SentMessage(chat["id"], self._next_message_id(chat["id"]), method, content.raw, content.plain,
                           content.parse_mode, markup, content.entities, file_bytes=file_bytes,
                           date=int(time.time()), media=media or {}, reply_to=reply_to, sent_at=time.monotonic())
        self._sent.append(sent)
        self._bot_messages[(sent.chat_id, sent.message_id)] = sent
        return sent

    def _bot_message_json(self, sent: SentMessage) -> dict:
        body, key = ("text", "entities") if sent.method == "sendMessage" else ("caption", "caption_entities")
        fields: dict[str, Any] = {**sent.media, "reply_markup": sent.inline_markup, "edit_date": sent.edit_date,
                                  "reply_to_message": sent.reply_to}
        if sent.plain:
            fields[body] = sent.plain
            fields[key] = updates.with_detected_entities(sent.plain, sent.entities)
        return updates.message(sent.message_id, self._bot_user, self._chats[sent.chat_id], date=sent.date, **fields)

    async def _wait_for(self, probe: Callable[[], T | None], timeout: float, what: Callable[[], str]) -> T:
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            found = probe()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{what()} after {timeout} s\n{self.dump()}")
            await _wait(changed, remaining)


# ---- validation and decoding ----

async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query and body parameters (urlencoded, multipart or JSON), decoded as the Bot API reads them."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _bad("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise _bad("can't parse JSON encoded request")
        raw.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            raw[name] = (Upload(value.filename, value.content_type, value.file.read())
                         if isinstance(value, web.FileField) else value)
    params = {name: _decode(name, value) for name, value in raw.items()}
    for name, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in params:
            params[name] = params.pop(value[9:])
    return params


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse {name} JSON object") from None
    if name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in _BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


def _brief(params: dict[str, Any]) -> str:
    return " ".join(f"{name}={str(value)[:80]!r}" for name, value in params.items())


def _update_type(update: dict) -> str:
    return next(key for key in update if key != "update_id")


def _files_in(value: Any) -> dict[str, dict]:
    if isinstance(value, list):
        return {k: v for item in value for k, v in _files_in(item).items()}
    if not isinstance(value, dict):
        return {}
    found = {value["file_id"]: value} if "file_id" in value and "file_unique_id" in value else {}
    for item in value.values():
        found.update(_files_in(item))
    return found


def _is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _required_int(params: dict[str, Any], name: str, missing: str) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise _bad(missing)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(f"invalid {name} specified")
    return value


def _formatted(params: dict[str, Any], name: str, entities_name: str) -> _Formatted:
    """Text or caption after applying parse_mode (HTML only) or explicit entities."""
    raw = str(params.get(name) or "")
    mode = params.get("parse_mode") or None
    if mode is not None and str(mode).lower() != "html":
        raise _bad("unsupported parse_mode")
    entities = params.get(entities_name)
    if entities is not None:
        if not isinstance(entities, list) or not all(
                isinstance(e, dict) and isinstance(e.get("type"), str) and isinstance(e.get("offset"), int)
                and isinstance(e.get("length"), int) for e in entities):
            raise _bad(f"can't parse {entities_name} JSON object")
        return _Formatted(raw, raw, entities, None)
    if mode is None:
        return _Formatted(raw, raw, [], None)
    try:
        parsed = parse_html(raw)
    except HtmlError as error:
        raise _bad(f"can't parse entities: {error}") from None
    return _Formatted(raw, parsed.text, parsed.entities, mode)


def _check_text(content: _Formatted) -> None:
    if not content.plain.strip():
        raise _bad("message text is empty")
    if len(content.plain) > 4096:
        raise _bad("message is too long")


def _check_caption(content: _Formatted) -> None:
    if len(content.plain) > 1024:
        raise _bad("message caption is too long")


def _markup(params: dict[str, Any], *, inline_only: bool) -> dict | None:
    """The reply_markup parameter, validated; an empty inline keyboard counts as none."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("object expected as reply markup")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "inline_keyboard" must be of type Array')
        buttons = [button for row in rows for button in row]
        if len(buttons) > 100:
            raise _bad("REPLY_MARKUP_TOO_LONG")
        for button in buttons:
            _check_button(button)
        return markup if buttons else None
    if inline_only:
        raise _bad("inline keyboard expected")
    if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
        raise _bad("object expected as reply markup")
    return markup


def _check_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise _bad(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise _bad(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise _bad(prefix + 'Field "text" must be of type String')
    actions = [name for name in _BUTTON_ACTIONS if button.get(name) not in (None, "", False)]
    if not actions:
        raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _bad(prefix + f"a button must have exactly one action, got {', '.join(actions)}")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or len(data.encode()) > 64):
        raise _bad("BUTTON_DATA_INVALID")
    if "url" in actions:
        _check_button_url(str(button["url"]))


def _check_button_url(url: str) -> None:
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https", "tg"):
        raise _bad(f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol")
    if not re.split(r"[/?#]", rest, maxsplit=1)[0]:
        raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _scope_key(scope: Any) -> str:
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_FIELDS:
        raise _bad("can't parse BotCommandScope JSON object")
    for name in _SCOPE_FIELDS[scope["type"]]:
        if name not in scope:
            raise _bad(f'can\'t parse BotCommandScope: Can\'t find field "{name}"')
    return json.dumps(scope, sort_keys=True)


def _language(params: dict[str, Any]) -> str:
    """language_code: empty, or a two-letter ISO 639-1 code."""
    code = params.get("language_code") or ""
    if code and code not in _ISO_639_1:
        raise _bad("invalid language code specified")
    return code


def _checked_command(command: Any) -> dict:
    """A BotCommand as Telegram stores it: trimmed, leading '/' dropped, validated."""
    prefix = "can't parse BotCommand: "
    if not isinstance(command, dict):
        raise _bad(prefix + "BotCommand must be an Object")
    for name in ("command", "description"):
        if name not in command:
            raise _bad(prefix + f'Can\'t find field "{name}"')
        if not isinstance(command[name], str):
            raise _bad(prefix + f'Field "{name}" must be of type String')
    name = command["command"].strip().removeprefix("/")
    description = command["description"].strip()
    if not name:
        raise _bad("command must be non-empty")
    if len(name) > 32:
        raise _bad("command length must not exceed 32")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise _bad("BOT_COMMAND_INVALID")
    if not description:
        raise _bad("command description must be non-empty")
    if len(description) > 256:
        raise _bad("command description length must not exceed 256")
    return {"command": name, "description": description}


def _set_description(store: dict[str, str], params: dict[str, Any], name: str, limit: int) -> bool:
    language = _language(params)
    text = str(params.get(name) or "")
    if len(text) > limit:
        raise _bad(f"{name.replace('_', ' ')} is too long")
    if text:
        store[language] = text
    else:
        store.pop(language, None)
    return True
