"""Use case of keeping reports no longer than needed (RETENTION_DAYS; explained to citizens in /privacy)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.periods import DAY, HOUR
from bot.service.matcher_sync import CHANGES_KEPT_SECONDS
from bot.store import Store


@dataclass(frozen=True)
class Expired:
    purged: int
    """Reports in rejected, undecided-and-quiet or no case that lost their text and pseudonym."""
    unlinked: int
    """Reports in verified cases that lost their pseudonym (their text stays as evidence)."""


async def apply_retention(store: Store, now: int, days: int) -> Expired:
    """Cut what is older than ``days``: a case counts as undecided-and-quiet when open with no report since; and
    the rate keys of reports past the hourly limit's hour; matcher changes every process has long applied; notes
    of skipped updates; the Mini App's ended sessions.
    The WAL is emptied afterwards (see forget_reporter)."""
    cutoff = now - days * DAY
    async with store.transaction() as tx:
        purged = await tx.reports.expire(cutoff)
        await tx.images.drop_unused_files()
        unlinked = await tx.reports.unlink_verified(cutoff)
        await tx.follow_ups.delete_expired(cutoff)
        await tx.skipped.forget_before(cutoff)
        await tx.reports.drop_rate_keys(now - HOUR)
        await tx.matcher_changes.forget_before(now - CHANGES_KEPT_SECONDS)
        await tx.miniapp_sessions.delete_expired(now)
    await store.db.erase_freed()
    return Expired(purged, unlinked)
