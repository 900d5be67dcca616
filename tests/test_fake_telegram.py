"""Tests of the Telegram fake itself: over real HTTP, form-encoded like PTB, and with a real telegram.Bot."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.sandbox import FakeTelegram
from tests.helpers import call, poll_ptb_cannot_read

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as running:
        yield running


@pytest.fixture
async def http(fake: FakeTelegram) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{fake.base_url}{fake.token}/") as client:
        yield client


def keyboard(*buttons: tuple[str, str]) -> dict:
    return {"inline_keyboard": [[{"text": text, "callback_data": data} for text, data in buttons]]}


def greeted(fake: FakeTelegram, user_id: int = 101) -> dict:
    """A user who has written to the bot."""
    user = fake.user(user_id, username=f"user{user_id}")
    fake.send_text(user, "/start")
    return user


# ---- protocol ----


async def test_get_me_describes_the_bot(fake, http):
    body = await call(http, "getMe")
    assert body["result"]["id"] == 7000001 and body["result"]["is_bot"]
    assert body["result"]["username"] == "kuzet_test_bot"


async def test_wrong_token_is_unauthorized_and_unknown_method_not_found(fake):
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{fake.base_url}1:wrong/getMe")
        unknown = await client.post(f"{fake.base_url}{fake.token}/sendTelepathy")
    assert (wrong.status_code, wrong.json()) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_json_bodies_are_accepted_and_params_decoded(fake, http):
    greeted(fake)
    response = await http.post("sendMessage", json={"chat_id": 101, "text": "hi", "reply_markup": keyboard(("A", "a"))})
    assert response.json()["ok"]
    form = await call(http, "sendMessage", chat_id=101, text="123", reply_markup=keyboard(("B", "b")))
    assert form["ok"]
    params = fake.calls[-1].params
    assert params == {"chat_id": 101, "text": "123", "reply_markup": keyboard(("B", "b"))}


# ---- getUpdates ----


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake, http):
    user = fake.user(101)
    poll = asyncio.create_task(call(http, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    message = fake.send_text(user, "hello")
    body = await poll
    assert time.monotonic() - started < 1
    assert [u["message"] for u in body["result"]] == [message]


async def test_long_poll_times_out_with_no_updates(fake, http):
    started = time.monotonic()
    assert (await call(http, "getUpdates", timeout=1))["result"] == []
    assert time.monotonic() - started >= 0.9


async def test_unconfirmed_updates_are_redelivered(fake, http):
    user = fake.user(101)
    fake.send_text(user, "a")
    fake.send_text(user, "b")

    async def update_ids(**params: Any) -> list[int]:
        return [update["update_id"] for update in (await call(http, "getUpdates", **params))["result"]]

    first, second = await update_ids()
    assert await update_ids() == [first, second]
    assert await update_ids(limit=1) == [first]
    assert await update_ids(offset=first + 1) == [second]
    assert fake.confirmed_update_id == first
    assert await update_ids() == [second]


async def test_deleting_the_webhook_can_drop_pending_updates(fake, http):
    fake.send_text(fake.user(101), "lost")
    await call(http, "deleteWebhook", drop_pending_updates=True)
    assert (await call(http, "getUpdates"))["result"] == []


async def test_allowed_updates_filters_update_types(fake, http):
    fake.send_text(fake.user(101), "a message")
    body = await call(http, "getUpdates", allowed_updates=["callback_query"])
    assert body["result"] == []


async def test_wait_until_idle_needs_every_update_confirmed(fake, http):
    fake.send_text(fake.user(101), "x")
    [update] = (await call(http, "getUpdates"))["result"]
    with pytest.raises(AssertionError, match="not idle"):
        await fake.wait_until_idle(timeout=0.5)
    await call(http, "getUpdates", offset=update["update_id"] + 1)
    await fake.wait_until_idle(timeout=2)


async def test_waiting_for_messages_that_never_come_dumps_the_calls(fake, http):
    await call(http, "sendMessage", chat_id=555, text="hi")
    with pytest.raises(AssertionError, match="bot can't initiate conversation"):
        await fake.wait_for_messages(555, timeout=0.2)


# ---- updates as Telegram sends them ----


async def test_user_messages_get_telegram_entities_in_utf16_units(fake):
    user = fake.user(101, first_name="Ann", username="ann_k")
    message = fake.send_text(user, "😀 /report@kuzet_test_bot t.me/channel @some_user #fake mail a@b.kz")
    assert message["chat"] == {"id": 101, "type": "private", "first_name": "Ann", "username": "ann_k"}
    assert message["entities"] == [
        {"type": "bot_command", "offset": 3, "length": 22},
        {"type": "url", "offset": 26, "length": 12},
        {"type": "mention", "offset": 39, "length": 10},
        {"type": "hashtag", "offset": 50, "length": 5},
        {"type": "email", "offset": 61, "length": 6},
    ]
    ids = [fake.send_text(user, "next")["message_id"] for _ in range(2)]
    assert ids == [message["message_id"] + 1, message["message_id"] + 2]


async def test_forwarded_messages_carry_a_bot_api_7_origin(fake):
    user = fake.user(101)
    channel = fake.channel(-1001234567890, "News", username="news")
    forwarded = fake.forward(user, fake.origin_channel(channel, 42, "Editor"), caption="Look", photo=True)
    assert forwarded["forward_origin"]["chat"] == channel
    assert forwarded["forward_origin"]["message_id"] == 42
    assert forwarded["caption"] == "Look" and len(forwarded["photo"]) == 2
    hidden = fake.forward(user, fake.origin_hidden_user("Anon"), text="copy-paste")
    assert hidden["forward_origin"]["sender_user_name"] == "Anon" and hidden["text"] == "copy-paste"


async def test_user_edits_arrive_as_edited_messages(fake, http):
    user = fake.user(101)
    original = fake.send_text(user, "typo")
    edited = fake.edit(user, original, "fixed #tag")
    result = (await call(http, "getUpdates"))["result"]
    assert result[-1]["edited_message"] == edited
    assert edited["message_id"] == original["message_id"] and "edit_date" in edited
    assert edited["entities"] == [{"type": "hashtag", "offset": 6, "length": 4}]


async def test_an_update_ptb_cannot_parse_is_a_test_bug(fake):
    poll = poll_ptb_cannot_read()
    with pytest.raises(AssertionError, match="persistent_id"):
        fake.send_message(fake.user(101), poll=poll)
    poll["options"][0]["persistent_id"] = "0"
    assert fake.send_message(fake.user(101), poll=poll)["poll"]["options"][0]["persistent_id"] == "0"


async def test_an_unparseable_update_is_served_raw_when_asked_for(fake, http):
    unreadable = {"message": {"message_id": 1, "date": 1, "chat": {"id": 101, "type": "private"}, "poll": {"id": "1"}}}
    update_id = fake.push_update(unreadable, unparseable=True)
    assert (await call(http, "getUpdates"))["result"] == [{"update_id": update_id, **unreadable}]
    with pytest.raises(AssertionError, match="PTB parses"):
        fake.push_update(
            {"message": {"message_id": 2, "date": 1, "chat": {"id": 101, "type": "private"}}}, unparseable=True
        )


# ---- 1. commands ----


async def test_language_code_must_be_a_two_letter_iso_639_1_code(fake, http):
    commands = [{"command": "report", "description": "Report a fake account"}]
    for code in ("zh_Hant", "zh-hant", "eng", "EN", "xx"):
        body = await call(http, "setMyCommands", commands=commands, language_code=code)
        assert body["description"] == "Bad Request: invalid language code specified", code
    for method in ("getMyCommands", "deleteMyCommands"):
        assert (await call(http, method, language_code="zh_Hant"))["error_code"] == 400
    assert (await call(http, "setMyCommands", commands=commands, language_code="zh"))["ok"]
    scope = {"type": "all_private_chats"}
    assert (await call(http, "setMyCommands", commands=commands[:0], scope=scope))["ok"]
    assert fake.my_commands(language_code="zh") == commands
    assert fake.my_commands(scope) == [] and fake.my_commands() is None
    assert (await call(http, "getMyCommands", language_code="zh"))["result"] == commands
    assert (await call(http, "getMyCommands", language_code="kk"))["result"] == []


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("Report", "x", "BOT_COMMAND_INVALID"),
        ("re-port", "x", "BOT_COMMAND_INVALID"),
        ("a" * 33, "x", "command length must not exceed 32"),
        ("", "x", "command must be non-empty"),
        ("report", " ", "command description must be non-empty"),
        ("report", "x" * 257, "command description length must not exceed 256"),
    ],
)
async def test_invalid_commands_are_refused(fake, http, command, description, error):
    body = await call(http, "setMyCommands", commands=[{"command": command, "description": description}])
    assert body["description"] == f"Bad Request: {error}"


async def test_chat_scoped_commands_need_a_known_chat(fake, http):
    commands = [{"command": "start", "description": "Go"}]
    scope = {"type": "chat", "chat_id": 101}
    assert (await call(http, "setMyCommands", commands=commands, scope=scope))["description"] == (
        "Bad Request: chat not found"
    )
    greeted(fake)
    assert (await call(http, "setMyCommands", commands=commands, scope=scope))["ok"]
    assert fake.my_commands(scope) == commands
    assert (await call(http, "deleteMyCommands", scope=scope))["ok"]
    assert fake.my_commands(scope) is None


async def test_commands_are_trimmed_and_limited_to_100(fake, http):
    assert (await call(http, "setMyCommands", commands=[{"command": " /start ", "description": " Go "}]))["ok"]
    assert fake.my_commands() == [{"command": "start", "description": "Go"}]
    many = [{"command": f"c{i}", "description": "x"} for i in range(101)]
    assert (await call(http, "setMyCommands", commands=many))["description"] == "Bad Request: BOT_COMMANDS_TOO_MUCH"


# ---- 2. parse_mode and HTML ----


async def test_only_html_parse_mode_is_accepted(fake, http):
    greeted(fake)
    for mode in ("MarkdownV2", "Markdown", "htm"):
        body = await call(http, "sendMessage", chat_id=101, text="*x*", parse_mode=mode)
        assert body["description"] == "Bad Request: unsupported parse_mode"
    assert (await call(http, "sendMessage", chat_id=101, text="<b>x</b>", parse_mode="HTML"))["ok"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<x>hi</x>", 'Unsupported start tag "x" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("done</b>", "Unexpected end tag at byte offset 4"),
        ("é <b", "Unclosed start tag at byte offset 3"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Unsupported HTML entity or unescaped "&" at byte offset 4'),
        ("&nbsp;", 'Unsupported HTML entity or unescaped "&" at byte offset 0'),
        ("<a>link</a>", 'Tag "a" must have a non-empty "href" attribute at byte offset 0'),
    ],
)
async def test_unparseable_html_is_refused(fake, http, text, reason):
    greeted(fake)
    body = await call(http, "sendMessage", chat_id=101, text=text, parse_mode="HTML")
    assert body["error_code"] == 400
    assert body["description"].startswith(f"Bad Request: can't parse entities: {reason}")
    assert fake.sent(101) == []


async def test_html_becomes_plain_text_with_entities(fake, http):
    greeted(fake)
    html = (
        '😀 <b>Fake</b> &lt;bot&gt; <a href="https://t.me/x?a=1&amp;b=2">link</a> <i>/report</i> '
        '<pre><code class="language-python">x = 1</code></pre> <blockquote expandable>q</blockquote>'
    )
    body = await call(http, "sendMessage", chat_id=101, text=html, parse_mode="HTML")
    message = body["result"]
    assert message["text"] == "😀 Fake <bot> link /report x = 1 q"
    assert message["from"]["username"] == "kuzet_test_bot" and message["chat"]["id"] == 101
    assert message["entities"] == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 14, "length": 4, "url": "https://t.me/x?a=1&b=2"},
        {"type": "italic", "offset": 19, "length": 7},
        {"type": "bot_command", "offset": 19, "length": 7},
        {"type": "pre", "offset": 27, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 33, "length": 1},
    ]
    [sent] = fake.sent(101)
    assert (sent.text, sent.plain, sent.parse_mode) == (html, message["text"], "HTML")


# ---- 3. text limits ----


async def test_text_limits_count_characters_after_entity_parsing(fake, http):
    greeted(fake)

    async def send(text: str) -> dict:
        return await call(http, "sendMessage", chat_id=101, text=text, parse_mode="HTML")

    assert (await send("<b>" + "я" * 4096 + "</b>"))["ok"]
    assert (await send("x" * 4097))["description"] == "Bad Request: message is too long"
    assert (await send("<b> </b>"))["description"] == "Bad Request: message text is empty"
    assert (await call(http, "sendMessage", chat_id=101))["description"] == "Bad Request: message text is empty"
    caption = await call(
        http, "sendPhoto", files={"photo": ("p.png", PNG, "image/png")}, chat_id=101, caption="c" * 1025
    )
    assert caption["description"] == "Bad Request: message caption is too long"


# ---- 4. who the bot may write to ----


async def test_bot_cannot_message_a_user_who_never_wrote(fake, http):
    body = await call(http, "sendMessage", chat_id=202, text="hi")
    assert body == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user",
    }
    fake.send_text(fake.user(202), "hello")
    assert (await call(http, "sendMessage", chat_id=202, text="hi"))["ok"]


async def test_blocked_user_refuses_messages(fake, http):
    greeted(fake)
    fake.block(101)
    body = await call(http, "sendMessage", chat_id=101, text="hi")
    assert (body["error_code"], body["description"]) == (403, "Forbidden: bot was blocked by the user")
    update = (await call(http, "getUpdates"))["result"][-1]
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"


async def test_unknown_group_is_not_found(fake, http):
    body = await call(http, "sendMessage", chat_id=-100500, text="hi")
    assert (body["error_code"], body["description"]) == (400, "Bad Request: chat not found")
    fake.add_group(-100500, "Volunteers")
    assert (await call(http, "sendMessage", chat_id=-100500, text="hi"))["ok"]
    assert (await call(http, "getChat", chat_id=-100500))["result"]["title"] == "Volunteers"


# ---- 5. edits ----


async def test_edit_with_identical_content_is_refused(fake, http):
    greeted(fake)
    markup = keyboard(("Yes", "y"), ("No", "n"))
    sent = (await call(http, "sendMessage", chat_id=101, text="<b>Sure?</b>", parse_mode="HTML", reply_markup=markup))[
        "result"
    ]
    edit = dict(chat_id=101, message_id=sent["message_id"])
    same = await call(
        http, "editMessageText", text="<strong>Sure?</strong>", parse_mode="HTML", reply_markup=markup, **edit
    )
    assert same["description"] == NOT_MODIFIED
    assert (await call(http, "editMessageReplyMarkup", reply_markup=markup, **edit))["description"] == NOT_MODIFIED
    dropped = await call(http, "editMessageText", text="<b>Sure?</b>", parse_mode="HTML", **edit)
    assert "reply_markup" not in dropped["result"] and "edit_date" in dropped["result"]
    [message] = fake.sent(101)
    assert message.reply_markup is None and message.edits[0].reply_markup == markup
    missing = await call(http, "editMessageText", chat_id=101, message_id=999, text="x")
    assert missing["description"] == "Bad Request: message to edit not found"


async def test_deleted_messages_leave_the_chat(fake, http):
    greeted(fake)
    sent = (await call(http, "sendMessage", chat_id=101, text="bye"))["result"]
    assert (await call(http, "deleteMessage", chat_id=101, message_id=sent["message_id"]))["ok"]
    assert fake.sent(101) == []
    again = await call(http, "deleteMessage", chat_id=101, message_id=sent["message_id"])
    assert again["description"] == "Bad Request: message to delete not found"


# ---- 6. flood limits ----


async def test_flood_limit_answers_429_with_retry_after():
    fake = FakeTelegram(global_per_second=3, group_per_minute=2, private_per_second=1)
    async with fake, httpx.AsyncClient(base_url=f"{fake.base_url}{fake.token}/") as http:
        for user_id in (1, 2, 3, 4):
            greeted(fake, user_id)
        fake.add_group(-100, "g")
        for user_id in (1, 2, 3):
            assert (await call(http, "sendMessage", chat_id=user_id, text="x"))["ok"]
        for method in ("getMe", "getUpdates", "getMyCommands"):
            assert (await call(http, method))["ok"]
        over = await call(http, "sendMessage", chat_id=4, text="x")
        assert over == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        await asyncio.sleep(1.05)
        assert (await call(http, "sendMessage", chat_id=1, text="x"))["ok"]
        assert (await call(http, "sendMessage", chat_id=1, text="x"))["error_code"] == 429
        for _ in range(2):
            assert (await call(http, "sendMessage", chat_id=-100, text="x"))["ok"]
        group = await call(http, "sendMessage", chat_id=-100, text="x")
        assert group["error_code"] == 429 and 58 <= group["parameters"]["retry_after"] <= 60


# ---- 7. inline keyboards ----


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"text": "A", "callback_data": "x" * 65}, "BUTTON_DATA_INVALID"),
        ({"text": "A", "callback_data": "ж" * 33}, "BUTTON_DATA_INVALID"),
        (
            {"text": "A", "callback_data": ""},
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        ({"text": "A"}, "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
        ({"callback_data": "a"}, "can't parse inline keyboard button: Can't find field \"text\""),
        (
            {"text": "A", "callback_data": "a", "url": "https://x.org"},
            "can't parse inline keyboard button: a button must have exactly one action, got url, callback_data",
        ),
        (
            {"text": "A", "url": "ftp://x.org"},
            "inline keyboard button URL 'ftp://x.org' is invalid: Unsupported URL protocol",
        ),
        (
            {"text": "A", "url": "example.org"},
            "inline keyboard button URL 'example.org' is invalid: Unsupported URL protocol",
        ),
    ],
)
async def test_invalid_inline_buttons_are_refused(fake, http, button, error):
    greeted(fake)
    body = await call(http, "sendMessage", chat_id=101, text="x", reply_markup={"inline_keyboard": [[button]]})
    assert body["description"] == f"Bad Request: {error}"


async def test_valid_inline_buttons_are_kept(fake, http):
    greeted(fake)
    markup = {
        "inline_keyboard": [
            [{"text": "Да", "callback_data": "ж" * 32}],
            [
                {"text": "Site", "url": "https://kuzet.example.org"},
                {"text": "Bot", "url": "tg://resolve?domain=kuzet_test_bot"},
            ],
        ]
    }
    assert (await call(http, "sendMessage", chat_id=101, text="x", reply_markup=markup))["ok"]
    [sent] = fake.sent(101)
    assert sent.buttons == [("Да", "ж" * 32), ("Site", None), ("Bot", None)]
    assert sent.button("Д") == "ж" * 32


async def test_web_app_buttons_open_only_https_and_only_in_private_chats(fake, http):
    greeted(fake)
    fake.add_group(-1001, "Moderators")
    app = {"text": "🗂 Queue", "web_app": {"url": "https://kuzet.example.org/app/"}}
    assert (await call(http, "sendMessage", chat_id=101, text="x", reply_markup={"inline_keyboard": [[app]]}))["ok"]
    in_group = await call(http, "sendMessage", chat_id=-1001, text="x", reply_markup={"inline_keyboard": [[app]]})
    assert in_group["description"] == "Bad Request: BUTTON_TYPE_INVALID"
    plain = {"text": "🗂", "web_app": {"url": "http://kuzet.example.org/app/"}}
    refused = await call(http, "sendMessage", chat_id=101, text="x", reply_markup={"inline_keyboard": [[plain]]})
    assert refused["description"] == "Bad Request: BUTTON_URL_INVALID"
    posted = await call(http, "sendMessage", chat_id=-1001, text="x")
    edit = {
        "chat_id": -1001,
        "message_id": posted["result"]["message_id"],
        "reply_markup": {"inline_keyboard": [[app]]},
    }
    assert (await call(http, "editMessageReplyMarkup", **edit))["description"] == "Bad Request: BUTTON_TYPE_INVALID"


async def test_a_menu_button_is_set_only_for_a_private_chat_with_the_bot(fake, http):
    greeted(fake)
    fake.add_group(-1001, "Moderators")
    fake.user(102)  # never wrote to the bot
    button = {"type": "web_app", "text": "🗂 Queue", "web_app": {"url": "https://kuzet.example.org/app/"}}
    assert (await call(http, "getChatMenuButton", chat_id=101))["result"] == {"type": "commands"}
    assert (await call(http, "setChatMenuButton", chat_id=101, menu_button=button))["ok"]
    assert (await call(http, "getChatMenuButton", chat_id=101))["result"] == button
    assert fake.menu_button(101) == button
    for chat_id in (-1001, 102):
        refused = await call(http, "setChatMenuButton", chat_id=chat_id, menu_button=button)
        assert refused["description"] == "Bad Request: chat not found"
    insecure = button | {"web_app": {"url": "http://kuzet.example.org/app/"}}
    assert (await call(http, "setChatMenuButton", chat_id=101, menu_button=insecure))["description"] == (
        "Bad Request: BUTTON_URL_INVALID"
    )
    assert (await call(http, "setChatMenuButton", chat_id=101, menu_button={"type": "default"}))["ok"]
    assert fake.menu_button(101) is None


# ---- 8. callback queries ----


async def test_callback_query_must_be_issued_and_answered_once(fake, http):
    user = greeted(fake)
    await call(http, "sendMessage", chat_id=101, text="Sure?", reply_markup=keyboard(("Yes", "y")))
    [message] = fake.sent(101)
    with pytest.raises(AssertionError, match="no button"):
        fake.press(user, message, "n")
    query_id = fake.press(user, message, "y")
    update = (await call(http, "getUpdates"))["result"][-1]["callback_query"]
    assert update["id"] == query_id and update["data"] == "y"
    assert update["message"]["reply_markup"] == keyboard(("Yes", "y"))
    too_long = await call(http, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
    assert too_long["description"] == "Bad Request: MESSAGE_TOO_LONG"
    assert (await call(http, "answerCallbackQuery", callback_query_id=query_id, text="Thanks"))["ok"]
    expired = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert (await call(http, "answerCallbackQuery", callback_query_id=query_id))["description"] == expired
    assert (await call(http, "answerCallbackQuery", callback_query_id="123"))["description"] == expired
    forged = fake.press(user, message, "admin:delete_all", forge=True)
    assert (await call(http, "answerCallbackQuery", callback_query_id=forged))["ok"]


# ---- 9. fault injection and waiting ----


async def test_fail_next_answers_with_the_injected_error(fake, http):
    greeted(fake)
    fake.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 3", retry_after=3, count=2)
    for _ in range(2):
        body = await call(http, "sendMessage", chat_id=101, text="x")
        assert (body["error_code"], body["parameters"]) == (429, {"retry_after": 3})
    assert (await call(http, "sendMessage", chat_id=101, text="x"))["ok"]
    assert [c.status for c in fake.refused()] == [429, 429]
    first = await fake.wait_for_call("sendMessage")
    second = await fake.wait_for_call("sendMessage")
    assert (first.status, second.status) == (429, 429)
    assert (await fake.wait_for_call("sendMessage", lambda c: c.status == 200)).response["ok"]


# ---- uploads ----


async def test_uploaded_photo_is_kept_and_non_images_are_refused(fake, http):
    greeted(fake)
    body = await call(
        http,
        "sendPhoto",
        files={"photo": ("p.png", PNG, "image/png")},
        chat_id=101,
        caption="<i>proof</i>",
        parse_mode="HTML",
    )
    assert body["result"]["caption"] == "proof" and body["result"]["photo"][-1]["file_size"] == len(PNG)
    [sent] = fake.sent(101)
    assert (sent.method, sent.file_bytes, sent.plain) == ("sendPhoto", PNG, "proof")
    bad = await call(http, "sendPhoto", files={"photo": ("p.png", b"not an image", "image/png")}, chat_id=101)
    assert bad["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
    document = await call(http, "sendDocument", files={"document": ("r.csv", b"a,b\n", "text/csv")}, chat_id=101)
    assert document["result"]["document"]["file_name"] == "r.csv"
    again = await call(http, "sendPhoto", chat_id=101, photo=body["result"]["photo"][-1]["file_id"])
    assert again["ok"]
    unknown = await call(http, "sendPhoto", chat_id=101, photo="no-such-file")
    assert unknown["description"] == "Bad Request: wrong file identifier/HTTP URL specified"


# ---- a real PTB bot ----


async def test_a_real_ptb_bot_works_against_the_fake(fake):
    user = greeted(fake)
    channel = fake.channel(-1001234567890, "News", username="news")
    fake.forward(user, fake.origin_channel(channel, 42), text="copy-paste propaganda")
    async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
        message = await bot.send_message(
            101,
            "<b>Hi</b> &amp; welcome",
            parse_mode="HTML",
            reply_markup=telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("Go", callback_data="go")]]),
        )
        assert message.text == "Hi & welcome" and message.entities[0].type == "bold"
        edited = await bot.edit_message_text("Bye", chat_id=101, message_id=message.message_id)
        assert edited.text == "Bye" and edited.reply_markup is None
        photo = await bot.send_photo(101, PNG, caption="proof")
        assert photo.photo[-1].file_size == len(PNG)
        commands = [telegram.BotCommand("report", "Report a fake account")]
        assert await bot.set_my_commands(commands, language_code="zh")
        with pytest.raises(BadRequest, match=r"^Invalid language code specified$"):
            await bot.set_my_commands(commands, language_code="zh_Hant")
        with pytest.raises(Forbidden, match=r"^Forbidden: bot can't initiate conversation with a user$"):
            await bot.send_message(999, "hi")
        received = await bot.get_updates(timeout=0)
        origin = received[-1].message.forward_origin
        assert isinstance(origin, telegram.MessageOriginChannel)
        assert (origin.chat.username, origin.message_id) == ("news", 42)
        await bot.get_updates(offset=received[-1].update_id + 1, timeout=0)
    assert fake.confirmed_update_id == received[-1].update_id
    assert [m.plain for m in await fake.wait_for_messages(101, 2)] == ["Bye", "proof"]
    assert fake.sent(101)[0].edits[0].plain == "Hi & welcome"


async def test_a_polling_ptb_application_reaches_idle(fake):
    async def shout(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        await message.reply_text(message.text.upper())

    user = fake.user(101)
    fake.send_text(user, "dropped: sent before the bot started")
    app = Application.builder().token(fake.token).base_url(fake.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, shout))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5, drop_pending_updates=True)
        fake.send_text(user, "ping")
        await fake.wait_until_idle()
        await app.updater.stop()
        await app.stop()
    assert [m.plain for m in fake.sent(101)] == ["PING"]
    assert fake.refused() == []


async def test_descriptions_are_limited_like_telegrams(fake, http):
    assert (await call(http, "setMyDescription", description="d" * 512, language_code="kk"))["ok"]
    assert (await call(http, "setMyShortDescription", short_description="s" * 120))["ok"]
    assert fake.descriptions == {"kk": "d" * 512} and fake.short_descriptions == {"": "s" * 120}
    too_long = await call(http, "setMyDescription", description="d" * 513)
    assert too_long["error_code"] == 400
    assert (await call(http, "setMyShortDescription", short_description="s" * 121))["error_code"] == 400
    for code in ("zh_Hant", "kaz", "KK"):
        body = await call(http, "setMyDescription", description="d", language_code=code)
        assert body["description"] == "Bad Request: invalid language code specified", code
    assert (await call(http, "setMyDescription", description="", language_code="kk"))["ok"]
    assert fake.descriptions == {}


async def test_messages_of_both_sides_can_be_deleted_for_48_hours_and_in_batches_that_skip(fake: FakeTelegram) -> None:
    citizen = fake.user(4120)
    old = fake.send_text(citizen, "an old message")
    async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
        await bot.get_updates(timeout=0)
        old_answer = await bot.send_message(citizen["id"], "an old answer")
        fake.advance_clock(48 * 3600)
        fresh = fake.send_text(citizen, "a fresh message")
        fresh_answer = await bot.send_message(citizen["id"], "a fresh answer")
        for message_id in (old["message_id"], old_answer.message_id):
            with pytest.raises(BadRequest, match=r"^Message can't be deleted$"):
                await bot.delete_message(citizen["id"], message_id)
        with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
            await bot.delete_message(citizen["id"], 999)
        assert await bot.delete_message(citizen["id"], fresh["message_id"])
        assert fake.in_chat(citizen["id"]) == [old["message_id"], old_answer.message_id, fresh_answer.message_id]
        ids = [old["message_id"], 999, fresh["message_id"], fresh_answer.message_id]
        assert await bot.delete_messages(citizen["id"], ids)  # the old, unknown and gone ones are skipped
        assert fake.in_chat(citizen["id"]) == [old["message_id"], old_answer.message_id]
        with pytest.raises(BadRequest, match=r"^Too many message identifiers specified$"):
            await bot.delete_messages(citizen["id"], list(range(1, 102)))
        with pytest.raises(BadRequest, match=r"^Message identifiers are not specified$"):
            await bot.delete_messages(citizen["id"], [])
        fake.block(citizen["id"])
        with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
            await bot.delete_messages(citizen["id"], [fresh_answer.message_id])
