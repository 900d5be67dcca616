"""Use cases of a citizen's reports: submit one, look at one's own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.reports import Report
from bot.core.submission import Submission
from bot.errors import RateLimited
from bot.store import Store

HOUR = 3600
STATUS_PAGE = 10


@dataclass(frozen=True)
class Receipt:
    report: Report
    duplicate: bool
    """True when this message had already been reported (Telegram delivered it again)."""


async def submit_report(
    store: Store,
    submission: Submission,
    *,
    reporter: str,
    dedupe_key: str,
    now: int,
    hourly_limit: int,
) -> Receipt:
    """Record a report unless it is a repeat or the reporter is over their hourly limit.

    The report is committed before this returns, so a receipt is only ever
    sent for a report that is stored. Matching against known campaigns
    plugs in here, after the report is stored (the matching issue).
    """
    async with store.transaction() as tx:
        existing = await tx.reports.by_dedupe_key(dedupe_key)
        if existing is not None:
            return Receipt(existing, duplicate=True)
        if await tx.reports.count_since(reporter, now - HOUR) >= hourly_limit:
            raise RateLimited(hourly_limit)
        await tx.reporters.touch(reporter, now)
        report = await tx.reports.add(reporter, dedupe_key, submission, now)
    return Receipt(report, duplicate=False)


async def reports_of(store: Store, reporter: str) -> list[Report]:
    """The reporter's own latest reports, newest first."""
    async with store.transaction() as tx:
        return await tx.reports.of_reporter(reporter, STATUS_PAGE)


async def report_of(store: Store, reporter: str, report_id: int) -> Report | None:
    """One of the reporter's own reports; None for anyone else's."""
    async with store.transaction() as tx:
        return await tx.reports.one_of_reporter(reporter, report_id)
