"""Use cases of telling a reporter how their report was decided.

The raw chat id is stored only when the reporter asks, and deleted once the
outcome is delivered (or cannot ever be: the reporter blocked the bot).
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.reports import ReportStatus
from bot.store import Store
from bot.store.follow_ups import DueOutcome

DELIVERY_BATCH = 100


class FollowUpAnswer(StrEnum):
    ASKED = "asked"
    ALREADY = "already"
    DECIDED = "decided"
    NOT_FOUND = "not_found"


async def ask_outcome(
    store: Store, reporter: str, report_id: int, chat_id: int, locale: str, now: int
) -> FollowUpAnswer:
    """Keep the chat id to tell the reporter the outcome of their own open report."""
    async with store.transaction() as tx:
        report = await tx.reports.one_of_reporter(reporter, report_id)
        if report is None:
            return FollowUpAnswer.NOT_FOUND
        if report.status is not ReportStatus.RECEIVED:
            return FollowUpAnswer.DECIDED
        if await tx.follow_ups.exists(report_id):
            return FollowUpAnswer.ALREADY
        await tx.follow_ups.add(report_id, chat_id, locale, now)
        return FollowUpAnswer.ASKED


async def due_outcomes(store: Store, now: int, undo_seconds: int) -> list[DueOutcome]:
    """Outcomes to tell: verified cases at once, rejects once they can no longer be undone."""
    async with store.transaction() as tx:
        return await tx.follow_ups.due(DELIVERY_BATCH, now - undo_seconds)


async def outcome_delivered(store: Store, report_id: int) -> None:
    """Forget the chat id: the reporter was told (or can no longer be)."""
    async with store.transaction() as tx:
        await tx.follow_ups.delete(report_id)
