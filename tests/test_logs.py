"""Log lines never carry the bot token, the reporter key, a Telegram id or a phone number."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

import pytest

from bot.logs import RedactingFormatter
from bot.sandbox import FakeTelegram, SentMessage, press

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
KEY = "k" * 64


def _through_filter(message: str, *args: object, exc_info: object = None) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, exc_info)
    return RedactingFormatter("%(levelname)s %(message)s", [TOKEN, KEY]).format(record)


def test_the_configured_token_and_key_are_redacted() -> None:
    line = _through_filter("POST https://api.telegram.org/bot%s/getMe with key %s", TOKEN, KEY)
    assert TOKEN not in line and KEY not in line
    assert "<redacted>" in line


def test_any_token_shaped_string_is_redacted() -> None:
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsxx"
    assert other not in _through_filter("leaked %s", other)


def test_telegram_ids_and_phone_numbers_are_redacted_also_inside_a_traceback() -> None:
    try:
        raise ValueError("chat_id=-1001234567890 from user 5550002091, call +7 701 123 45 67")
    except ValueError:
        line = _through_filter("payload %s", {"chat_id": 5550002091}, exc_info=sys.exc_info())
    assert "5550002091" not in line and "1234567890" not in line and "701 123" not in line
    assert "<id>" in line and "<phone>" in line and "ValueError" in line
    assert _through_filter("report #42 took 0.25 s") == "INFO report #42 took 0.25 s"


def test_local_phone_numbers_are_redacted_but_not_report_numbers_times_or_update_ids() -> None:
    for phone in ("8 (701) 555-12-34", "87015551234", "+7 701 555 12 34", "701 555 12 34"):
        assert _through_filter("call %s now", phone) == "INFO call <phone> now", phone
    kept = "report #12 at 12:30 on 2024-05-01, 1000 reports in 0.25 s, update 123456789"
    assert _through_filter(kept) == f"INFO {kept}"


def test_texts_and_names_in_an_update_or_request_payload_are_redacted() -> None:
    line = _through_filter(
        "%r %s",
        {"text": "Vote for 'him'", "from": {"first_name": "Dana", "username": "dana_k"}},
        "Message(caption=\"Dana's post\", chat=Chat(title='Akorda fans'))",
    )
    for personal in ("Vote", "Dana", "dana_k", "Akorda"):
        assert personal not in line, personal
    assert "'text': <redacted>" in line and "title=<redacted>" in line


async def _card(telegram: FakeTelegram, chat_id: int) -> SentMessage:
    """The first message with buttons in the chat (the moderators also hear of the unreadable update)."""
    await telegram.wait_until(lambda: any(m.buttons for m in telegram.sent(chat_id)), timeout=30, what="a card")
    return next(m for m in telegram.sent(chat_id) if m.buttons)


@pytest.mark.parametrize("payloads", ["0", "1"])
async def test_a_full_session_at_debug_level_logs_no_text_name_id_phone_key_or_token(
    telegram: FakeTelegram, tmp_path: Path, database_url: str, payloads: str
) -> None:
    """`kuzet run` at LOG_LEVEL=DEBUG, an unreadable update first. With LOG_TELEGRAM_PAYLOADS=1 python-telegram-bot
    logs every request and update in full: the texts and names are then there (unsafe), ids and secrets not."""
    citizen = telegram.user(5550002091, first_name="Danagul", username="danagul_k", language_code="ru")
    admin = telegram.user(7770001234, first_name="Admin", language_code="en")
    group = telegram.add_group(-1004455667788, "Kuzet moderators")
    channel = telegram.channel(-1009876543210, "Akorda fan club", username="akorda_fans")
    env = telegram.bot_environment(
        LOG_LEVEL="DEBUG",
        REPORTER_KEY=KEY,
        DATABASE_URL=database_url,
        DATA_DIR=str(tmp_path),
        ADMIN_IDS=str(admin["id"]),
        MODERATOR_CHAT_ID=str(group["id"]),
        CARD_REFRESH_SECONDS="0",
        LOG_TELEGRAM_PAYLOADS=payloads,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    unreadable = {
        "message_id": 99,
        "from": citizen,
        "chat": {"id": citizen["id"], "type": "private"},
        "date": 1,
        "text": "Unreadable Zhanar",
        "poll": {"id": "1"},
    }  # a poll PTB cannot parse
    telegram.push_update({"message": unreadable}, unparseable=True)
    try:
        telegram.forward(citizen, telegram.origin_channel(channel, 5), text="Президент всегда думает о народе")
        await telegram.wait_for_messages(citizen["id"], 1, timeout=60)
        telegram.send_message(
            citizen, contact={"phone_number": "+77011234567", "first_name": "Dana", "user_id": citizen["id"]}
        )
        telegram.send_text(citizen, "/subscribe")
        await telegram.wait_for_messages(citizen["id"], 3, timeout=30)
        card = await _card(telegram, group["id"])
        await press(telegram, admin, card, card.button("✅"))
        telegram.send_text(citizen, "/forgetme")
        prompt = (await telegram.wait_for_messages(citizen["id"], 4, timeout=30))[-1]
        await press(telegram, citizen, prompt, prompt.button("🗑"))
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert "DEBUG asyncio" in log and "skipped: cannot be parsed" in log  # at DEBUG, with the unreadable update
    personal = ["Президент", "Danagul", "danagul_k", "Unreadable", "Zhanar", "Akorda"]
    if payloads == "1":
        assert "DEBUG telegram" in log and "Danagul" in log  # the requests and updates were logged, in full
        assert "<id>" in log and "<phone>" in log  # ... with the ids and the phone number in them, redacted
        personal = []
    else:
        assert "DEBUG telegram" not in log
    for secret in (
        str(citizen["id"]),
        str(admin["id"]),
        "4455667788",
        "9876543210",
        "77011234567",
        "701 123",
        KEY,
        telegram.token,
        telegram.token.split(":")[1],
        *personal,
    ):
        assert secret not in log, secret
