"""`kuzet demo`: the whole story offline, end to end, as a newcomer runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo.transcript import Entry, transcript_html
from bot.i18n import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE

pytestmark = pytest.mark.no_database("the demo plays on a SQLite file of its own, whatever the suite's engine")

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


def _demo(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `kuzet demo` with no token and no way out of loopback: any other connection meets a dead proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REPORTER_", "ADMIN_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        ALL_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
        COLUMNS="100",
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _readable(text: str) -> str:
    return text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "").replace("\xa0", " ")


def test_the_demo_plays_the_whole_story_offline_and_leaves_the_transcript_and_chart(tmp_path: Path) -> None:
    run = _demo(tmp_path)
    out = _readable(run.stdout)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    # 1: each citizen's receipt in their own language, every evasion caught as the known campaign
    for received in ("Report #1 received", "шағым қабылданды", "Жалоба № 3 получена", "تم استلام البلاغ", "已收到檢舉"):
        assert received in out, received
    assert out.count("Matches the known campaign") == 3  # John's forward, shown again after 🔔, and his paste
    assert "Совпадает с известной кампанией «Казахстан 2022" in out and "相符" in out  # labels in their language
    assert "X (Twitter) @nur_voice_2022" in out  # the link to an account
    assert "can't read" in out or "cannot read" in out or "sticker" in out.lower()
    # 2: the wave is one coordinated cluster; the burst against the critic is flagged
    assert "🤝 Coordinated: 6 accounts posted this text" in out
    assert "🚨 Possible report campaign against Telegram @sanzhar_satire" in out
    # 3: two votes verify, a third moderator rejects with a reason, the wave becomes a template
    assert "Case #1 is verified" in out and "Verified" in out
    assert "Moderators verified the campaign that your report #1 belongs to" in out  # John asked with 🔔
    assert "Case #4 is rejected" in out
    assert "saved from case #3" in out
    assert "Совпадает с известной кампанией «Аким нашего города" in out  # the next copy matches the new template
    # 4: three subscribers in three languages each get the digest once
    assert "John × 1, Dmitry × 1, and Aigerim × 1" in out
    assert "Kuzet weekly digest" in out and "Еженедельная сводка Kuzet" in out
    folder = tmp_path / "kuzet-demo"
    assert (folder / "digest-chart.png").read_bytes().startswith(PNG)
    page = (folder / "transcript.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Aigerim" in page and "Еженедельная сводка Kuzet" in page
    assert "kuzet-demo/transcript.html" in out and "kuzet-demo/digest-chart.png" in out


def test_the_demo_tells_the_story_from_the_arabic_citizens_point_of_view(tmp_path: Path) -> None:
    run = _demo(tmp_path, "--lang", "ar", "--output", str(tmp_path / "ar"))
    out = _readable(run.stdout)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "المواطنون يبلّغون" in out or "يبلّغ" in out  # the narration is in Arabic
    first_bubble = out.index("╭─ ")
    assert out[first_bubble:].startswith("╭─ Layla")  # Layla reports first
    assert "القضية رقم 1" in out  # the moderators work in Arabic too
    assert "Layla × 1" in out
    assert (tmp_path / "ar" / "digest-chart.png").read_bytes().startswith(PNG)


def test_the_demo_refuses_a_language_it_does_not_speak(tmp_path: Path) -> None:
    run = _demo(tmp_path, "--lang", "fr")
    assert run.returncode == 2
    assert "--lang must be one of en, ru, kk, ar, zh_Hant" in run.stderr
    assert not (tmp_path / "kuzet-demo").exists()


def test_the_transcript_gives_every_bubble_its_own_direction() -> None:
    entries = [
        Entry("person", "Layla", "الرئيس يهتم دائما"),
        Entry("bot", "Kuzet → Layla", "\u200f📥 @handle …"),
        Entry("person", "John", "@nurbot says hi"),
        Entry("narration", "", "<b>not markup</b>"),
    ]
    page = transcript_html(entries)
    bubbles = re.findall(r'<div class="bubble \w+" dir="(\w+)">', page)
    assert bubbles == ["rtl", "rtl", "ltr"]
    assert "&lt;b&gt;not markup&lt;/b&gt;" in page
