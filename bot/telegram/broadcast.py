"""Sending published digests to every subscriber exactly once, resuming after a restart.

Each delivery is sent part by part (the text in pieces, then the chart), and each part is
recorded as delivered right after Telegram accepted it, before the next is sent. A restart
therefore continues where the last accepted part left off. Deliveries go one at a time, so at
most one message is ever in flight: on a graceful stop (SIGTERM) it is finished and recorded.

Opting out (/unsubscribe, /forgetme) stops a delivery under way: the subscription is checked before
every message, in the transaction that marks it in flight, and the delivery is then cancelled. Only
a message already on its way can still arrive. A finished delivery keeps no chat id.

Telegram has no idempotency key, so one case cannot be exactly-once: a message whose fate is
unknown, because the process was killed (SIGKILL, power loss) between Telegram's answer and the
commit, or because the request timed out. Such a part is sent again (a repeat beats a miss) and
the delivery is counted as doubtful in the moderators' tally; ``in_flight``, committed before
every request, is what makes a hard kill's one in-doubt message known after the restart.

Telegram's flood limits are kept by PTB's AIORateLimiter; a RetryAfter that still gets through
is waited out, and timeouts and network errors are retried with backoff. When Telegram stays
unreachable the broadcast pauses and a job resumes it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from telegram import InputFile, LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.core.digest import DeliveryState, Digest
from bot.core.evidence import ChainLink
from bot.handlers.deps import Runtime
from bot.i18n import Translator
from bot.render import digest as digest_texts
from bot.render.chart import reports_per_day_png
from bot.render.split import split_message
from bot.service.evidence import link_of_period
from bot.service.subscriptions import (
    delivery_ended,
    delivery_tally,
    part_delivered,
    part_sending,
    pending_deliveries,
    progress_message,
    published_digest,
    record_progress_message,
)
from bot.store.digests import Delivery
from bot.telegram.edits import unless_unchanged
from bot.telegram.flood import wait_seconds
from bot.telegram.leadership import leader_only

log = logging.getLogger(__name__)

NETWORK_RETRIES = 5
MAX_BACKOFF = 60.0
PROGRESS_EVERY = 5.0
"""Seconds between edits of the progress message (a group takes about 20 messages a minute)."""
RESUME_EVERY = 60
"""Seconds between checks for a paused or unfinished broadcast."""
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
"""A digest links to campaign posts: a preview would show the propaganda itself, large, to every reader."""


@dataclass(frozen=True)
class Part:
    text: str | None = None
    chart: bytes | None = None
    caption: str | None = None


class TelegramUnreachable(Exception):
    """Timeouts and network errors outlasted the retries: pause, a job resumes later."""


class Broadcaster:
    """One lives in the Runtime; one broadcast loop at a time."""

    def __init__(self, progress_chat_id: int | None) -> None:
        self.progress_chat_id = progress_chat_id
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self._stopping.set()  # until this process leads
        self._parts: dict[tuple[int, str], list[Part]] = {}
        self._charts: dict[int, bytes | None] = {}
        """Each digest's chart, drawn once: the image is the same in every language."""
        self._chart_ids: dict[int, str] = {}
        """Telegram's file id of each digest's chart: uploaded once, then sent by id."""
        self._last_progress: dict[int, float] = {}

    def enable(self) -> None:
        """This process leads now: it may broadcast (bot.telegram.leadership)."""
        self._stopping.clear()

    def start(self, application: Application) -> None:
        """Send whatever is pending, unless a broadcast is already running or this process does not lead."""
        if self._stopping.is_set() or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.create_task(self._run(application), name="digest-broadcast")

    async def stop(self) -> None:
        """Finish the message in flight, record it, and stop (until enabled again)."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self, application: Application) -> None:
        deps = Runtime.of_application(application)
        touched: set[int] = set()
        try:
            while not self._stopping.is_set():
                batch = await pending_deliveries(deps.store)
                if not batch:
                    break
                for delivery in batch:
                    if self._stopping.is_set():
                        return
                    touched.add(delivery.digest_id)
                    await self._deliver(application, delivery)
                    await self._report(application, delivery.digest_id, final=False)
            for digest_id in sorted(touched):
                await self._report(application, digest_id, final=True)
        except TelegramUnreachable as exc:
            log.warning("digest broadcast paused, Telegram unreachable: %s", exc)
        except Exception:
            log.exception("digest broadcast stopped by an error; it resumes on the next check")

    async def _deliver(self, application: Application, delivery: Delivery) -> None:
        deps = Runtime.of_application(application)
        parts = await self._parts_for(application, delivery)
        for index in range(delivery.parts_sent, len(parts)):
            in_doubt = delivery.in_flight and index == delivery.parts_sent
            try:
                if not await self._send(application, delivery, parts[index], in_doubt=in_doubt):
                    return  # the subscriber opted out: the delivery was cancelled
            except Forbidden:
                await delivery_ended(deps.store, delivery, DeliveryState.BLOCKED, deps.clock())
                return
            except BadRequest as exc:
                log.warning("digest %s not deliverable to one chat: %s", delivery.digest_id, exc.message)
                await delivery_ended(deps.store, delivery, DeliveryState.FAILED, deps.clock())
                return
            await part_delivered(deps.store, delivery, index + 1, index + 1 == len(parts), deps.clock())

    async def _send(self, application: Application, delivery: Delivery, part: Part, *, in_doubt: bool) -> bool:
        """One message, waiting out flood limits and retrying network failures with backoff; False, unsent, once
        the subscriber opted out (checked before every try).

        ``in_doubt``: an earlier send of this part may have reached Telegram.
        """
        bot, deps, backoff, failures = application.bot, Runtime.of_application(application), 1.0, 0
        while True:
            if not await part_sending(deps.store, delivery, deps.clock(), doubtful=in_doubt):
                return False
            try:
                if part.text is not None:
                    await bot.send_message(delivery.chat_id, part.text, link_preview_options=NO_PREVIEW)
                else:
                    photo = self._chart_ids.get(delivery.digest_id) or InputFile(part.chart, filename="digest.png")
                    message = await bot.send_photo(delivery.chat_id, photo, caption=part.caption)
                    self._chart_ids.setdefault(delivery.digest_id, message.photo[-1].file_id)
                return True
            except RetryAfter as exc:
                await asyncio.sleep(wait_seconds(exc))
            except (Forbidden, BadRequest):
                raise
            except NetworkError as exc:  # includes TimedOut
                failures += 1
                if failures > NETWORK_RETRIES:
                    raise TelegramUnreachable(str(exc)) from exc
                in_doubt = True  # the request may have reached Telegram before the connection failed
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    async def _parts_for(self, application: Application, delivery: Delivery) -> list[Part]:
        """The messages of one digest in one language, rendered once and kept."""
        key = (delivery.digest_id, delivery.locale)
        if key not in self._parts:
            deps = Runtime.of_application(application)
            digest = await published_digest(deps.store, delivery.digest_id)
            if delivery.digest_id not in self._charts:
                self._charts[delivery.digest_id] = reports_per_day_png(digest, deps.settings.timezone)
            link = await link_of_period(deps.store, digest.period)
            self._parts[key] = digest_parts(
                deps.i18n.get(delivery.locale), digest, self._charts[delivery.digest_id], link, deps.settings.web.url
            )
        return self._parts[key]

    async def _report(self, application: Application, digest_id: int, *, final: bool) -> None:
        """Post or edit the moderators' progress message, at most every PROGRESS_EVERY seconds."""
        if self.progress_chat_id is None:
            return
        now = time.monotonic()
        if not final and now - self._last_progress.get(digest_id, float("-inf")) < PROGRESS_EVERY:
            return
        self._last_progress[digest_id] = now
        deps = Runtime.of_application(application)
        tally = await delivery_tally(deps.store, digest_id)
        digest = await published_digest(deps.store, digest_id)
        text = digest_texts.progress(deps.moderators_translator, digest.period, tally)
        chat_id, message_id = await progress_message(deps.store, digest_id)
        try:
            if message_id is None:
                sent = await application.bot.send_message(self.progress_chat_id, text)
                await record_progress_message(deps.store, digest_id, self.progress_chat_id, sent.message_id)
            else:
                await unless_unchanged(application.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id))
        except TelegramError as exc:
            log.warning("digest progress not shown: %s", exc)


def digest_parts(
    t: Translator, digest: Digest, chart: bytes | None, link: ChainLink | None = None, site: str | None = None
) -> list[Part]:
    """What one subscriber receives: the digest text (with its evidence chain link, and its page on the site)
    in pieces within Telegram's limit, then the chart."""
    parts = [Part(text=piece) for piece in split_message(digest_texts.digest_text(t, digest, link, site))]
    if chart is not None:
        parts.append(Part(chart=chart, caption=split_message(digest_texts.chart_caption(t, digest), 1024)[0]))
    return parts


@leader_only
async def resume_broadcasts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: pick up deliveries left pending (after a pause, or from before a restart)."""
    Runtime.of(context).broadcaster.start(context.application)
