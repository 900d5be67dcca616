"""What the public site reads: the published campaigns in bulk, one campaign's details, published digests.

A case is public when it is verified and, with ``in_chain``, once a published digest's evidence link covers
its current decision (table ``evidence_cases``, one row per link and case: a case reopened and verified again
has a new ``decided_at`` and waits for the next link). Only text and picture cases, and account cases verified
as campaign accounts, are candidates; the service drops an account case whose account is protected or has no
public link. Nothing here reads who reported or who voted.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Account
from bot.core.cases import CaseKind, CaseStatus, Verdict
from bot.store.cases import PostTarget, account_of, post_of
from bot.store.db import Connection, Row

_CANDIDATE = (
    f"(c.kind IN ('{CaseKind.CLUSTER.value}', '{CaseKind.IMAGE.value}') "
    f"OR (c.kind = '{CaseKind.ACCOUNT.value}' AND c.verdict = '{Verdict.CAMPAIGN_ACCOUNT.value}'))"
)
_VERIFIED = f"c.status = '{CaseStatus.VERIFIED.value}'"
_IN_CHAIN = "EXISTS (SELECT 1 FROM evidence_cases e WHERE e.case_id = c.id AND e.decided_at = c.decided_at)"


_REPORTS = "FROM case_reports cr JOIN reports r ON r.id = cr.report_id JOIN cases c ON c.id = cr.case_id"
_TARGETS = f"{_REPORTS} JOIN report_targets t ON t.report_id = r.id"


def _grouped(rows: list[Row]) -> dict[int, tuple[str, ...]]:
    """{case: (value, …)} from (case, value) rows, in their order."""
    found: dict[int, tuple[str, ...]] = {}
    for row in rows:
        found[row[0]] = (*found.get(row[0], ()), row[1])
    return found


def _public(in_chain: bool) -> str:
    """The WHERE condition of a public case ``c``."""
    return f"{_VERIFIED} AND {_CANDIDATE}" + (f" AND {_IN_CHAIN}" if in_chain else "")


@dataclass(frozen=True)
class PublicCase:
    """A public case with what lists and search need."""

    case_id: int
    kind: CaseKind
    decided_at: int
    updated_at: int
    template_id: int | None
    template_text: str | None
    """In the template syntax."""
    template_language: str | None
    family_key: str | None
    """The template family's key (its family, else "#<template id>"), for its labels and texts."""
    representative: str | None
    """The cluster's representative text (a text case)."""
    account_id: int | None
    account: Account | None
    """An account case's account."""
    protected: bool
    reports: int
    first_seen_at: int
    last_seen_at: int


@dataclass(frozen=True)
class FamilyTemplate:
    family_key: str
    language: str | None
    text: str
    """In the template syntax."""


@dataclass(frozen=True)
class EvidenceMark:
    """A chain link that recorded a case (bot.core.evidence): its number, week, link, and the record's SHA-256."""

    seq: int
    period: str
    link: str
    record_sha256: str


@dataclass(frozen=True)
class PublishedDigest:
    period: str
    start: int
    end: int
    published_at: int
    data: str
    """The frozen JSON, as published."""


class PublicRecords:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def version(self) -> tuple[object, ...]:
        """What changes whenever anything the site shows may have: a cheap read (indexes only, mostly)."""
        row = await self._conn.fetch_one(
            "SELECT (SELECT COUNT(*) FROM cases WHERE status = ?), (SELECT SUM(id) FROM cases WHERE status = ?), "
            "(SELECT MAX(updated_at) FROM cases WHERE status = ?), (SELECT COUNT(*) FROM protected_accounts), "
            "(SELECT COUNT(*) FROM digests WHERE status = 'published'), (SELECT MAX(set_at) FROM template_labels), "
            "(SELECT COUNT(*) FROM templates WHERE enabled = 1), (SELECT MAX(id) FROM templates), "
            "(SELECT COUNT(*) FROM evidence_links)",
            (CaseStatus.VERIFIED.value,) * 3,
        )
        assert row is not None  # scalar subqueries: always one row
        return tuple(row[i] for i in range(9))

    async def cases(self, in_chain: bool) -> list[PublicCase]:
        """Every public case (before the account checks), oldest decision first."""
        rows = await self._conn.fetch_all(
            "SELECT c.id, c.kind, c.decided_at, c.updated_at, t.id AS template_id, t.text AS template_text, "
            "t.language AS template_language, COALESCE(t.family, '#' || CAST(t.id AS TEXT)) AS family_key, "
            "cl.representative, c.account_id, a.platform, a.identity, a.handle, a.external_id, a.display_name, "
            "p.account_id AS protected, s.reports, s.first_at, s.last_at "
            "FROM cases c LEFT JOIN clusters cl ON cl.id = c.cluster_id "
            "LEFT JOIN templates t ON t.id = COALESCE(c.template_id, cl.template_id) "
            "LEFT JOIN accounts a ON a.id = c.account_id "
            "LEFT JOIN protected_accounts p ON p.account_id = c.account_id "
            "LEFT JOIN (SELECT cr.case_id, COUNT(*) AS reports, MIN(r.created_at) AS first_at, "
            f"MAX(r.created_at) AS last_at {_REPORTS} WHERE {_public(in_chain)} GROUP BY cr.case_id) s "
            "ON s.case_id = c.id "
            f"WHERE {_public(in_chain)} ORDER BY c.decided_at, c.id"
        )
        return [
            PublicCase(
                row["id"],
                CaseKind(row["kind"]),
                int(row["decided_at"] or 0),
                int(row["updated_at"]),
                row["template_id"],
                row["template_text"],
                row["template_language"],
                row["family_key"] if row["template_id"] is not None else None,
                row["representative"],
                row["account_id"],
                None if row["account_id"] is None else account_of(row),
                row["protected"] is not None,
                int(row["reports"] or 0),
                int(row["first_at"] or 0),
                int(row["last_at"] or 0),
            )
            for row in rows
        ]

    async def languages(self, in_chain: bool) -> dict[int, tuple[str, ...]]:
        """The languages of each public case's reports."""
        rows = await self._conn.fetch_all(
            f"SELECT DISTINCT cr.case_id, r.language {_REPORTS} WHERE {_public(in_chain)} AND r.language IS NOT NULL "
            "ORDER BY 1, 2"
        )
        return _grouped(rows)

    async def family_templates(self) -> list[FamilyTemplate]:
        """Every enabled template that has a language, oldest first, with its family's key."""
        rows = await self._conn.fetch_all(
            "SELECT COALESCE(family, '#' || CAST(id AS TEXT)) AS family_key, language, text FROM templates "
            "WHERE enabled = 1 ORDER BY id"
        )
        return [FamilyTemplate(row["family_key"], row["language"], row["text"]) for row in rows]

    async def protected_accounts(self) -> dict[int, Account]:
        rows = await self._conn.fetch_all(
            "SELECT a.id, a.platform, a.identity, a.handle, a.external_id, a.display_name FROM protected_accounts p "
            "JOIN accounts a ON a.id = p.account_id"
        )
        return {row["id"]: account_of(row) for row in rows}

    # ---- what a campaign's page shows, for every public case at once ----

    async def report_times(self, in_chain: bool) -> dict[int, list[int]]:
        rows = await self._conn.fetch_all(f"SELECT cr.case_id, r.created_at {_REPORTS} WHERE {_public(in_chain)}")
        found: dict[int, list[int]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(int(row[1]))
        return found

    async def platforms(self, in_chain: bool) -> dict[int, tuple[str, ...]]:
        rows = await self._conn.fetch_all(
            f"SELECT DISTINCT cr.case_id, t.platform {_TARGETS} WHERE {_public(in_chain)} ORDER BY 1, 2"
        )
        return _grouped(rows)

    async def verify_votes(self, in_chain: bool) -> dict[int, int]:
        rows = await self._conn.fetch_all(
            "SELECT v.case_id, COUNT(*) FROM case_votes v JOIN cases c ON c.id = v.case_id "
            f"WHERE v.vote = 'verify' AND {_public(in_chain)} GROUP BY v.case_id"
        )
        return {row[0]: int(row[1]) for row in rows}

    async def accounts_named(self, in_chain: bool) -> dict[int, int]:
        """How many accounts each public case's reports name (posted, mentioned, hidden or protected)."""
        rows = await self._conn.fetch_all(
            f"SELECT cr.case_id, COUNT(DISTINCT t.account_id) {_TARGETS} WHERE {_public(in_chain)} GROUP BY cr.case_id"
        )
        return {row[0]: int(row[1]) for row in rows}

    async def campaign_accounts(self, in_chain: bool) -> list[tuple[int, int, Account]]:
        """(case, account id, account) for the accounts shown to have posted each public case: the sources of its
        forwarded or linked posts (a text case), or an account case's own account (CaseArchive.campaign_accounts'
        rule, for all cases at once)."""
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT cr.case_id, a.id, a.platform, a.identity, a.handle, a.external_id, a.display_name "
            f"{_TARGETS} JOIN accounts a ON a.id = t.account_id WHERE {_public(in_chain)} "
            f"AND c.kind = '{CaseKind.CLUSTER.value}' AND t.via IN ('forward', 'link') "
            "UNION SELECT c.id, a.id, a.platform, a.identity, a.handle, a.external_id, a.display_name FROM cases c "
            f"JOIN accounts a ON a.id = c.account_id WHERE {_public(in_chain)} AND c.kind = '{CaseKind.ACCOUNT.value}' "
            "ORDER BY 1, 3, 4"
        )
        return [(row[0], row[1], account_of(row)) for row in rows]

    async def posts(self, in_chain: bool) -> list[tuple[int, PostTarget]]:
        """(case, post) for the posts each public case's reports forwarded or linked, earliest report first."""
        rows = await self._conn.fetch_all(
            "SELECT cr.case_id, t.platform AS post_platform, t.post_id, t.account_id, a.platform, a.identity, "
            f"a.handle, a.external_id, a.display_name {_TARGETS} LEFT JOIN accounts a ON a.id = t.account_id "
            f"WHERE {_public(in_chain)} AND t.post_id IS NOT NULL AND t.via IN ('forward', 'link') "
            "ORDER BY cr.case_id, r.created_at, r.id, t.position"
        )
        return [(row["case_id"], post_of(row)) for row in rows]

    async def source_posts(self, in_chain: bool) -> dict[int, list[tuple[int, int]]]:
        """(time, source account) of each forwarded or linked post of each public text case (for its flag)."""
        rows = await self._conn.fetch_all(
            f"SELECT cr.case_id, r.created_at, t.account_id {_TARGETS} WHERE {_public(in_chain)} "
            f"AND c.kind = '{CaseKind.CLUSTER.value}' AND t.via IN ('forward', 'link') AND t.account_id IS NOT NULL"
        )
        found: dict[int, list[tuple[int, int]]] = {}
        for row in rows:
            found.setdefault(row[0], []).append((int(row[1]), int(row[2])))
        return found

    async def picture_hashes(self, in_chain: bool) -> dict[int, tuple[str, ...]]:
        """The distinct PDQ hashes of the photos each public case's reports carried, oldest first."""
        rows = await self._conn.fetch_all(
            "SELECT cr.case_id, ri.pdq, MIN(ri.report_id) AS first FROM report_images ri "
            "JOIN case_reports cr ON cr.report_id = ri.report_id JOIN cases c ON c.id = cr.case_id "
            f"WHERE ri.image_id IS NOT NULL AND {_public(in_chain)} GROUP BY cr.case_id, ri.pdq ORDER BY 1, 3"
        )
        return _grouped(rows)

    async def evidence(self, in_chain: bool) -> list[tuple[int, EvidenceMark]]:
        """(case, the chain link that recorded it) for each public case, oldest link first."""
        rows = await self._conn.fetch_all(
            "SELECT e.case_id, e.seq, l.period, l.link, e.sha256 FROM evidence_cases e "
            f"JOIN evidence_links l ON l.seq = e.seq JOIN cases c ON c.id = e.case_id WHERE {_public(in_chain)} "
            "ORDER BY e.case_id, e.seq"
        )
        return [(row[0], EvidenceMark(row[1], row[2], row[3], row[4])) for row in rows]

    async def published_digests(self) -> list[PublishedDigest]:
        """Every published digest, the latest week first."""
        rows = await self._conn.fetch_all(
            "SELECT period, period_start, period_end, published_at, data FROM digests "
            "WHERE status = 'published' AND data IS NOT NULL ORDER BY period DESC"
        )
        return [
            PublishedDigest(row["period"], row["period_start"], row["period_end"], row["published_at"], row["data"])
            for row in rows
        ]
