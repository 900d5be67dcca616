"""The HTTP side of the fake (aiohttp): the Bot API methods, as strict as Telegram, and the faults it can inject."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from . import checks, updates, webhook
from .errors import ApiError, bad
from .faults import Faults
from .files import Unreadable
from .limits import FloodLimits
from .state import ApiCall, Formatted, SentMessage, State, Upload, wait_set
from .webhook import WebhookSender

__all__ = ["NOT_MODIFIED", "ApiCall", "BotApi"]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_MAX_BODY = 64 * 1024 * 1024
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SEND_METHODS = {"photo": "sendPhoto", "document": "sendDocument"}
_FILE_ERRORS = {401: "Unauthorized", 404: "Not Found"}

_Method = Callable[[dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Described:
    """A result Telegram answers with a description beside it ("Webhook is already set")."""

    result: Any
    description: str


class BotApi:
    """Serves the Bot API methods over ``state`` on 127.0.0.1, logging every call in ``state.calls``."""

    def __init__(self, state: State, *, token: str, limits: FloodLimits, webhook_timeout: float) -> None:
        self.state = state
        self.token = token
        self.base_url = ""
        self.base_file_url = ""
        self.webhook = WebhookSender(state, timeout=webhook_timeout)
        """Posts updates to the bot while it has set a webhook."""
        self._next_set_webhook = 0.0
        self.faults: Faults | None = None
        """Random faults on a fraction of calls; set it to turn them on (see faults.py)."""
        self.in_flight = 0
        """Requests being served, pending long polls left out."""
        self.last_arrival = 0.0
        """time.monotonic() when the latest request arrived."""
        self._limits = limits
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._failures: dict[str, list[ApiError]] = {}
        self._lost_answers: dict[tuple[str, int | None], int] = {}
        self._methods: dict[str, _Method] = {
            "getme": self._get_me,
            "logout": self._ok,
            "close": self._ok,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_my_description,
            "setmyshortdescription": self._set_my_short_description,
            "getchat": self._get_chat,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "getfile": self._get_file,
            "getuserprofilephotos": self._get_user_profile_photos,
        }

    # ---- lifecycle ----

    async def start(self) -> None:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/bot"
        self.base_file_url = self.base_url.removesuffix("/bot") + "/file/bot"
        await self.webhook.start()

    async def stop(self) -> None:
        self._closing = True
        self.state.notify()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- injected failures ----

    def fail_next(self, method: str, errors: Iterable[ApiError]) -> None:
        """The next calls of ``method`` get these errors, one each, instead of being carried out."""
        self._failures.setdefault(method.lower(), []).extend(errors)

    def lose_answer_next(self, method: str, chat_id: int | None, count: int) -> None:
        key = (method.lower(), chat_id)
        self._lost_answers[key] = self._lost_answers.get(key, 0) + count

    # ---- HTTP ----

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        arrived = self.last_arrival = time.monotonic()
        counted = method.lower() != "getupdates"  # a pending long poll is not work in progress
        if counted:
            self.in_flight += 1
        params: dict[str, Any] = {}
        try:
            params = await checks.read_params(request)
            fault = self.faults.pick(method) if self.faults is not None else None
            if fault in ("drop", "timeout"):
                stall = self.faults.stall_seconds if fault == "timeout" and self.faults else 0.0
                return await self._drop(request, method, params, arrived, stall=stall)
            if fault is not None:
                raise (
                    ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
                    if fault == "429"
                    else ApiError(500, "Internal Server Error")
                )
            result = await self._dispatch(request.match_info["token"], method, params)
            status, body = 200, {"ok": True, "result": result}
            if isinstance(result, Described):
                body = {"ok": True, "result": result.result, "description": result.description}
        except ApiError as error:
            status, body = error.status, error.body
        except Exception as error:  # a bug in the fake: make it visible in calls and to the bot
            status, body = 500, {"ok": False, "error_code": 500, "description": f"sandbox bug: {error!r}"}
        finally:
            if counted:
                self.in_flight -= 1
        self.state.calls.append(ApiCall(method, params, status, body, arrived))
        self.state.notify()
        lost = next(
            (
                key
                for key in ((method.lower(), params.get("chat_id")), (method.lower(), None))
                if self._lost_answers.get(key)
            ),
            None,
        )
        if status == 200 and lost is not None:
            self._lost_answers[lost] -= 1
            if request.transport is not None:
                request.transport.abort()
        return web.json_response(body, status=status)

    async def _drop(
        self, request: web.Request, method: str, params: dict[str, Any], arrived: float, *, stall: float
    ) -> web.Response:
        """Leave the call undone and unanswered: hold it ``stall`` seconds (the client times out), then cut it."""
        await asyncio.sleep(stall)
        self.state.calls.append(ApiCall(method, params, 0, {"ok": False, "description": "connection dropped"}, arrived))
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=502)

    async def _dispatch(self, token: str, method: str, params: dict[str, Any]) -> Any:
        if token != self.token:
            raise ApiError(401, "Unauthorized")
        handler = self._methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        if self._failures.get(method.lower()):
            raise self._failures[method.lower()].pop(0)
        return await handler(params)

    # ---- methods: bot and updates ----

    async def _ok(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _set_webhook(self, params: dict[str, Any]) -> Described:
        return self._change_webhook(str(params.get("url") or ""), params)

    async def _delete_webhook(self, params: dict[str, Any]) -> Described:
        return self._change_webhook("", params)

    def _change_webhook(self, url: str, params: dict[str, Any]) -> Described:
        """setWebhook and deleteWebhook, in the order Telegram takes their steps (see webhook.py)."""
        now = time.monotonic()
        if url:
            if now < self._next_set_webhook:
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
            self._next_set_webhook = now + 1
        allowed = self._allowed_updates(params)
        current = self.webhook.webhook
        drop = bool(params.get("drop_pending_updates"))
        asked = (url, str(params.get("secret_token") or ""), webhook.max_connections(params)) if url else None
        now_set = (current.url, current.secret_token, current.max_connections) if current else None
        if not drop and asked == now_set:
            self._allow(allowed if url else None)
            return Described(True, "Webhook is already set" if url else "Webhook is already deleted")
        self.webhook.replace(None)  # the old webhook goes first, even if the new one is then refused
        if drop:
            self.state.confirm(self.state.last_update_id + 1)
        if not url:
            return Described(True, "Webhook was deleted" if current else "Webhook is already deleted")
        new = webhook.checked(params)
        self._allow(allowed)
        self.webhook.replace(new)
        return Described(True, "Webhook was set")

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict:
        return self.webhook_info()

    def webhook_info(self) -> dict:
        """getWebhookInfo's answer."""
        pending = sum(1 for u in self.state.updates if self.state.is_allowed(u))
        return webhook.info(self.webhook.webhook, pending, self.state.allowed_updates)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        state = self.state
        if self.webhook.webhook is not None:
            raise ApiError(409, webhook.WEBHOOK_ACTIVE)
        self._allow(self._allowed_updates(params))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        offset = int(params.get("offset") or 0)
        if offset > 0:
            state.confirm(offset)
        elif offset < 0 and -offset < len(state.updates):
            state.confirm(state.updates[offset]["update_id"])
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.0)
        while True:
            changed = state.changed
            state.updates = [u for u in state.updates if state.is_allowed(u)]
            remaining = deadline - time.monotonic()
            if self.webhook.webhook is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            if state.updates or self._closing or remaining <= 0:
                return state.updates[:limit]
            await wait_set(changed, remaining)

    @staticmethod
    def _allowed_updates(params: dict[str, Any]) -> list[str] | None:
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad("can't parse allowed_updates JSON object")
        return allowed

    def _allow(self, allowed: list[str] | None) -> None:
        """Serve only these kinds of update from now on (None: as before; empty: the default kinds)."""
        if allowed is not None:
            self.state.allowed_updates = set(allowed)

    # ---- methods: sending and editing ----

    async def _send_message(self, params: dict[str, Any]) -> dict:
        chat = self._send_target(params)
        content = checks.formatted(params, "text", "entities")
        checks.check_text(content)
        markup = checks.reply_markup(params, inline_only=False, private=chat["type"] == "private")
        reply_to = self._reply_to(chat["id"], params)
        self._spend(chat["id"])
        return self.state.message_json(self.state.store(chat, "sendMessage", content, markup, reply_to))

    async def _send_photo(self, params: dict[str, Any]) -> dict:
        return self._send_media(params, "photo")

    async def _send_document(self, params: dict[str, Any]) -> dict:
        return self._send_media(params, "document")

    def _send_media(self, params: dict[str, Any], kind: str) -> dict:
        chat = self._send_target(params)
        media, data = self._media(kind, params.get(kind))
        caption = checks.formatted(params, "caption", "caption_entities")
        checks.check_caption(caption)
        markup = checks.reply_markup(params, inline_only=False, private=chat["type"] == "private")
        reply_to = self._reply_to(chat["id"], params)
        self._spend(chat["id"])
        sent = self.state.store(chat, _SEND_METHODS[kind], caption, markup, reply_to, media=media, file_bytes=data)
        return self.state.message_json(sent)

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._send_target(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    async def _edit_message_text(self, params: dict[str, Any]) -> dict:
        sent = self._editable(params)
        if sent.method != "sendMessage":
            raise bad("there is no text in the message to edit")
        content = checks.formatted(params, "text", "entities")
        checks.check_text(content)
        return self._edit(sent, content, checks.reply_markup(params, inline_only=True, private=sent.chat_id > 0))

    async def _edit_message_caption(self, params: dict[str, Any]) -> dict:
        sent = self._editable(params)
        if sent.method == "sendMessage":
            raise bad("there is no caption in the message to edit")
        content = checks.formatted(params, "caption", "caption_entities")
        checks.check_caption(content)
        return self._edit(sent, content, checks.reply_markup(params, inline_only=True, private=sent.chat_id > 0))

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict:
        sent = self._editable(params)
        content = Formatted(sent.text, sent.plain, sent.entities, sent.parse_mode)
        return self._edit(sent, content, checks.reply_markup(params, inline_only=True, private=sent.chat_id > 0))

    def _edit(self, sent: SentMessage, content: Formatted, markup: dict | None) -> dict:
        if (content.plain, content.entities, markup) == (sent.plain, sent.entities, sent.inline_markup):
            raise bad(NOT_MODIFIED)
        self._spend(sent.chat_id)
        self.state.replace(sent, content, markup)
        return self.state.message_json(sent)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = self._deletion_chat(params)
        refusal = self.state.delete(
            chat_id, checks.required_int(params, "message_id", "message identifier is not specified")
        )
        if refusal is not None:
            raise bad(refusal)
        return True

    async def _delete_messages(self, params: dict[str, Any]) -> bool:
        """1-100 ids; those the bot may not delete (unknown, too old) are skipped, and the answer is still true."""
        chat_id = self._deletion_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad("message identifiers are not specified")
        if len(ids) > 100:
            raise bad("too many message identifiers specified")
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise bad("can't parse message identifiers JSON object")
        for message_id in ids:
            self.state.delete(chat_id, message_id)
        return True

    def _deletion_chat(self, params: dict[str, Any]) -> int:
        """The chat to delete in: one the bot knows, and not a private chat whose user blocked the bot."""
        chat_id = self._chat_id(params)
        if chat_id > 0 and chat_id in self.state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.state.chats:
            raise bad("chat not found")
        return chat_id

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self.state.open_queries:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            raise bad("MESSAGE_TOO_LONG")
        self.state.open_queries.discard(query_id)
        return True

    # ---- methods: commands, descriptions, chats ----

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        key = self._commands_key(params)
        commands = params.get("commands")
        if commands is None:
            raise bad('parameter "commands" is required')
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        self.state.commands[key] = [checks.checked_command(command) for command in commands]
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict]:
        return self.state.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.state.commands.pop(self._commands_key(params), None)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        """(scope, language_code) of a commands call; a chat scope needs a chat the bot knows."""
        scope = params.get("scope") or {"type": "default"}
        key = checks.scope_key(scope)
        if "chat_id" in scope and self._chat_id(scope) not in self.state.chats:
            raise bad("chat not found")
        return key, checks.language_code(params)

    async def _set_my_description(self, params: dict[str, Any]) -> bool:
        return checks.set_description(self.state.descriptions, params, "description", 512)

    async def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        return checks.set_description(self.state.short_descriptions, params, "short_description", 120)

    async def _set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        """A private chat's menu button, or (without chat_id) the default of every private chat."""
        chat_id = self._menu_chat(params)
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
            raise bad("can't parse menu button JSON object")
        if button["type"] == "web_app":
            if not isinstance(button.get("text"), str) or not button["text"].strip():
                raise bad("can't parse menu button JSON object")
            button = {
                "type": "web_app",
                "text": button["text"],
                "web_app": {"url": checks.web_app_url(button.get("web_app"))},
            }
        else:
            button = {"type": button["type"]}
        if button["type"] == "default":
            self.state.menu_buttons.pop(chat_id, None)
        else:
            self.state.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, params: dict[str, Any]) -> dict:
        chat_id = self._menu_chat(params)
        found = self.state.menu_buttons.get(chat_id) or self.state.menu_buttons.get(None)
        return found or {"type": "commands"}

    def _menu_chat(self, params: dict[str, Any]) -> int | None:
        """The chat of a menu-button call: none, or the private chat of a user who wrote to the bot."""
        if params.get("chat_id") in (None, ""):
            return None
        chat_id = self._chat_id(params)
        chat = self.state.chats.get(chat_id)
        if chat is None or chat["type"] != "private":
            raise bad("chat not found")
        return chat_id

    async def _get_chat(self, params: dict[str, Any]) -> dict:
        chat_id = self._chat_id(params)
        state = self.state
        chat = state.chats.get(chat_id) or state.seen_chats.get(chat_id)
        if chat is None and chat_id in state.users:
            chat = updates.private_chat(state.users[chat_id])
        if chat is None:
            raise bad("chat not found")
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), True
        )
        photo = state.profiles.chat_photo(chat_id)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
            **({"photo": photo} if photo else {}),
        }

    # ---- methods: files ----

    async def _get_file(self, params: dict[str, Any]) -> dict:
        file_id = params.get("file_id")
        if not file_id or not isinstance(file_id, str):
            raise bad("file_id not specified")
        return self.state.files.get_file(file_id)

    async def _get_user_profile_photos(self, params: dict[str, Any]) -> dict:
        user_id = checks.required_int(params, "user_id", "user_id not specified")
        known = (*self.state.users, *(i for i in self.state.chats if i > 0), self.state.bot_user["id"])
        if user_id not in known:
            raise bad("user not found")
        offset = max(int(params.get("offset") or 0), 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        return self.state.profiles.user_photos(user_id, offset, limit)

    async def _download(self, request: web.Request) -> web.Response:
        """GET /file/bot<token>/<file_path>: the bytes of a file getFile gave out."""
        arrived = self.last_arrival = time.monotonic()
        file_path = request.match_info["file_path"]
        authorized = request.match_info["token"] == self.token
        data = self.state.files.download(file_path) if authorized else None
        status = 200 if data is not None else 404 if authorized else 401
        body = {"ok": True} if data is not None else ApiError(status, _FILE_ERRORS[status]).body
        self.state.calls.append(ApiCall("download", {"file_path": file_path}, status, body, arrived))
        self.state.notify()
        if data is None:
            return web.json_response(body, status=status)
        return web.Response(body=data, content_type="application/octet-stream")

    # ---- checks that need the state ----

    def _chat_id(self, params: dict[str, Any]) -> int:
        return checks.chat_id(params, self.state.chats)

    def _send_target(self, params: dict[str, Any]) -> dict:
        chat_id = self._chat_id(params)
        if chat_id > 0 and chat_id in self.state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.state.chats:
            return self.state.chats[chat_id]
        if chat_id > 0:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        raise bad("chat not found")

    def _spend(self, chat_id: int) -> None:
        now = time.monotonic()
        wait = self._limits.retry_after(chat_id, now)
        if wait is not None:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        self._limits.record(chat_id, now)

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        if params.get("inline_message_id"):
            raise bad("message to edit not found")
        key = (self._chat_id(params), checks.required_int(params, "message_id", "message identifier is not specified"))
        if key in self.state.user_messages:
            raise bad("message can't be edited")
        sent = self.state.live_bot_message(*key)
        if sent is None:
            raise bad("message to edit not found")
        return sent

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id"):
            reply = {"message_id": params["reply_to_message_id"]}
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad("can't parse reply parameters JSON object")
        found = self.state.find_message(reply.get("chat_id", chat_id), reply["message_id"])
        if found is None:
            if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
                return None
            raise bad("message to be replied not found")
        return {k: v for k, v in found.items() if k != "reply_to_message"}

    def _media(self, kind: str, value: Any) -> tuple[dict, bytes | None]:
        if value is None or value == "":
            raise bad(f"there is no {kind} in the request")
        files = self.state.files
        if isinstance(value, Upload):
            if not value.data:
                raise bad("file must be non-empty")
            if kind == "document":
                return {"document": files.document(value.data, value.filename, value.content_type)}, value.data
            return {"photo": self._uploaded_photo(value.data)}, value.data
        if isinstance(value, str) and value in files.known:
            return {kind: files.reused(value, kind.capitalize())}, None
        if not (isinstance(value, str) and value.lower().startswith(("http://", "https://"))):
            raise bad("wrong file identifier/HTTP URL specified")
        if kind == "photo":
            return {"photo": files.placeholder_photo(None)}, None
        return {"document": files.document(None, value.rsplit("/", 1)[-1], None)}, None

    def _uploaded_photo(self, data: bytes) -> list[dict]:
        if not checks.is_image(data):
            raise bad("IMAGE_PROCESS_FAILED")
        try:
            return self.state.files.photo(data)
        except Unreadable:  # an image's first bytes and nothing behind them: what older tests upload
            return self.state.files.placeholder_photo(len(data))
