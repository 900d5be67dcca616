"""The moderators' queue read in bulk (bot.service.queue keeps it in memory): every open case's figures in a
handful of queries, for all open cases or only some (those changed since the last read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.cases import CaseKind, CaseStatus
from bot.core.flags import AccountReport
from bot.store.db import Connection, Params, placeholders


@dataclass
class QueueFacts:
    """One open case as the queue needs it, before the flags are worked out."""

    id: int
    kind: CaseKind
    opened_at: int
    claimed_by: int | None
    claimed_at: int | None
    template_id: int | None
    text: str | None
    reports: int = 0
    first_at: int = 0
    last_at: int = 0
    votes: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    """Reports per language."""
    platforms: set[str] = field(default_factory=set)
    accounts: set[int] = field(default_factory=set)
    source_posts: list[tuple[int, int]] = field(default_factory=list)
    """(time, account) of each forwarded or linked post carrying the case's text (bot.core.flags.coordination)."""
    suggestion: bool = False


@dataclass(frozen=True)
class QueueVersion:
    """What changes whenever the queue may have: the latest report, audit entry and case change."""

    report_id: int
    audit_id: int
    case_updated_at: int


class QueueReads:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def version(self) -> QueueVersion:
        row = await self._conn.fetch_one(
            "SELECT (SELECT MAX(id) FROM reports) AS report_id, (SELECT MAX(id) FROM audit_log) AS audit_id, "
            "(SELECT MAX(updated_at) FROM cases) AS updated_at"
        )
        assert row is not None  # a SELECT without FROM yields one row
        return QueueVersion(row["report_id"] or 0, row["audit_id"] or 0, row["updated_at"] or 0)

    async def changed_since(self, seen: QueueVersion) -> set[int]:
        """Cases that may have changed since ``seen``: new reports' cases, cases sharing an account with them (a
        report surge is the account's), cases in newer audit entries, cases updated since."""
        rows = await self._conn.fetch_all(
            "SELECT cr.case_id FROM case_reports cr WHERE cr.report_id > ? "
            "UNION SELECT cr.case_id FROM report_targets t "
            "JOIN report_targets o ON o.account_id = t.account_id JOIN case_reports cr ON cr.report_id = o.report_id "
            "WHERE t.report_id > ? AND t.account_id IS NOT NULL "
            "UNION SELECT case_id FROM audit_log WHERE id > ? AND case_id IS NOT NULL "
            "UNION SELECT id FROM cases WHERE updated_at >= ?",
            (seen.report_id, seen.report_id, seen.audit_id, seen.case_updated_at),
        )
        return {row["case_id"] for row in rows}

    async def open_cases(self, only: Sequence[int] | None = None) -> dict[int, QueueFacts]:
        """Every open case (or those of ``only`` still open) with its figures."""
        scope, params = _scope(only)
        facts: dict[int, QueueFacts] = {}
        for row in await self._conn.fetch_all(
            "SELECT c.id, c.kind, c.opened_at, c.claimed_by, c.claimed_at, "
            "COALESCE(c.template_id, cl.template_id) AS template_id, cl.representative FROM cases c "
            f"LEFT JOIN clusters cl ON cl.id = c.cluster_id WHERE {scope}",
            params,
        ):
            facts[row["id"]] = QueueFacts(
                row["id"],
                CaseKind(row["kind"]),
                row["opened_at"],
                row["claimed_by"],
                row["claimed_at"],
                row["template_id"],
                row["representative"],
            )
        if not facts:
            return facts
        for row in await self._conn.fetch_all(
            "SELECT cr.case_id, r.language, COUNT(*) AS reports, MIN(r.created_at) AS first_at, "
            "MAX(r.created_at) AS last_at FROM cases c JOIN case_reports cr ON cr.case_id = c.id "
            f"JOIN reports r ON r.id = cr.report_id WHERE {scope} GROUP BY cr.case_id, r.language",
            params,
        ):
            case = facts[row["case_id"]]
            case.first_at = min(case.first_at or row["first_at"], row["first_at"])
            case.last_at = max(case.last_at, row["last_at"])
            case.reports += row["reports"]
            if row["language"] is not None:
                case.languages[row["language"]] = row["reports"]
        for row in await self._conn.fetch_all(
            "SELECT cr.case_id, t.platform, t.account_id, t.via, r.created_at FROM cases c "
            "JOIN case_reports cr ON cr.case_id = c.id JOIN reports r ON r.id = cr.report_id "
            f"JOIN report_targets t ON t.report_id = r.id WHERE {scope}",
            params,
        ):
            case = facts[row["case_id"]]
            case.platforms.add(row["platform"])
            if row["account_id"] is not None:
                case.accounts.add(row["account_id"])
                if row["via"] in ("forward", "link"):
                    case.source_posts.append((row["created_at"], row["account_id"]))
        for row in await self._conn.fetch_all(
            "SELECT v.case_id, COUNT(*) AS votes FROM cases c JOIN case_votes v ON v.case_id = c.id "
            f"WHERE {scope} AND v.vote = 'verify' AND v.probation = 0 GROUP BY v.case_id",
            params,
        ):
            facts[row["case_id"]].votes = row["votes"]
        for row in await self._conn.fetch_all(
            "SELECT DISTINCT s.case_id FROM cases c JOIN suggestions s ON s.case_id = c.id "
            f"WHERE {scope} AND s.answer IS NULL",
            params,
        ):
            facts[row["case_id"]].suggestion = True
        untexted = [case.id for case in facts.values() if case.text is None]
        for start in range(0, len(untexted), _CHUNK):
            chunk = untexted[start : start + _CHUNK]
            for row in await self._conn.fetch_all(
                "SELECT cr.case_id, r.text FROM case_reports cr JOIN reports r ON r.id = cr.report_id "
                f"WHERE cr.case_id IN ({placeholders(chunk)}) AND r.matched IS NOT NULL AND r.text IS NOT NULL "
                "ORDER BY r.created_at, r.id",
                chunk,
            ):
                facts[row["case_id"]].text = row["text"]  # the latest wins
        return facts

    async def account_reports(self, account_ids: Sequence[int]) -> dict[int, list[AccountReport]]:
        """Every report naming each account, with its reporter's first-seen time (bot.core.flags.surge_burst)."""
        found: dict[int, list[AccountReport]] = {account_id: [] for account_id in account_ids}
        ids = list(found)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for row in await self._conn.fetch_all(
                "SELECT DISTINCT t.account_id, r.id, r.created_at, r.reporter, p.first_seen_at FROM report_targets t "
                "JOIN reports r ON r.id = t.report_id LEFT JOIN reporters p ON p.pseudonym = r.reporter "
                f"WHERE t.account_id IN ({placeholders(chunk)})",
                chunk,
            ):
                found[row["account_id"]].append(AccountReport(row["created_at"], row["reporter"], row["first_seen_at"]))
        return found


_CHUNK = 500
"""Ids per IN (…) list: well under SQLite's and asyncpg's limits on parameters."""


def _scope(only: Sequence[int] | None) -> tuple[str, Params]:
    if only is None:
        return "c.status = ?", (CaseStatus.OPEN.value,)
    return f"c.status = ? AND c.id IN ({placeholders(only)})", (CaseStatus.OPEN.value, *only)


@dataclass(frozen=True)
class CaseReport:
    """One report of a case as the Mini App's case page shows it: never its reporter."""

    created_at: int
    kind: str
    text: str | None
    matched: str | None
    resemblance: str | None
    score: float | None
    language: str | None


class CaseReads:
    """What a case page adds to the card's view: its reports and its history."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def reports(self, case_id: int, limit: int) -> list[CaseReport]:
        """The case's reports, oldest first (their place in this list is how the page numbers them)."""
        rows = await self._conn.fetch_all(
            "SELECT r.created_at, r.kind, r.text, r.matched, r.resemblance, r.match_score, r.language FROM reports r "
            "JOIN case_reports cr ON cr.report_id = r.id WHERE cr.case_id = ? ORDER BY r.created_at, r.id LIMIT ?",
            (case_id, limit),
        )
        return [
            CaseReport(
                row["created_at"],
                row["kind"],
                row["text"],
                row["matched"],
                row["resemblance"],
                row["match_score"],
                row["language"],
            )
            for row in rows
        ]

    async def history(self, case_id: int, limit: int) -> list[tuple[int, int | None, str, str | None]]:
        """(time, actor, action, the reason if one was written) of the case's audit entries, oldest first."""
        rows = await self._conn.fetch_all(
            "SELECT at, actor_id, action, after_value FROM audit_log WHERE case_id = ? ORDER BY id LIMIT ?",
            (case_id, limit),
        )
        return [(row["at"], row["actor_id"], row["action"], row["after_value"]) for row in rows]
