"""Keeping each process's matcher in step with the database, for several bot processes on one database.

Whatever adds a template, a negative phrase or a cluster to the matcher, or takes one out, also records the
change in the same transaction (``announce``). Each process applies the changes it has not seen (``catch_up``):
under the write lock before it matches a report, so of two near-identical reports reaching two processes at
once the second joins the first one's cluster; and once a second in the background (``MatcherFollower``), so
a template added through one process matches on every other within about a second. Applying a change twice
is harmless: adding replaces.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.core.matcher import MatchKind
from bot.errors import StorageUnavailable
from bot.images.matcher import ImageKind
from bot.semantic.campaigns import CampaignMatcher
from bot.store import Store, Tx

log = logging.getLogger(__name__)

FOLLOW_SECONDS = 1.0
CHANGES_KEPT_SECONDS = 3600
"""A process that starts builds its matcher from the tables; changes are only for those already running."""


async def announce(
    tx: Tx, kind: MatchKind, item_id: int, now: int, *, text: str | None = None, language: str | None = None
) -> None:
    """Record that the matcher gains this item (``text`` given) or loses it (``text`` None)."""
    await tx.matcher_changes.record(kind.value, item_id, text, language, now)


async def catch_up(tx: Tx, matcher: CampaignMatcher) -> int:
    """Apply the changes this matcher has not seen; return how many."""
    changes = await tx.matcher_changes.since(matcher.synced_to)
    encoder = matcher.semantic.encoder.name if matcher.semantic is not None else None
    applied = 0
    for change in changes:
        if change.kind in IMAGE_KINDS:
            if change.id > matcher.synced_to:
                apply_picture(matcher, ImageKind(change.kind), change.item_id, change.text)
                matcher.synced_to = change.id
                applied += 1
            continue
        kind = MatchKind(change.kind)
        template = await tx.templates.get(change.item_id) if kind is MatchKind.TEMPLATE and change.text else None
        vector = None
        if change.text is not None and encoder is not None and (template is None or template.matched_semantically):
            vector = await tx.embeddings.get(change.kind, change.item_id, encoder)
        if change.id <= matcher.synced_to:  # applied meanwhile by the other caller (reports vs. background)
            continue
        if change.text is None:
            matcher.remove(change.item_id, kind)
        else:
            family = None if template is None else template.family
            matcher.add(change.item_id, change.text, kind, vector=vector, language=change.language, family=family)
        matcher.synced_to = change.id
        applied += 1
    return applied


IMAGE_KINDS = frozenset(kind.value for kind in ImageKind)


async def announce_picture(tx: Tx, kind: ImageKind, key: int, pdq: str | None, now: int) -> None:
    """Record that the matcher gains a picture hash (``pdq``, hex) or loses it (None); ``apply_picture`` then
    applies it to this process's matcher."""
    await tx.matcher_changes.record(kind.value, key, pdq, None, now)


def apply_picture(matcher: CampaignMatcher, kind: ImageKind, key: int, pdq: str | None) -> None:
    """Apply a picture change to this process's matcher."""
    if pdq is None:
        matcher.images.remove(kind, key)
    else:
        matcher.images.add(kind, key, bytes.fromhex(pdq))


class MatcherFollower:
    """The background task that applies other processes' changes once a second."""

    def __init__(self, store: Store, matcher: CampaignMatcher) -> None:
        self._store = store
        self._matcher = matcher
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="matcher-follower")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FOLLOW_SECONDS)
            try:
                async with self._store.reading() as tx:
                    await catch_up(tx, self._matcher)
            except StorageUnavailable as exc:
                log.warning("the matcher could not catch up with the database: %s", exc)
