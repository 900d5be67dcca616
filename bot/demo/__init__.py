"""`kuzet demo`: the whole story offline, against the sandbox Bot API, with a transcript and the digest chart."""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from bot.app import running
from bot.config import load_settings
from bot.demo import cast
from bot.demo.story import Outcome, Stage, play
from bot.demo.transcript import Transcript
from bot.i18n import I18n, Translator
from bot.resources import data_dir
from bot.sandbox import FakeTelegram

CARD_REFRESH_SECONDS = "5"
"""Below the default (30) so the story shows each card's coalesced update while it is still on that scene."""
TRANSCRIPT = "transcript.html"
CHART = "digest-chart.png"


@dataclass(frozen=True)
class DemoResult:
    outcome: Outcome
    transcript: Path
    chart: Path | None
    seconds: float


async def run_demo(locale: str, output: Path, console: Console) -> DemoResult:
    """Play the story from the point of view of the citizen who speaks ``locale``; write to ``output``."""
    started = time.monotonic()
    logging.getLogger().setLevel(logging.ERROR)  # the story is the output; warnings would interleave with it
    with tempfile.TemporaryDirectory(prefix="kuzet-demo-") as folder:
        async with FakeTelegram() as telegram:
            telegram.add_group(cast.GROUP_ID, cast.GROUP_TITLE)
            settings = load_settings(
                {
                    "BOT_TOKEN": telegram.token,
                    "BOT_API_URL": telegram.base_url,
                    "DATABASE_URL": f"sqlite:///{Path(folder) / 'kuzet.db'}",
                    "ADMIN_IDS": str(cast.ADMIN[0]),
                    "MODERATOR_CHAT_ID": str(cast.GROUP_ID),
                    "MODERATOR_LOCALE": locale,
                    "DEFAULT_LOCALE": locale,
                    "CARD_REFRESH_SECONDS": CARD_REFRESH_SECONDS,
                    "MODERATOR_PROBATION_VOTES": "0",  # the story's team is appointed and trusted in one scene
                },
                env_file=None,
            )
            t = I18n(data_dir("locales"), locale, settings.timezone).get(locale)
            transcript = Transcript(console)
            console.rule(t.gettext("Kuzet demo: the real bot, offline, against a local copy of the Telegram Bot API"))
            async with running(settings) as application:
                outcome = await play(Stage(telegram, application, transcript, t), locale)
    result = DemoResult(
        outcome, output / TRANSCRIPT, output / CHART if outcome.chart else None, time.monotonic() - started
    )
    transcript.scene(t.gettext("The end"))
    transcript.narrate(ending(t, result))
    output.mkdir(parents=True, exist_ok=True)
    if result.chart is not None:
        result.chart.write_bytes(outcome.chart)
    transcript.save(result.transcript)
    return result


def ending(t: Translator, result: DemoResult) -> str:
    _ = t.gettext
    lines = [
        _("Each subscriber received the digest: {counts}.").format(
            counts=t.list([f"{name} × {t.number(count)}" for name, count in result.outcome.digests_received.items()])
        )
    ]
    if result.chart is not None:
        lines.append(_("The digest chart: {path}").format(path=result.chart))
    lines.append(_("The whole conversation, as a web page: {path}").format(path=result.transcript))
    lines.append(
        _(
            "Done in {seconds} s, with no network and no Telegram token. To go live, get a token from "
            "@BotFather and run: BOT_TOKEN=… kuzet run"
        ).format(seconds=t.number(round(result.seconds)))
    )
    return "\n".join(lines)
