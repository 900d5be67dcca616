"""What a week's digest is made of, read from verified cases only."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Account
from bot.core.cases import CaseKind, CaseStatus
from bot.core.digest import Totals
from bot.store.cases import account_of
from bot.store.db import Connection

_IN_CASES = "FROM reports r JOIN case_reports cr ON cr.report_id = r.id JOIN cases c ON c.id = cr.case_id"
_OF_THE_WEEK = "WHERE c.status = 'verified' AND r.created_at >= ? AND r.created_at < ?"
_VERIFIED_REPORTS = f"{_IN_CASES} {_OF_THE_WEEK}"


@dataclass(frozen=True)
class RankedCase:
    """A verified case with reports in the week, and for an account case its account and verdict."""

    case_id: int
    reports: int
    kind: CaseKind
    verdict: str | None
    account_id: int | None
    account: Account | None


@dataclass(frozen=True)
class CampaignFacts:
    case_id: int
    reports: int
    template_id: int | None
    text: str
    """The template's text (in the template syntax) when there is a template, else the cluster's."""
    family: str | None
    """The template's family: the same campaign's templates in other languages."""
    verified_at: int
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

    async def ranking(self, start: int, end: int) -> list[RankedCase]:
        """The verified cases with reports in the week, most reports first."""
        rows = await self._conn.fetch_all(
            "SELECT c.id AS case_id, c.kind, c.verdict, c.account_id, COUNT(DISTINCT r.id) AS n, "
            f"a.platform, a.identity, a.handle, a.external_id, a.display_name {_IN_CASES} "
            f"LEFT JOIN accounts a ON a.id = c.account_id {_OF_THE_WEEK} "
            "GROUP BY c.id, a.id ORDER BY n DESC, c.id",
            (start, end),
        )
        return [
            RankedCase(
                row["case_id"],
                int(row["n"]),
                CaseKind(row["kind"]),
                row["verdict"],
                row["account_id"],
                None if row["account_id"] is None else account_of(row),
            )
            for row in rows
        ]

    async def campaign(self, case_id: int, reports: int, start: int, end: int) -> CampaignFacts:
        """What the digest says about one verified case, from its reports of the week."""
        text_row = await self._conn.fetch_one(
            "SELECT t.id AS template_id, t.family, c.decided_at, "
            "COALESCE(t.text, cl.representative) AS text "
            "FROM cases c LEFT JOIN clusters cl ON cl.id = c.cluster_id "
            "LEFT JOIN templates t ON t.id = COALESCE(c.template_id, cl.template_id) WHERE c.id = ?",
            (case_id,),
        )
        assert text_row is not None  # the case is one of the week's verified cases
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
        return CampaignFacts(
            case_id,
            reports,
            text_row["template_id"],
            text_row["text"] or "",
            text_row["family"],
            int(text_row["decided_at"] or 0),
            tuple(r["language"] for r in languages),
            tuple(r["platform"] for r in platforms),
            tuple(r["created_at"] for r in times),
        )

    async def family_texts(self, family: str) -> dict[str, str]:
        """The enabled templates of a family, one per language (the first added), in the template syntax."""
        rows = await self._conn.fetch_all(
            "SELECT language, text FROM templates WHERE family = ? AND enabled = 1 AND language IS NOT NULL "
            "ORDER BY id DESC",
            (family,),
        )
        return {row["language"]: row["text"] for row in rows}

    async def source_posts(self, case_id: int, start: int, end: int) -> list[tuple[int, int]]:
        rows = await self._conn.fetch_all(
            "SELECT r.created_at, t.account_id FROM reports r JOIN report_targets t ON t.report_id = r.id "
            "JOIN case_reports cr ON cr.report_id = r.id WHERE cr.case_id = ? AND r.created_at >= ? "
            "AND r.created_at < ? AND t.via IN ('forward', 'link') AND t.account_id IS NOT NULL",
            (case_id, start, end),
        )
        return [(row["created_at"], row["account_id"]) for row in rows]
