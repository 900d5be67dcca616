"""Use cases of the evidence chain: extend it when a digest is published, read it for the public site, and
check it against the database (`kuzet verify-chain`).

A link's files (see bot.core.evidence) are served by the site at ``/chain/<seq>/SHA256SUMS``,
``/chain/<seq>/previous``, ``/chain/<seq>/digest.json`` and ``/chain/<seq>/cases/<case_id>.json``.

A case's record holds what moderators verified and what never changes honestly afterwards: the cluster's
representative text when no template covers the case (since record format 2), the template it matched (id,
language, text), the picture's PDQ hash, the account as it
was named, the verdict, when and by how many votes (below SMALL_COUNT_K only "<K"), and a seal of the case's
audit trail so far. The seal is an HMAC under the installation's key: it names no moderator, yet
`kuzet verify-chain` can tell when a decision in the audit log was changed afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.cases import CaseKind, Verdict
from bot.core.digest import citable
from bot.core.evidence import (
    GENESIS,
    RECORD_FORMAT,
    ChainLink,
    LinkFiles,
    canonical,
    public_digest_json,
    record_changes,
    recorded_text,
    sha256_hex,
)
from bot.core.small_counts import coarse
from bot.store import Store, Tx
from bot.store.evidence import CaseEvidenceFacts, StoredLink

Seal = Callable[[str], str]
"""An HMAC of a text under the installation's key (bot.pseudonyms.Pseudonymizer.seal)."""


@dataclass(frozen=True)
class ChainCheck:
    links: int
    cases: int
    problems: tuple[str, ...]

    @property
    def holds(self) -> bool:
        return not self.problems


async def extend_chain(tx: Tx, now: int, seal: Seal, small_count_k: int) -> list[int]:
    """Add a link for each published digest that has none yet (in the order they were published), each recording
    the verified cases no earlier link covers; returns the new links' numbers. Runs in the publishing transaction."""
    added: list[int] = []
    for digest in await tx.evidence.unlinked_digests():
        latest = await tx.evidence.latest()
        records: dict[int, tuple[int, str]] = {}
        for case_id in await tx.evidence.unrecorded_cases(digest.published_at):
            facts = await tx.evidence.case_facts(case_id)
            if facts is not None and facts.decided_at is not None and await _publishable(tx, facts):
                record = await _record(tx, facts, await tx.evidence.last_audit_entry(case_id), seal, small_count_k)
                records[case_id] = (facts.decided_at, canonical(record))
        files = LinkFiles(
            GENESIS if latest is None else latest.link,
            public_digest_json(digest.data),
            {case_id: text for case_id, (_, text) in records.items()},
        )
        seq = await tx.evidence.add_link(
            digest.digest_id, digest.period, files.previous, files.digest_json, files.sums(), files.link(), now
        )
        for case_id, (decided_at, text) in records.items():
            await tx.evidence.add_record(seq, case_id, decided_at, text, sha256_hex(text))
        added.append(seq)
    return added


async def _publishable(tx: Tx, facts: CaseEvidenceFacts) -> bool:
    """Text and picture cases; an account case only when verified as a campaign account whose account has a
    public link and is not protected (the digest's rule)."""
    if facts.kind in (CaseKind.CLUSTER, CaseKind.IMAGE):
        return True
    return (
        facts.verdict == Verdict.CAMPAIGN_ACCOUNT
        and facts.account is not None
        and facts.account_id is not None
        and citable(facts.account) is not None
        and not await tx.protected.among([facts.account_id])
    )


async def _record(tx: Tx, facts: CaseEvidenceFacts, through: int, seal: Seal, small_count_k: int) -> dict[str, Any]:
    named = None if facts.account is None else citable(facts.account)
    return {
        "format": RECORD_FORMAT,
        "case": facts.case_id,
        "kind": facts.kind.value,
        "verdict": facts.verdict,
        "verified_at": facts.decided_at,
        "votes": coarse(len(await tx.cases.verify_votes(facts.case_id)), small_count_k),
        "text": recorded_text(facts.representative, RECORD_FORMAT, facts.template_id is not None),
        "template": None
        if facts.template_id is None
        else {"id": facts.template_id, "language": facts.template_language, "text": facts.template_text},
        "pdq": facts.pdq,
        "account": None if named is None else {"platform": named.platform, "name": named.label, "link": named.link},
        "decisions": await _decisions(tx, facts.case_id, through, seal),
    }


async def _decisions(tx: Tx, case_id: int, through: int, seal: Seal) -> dict[str, Any]:
    trail = await tx.evidence.audit_trail(case_id, through)
    return {"entries": len(trail), "through": through, "seal": seal(json.dumps(trail, ensure_ascii=False))}


async def _live(tx: Tx, recorded: dict[str, Any], seal: Seal) -> dict[str, Any]:
    """The fields of a record that never change honestly, read again from the database today."""
    facts = await tx.evidence.case_facts(recorded["case"])
    template = recorded.get("template")
    live_template = None
    if template is not None and (found := await tx.evidence.template_text(template["id"])) is not None:
        live_template = {"id": template["id"], "language": found[0], "text": found[1]}
    through = recorded["decisions"]["through"]
    return {
        "text": None
        if facts is None
        else recorded_text(facts.representative, recorded.get("format"), template is not None),
        "template": live_template,
        "pdq": None if facts is None else facts.pdq,
        "decisions": await _decisions(tx, recorded["case"], through, seal),
    }


async def verify_chain(store: Store, seal: Seal, expect: str | None = None) -> ChainCheck:
    """Check every link against the database: each link is the SHA-256 of its SHA256SUMS, which lists the
    previous link, the digest (its public form, made again from its frozen JSON as stored now) and each case's
    record; and each record's texts, template, picture and audit trail still read the same in the tables.
    Problems come as precise sentences."""
    problems: list[str] = []
    cases = 0
    async with store.reading() as tx:
        links = await tx.evidence.links()
        previous = GENESIS
        for stored in links:
            where = f"link #{stored.seq} ({stored.period})"
            records = await tx.evidence.records_of(stored.seq)
            cases += len(records)
            if sha256_hex(stored.digest_json) != stored.digest_sha256:
                problems.append(f"{where}: its digest.json was changed after it was stored")
            frozen = await tx.evidence.digest_data(stored.digest_id)
            now_public = None if frozen is None else public_digest_json(frozen)
            if now_public != stored.digest_json:
                problems.append(
                    f"{where}: the digest's JSON changed after it was published: recorded SHA-256 "
                    f"{stored.digest_sha256}, now {'nothing' if now_public is None else sha256_hex(now_public)}"
                )
            if stored.previous != previous:
                problems.append(f"{where}: it names {stored.previous} as the previous link, but that is {previous}")
            rebuilt = LinkFiles(stored.previous, stored.digest_json, {r.case_id: r.record for r in records})
            if rebuilt.sums() != stored.manifest:
                problems.append(f"{where}: its SHA256SUMS does not match the files it covers")
            if sha256_hex(stored.manifest) != stored.link:
                problems.append(f"{where}: the link {stored.link} is not the SHA-256 of its SHA256SUMS")
            for record in records:
                if sha256_hex(record.record) != record.sha256:
                    problems.append(f"{where}, case #{record.case_id}: its record was changed after it was stored")
                recorded = json.loads(record.record)
                for change in record_changes(recorded, await _live(tx, recorded, seal)):
                    problems.append(f"{where}, case #{record.case_id}: {change}")
            previous = stored.link
    if expect is not None and expect.strip().lower() not in {link.link for link in links}:
        problems.append(f"the link {expect.strip()} is not in this chain")
    return ChainCheck(len(links), cases, tuple(problems))


# ---- reading the chain (the public site) ----


async def _chain_link(tx: Tx, stored: StoredLink) -> ChainLink:
    records = await tx.evidence.records_of(stored.seq)
    return ChainLink(
        stored.seq,
        stored.period,
        stored.previous,
        stored.digest_sha256,
        tuple((r.case_id, r.sha256) for r in records),
        stored.manifest,
        stored.link,
        stored.created_at,
    )


async def chain(store: Store) -> list[ChainLink]:
    """Every link, oldest first."""
    async with store.reading() as tx:
        return [await _chain_link(tx, stored) for stored in await tx.evidence.links()]


async def chain_link(store: Store, seq: int) -> ChainLink | None:
    async with store.reading() as tx:
        stored = await tx.evidence.link(seq)
        return None if stored is None else await _chain_link(tx, stored)


async def latest_link(store: Store) -> ChainLink | None:
    async with store.reading() as tx:
        stored = await tx.evidence.latest()
        return None if stored is None else await _chain_link(tx, stored)


async def link_of_period(store: Store, period: str) -> ChainLink | None:
    async with store.reading() as tx:
        stored = await tx.evidence.of_period(period)
        return None if stored is None else await _chain_link(tx, stored)


async def digest_file(store: Store, seq: int) -> str | None:
    """The link's ``digest.json``: the digest as published, exactly as stored."""
    async with store.reading() as tx:
        stored = await tx.evidence.link(seq)
        return None if stored is None else stored.digest_json


async def case_record(store: Store, seq: int, case_id: int) -> str | None:
    """The link's ``cases/<case_id>.json``, exactly as recorded."""
    async with store.reading() as tx:
        record = await tx.evidence.record(seq, case_id)
        return None if record is None else record.record


async def case_links(store: Store, case_id: int) -> list[tuple[ChainLink, str]]:
    """The links that recorded the case (one per verification), with its record's SHA-256 in each."""
    async with store.reading() as tx:
        found = []
        for record in await tx.evidence.records_of_case(case_id):
            stored = await tx.evidence.link(record.seq)
            if stored is not None:
                found.append((await _chain_link(tx, stored), record.sha256))
        return found
