"""The evidence chain, as files anyone can check with ``sha256sum``.

Each published digest adds a link. A link is a folder of files:

- ``previous``: the previous link (64 hex digits, all zeros for the first) and a newline;
- ``digest.json``: the digest as published, its counts below SMALL_COUNT_K written "<K";
- ``cases/<id>.json``: a record of each verified case this link is the first to cover (its texts and decisions);
- ``SHA256SUMS``: the SHA-256 of each of those files, in ``sha256sum``'s own format.

The link is the SHA-256 of ``SHA256SUMS``. So ``sha256sum -c SHA256SUMS`` proves the files are the ones listed,
``sha256sum SHA256SUMS`` gives the link printed in the digest message and on the site, and ``previous`` ties the
link to the one before: changing any earlier text changes every later link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.small_counts import DEFAULT_K, coarse, is_small

GENESIS = "0" * 64
"""What the first link names as its previous link."""
RECORD_FORMAT = "kuzet-case-record/2"
"""Format 2 records a case's reported text only when no template covers the case: a template's words are
what moderators verified, and the first report's own text, which format 1 also recorded, could carry its
reporter's words ("Dana from building 7 here: …") into a record that is public and never changes."""
FIRST_RECORD_FORMAT = "kuzet-case-record/1"

SUMS = "SHA256SUMS"
PREVIOUS = "previous"
DIGEST = "digest.json"


def recorded_text(representative: str | None, record_format: str | None, has_template: bool) -> str | None:
    """A case's reported text as a record of this format holds it (see RECORD_FORMAT)."""
    return representative if record_format == FIRST_RECORD_FORMAT or not has_template else None


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def case_file(case_id: int) -> str:
    return f"cases/{case_id}.json"


def canonical(value: Mapping[str, Any]) -> str:
    """One fixed spelling of a JSON value (sorted keys, no spaces, UTF-8 text), ending in a newline."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def public_digest_json(frozen: str) -> str:
    """The digest as the chain publishes it: its frozen JSON (which keeps exact counts for rendering) with every
    count from 1 to K − 1 written "<K", as every other public output writes it, in canonical form."""
    digest = json.loads(frozen)
    k = digest.get("small_count_k", DEFAULT_K)
    for totals in ("totals", "previous"):
        digest[totals] = {name: coarse(value, k) for name, value in digest[totals].items()}
    for campaign in digest["campaigns"]:
        for name in ("reports", "votes", "sharing_photo"):
            if name in campaign:
                campaign[name] = coarse(campaign[name], k)
        campaign["per_day"] = [coarse(value, k) for value in campaign["per_day"]]
    digest["more_accounts"] = coarse(digest["more_accounts"], k)
    for network in digest.get("networks", ()):
        if is_small(network["accounts"], k):
            network["named"] = []  # as the digest shows it: a few named accounts would say how few there are
        network["accounts"] = coarse(network["accounts"], k)
        network["verified_campaigns"] = coarse(network["verified_campaigns"], k)
    return canonical(digest)


def previous_file(previous: str) -> str:
    return previous + "\n"


@dataclass(frozen=True)
class ChainLink:
    seq: int
    period: str
    previous: str
    digest_sha256: str
    cases: tuple[tuple[int, str], ...]
    """(case number, SHA-256 of its record) for each case this link is the first to cover."""
    manifest: str
    """The link's SHA256SUMS, exactly: the link is its SHA-256."""
    link: str
    created_at: int


@dataclass(frozen=True)
class LinkFiles:
    """One link's files, by name (``previous``, ``digest.json``, ``cases/<id>.json``), as exact text."""

    previous: str
    digest_json: str
    cases: Mapping[int, str] = field(default_factory=dict)

    def named(self) -> dict[str, str]:
        files = {PREVIOUS: previous_file(self.previous), DIGEST: self.digest_json}
        files.update({case_file(case_id): record for case_id, record in sorted(self.cases.items())})
        return files

    def sums(self) -> str:
        """The link's SHA256SUMS: one ``<hex>  <name>`` line per file, in a fixed order."""
        return "".join(f"{sha256_hex(text)}  {name}\n" for name, text in self.named().items())

    def link(self) -> str:
        return sha256_hex(self.sums())


def parse_sums(sums: str) -> dict[str, str]:
    """SHA256SUMS as {file name: hex}; a line not in sha256sum's format raises ValueError."""
    listed: dict[str, str] = {}
    for line in sums.splitlines():
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not name:
            raise ValueError(f"not a sha256sum line: {line!r}")
        listed[name] = digest
    return listed


@dataclass(frozen=True)
class PublishedLink:
    """A link as a reader downloads it: its number, the link as shown, and its files."""

    seq: int
    link: str
    sums: str
    files: Mapping[str, str]
    """Every file the SHA256SUMS names (missing ones absent), exact text."""


def check_published(links: list[PublishedLink], expect: str | None = None) -> list[str]:
    """What is wrong with a published chain, oldest link first, as precise sentences (none: it holds).

    It checks that each link is the SHA-256 of its SHA256SUMS, that every listed file has its listed hash, that
    each ``previous`` names the link before it, and (with ``expect``) that a link someone saw is in the chain.
    """
    problems: list[str] = []
    previous = GENESIS
    for number, published in enumerate(links, start=1):
        where = f"link #{published.seq}"
        if published.seq != number:
            problems.append(f"{where}: expected link #{number} here: a link is missing or out of order")
        if sha256_hex(published.sums) != published.link:
            problems.append(
                f"{where}: SHA256SUMS hashes to {sha256_hex(published.sums)}, not to the link {published.link}"
            )
        try:
            listed = parse_sums(published.sums)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        for name, digest in listed.items():
            text = published.files.get(name)
            if text is None:
                problems.append(f"{where}: {name} is listed but missing")
            elif sha256_hex(text) != digest:
                problems.append(f"{where}: {name} hashes to {sha256_hex(text)}, but SHA256SUMS lists {digest}")
        named_previous = published.files.get(PREVIOUS, "").strip()
        if named_previous != previous:
            problems.append(f"{where}: previous names {named_previous or 'nothing'}, but the link before is {previous}")
        previous = published.link
    if expect is not None and expect.lower() not in {published.link for published in links}:
        problems.append(f"the link {expect} is not in this chain")
    return problems


def record_changes(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """How a case's record made when it was published differs from the same record made today, field by field,
    for the fields that never change honestly: the texts, the template, the picture and the audit seal. (An
    account may honestly be renamed or forgotten since; its record keeps the name it was published under.)"""
    changes: list[str] = []
    for name in _FIELD_NAMES:
        before, after = recorded.get(name), now.get(name)
        if before != after:
            changes.append(
                f"its {_FIELD_NAMES[name]} changed after it was recorded: was {_show(before)}, is now {_show(after)}"
            )
    return changes


_FIELD_NAMES = {
    "text": "text",
    "template": "template",
    "pdq": "picture hash",
    "decisions": "audit trail",
}


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"«{value}»"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
