"""Citizens' reports and what they point at (tables ``reports``, ``report_targets``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.cases import CaseStatus
from bot.core.matcher import Resemblance
from bot.core.reports import Report, ReportKind, ReportStatus
from bot.core.submission import Submission
from bot.pseudonyms import rate_key
from bot.store.accounts import Accounts
from bot.store.db import Connection, Row, placeholders

_TARGETS = (
    "SELECT t.report_id, t.platform, t.post_id, t.via, a.identity, a.handle, a.external_id, a.display_name "
    "FROM report_targets t LEFT JOIN accounts a ON a.id = t.account_id "
)


@dataclass(frozen=True)
class SemanticMatch:
    """A report that matched a template in other words or another language."""

    report: Report
    template_id: int
    language: str | None
    by_quotation: bool
    """It was placed by what it quotes (Submission.quotation)."""


_IN_CASES = "SELECT cr.report_id FROM case_reports cr JOIN cases c ON c.id = cr.case_id "


class Reports:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def expire(self, cutoff: int) -> int:
        """Reports from before ``cutoff`` that are neither evidence of a verified case nor in a case that
        still gets reports lose their text, their photo's hash and file id, and their pseudonym; returns how many
        lost text or pseudonym."""
        kept = f"id NOT IN ({_IN_CASES} WHERE c.status = ? OR (c.status = ? AND c.updated_at >= ?))"
        params = (cutoff, CaseStatus.VERIFIED.value, CaseStatus.OPEN.value, cutoff)
        await self._conn.execute(  # the photo's hash and file id go with the text
            f"DELETE FROM report_images WHERE report_id IN (SELECT id FROM reports WHERE created_at < ? AND {kept})",
            params,
        )
        return await self._conn.execute(
            "UPDATE reports SET text = NULL, reporter = NULL, dedupe_key = NULL WHERE created_at < ? "
            f"AND (text IS NOT NULL OR reporter IS NOT NULL OR dedupe_key IS NOT NULL) AND {kept}",
            params,
        )

    async def unlink_verified(self, cutoff: int) -> int:
        """Reports from before ``cutoff`` in verified cases keep their text but lose their pseudonym."""
        return await self._conn.execute(
            "UPDATE reports SET reporter = NULL, dedupe_key = NULL WHERE created_at < ? "
            "AND (reporter IS NOT NULL OR dedupe_key IS NOT NULL) "
            f"AND id IN ({_IN_CASES} WHERE c.status = ?)",
            (cutoff, CaseStatus.VERIFIED.value),
        )

    async def add(self, reporter: str, dedupe_key: str, submission: Submission, now: int) -> Report:
        """Store a new report with its targets; the accounts are created as needed."""
        report_id = await self._conn.next_id("reports")
        await self._conn.execute(
            "INSERT INTO reports (id, reporter, rate_key, dedupe_key, kind, media, text, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id,
                reporter,
                rate_key(reporter),
                dedupe_key,
                submission.kind.value,
                submission.media,
                submission.text,
                ReportStatus.RECEIVED.value,
                now,
            ),
        )
        accounts = Accounts(self._conn)
        for position, target in enumerate(submission.targets):
            account_id = None if target.account is None else await accounts.upsert(target.account, now)
            await self._conn.execute(
                "INSERT INTO report_targets (report_id, position, platform, account_id, post_id, via) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (report_id, position, target.platform.value, account_id, target.post_id, target.via.value),
            )
        return Report(
            report_id,
            submission.kind,
            submission.text,
            submission.media,
            ReportStatus.RECEIVED,
            now,
            submission.targets,
        )

    async def place(
        self,
        report_id: int,
        *,
        matched: str,
        cluster_id: int | None,
        template_id: int | None,
        score: float | None,
        language: str | None,
        resemblance: str | None,
        by_quotation: bool = False,
    ) -> None:
        """Record how the text matched (``by_quotation``: what it quotes did), which cluster and template the
        report joined, and its language."""
        await self._conn.execute(
            "UPDATE reports SET matched = ?, cluster_id = ?, template_id = ?, match_score = ?, language = ?, "
            "resemblance = ?, by_quotation = ? WHERE id = ?",
            (matched, cluster_id, template_id, score, language, resemblance, int(by_quotation), report_id),
        )

    async def first_semantic_match(self, case_id: int) -> SemanticMatch | None:
        """The case's first report that matched a template in other words or another language."""
        row = await self._conn.fetch_one(
            "SELECT r.* FROM reports r JOIN case_reports cr ON cr.report_id = r.id WHERE cr.case_id = ? "
            "AND r.resemblance IN (?, ?) AND r.template_id IS NOT NULL AND r.text IS NOT NULL "
            "ORDER BY r.created_at, r.id LIMIT 1",
            (case_id, Resemblance.REWORDED.value, Resemblance.TRANSLATED.value),
        )
        if row is None:
            return None
        report = (await self._with_targets([row]))[0]
        return SemanticMatch(report, row["template_id"], row["language"], bool(row["by_quotation"]))

    async def account_ids(self, report_id: int) -> list[int]:
        """The distinct accounts the report names, in the order it names them."""
        rows = await self._conn.fetch_all(
            "SELECT account_id, MIN(position) AS first FROM report_targets WHERE report_id = ? "
            "AND account_id IS NOT NULL GROUP BY account_id ORDER BY first",
            (report_id,),
        )
        return [row["account_id"] for row in rows]

    async def by_ids(self, report_ids: list[int]) -> list[Report]:
        """These reports, newest first."""
        if not report_ids:
            return []
        rows = await self._conn.fetch_all(
            f"SELECT * FROM reports WHERE id IN ({placeholders(report_ids)}) ORDER BY created_at DESC, id DESC",
            report_ids,
        )
        return await self._with_targets(rows)

    async def receipts_sent(self, report_ids: list[int], now: int, *, resent: bool) -> None:
        await self._conn.execute(
            f"UPDATE reports SET receipt_sent_at = ?, receipt_resent = ? WHERE id IN ({placeholders(report_ids)})",
            (now, int(resent), *report_ids),
        )

    async def was_answered(self, report_id: int) -> bool:
        return (
            await self._conn.fetch_value("SELECT receipt_sent_at IS NOT NULL FROM reports WHERE id = ?", (report_id,))
            == 1
        )

    async def by_dedupe_key(self, dedupe_key: str) -> Report | None:
        row = await self._conn.fetch_one("SELECT * FROM reports WHERE dedupe_key = ?", (dedupe_key,))
        return None if row is None else (await self._with_targets([row]))[0]

    async def count_since(self, reporter: str, since: int) -> int:
        """The reporter's reports since ``since`` (within the hour rate keys are kept), forgotten or not."""
        return int(
            await self._conn.fetch_value(
                "SELECT COUNT(*) FROM reports WHERE rate_key = ? AND created_at >= ?", (rate_key(reporter), since)
            )
        )

    async def nth_latest_at(self, reporter: str, since: int, n: int) -> int:
        """When the reporter sent their ``n``-th latest report since ``since`` (they sent at least ``n``).

        With ``n`` the hourly limit: once this report is an hour old, fewer than the limit are left in the hour.
        """
        return await self._conn.fetch_value(
            "SELECT created_at FROM reports WHERE rate_key = ? AND created_at >= ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
            (rate_key(reporter), since, n - 1),
        )

    async def of_reporter(self, reporter: str, limit: int) -> list[Report]:
        """The reporter's latest reports, newest first."""
        rows = await self._conn.fetch_all(
            "SELECT * FROM reports WHERE reporter = ? ORDER BY created_at DESC, id DESC LIMIT ?", (reporter, limit)
        )
        return await self._with_targets(rows)

    async def one_of_reporter(self, reporter: str, report_id: int) -> Report | None:
        """One report, only if it belongs to this reporter."""
        row = await self._conn.fetch_one("SELECT * FROM reports WHERE id = ? AND reporter = ?", (report_id, reporter))
        return None if row is None else (await self._with_targets([row]))[0]

    async def drop_rate_keys(self, cutoff: int) -> int:
        """Reports from before ``cutoff`` are past the hourly limit's reach: their rate key goes."""
        return await self._conn.execute(
            "UPDATE reports SET rate_key = NULL WHERE created_at < ? AND rate_key IS NOT NULL", (cutoff,)
        )

    async def unlink_reporter(self, reporter: str) -> int:
        """Cut every link between the reporter and their reports; return how many were linked."""
        return await self._conn.execute(
            "UPDATE reports SET reporter = NULL, dedupe_key = NULL WHERE reporter = ?", (reporter,)
        )

    async def _with_targets(self, rows: list[Row]) -> list[Report]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        targets: dict[int, list[Target]] = {i: [] for i in ids}
        for t in await self._conn.fetch_all(
            _TARGETS + f"WHERE t.report_id IN ({placeholders(ids)}) ORDER BY t.report_id, t.position", ids
        ):
            platform = Platform(t["platform"])
            account = None
            if t["identity"] is not None:
                account = Account(platform, t["identity"], t["handle"], t["external_id"], t["display_name"])
            targets[t["report_id"]].append(Target(platform, account, t["post_id"], Via(t["via"])))
        return [
            Report(
                row["id"],
                ReportKind(row["kind"]),
                row["text"],
                row["media"],
                ReportStatus(row["status"]),
                row["created_at"],
                tuple(targets[row["id"]]),
            )
            for row in rows
        ]
