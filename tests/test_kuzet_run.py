"""`kuzet run` as an operator starts it: a separate process, configured by environment, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.database_url import DatabaseUrl
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.helpers import free_port, plain


async def _start_kuzet(
    telegram: FakeTelegram, workdir: Path, database_url: str, **more: str
) -> asyncio.subprocess.Process:
    """`kuzet run` in ``workdir``, set up by its .env: SQLite in data/ (as the quick start), or the test's
    PostgreSQL database with its files in data/."""
    env = telegram.bot_environment(**{"LOG_LEVEL": "INFO", **more})  # INFO: what a quick start logs
    env.pop("DATA_DIR", None)  # the .env below says where
    settings = "DATABASE_URL=sqlite:///data/kuzet.db\n"
    if database_url.startswith("postgresql"):
        settings = f"DATABASE_URL={database_url}\nDATA_DIR=data\n"
    (workdir / ".env").write_text(settings, encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stderr=asyncio.subprocess.PIPE
    )


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    return stderr


async def test_kuzet_run_answers_a_kazakh_forward_and_keeps_the_report_after_a_restart(
    telegram: FakeTelegram, tmp_path: Path, database_url: str, translations
) -> None:
    citizen = telegram.user(301, language_code="kk")
    channel = telegram.channel(-1009876543210, "Akorda fan club", username="akorda_fans")
    process = await _start_kuzet(telegram, tmp_path, database_url)
    telegram.forward(citizen, telegram.origin_channel(channel, 5), text="Президент әрқашан халықты ойлайды")
    [receipt] = await telegram.wait_for_messages(citizen["id"], timeout=60)
    stderr = await _stop(process)

    heading = translations("kk").gettext("📥 <b>Report #{number}</b> received.")
    assert heading != translations("en").gettext("📥 <b>Report #{number}</b> received.")
    assert plain(heading).format(number="\u20681\u2069") in receipt.plain
    assert telegram.token not in stderr.decode()

    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'data' / 'kuzet.db'}"
    db = Database(DatabaseUrl.parse(database_url))
    assert [tuple(r) for r in db.rows("SELECT id, text FROM reports")] == [(1, "Президент әрқашан халықты ойлайды")]
    assert (tmp_path / "data" / "kuzet.key").is_file()

    process = await _start_kuzet(telegram, tmp_path, database_url)
    telegram.send_text(citizen, "/status 1")
    status = (await telegram.wait_for_messages(citizen["id"], 2, timeout=60))[-1]
    await _stop(process)
    assert "Президент әрқашан халықты ойлайды" in status.plain
    assert "@akorda_fans" in status.plain


async def test_kuzet_run_by_webhook_never_logs_the_secret_even_with_payload_logging_on(
    telegram: FakeTelegram, tmp_path: Path, database_url: str
) -> None:
    secret = "Webhook-Secret_0123456789abcdef"
    port = free_port()
    citizen = telegram.user(302)
    process = await _start_kuzet(
        telegram,
        tmp_path,
        database_url,
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
