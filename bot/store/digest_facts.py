"""What a week's digest is made of, read from verified cases only."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cases import CaseStatus
from bot.core.digest import Totals
from bot.store.cases import account_of
from bot.store.db import Connection

_VERIFIED_REPORTS = (
    "FROM reports r JOIN case_reports cr ON cr.report_id = r.id JOIN cases c ON c.id = cr.case_id "
    "WHERE c.status = 'verified' AND r.created_at >= ? AND r.created_at < ?"
)


@dataclass(frozen=True)
class CampaignFacts:
    case_id: int
    reports: int
    label: str | None
    text: str
    from_template: bool
    """``text`` is a template, in the template syntax."""
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    report_times: tuple[int, ...]


class DigestFacts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def totals(self, start: int, end: int, starter_author: str) -> Totals:
        reports = await self._conn.fetch_value(f"SELECT COUNT(DISTINCT r.id) {_VERIFIED_REPORTS}", (start, end))
        verified = await self._conn.fetch_value(
            "SELECT COUNT(*) FROM cases WHERE status = ? AND decided_at >= ? AND decided_at < ?",
            (CaseStatus.VERIFIED.value, start, end),
        )
        templates = await self._conn.fetch_value(
            "SELECT COUNT(*) FROM templates WHERE created_at >= ? AND created_at < ? "
            "AND (created_by IS NULL OR created_by <> ?)",
            (start, end, starter_author),
        )
        return Totals(int(reports), int(verified), int(templates))

    async def campaigns(self, start: int, end: int, limit: int) -> list[CampaignFacts]:
        """The verified cases with the most reports in the week."""
        rows = await self._conn.fetch_all(
            f"SELECT c.id, COUNT(DISTINCT r.id) AS n {_VERIFIED_REPORTS} GROUP BY c.id ORDER BY n DESC, c.id LIMIT ?",
            (start, end, limit),
        )
        found = []
        for row in rows:
            case_id = row["id"]
            text_row = await self._conn.fetch_one(
                "SELECT t.label, t.id IS NOT NULL AS from_template, "
                "COALESCE(t.text, cl.representative, a.handle, a.display_name, a.identity) AS text "
                "FROM cases c LEFT JOIN clusters cl ON cl.id = c.cluster_id "
                "LEFT JOIN templates t ON t.id = COALESCE(c.template_id, cl.template_id) "
                "LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = ?",
                (case_id,),
            )
            in_case = f"{_VERIFIED_REPORTS} AND c.id = ?"
            languages = await self._conn.fetch_all(
                f"SELECT DISTINCT r.language {in_case} AND r.language IS NOT NULL ORDER BY r.language",
                (start, end, case_id),
            )
            platforms = await self._conn.fetch_all(
                "SELECT DISTINCT t.platform FROM report_targets t WHERE t.report_id IN "
                f"(SELECT r.id {in_case}) ORDER BY t.platform",
                (start, end, case_id),
            )
            times = await self._conn.fetch_all(f"SELECT DISTINCT r.id, r.created_at {in_case}", (start, end, case_id))
            found.append(CampaignFacts(
                case_id, int(row["n"]), text_row["label"], text_row["text"] or "", bool(text_row["from_template"]),
                tuple(r["language"] for r in languages), tuple(r["platform"] for r in platforms),
                tuple(r["created_at"] for r in times),
            ))
        return found

    async def source_posts(self, case_id: int, start: int, end: int) -> list[tuple[int, int]]:
        rows = await self._conn.fetch_all(
            "SELECT r.created_at, t.account_id FROM reports r JOIN report_targets t ON t.report_id = r.id "
            "JOIN case_reports cr ON cr.report_id = r.id WHERE cr.case_id = ? AND r.created_at >= ? "
            "AND r.created_at < ? AND t.via IN ('forward', 'link') AND t.account_id IS NOT NULL",
            (case_id, start, end),
        )
        return [(row["created_at"], row["account_id"]) for row in rows]

    async def accounts(self, start: int, end: int, limit: int) -> tuple[list[tuple[str, str]], int]:
        """(platform, shown name) of accounts named in verified cases' reports of the week, and how many in all."""
        base = (
            "FROM accounts a WHERE a.id IN (SELECT t.account_id FROM report_targets t WHERE t.report_id IN "
            f"(SELECT r.id {_VERIFIED_REPORTS}))"
        )
        total = await self._conn.fetch_value(f"SELECT COUNT(*) {base}", (start, end))
        rows = await self._conn.fetch_all(
            f"SELECT a.platform, a.identity, a.handle, a.external_id, a.display_name {base} "
            "ORDER BY a.platform, a.identity LIMIT ?",
            (start, end, limit),
        )
        return [(row["platform"], account_of(row).label) for row in rows], int(total)
