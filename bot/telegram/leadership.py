"""Which process sends: with several `kuzet run` processes on one database, exactly one at a time runs what
must run once (the receipt outbox sender, the case cards, the digest broadcast and the scheduled jobs).

Every process takes updates. The one that holds the database's leader place (``Database.lead``: a
PostgreSQL advisory lock; always this process on SQLite) runs the senders; the others hand their work to it
by signal (``Database.publish``): "a receipt is queued", "this case's card changed", "a digest was published".
A signal that is lost costs only time: the leader looks at the outbox every second and for missing cards and
pending broadcasts every few minutes. When the leader dies, another process takes its place within
LEAD_CHECK_SECONDS and, as after a restart, sends again (flagged) what the dead one may have left half-sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.errors import StorageUnavailable
from bot.handlers.deps import Runtime

log = logging.getLogger(__name__)

LEAD_CHECK_SECONDS = 2.0
RECEIPTS = "receipts"
BROADCAST = "broadcast"
CARD = "card"
"""``card:<case id>:<how>``: how is one of CardDesk's request kinds."""


class Leadership:
    """One lives in the Runtime; ``leading`` says whether this process runs the senders now."""

    def __init__(self, application: Application) -> None:
        self._application = application
        self.leading = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Ask for the leader's place now (so a single process sends from its first second), then every few seconds."""
        runtime = Runtime.of_application(self._application)
        runtime.store.db.watch(self._on_signal)
        await self._check()
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        """Stop asking; the senders are stopped by the application's post_stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def tell(self, signal: str) -> None:
        """Hand work to the leader: done here when this process leads, else by signal to every process."""
        if self.leading:
            self._on_signal(signal)
            return
        try:
            await Runtime.of_application(self._application).store.db.publish(signal)
        except (StorageUnavailable, OSError) as exc:
            log.warning("could not signal the leading process (%s); its periodic checks will find the work", exc)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(LEAD_CHECK_SECONDS)
            try:
                await self._check()
            except Exception:  # e.g. the database failed while taking over: ask again at the next check
                log.exception("the leader check failed; trying again in %.0f s", LEAD_CHECK_SECONDS)

    async def _check(self) -> None:
        runtime = Runtime.of_application(self._application)
        held = await runtime.store.db.lead()
        if held and not self.leading:
            self.leading = True
            log.info("this process leads: it sends the receipts, cards and digests")
            runtime.receipts.start(runtime)
            runtime.cards.start(self._application)
            runtime.broadcaster.enable()
            await runtime.cards.post_missing(self._application)
            runtime.broadcaster.start(self._application)
        elif not held and self.leading:
            self.leading = False
            log.warning("this process no longer leads: its senders stop")
            for sender in (runtime.cards, runtime.receipts, runtime.broadcaster):
                await sender.stop()

    def _on_signal(self, signal: str) -> None:
        if not self.leading:
            return
        runtime = Runtime.of_application(self._application)
        kind, _, rest = signal.partition(":")
        if kind == RECEIPTS:
            runtime.receipts.queued()
        elif kind == BROADCAST:
            runtime.broadcaster.start(self._application)
        elif kind == CARD:
            case_id, _, how = rest.partition(":")
            if case_id.isdigit():
                runtime.cards.requested(int(case_id), how)


def leader_only(
    job: Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]],
) -> Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]:
    """A scheduled job that only the leading process runs (every process schedules it)."""

    @wraps(job)
    async def run(context: ContextTypes.DEFAULT_TYPE) -> Any:
        if Runtime.of(context).leadership.leading:
            return await job(context)
        return None

    return run
