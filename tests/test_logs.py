"""Log lines never carry the bot token, the reporter key, a Telegram id or a phone number."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from bot.logs import RedactingFormatter
from bot.sandbox import FakeTelegram, press

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
        raise ValueError("chat_id=-1001234567890 from user 5550002091")
    except ValueError:
        line = _through_filter("payload %s", {"chat_id": 5550002091, "phone_number": "+7 701 123 45 67"},
                               exc_info=sys.exc_info())
    assert "5550002091" not in line and "1234567890" not in line and "701 123" not in line
    assert "<id>" in line and "<phone>" in line and "ValueError" in line
    assert _through_filter("report #42 took 0.25 s") == "INFO report #42 took 0.25 s"


async def test_a_full_session_at_debug_level_logs_no_id_phone_key_or_token(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """`kuzet run` at LOG_LEVEL=DEBUG, where python-telegram-bot logs every request and update in full."""
    citizen = telegram.user(5550002091, first_name="Dana", language_code="ru")
    admin = telegram.user(7770001234, first_name="Admin", language_code="en")
    group = telegram.add_group(-1004455667788, "Kuzet moderators")
    channel = telegram.channel(-1009876543210, "Akorda fan club", username="akorda_fans")
    env = {k: v for k, v in os.environ.items() if k not in {"REPORTER_KEY", "DATABASE_URL"}}
    env.update(BOT_TOKEN=telegram.token, BOT_API_URL=telegram.base_url, LOG_LEVEL="DEBUG", REPORTER_KEY=KEY,
               DATABASE_URL=f"sqlite:///{tmp_path / 'kuzet.db'}", ADMIN_IDS=str(admin["id"]),
               MODERATOR_CHAT_ID=str(group["id"]), CARD_REFRESH_SECONDS="0")
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        telegram.forward(citizen, telegram.origin_channel(channel, 5), text="Президент всегда думает о народе")
        await telegram.wait_for_messages(citizen["id"], 1, timeout=60)
        telegram.send_message(citizen, contact={"phone_number": "+77011234567", "first_name": "Dana",
                                                "user_id": citizen["id"]})
        telegram.send_text(citizen, "/subscribe")
        await telegram.wait_for_messages(citizen["id"], 3, timeout=30)
        [card] = await telegram.wait_for_messages(group["id"], 1, timeout=30)
        await press(telegram, admin, card, card.button("✅"))
        telegram.send_text(citizen, "/forgetme")
        prompt = (await telegram.wait_for_messages(citizen["id"], 4, timeout=30))[-1]
        await press(telegram, citizen, prompt, prompt.button("🗑"))
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert "sendMessage" in log and "DEBUG telegram" in log  # the requests and updates were logged
    assert "<id>" in log and "<phone>" in log  # ... with the ids and the phone number in them, redacted
    for secret in (str(citizen["id"]), str(admin["id"]), "4455667788", "9876543210", "77011234567",
                   "701 123", KEY, telegram.token, telegram.token.split(":")[1]):
        assert secret not in log, secret
