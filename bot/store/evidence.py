"""The evidence chain (tables ``evidence_links``, ``evidence_cases``; triggers refuse changes), and the facts a
case's record is made of."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Account
from bot.core.cases import CaseKind, CaseStatus
from bot.core.digest import DigestStatus
from bot.core.evidence import sha256_hex
from bot.store.cases import account_of
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class StoredLink:
    seq: int
    digest_id: int
    period: str
    previous: str
    digest_json: str
    """The link's ``digest.json``: the digest as published (counts below K coarsened), exact text."""
    digest_sha256: str
    manifest: str
    link: str
    created_at: int


@dataclass(frozen=True)
class StoredRecord:
    seq: int
    case_id: int
    decided_at: int
    record: str
    sha256: str


@dataclass(frozen=True)
class UnlinkedDigest:
    digest_id: int
    period: str
    data: str
    published_at: int


@dataclass(frozen=True)
class CaseEvidenceFacts:
    """What a case's record says, read from the tables that never change once written (and the case row)."""

    case_id: int
    kind: CaseKind
    status: CaseStatus
    verdict: str | None
    decided_at: int | None
    representative: str | None
    template_id: int | None
    template_language: str | None
    template_text: str | None
    pdq: str | None
    account_id: int | None
    account: Account | None


def _link(row: Row) -> StoredLink:
    return StoredLink(
        row["seq"],
        row["digest_id"],
        row["period"],
        row["previous"],
        row["digest_json"],
        row["digest_sha256"],
        row["manifest"],
        row["link"],
        row["created_at"],
    )


def _record(row: Row) -> StoredRecord:
    return StoredRecord(row["seq"], row["case_id"], row["decided_at"], row["record"], row["sha256"])


class Evidence:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def links(self) -> list[StoredLink]:
        """Every link, oldest first."""
        return [_link(row) for row in await self._conn.fetch_all("SELECT * FROM evidence_links ORDER BY seq")]

    async def link(self, seq: int) -> StoredLink | None:
        row = await self._conn.fetch_one("SELECT * FROM evidence_links WHERE seq = ?", (seq,))
        return None if row is None else _link(row)

    async def of_period(self, period: str) -> StoredLink | None:
        row = await self._conn.fetch_one("SELECT * FROM evidence_links WHERE period = ?", (period,))
        return None if row is None else _link(row)

    async def of_digest(self, digest_id: int) -> StoredLink | None:
        row = await self._conn.fetch_one("SELECT * FROM evidence_links WHERE digest_id = ?", (digest_id,))
        return None if row is None else _link(row)

    async def latest(self) -> StoredLink | None:
        row = await self._conn.fetch_one("SELECT * FROM evidence_links ORDER BY seq DESC LIMIT 1")
        return None if row is None else _link(row)

    async def add_link(
        self, digest_id: int, period: str, previous: str, digest_json: str, manifest: str, link: str, now: int
    ) -> int:
        """Append a link; its number follows the last one (writers hold the database's one write lock)."""
        seq = int(await self._conn.fetch_value("SELECT COALESCE(MAX(seq), 0) + 1 FROM evidence_links"))
        await self._conn.execute(
            "INSERT INTO evidence_links (seq, digest_id, period, previous, digest_json, digest_sha256, manifest, link, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, digest_id, period, previous, digest_json, sha256_hex(digest_json), manifest, link, now),
        )
        return seq

    async def add_record(self, seq: int, case_id: int, decided_at: int, record: str, sha256: str) -> None:
        await self._conn.execute(
            "INSERT INTO evidence_cases (seq, case_id, decided_at, record, sha256) VALUES (?, ?, ?, ?, ?)",
            (seq, case_id, decided_at, record, sha256),
        )

    async def records_of(self, seq: int) -> list[StoredRecord]:
        rows = await self._conn.fetch_all("SELECT * FROM evidence_cases WHERE seq = ? ORDER BY case_id", (seq,))
        return [_record(row) for row in rows]

    async def record(self, seq: int, case_id: int) -> StoredRecord | None:
        row = await self._conn.fetch_one("SELECT * FROM evidence_cases WHERE seq = ? AND case_id = ?", (seq, case_id))
        return None if row is None else _record(row)

    async def records_of_case(self, case_id: int) -> list[StoredRecord]:
        rows = await self._conn.fetch_all("SELECT * FROM evidence_cases WHERE case_id = ? ORDER BY seq", (case_id,))
        return [_record(row) for row in rows]

    async def digest_data(self, digest_id: int) -> str | None:
        """The digest's frozen JSON as it is stored now (the link's ``digest.json`` must still be its public form)."""
        return await self._conn.fetch_value("SELECT data FROM digests WHERE id = ?", (digest_id,))

    async def unlinked_digests(self) -> list[UnlinkedDigest]:
        """Published digests no link covers yet, in the order they were published."""
        rows = await self._conn.fetch_all(
            "SELECT d.id, d.period, d.data, d.published_at FROM digests d WHERE d.status = ? AND d.data IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM evidence_links l WHERE l.digest_id = d.id) ORDER BY d.published_at, d.id",
            (DigestStatus.PUBLISHED.value,),
        )
        return [UnlinkedDigest(row["id"], row["period"], row["data"], row["published_at"]) for row in rows]

    async def unrecorded_cases(self, through: int) -> list[int]:
        """Cases verified by ``through`` whose verification no link records yet, by number."""
        rows = await self._conn.fetch_all(
            "SELECT c.id FROM cases c WHERE c.status = ? AND c.decided_at <= ? AND NOT EXISTS "
            "(SELECT 1 FROM evidence_cases e WHERE e.case_id = c.id AND e.decided_at = c.decided_at) ORDER BY c.id",
            (CaseStatus.VERIFIED.value, through),
        )
        return [row["id"] for row in rows]

    async def case_facts(self, case_id: int) -> CaseEvidenceFacts | None:
        row = await self._conn.fetch_one(
            "SELECT c.id, c.kind, c.status, c.verdict, c.decided_at, c.account_id, cl.representative, "
            "t.id AS template_id, t.language AS template_language, t.text AS template_text, i.pdq, "
            "a.platform, a.identity, a.handle, a.external_id, a.display_name "
            "FROM cases c LEFT JOIN clusters cl ON cl.id = c.cluster_id "
            "LEFT JOIN templates t ON t.id = COALESCE(c.template_id, cl.template_id) "
            "LEFT JOIN images i ON i.id = c.image_id LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = ?",
            (case_id,),
        )
        if row is None:
            return None
        return CaseEvidenceFacts(
            row["id"],
            CaseKind(row["kind"]),
            CaseStatus(row["status"]),
            row["verdict"],
            row["decided_at"],
            row["representative"],
            row["template_id"],
            row["template_language"],
            row["template_text"],
            row["pdq"],
            row["account_id"],
            None if row["account_id"] is None else account_of(row),
        )

    async def template_text(self, template_id: int) -> tuple[str | None, str] | None:
        """(language, text) of a template, whether or not it is still enabled."""
        row = await self._conn.fetch_one("SELECT language, text FROM templates WHERE id = ?", (template_id,))
        return None if row is None else (row["language"], row["text"])

    async def audit_trail(self, case_id: int, through: int) -> list[tuple[object, ...]]:
        """The case's audit entries up to entry ``through``, every column as stored, oldest first."""
        rows = await self._conn.fetch_all(
            "SELECT id, at, actor_id, action, case_id, subject, before_value, after_value FROM audit_log "
            "WHERE case_id = ? AND id <= ? ORDER BY id",
            (case_id, through),
        )
        return [tuple(row[i] for i in range(8)) for row in rows]

    async def last_audit_entry(self, case_id: int) -> int:
        return int(
            await self._conn.fetch_value("SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE case_id = ?", (case_id,))
        )
