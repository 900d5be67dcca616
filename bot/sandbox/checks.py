"""The Bot API's strictness: decoding request parameters and checking them, with Telegram's error answers."""

import json
import re
from typing import Any

from aiohttp import web

from .errors import bad
from .html import HtmlError, parse_html
from .state import Formatted, Upload

_ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii "
    "ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi "
    "mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw "
    "sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk "
    "ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "cache_time",
        "message_thread_id",
        "user_id",
        "max_connections",
    }
)
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
    }
)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "message_ids",
        "menu_button",
    }
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_SCOPE_FIELDS = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query and body parameters (urlencoded, multipart or JSON), decoded as the Bot API reads them."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad("can't parse JSON encoded request")
        raw.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            raw[name] = (
                Upload(value.filename, value.content_type, value.file.read())
                if isinstance(value, web.FileField)
                else value
            )
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
            raise bad(f"can't parse {name} JSON object") from None
    if name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in _BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


def is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def chat_id(params: dict[str, Any], chats: dict[int, dict]) -> int:
    """The chat_id parameter (a number, or the @username of a chat known in ``chats``)."""
    value = params.get("chat_id")
    if value is None or value == "":
        raise bad("chat_id is empty")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.startswith("@"):
        for chat in chats.values():
            if chat.get("username", "").lower() == value[1:].lower():
                return chat["id"]
    raise bad("chat not found")


def required_int(params: dict[str, Any], name: str, missing: str) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise bad(missing)
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad(f"invalid {name} specified")
    return value


def formatted(params: dict[str, Any], name: str, entities_name: str) -> Formatted:
    """Text or caption after applying parse_mode (HTML only) or explicit entities."""
    raw = str(params.get(name) or "")
    mode = params.get("parse_mode") or None
    if mode is not None and str(mode).lower() != "html":
        raise bad("unsupported parse_mode")
    entities = params.get(entities_name)
    if entities is not None:
        if not isinstance(entities, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get("type"), str)
            and isinstance(e.get("offset"), int)
            and isinstance(e.get("length"), int)
            for e in entities
        ):
            raise bad(f"can't parse {entities_name} JSON object")
        return Formatted(raw, raw, entities, None)
    if mode is None:
        return Formatted(raw, raw, [], None)
    try:
        parsed = parse_html(raw)
    except HtmlError as error:
        raise bad(f"can't parse entities: {error}") from None
    return Formatted(raw, parsed.text, parsed.entities, mode)


def check_text(content: Formatted) -> None:
    if not content.plain.strip():
        raise bad("message text is empty")
    if len(content.plain) > 4096:
        raise bad("message is too long")


def check_caption(content: Formatted) -> None:
    if len(content.plain) > 1024:
        raise bad("message caption is too long")


def reply_markup(params: dict[str, Any], *, inline_only: bool, private: bool) -> dict | None:
    """The reply_markup parameter, validated for a private chat or another; an empty inline keyboard counts as
    none."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("object expected as reply markup")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad('field "inline_keyboard" must be of type Array')
        buttons = [button for row in rows for button in row]
        if len(buttons) > 100:
            raise bad("REPLY_MARKUP_TOO_LONG")
        for button in buttons:
            _check_button(button, private)
        return markup if buttons else None
    if inline_only:
        raise bad("inline keyboard expected")
    if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
        raise bad("object expected as reply markup")
    return markup


def _check_button(button: Any, private: bool) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad(prefix + 'Field "text" must be of type String')
    actions = [name for name in _BUTTON_ACTIONS if button.get(name) not in (None, "", False)]
    if not actions:
        raise bad(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad(prefix + f"a button must have exactly one action, got {', '.join(actions)}")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or len(data.encode()) > 64):
        raise bad("BUTTON_DATA_INVALID")
    if "url" in actions:
        _check_button_url(str(button["url"]))
    if "web_app" in actions:
        if not private:  # Telegram opens Mini Apps from inline buttons only in private chats
            raise bad("BUTTON_TYPE_INVALID")
        web_app_url(button["web_app"])


def web_app_url(web_app: Any) -> str:
    """A WebAppInfo's url: Telegram opens only https addresses."""
    if not isinstance(web_app, dict) or not isinstance(web_app.get("url"), str):
        raise bad('can\'t parse inline keyboard button: Field "url" must be of type String')
    url = web_app["url"]
    scheme, _, rest = url.partition("://")
    if scheme.lower() != "https" or not re.split(r"[/?#]", rest, maxsplit=1)[0]:
        raise bad("BUTTON_URL_INVALID")
    return url


def _check_button_url(url: str) -> None:
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https", "tg"):
        raise bad(f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol")
    if not re.split(r"[/?#]", rest, maxsplit=1)[0]:
        raise bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def scope_key(scope: Any) -> str:
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_FIELDS:
        raise bad("can't parse BotCommandScope JSON object")
    for name in _SCOPE_FIELDS[scope["type"]]:
        if name not in scope:
            raise bad(f"can't parse BotCommandScope: Can't find field \"{name}\"")
    return json.dumps(scope, sort_keys=True)


def language_code(params: dict[str, Any]) -> str:
    """language_code: empty, or a two-letter ISO 639-1 code."""
    code = params.get("language_code") or ""
    if code and code not in _ISO_639_1:
        raise bad("invalid language code specified")
    return code


def checked_command(command: Any) -> dict:
    """A BotCommand as Telegram stores it: trimmed, leading '/' dropped, validated."""
    prefix = "can't parse BotCommand: "
    if not isinstance(command, dict):
        raise bad(prefix + "BotCommand must be an Object")
    for name in ("command", "description"):
        if name not in command:
            raise bad(prefix + f'Can\'t find field "{name}"')
        if not isinstance(command[name], str):
            raise bad(prefix + f'Field "{name}" must be of type String')
    name = command["command"].strip().removeprefix("/")
    description = command["description"].strip()
    if not name:
        raise bad("command must be non-empty")
    if len(name) > 32:
        raise bad("command length must not exceed 32")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise bad("BOT_COMMAND_INVALID")
    if not description:
        raise bad("command description must be non-empty")
    if len(description) > 256:
        raise bad("command description length must not exceed 256")
    return {"command": name, "description": description}


def set_description(store: dict[str, str], params: dict[str, Any], name: str, limit: int) -> bool:
    language = language_code(params)
    text = str(params.get(name) or "")
    if len(text) > limit:
        raise bad(f"{name.replace('_', ' ')} is too long")
    if text:
        store[language] = text
    else:
        store.pop(language, None)
    return True
