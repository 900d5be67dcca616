"""Cases, the reports in them and moderators' votes (tables ``cases``, ``case_reports``, ``case_votes``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Account, Platform
from bot.core.cases import AccountCount, CaseKind, CaseRecord, CaseStatus, RejectReason, Verdict
from bot.core.flags import AccountReport
from bot.core.matcher import Resemblance
from bot.core.reports import ReportKind, ReportStatus
from bot.store.db import Connection, Row, placeholders


@dataclass(frozen=True)
class CaseTotals:
    reports: int
    reporters: int
    first_seen_at: int
    last_seen_at: int
    generic_reports: int
    languages: tuple[str, ...]
    platforms: tuple[Platform, ...]
    resemblances: tuple[tuple[Resemblance, int], ...]


def _case(row: Row) -> CaseRecord:
    return CaseRecord(
        row["id"],
        CaseKind(row["kind"]),
        CaseStatus(row["status"]),
        row["cluster_id"],
        row["account_id"],
        row["opened_at"],
        row["updated_at"],
        None if row["reason_code"] is None else RejectReason(row["reason_code"]),
        row["reason"],
        row["decided_at"],
        row["decided_by"],
        row["template_id"],
        row["card_chat_id"],
        row["card_message_id"],
        None if row["verdict"] is None else Verdict(row["verdict"]),
        row["claimed_by"],
        row["claimed_at"],
        row["joined_case_id"],
        row["image_id"],
    )


def account_of(row: Row) -> Account:
    return Account(Platform(row["platform"]), row["identity"], row["handle"], row["external_id"], row["display_name"])


def post_of(row: Row) -> PostTarget:
    """A forwarded or linked post from a row of ``post_platform``, ``post_id``, ``account_id`` and the account."""
    return PostTarget(
        Platform(row["post_platform"]),
        row["post_id"],
        row["account_id"],
        None if row["account_id"] is None else account_of(row),
    )


_IN_CASE = "JOIN case_reports cr ON cr.report_id = r.id WHERE cr.case_id = ?"


class Cases:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def of_cluster(self, cluster_id: int) -> int | None:
        return await self._conn.fetch_value("SELECT id FROM cases WHERE cluster_id = ?", (cluster_id,))

    async def of_account(self, account_id: int) -> int | None:
        return await self._conn.fetch_value("SELECT id FROM cases WHERE account_id = ?", (account_id,))

    async def of_image(self, image_id: int) -> int | None:
        return await self._conn.fetch_value("SELECT id FROM cases WHERE image_id = ?", (image_id,))

    async def naming_accounts(self, account_ids: list[int], *, besides: int, limit: int = 5) -> list[int]:
        """The cases (other than ``besides``, none joined into another) whose reports name these accounts."""
        if not account_ids:
            return []
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT cr.case_id FROM report_targets t JOIN case_reports cr ON cr.report_id = t.report_id "
            f"JOIN cases c ON c.id = cr.case_id WHERE t.account_id IN ({placeholders(account_ids)}) "
            "AND c.id <> ? AND c.status <> ? ORDER BY cr.case_id LIMIT ?",
            (*account_ids, besides, CaseStatus.JOINED.value, limit),
        )
        return [row[0] for row in rows]

    async def create(
        self,
        kind: CaseKind,
        now: int,
        *,
        cluster_id: int | None = None,
        account_id: int | None = None,
        image_id: int | None = None,
    ) -> int:
        case_id = await self._conn.next_id("cases")
        await self._conn.execute(
            "INSERT INTO cases (id, kind, cluster_id, account_id, image_id, status, opened_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, kind.value, cluster_id, account_id, image_id, CaseStatus.OPEN.value, now, now),
        )
        return case_id

    async def attach(self, case_id: int, report_id: int, now: int) -> None:
        await self._conn.execute(
            "INSERT INTO case_reports (case_id, report_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (case_id, report_id)
        )
        await self._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (now, case_id))

    async def get(self, case_id: int) -> CaseRecord | None:
        row = await self._conn.fetch_one("SELECT * FROM cases WHERE id = ?", (case_id,))
        return None if row is None else _case(row)

    async def decide(
        self,
        case_id: int,
        status: CaseStatus,
        by: int,
        now: int,
        *,
        reason_code: RejectReason | None = None,
        reason: str | None = None,
        verdict: Verdict | None = None,
    ) -> None:
        """Close the case, and mark its reports with the outcome."""
        await self._conn.execute(
            "UPDATE cases SET status = ?, reason_code = ?, reason = ?, verdict = ?, decided_at = ?, decided_by = ?, "
            "updated_at = ?, claimed_by = NULL, claimed_at = NULL WHERE id = ?",
            (
                status.value,
                None if reason_code is None else reason_code.value,
                reason,
                None if verdict is None else verdict.value,
                now,
                by,
                now,
                case_id,
            ),
        )
        await self._mark_reports(case_id, ReportStatus(status.value))

    async def reopen(self, case_id: int, now: int, *, keep_votes: bool = False) -> None:
        """Open a decided case again; its votes are cleared unless a reject is being undone."""
        await self._conn.execute(
            "UPDATE cases SET status = ?, reason_code = NULL, reason = NULL, verdict = NULL, decided_at = NULL, "
            "decided_by = NULL, updated_at = ? WHERE id = ?",
            (CaseStatus.OPEN.value, now, case_id),
        )
        if not keep_votes:
            await self._conn.execute("DELETE FROM case_votes WHERE case_id = ?", (case_id,))
        await self._mark_reports(case_id, ReportStatus.RECEIVED)

    async def join(self, case_id: int, into_case_id: int, by: int, now: int) -> None:
        """Move the case's reports into another case and close it as JOINED (a confirmed suggestion)."""
        await self._conn.execute(
            "INSERT INTO case_reports (case_id, report_id) SELECT ?, report_id FROM case_reports WHERE case_id = ? "
            "ON CONFLICT DO NOTHING",
            (into_case_id, case_id),
        )
        await self._conn.execute("DELETE FROM case_reports WHERE case_id = ?", (case_id,))
        await self._conn.execute(
            "UPDATE cases SET status = ?, joined_case_id = ?, decided_at = ?, decided_by = ?, updated_at = ?, "
            "claimed_by = NULL, claimed_at = NULL WHERE id = ?",
            (CaseStatus.JOINED.value, into_case_id, now, by, now, case_id),
        )
        await self._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (now, into_case_id))

    async def claim(self, case_id: int, moderator_id: int | None, now: int | None) -> None:
        """Mark the moderator working on the case (None releases it)."""
        await self._conn.execute(
            "UPDATE cases SET claimed_by = ?, claimed_at = ? WHERE id = ?", (moderator_id, now, case_id)
        )

    async def _mark_reports(self, case_id: int, status: ReportStatus) -> None:
        await self._conn.execute(
            "UPDATE reports SET status = ? WHERE id IN (SELECT report_id FROM case_reports WHERE case_id = ?)",
            (status.value, case_id),
        )

    async def set_card(self, case_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE cases SET card_chat_id = ?, card_message_id = ? WHERE id = ?", (chat_id, message_id, case_id)
        )

    async def set_template(self, case_id: int, template_id: int) -> None:
        await self._conn.execute("UPDATE cases SET template_id = ? WHERE id = ?", (template_id, case_id))

    async def without_card(self) -> list[int]:
        rows = await self._conn.fetch_all(
            "SELECT id FROM cases WHERE status = ? AND card_message_id IS NULL ORDER BY id", (CaseStatus.OPEN.value,)
        )
        return [row["id"] for row in rows]

    # ---- votes ----

    async def verify_votes(self, case_id: int) -> list[tuple[int, bool]]:
        """The moderators who voted to verify, in the order they voted, and whether each voted on probation."""
        rows = await self._conn.fetch_all(
            "SELECT moderator_id, probation FROM case_votes WHERE case_id = ? AND vote = 'verify' "
            "ORDER BY voted_at, moderator_id",
            (case_id,),
        )
        return [(row["moderator_id"], bool(row["probation"])) for row in rows]

    async def put_vote(self, case_id: int, moderator_id: int, now: int, *, probation: bool = False) -> None:
        """A verify vote; ``probation``: cast by a moderator on probation, so it never counts."""
        await self._conn.execute(
            "INSERT INTO case_votes (case_id, moderator_id, vote, voted_at, probation) VALUES (?, ?, 'verify', ?, ?) "
            "ON CONFLICT (case_id, moderator_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at, "
            "probation = excluded.probation",
            (case_id, moderator_id, now, int(probation)),
        )

    async def drop_vote(self, case_id: int, moderator_id: int) -> bool:
        return (
            await self._conn.execute(
                "DELETE FROM case_votes WHERE case_id = ? AND moderator_id = ?", (case_id, moderator_id)
            )
            > 0
        )

    # ---- what is in a case ----

    async def totals(self, case_id: int) -> CaseTotals:
        row = await self._conn.fetch_one(
            "SELECT COUNT(*) AS reports, COUNT(DISTINCT r.reporter) AS reporters, MIN(r.created_at) AS first_at, "
            "MAX(r.created_at) AS last_at, SUM(CASE WHEN r.matched = 'generic' THEN 1 ELSE 0 END) AS generic "
            f"FROM reports r {_IN_CASE}",
            (case_id,),
        )
        assert row is not None  # an aggregate without GROUP BY always yields one row
        languages = await self._conn.fetch_all(
            f"SELECT DISTINCT r.language FROM reports r {_IN_CASE} AND r.language IS NOT NULL ORDER BY r.language",
            (case_id,),
        )
        platforms = await self._conn.fetch_all(
            "SELECT DISTINCT t.platform FROM report_targets t JOIN case_reports cr ON cr.report_id = t.report_id "
            "WHERE cr.case_id = ? ORDER BY t.platform",
            (case_id,),
        )
        resemblances = await self._conn.fetch_all(
            f"SELECT r.resemblance, COUNT(*) AS reports FROM reports r {_IN_CASE} AND r.resemblance IS NOT NULL "
            "GROUP BY r.resemblance",
            (case_id,),
        )
        return CaseTotals(
            int(row["reports"]),
            int(row["reporters"]),
            int(row["first_at"] or 0),
            int(row["last_at"] or 0),
            int(row["generic"] or 0),
            tuple(r["language"] for r in languages),
            tuple(Platform(r["platform"]) for r in platforms),
            tuple(
                sorted(
                    ((Resemblance(r["resemblance"]), int(r["reports"])) for r in resemblances),
                    key=lambda item: list(Resemblance).index(item[0]),
                )
            ),
        )

    async def text(self, case_id: int) -> str | None:
        """The cluster's representative text, else the latest text that was matched (not a bare link)."""
        value = await self._conn.fetch_value(
            "SELECT cl.representative FROM cases c JOIN clusters cl ON cl.id = c.cluster_id WHERE c.id = ?", (case_id,)
        )
        if value is not None:
            return value
        return await self._conn.fetch_value(
            f"SELECT r.text FROM reports r {_IN_CASE} AND r.matched IS NOT NULL ORDER BY r.created_at DESC, r.id DESC "
            "LIMIT 1",
            (case_id,),
        )

    async def accounts(self, case_id: int, limit: int) -> list[AccountCount]:
        """The accounts the case's reports name, most reported first."""
        rows = await self._conn.fetch_all(
            "SELECT a.id, a.platform, a.identity, a.handle, a.external_id, a.display_name, "
            "COUNT(DISTINCT t.report_id) AS reports "
            "FROM report_targets t JOIN case_reports cr ON cr.report_id = t.report_id "
            "JOIN accounts a ON a.id = t.account_id WHERE cr.case_id = ? "
            "GROUP BY a.id, a.platform, a.identity, a.handle, a.external_id, a.display_name "
            "ORDER BY reports DESC, a.id LIMIT ?",
            (case_id, limit),
        )
        return [AccountCount(row["id"], account_of(row), int(row["reports"])) for row in rows]

    async def count_accounts(self, case_id: int) -> int:
        return int(
            await self._conn.fetch_value(
                "SELECT COUNT(DISTINCT t.account_id) FROM report_targets t "
                "JOIN case_reports cr ON cr.report_id = t.report_id "
                "WHERE cr.case_id = ?",
                (case_id,),
            )
        )

    async def campaign_evidence(self, account_id: int) -> int | None:
        """A verified text case whose text this account posted (a forward of its post, or a link to it)."""
        return await self._conn.fetch_value(
            "SELECT MIN(c.id) FROM cases c JOIN case_reports cr ON cr.case_id = c.id "
            "JOIN report_targets t ON t.report_id = cr.report_id "
            "WHERE c.status = ? AND c.kind = ? AND t.account_id = ? AND t.via IN ('forward', 'link')",
            (CaseStatus.VERIFIED.value, CaseKind.CLUSTER.value, account_id),
        )

    async def in_verified_campaign(self, account_id: int) -> bool:
        """The account posted a verified campaign's text, or was itself verified as a campaign account."""
        if await self.campaign_evidence(account_id) is not None:
            return True
        return (
            await self._conn.fetch_value(
                "SELECT 1 FROM cases WHERE account_id = ? AND status = ? AND verdict = ?",
                (account_id, CaseStatus.VERIFIED.value, Verdict.CAMPAIGN_ACCOUNT.value),
            )
            is not None
        )

    async def reports_since(self, account_id: int, since: int) -> int:
        """Reports naming the account made at or after a time."""
        return int(
            await self._conn.fetch_value(
                "SELECT COUNT(DISTINCT r.id) FROM reports r JOIN report_targets t ON t.report_id = r.id "
                "WHERE t.account_id = ? AND r.created_at >= ?",
                (account_id, since),
            )
        )

    async def source_posts(self, case_id: int) -> list[tuple[int, int]]:
        """(time, source account) of each forwarded or linked post carrying the case's text."""
        rows = await self._conn.fetch_all(
            "SELECT r.created_at, t.account_id FROM reports r JOIN report_targets t ON t.report_id = r.id "
            f"{_IN_CASE} AND t.via IN ('forward', 'link') AND t.account_id IS NOT NULL",
            (case_id,),
        )
        return [(row["created_at"], row["account_id"]) for row in rows]

    async def account_reports(self, account_id: int) -> list[AccountReport]:
        """Every report naming the account, with its reporter's first-seen time."""
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT r.id, r.created_at, r.reporter, p.first_seen_at FROM report_targets t "
            "JOIN reports r ON r.id = t.report_id LEFT JOIN reporters p ON p.pseudonym = r.reporter "
            "WHERE t.account_id = ?",
            (account_id,),
        )
        return [AccountReport(row["created_at"], row["reporter"], row["first_seen_at"]) for row in rows]

    async def earlier_targets(self, reporters: list[str], before: int, except_account: int) -> dict[str, set[int]]:
        """The other accounts each reporter reported before a time."""
        found: dict[str, set[int]] = {r: set() for r in reporters}
        if not reporters:
            return found
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT r.reporter, t.account_id FROM reports r JOIN report_targets t ON t.report_id = r.id "
            f"WHERE r.reporter IN ({placeholders(reporters)}) AND r.created_at < ? AND t.account_id IS NOT NULL "
            "AND t.account_id <> ?",
            (*reporters, before, except_account),
        )
        for row in rows:
            found[row["reporter"]].add(row["account_id"])
        return found

    async def rejected_with_account(self, account_id: int, except_case: int) -> int | None:
        """The latest other rejected case that named this account."""
        return await self._conn.fetch_value(
            "SELECT MAX(c.id) FROM cases c JOIN case_reports cr ON cr.case_id = c.id "
            "JOIN report_targets t ON t.report_id = cr.report_id "
            "WHERE c.status = ? AND c.id <> ? AND t.account_id = ?",
            (CaseStatus.REJECTED.value, except_case, account_id),
        )

    async def report_ids(self, case_id: int, limit: int) -> list[int]:
        rows = await self._conn.fetch_all(
            f"SELECT r.id FROM reports r {_IN_CASE} ORDER BY r.created_at DESC, r.id DESC LIMIT ?", (case_id, limit)
        )
        return [row["id"] for row in rows]

    # ---- the queue ----

    async def open_by_reporters(self, limit: int) -> list[int]:
        """Open cases, the most distinct reporters first, then the longest waiting."""
        rows = await self._conn.fetch_all(
            "SELECT c.id, COUNT(DISTINCT r.reporter) AS reporters, MIN(c.opened_at) AS opened FROM cases c "
            "JOIN case_reports cr ON cr.case_id = c.id JOIN reports r ON r.id = cr.report_id "
            "WHERE c.status = ? GROUP BY c.id ORDER BY reporters DESC, opened, c.id LIMIT ?",
            (CaseStatus.OPEN.value, limit),
        )
        return [row["id"] for row in rows]

    async def count_open(self) -> int:
        return int(
            await self._conn.fetch_value("SELECT COUNT(*) FROM cases WHERE status = ?", (CaseStatus.OPEN.value,))
        )


@dataclass(frozen=True)
class PostTarget:
    """A post a report forwarded or linked, and the account it came from when known."""

    platform: Platform
    post_id: str
    account_id: int | None
    account: Account | None


class CaseArchive:
    """Verified cases for researchers and the digest: which, the distinct texts reported in each, the accounts
    that posted them and the posts."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def verified_since(self, since: int) -> list[int]:
        rows = await self._conn.fetch_all(
            "SELECT id FROM cases WHERE status = ? AND decided_at >= ? ORDER BY decided_at, id",
            (CaseStatus.VERIFIED.value, since),
        )
        return [row["id"] for row in rows]

    async def texts(self, case_id: int, limit: int) -> list[tuple[str, ReportKind, bool]]:
        """The distinct texts of the case's placed reports, oldest first, each with its report's kind and whether
        the report was placed by what it quotes."""
        rows = await self._conn.fetch_all(
            f"SELECT r.text, r.kind, r.by_quotation, MIN(r.id) AS first FROM reports r {_IN_CASE} "
            "AND r.matched IS NOT NULL AND r.text IS NOT NULL GROUP BY r.text, r.kind, r.by_quotation "
            "ORDER BY first LIMIT ?",
            (case_id, limit),
        )
        return [(row["text"], ReportKind(row["kind"]), bool(row["by_quotation"])) for row in rows]

    async def campaign_accounts(self, start: int, end: int, case_id: int | None = None) -> list[tuple[int, Account]]:
        """The accounts shown to have posted campaign content, in verified cases' reports made in [start, end)
        (of one case, or of all): sources of forwarded or linked posts in text cases, and the account of an
        account case verified as a campaign account. Accounts only @mentioned in a report are not among them."""
        verified = (
            "FROM reports r JOIN case_reports cr ON cr.report_id = r.id JOIN cases c ON c.id = cr.case_id "
            "WHERE c.status = ? AND r.created_at >= ? AND r.created_at < ? AND (CAST(? AS BIGINT) IS NULL OR c.id = ?)"
        )
        params = (CaseStatus.VERIFIED.value, start, end, case_id, case_id)
        rows = await self._conn.fetch_all(
            "SELECT a.id, a.platform, a.identity, a.handle, a.external_id, a.display_name FROM accounts a "
            "WHERE a.id IN (SELECT t.account_id FROM report_targets t WHERE t.via IN ('forward', 'link') "
            f"AND t.report_id IN (SELECT r.id {verified} AND c.kind = ?)) "
            f"OR a.id IN (SELECT c.account_id {verified} AND c.kind = ? AND c.verdict = ?) "
            "ORDER BY a.platform, a.identity",
            (*params, CaseKind.CLUSTER.value, *params, CaseKind.ACCOUNT.value, Verdict.CAMPAIGN_ACCOUNT.value),
        )
        return [(row["id"], account_of(row)) for row in rows]

    async def posts(self, case_id: int) -> list[PostTarget]:
        """The posts the case's reports forwarded or linked, earliest report first."""
        rows = await self._conn.fetch_all(
            "SELECT t.platform AS post_platform, t.post_id, t.account_id, a.platform, a.identity, a.handle, "
            "a.external_id, a.display_name FROM reports r JOIN report_targets t ON t.report_id = r.id "
            f"LEFT JOIN accounts a ON a.id = t.account_id {_IN_CASE} AND t.post_id IS NOT NULL "
            "AND t.via IN ('forward', 'link') ORDER BY r.created_at, r.id, t.position",
            (case_id,),
        )
        return [post_of(row) for row in rows]
