"""Reporters waiting to hear the outcome of a report (table ``follow_ups``).

This is the only table with a raw chat id; a row is deleted as soon as the
outcome is delivered or the reporter asks to be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cases import CaseStatus
from bot.store.db import Connection


@dataclass(frozen=True)
class DueOutcome:
    report_id: int
    chat_id: int
    locale: str
    case_id: int
    status: CaseStatus


class FollowUps:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, report_id: int, chat_id: int, locale: str, now: int) -> None:
        await self._conn.execute(
            "INSERT INTO follow_ups (report_id, chat_id, locale, asked_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (report_id) DO UPDATE SET locale = excluded.locale",
            (report_id, chat_id, locale, now),
        )

    async def exists(self, report_id: int) -> bool:
        return await self._conn.fetch_value("SELECT 1 FROM follow_ups WHERE report_id = ?", (report_id,)) is not None

    async def due(self, limit: int, rejected_before: int) -> list[DueOutcome]:
        """Follow-ups whose report is in a decided case (the first decided case, if in several); a reject
        counts only once it was made no later than ``rejected_before`` (until then it may be undone)."""
        rows = await self._conn.fetch_all(
            "SELECT f.report_id, f.chat_id, f.locale, c.id AS case_id, c.status FROM follow_ups f "
            "JOIN case_reports cr ON cr.report_id = f.report_id JOIN cases c ON c.id = cr.case_id "
            "WHERE c.status = ? OR (c.status = ? AND c.decided_at <= ?) ORDER BY f.report_id, c.id LIMIT ?",
            (CaseStatus.VERIFIED.value, CaseStatus.REJECTED.value, rejected_before, limit),
        )
        due: dict[int, DueOutcome] = {}
        for r in rows:
            due.setdefault(
                r["report_id"],
                DueOutcome(r["report_id"], r["chat_id"], r["locale"], r["case_id"], CaseStatus(r["status"])),
            )
        return list(due.values())

    async def delete(self, report_id: int) -> None:
        await self._conn.execute("DELETE FROM follow_ups WHERE report_id = ?", (report_id,))

    async def delete_expired(self, cutoff: int) -> int:
        """Requests about reports from before ``cutoff`` that no longer belong to anyone."""
        return await self._conn.execute(
            "DELETE FROM follow_ups WHERE report_id IN "
            "(SELECT id FROM reports WHERE created_at < ? AND reporter IS NULL)",
            (cutoff,),
        )

    async def delete_of_reporter(self, reporter: str) -> int:
        return await self._conn.execute(
            "DELETE FROM follow_ups WHERE report_id IN (SELECT id FROM reports WHERE reporter = ?)", (reporter,)
        )
