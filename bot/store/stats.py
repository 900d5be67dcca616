"""Counts for /stats: reports, cases and verdicts since a time, by language and platform."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cases import CaseStatus
from bot.store.db import Connection


@dataclass(frozen=True)
class Counts:
    reports: int
    cases: int
    verified: int
    rejected: int
    by_language: tuple[tuple[str, int], ...]
    by_platform: tuple[tuple[str, int], ...]


class Stats:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def since(self, since: int) -> Counts:
        """Reports received, cases opened and cases decided since ``since`` (0 for all time)."""
        reports = await self._conn.fetch_value("SELECT COUNT(*) FROM reports WHERE created_at >= ?", (since,))
        cases = await self._conn.fetch_value("SELECT COUNT(*) FROM cases WHERE opened_at >= ?", (since,))
        decided = {
            row["status"]: row["n"]
            for row in await self._conn.fetch_all(
                "SELECT status, COUNT(*) AS n FROM cases WHERE decided_at >= ? GROUP BY status", (since,)
            )
        }
        languages = await self._conn.fetch_all(
            "SELECT COALESCE(language, '') AS language, COUNT(*) AS n FROM reports WHERE created_at >= ? "
            "GROUP BY COALESCE(language, '') ORDER BY n DESC, language",
            (since,),
        )
        platforms = await self._conn.fetch_all(
            "SELECT t.platform, COUNT(DISTINCT t.report_id) AS n FROM report_targets t "
            "JOIN reports r ON r.id = t.report_id WHERE r.created_at >= ? GROUP BY t.platform ORDER BY n DESC, "
            "t.platform",
            (since,),
        )
        return Counts(
            int(reports),
            int(cases),
            int(decided.get(CaseStatus.VERIFIED.value, 0)),
            int(decided.get(CaseStatus.REJECTED.value, 0)),
            tuple((row["language"], int(row["n"])) for row in languages),
            tuple((row["platform"], int(row["n"])) for row in platforms),
        )
