"""`kuzet run` as an operator starts it: a separate process, configured by environment, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from bot.sandbox import FakeTelegram
from tests.helpers import free_port, plain


async def _start_kuzet(telegram: FakeTelegram, workdir: Path, **settings: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k not in {"REPORTER_KEY", "DATABASE_URL"}}
    env.update(BOT_TOKEN=telegram.token, BOT_API_URL=telegram.base_url, **settings)
    (workdir / ".env").write_text("DATABASE_URL=sqlite:///data/kuzet.db\n", encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stderr=asyncio.subprocess.PIPE
    )


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    return stderr


async def test_kuzet_run_answers_a_kazakh_forward_and_keeps_the_report_after_a_restart(
    telegram: FakeTelegram, tmp_path: Path, translations
) -> None:
    citizen = telegram.user(301, language_code="kk")
    channel = telegram.channel(-1009876543210, "Akorda fan club", username="akorda_fans")
    process = await _start_kuzet(telegram, tmp_path)
    telegram.forward(citizen, telegram.origin_channel(channel, 5), text="Президент әрқашан халықты ойлайды")
    [receipt] = await telegram.wait_for_messages(citizen["id"], timeout=60)
    stderr = await _stop(process)

    heading = translations("kk").gettext("📥 <b>Report #{number}</b> received.")
    assert heading != translations("en").gettext("📥 <b>Report #{number}</b> received.")
    assert plain(heading).format(number="\u20681\u2069") in receipt.plain
    assert telegram.token not in stderr.decode()

    database = tmp_path / "data" / "kuzet.db"
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT id, text FROM reports").fetchall() == [(1, "Президент әрқашан халықты ойлайды")]
    assert (tmp_path / "data" / "kuzet.key").is_file()

    process = await _start_kuzet(telegram, tmp_path)
    telegram.send_text(citizen, "/status 1")
    status = (await telegram.wait_for_messages(citizen["id"], 2, timeout=60))[-1]
    await _stop(process)
    assert "Президент әрқашан халықты ойлайды" in status.plain
    assert "@akorda_fans" in status.plain


async def test_kuzet_run_by_webhook_never_logs_the_secret_even_with_payload_logging_on(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    secret = "Webhook-Secret_0123456789abcdef"
    port = free_port()
    citizen = telegram.user(302)
    process = await _start_kuzet(
        telegram,
        tmp_path,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
        WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        WEBHOOK_SECRET=secret,
        SEMANTIC_ENCODER="off",
        LOG_LEVEL="DEBUG",
        LOG_TELEGRAM_PAYLOADS="1",  # python-telegram-bot then logs every request's parameters
    )
    telegram.send_text(citizen, "/help")
    await telegram.wait_for_messages(citizen["id"], timeout=60)
    stderr = (await _stop(process)).decode()
    [set_webhook] = [call for call in telegram.calls if call.method == "setWebhook"]
    assert set_webhook.params["secret_token"] == secret
    assert "setWebhook" in stderr and "secret_token" in stderr
    assert secret not in stderr and telegram.token not in stderr
