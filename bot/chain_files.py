"""The evidence chain as files: written from the database (`kuzet chain-files`), read back from a folder or
from the public site (`kuzet verify-chain --files / --url`).

The folder holds one sub-folder per link, named by its number, as the site serves them under ``/chain/``:
``1/previous``, ``1/digest.json``, ``1/cases/12.json``, ``1/SHA256SUMS``. Files are written and read as UTF-8
bytes exactly, so ``sha256sum`` agrees with Kuzet.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.core.evidence import PREVIOUS, SUMS, PublishedLink, parse_sums, previous_file, sha256_hex
from bot.service.evidence import case_record, chain, digest_file
from bot.store import Store

TIMEOUT_SECONDS = 30.0


class ChainUnreadable(Exception):
    """The chain could not be read (a missing folder, a site that does not answer)."""


async def write_chain(store: Store, folder: Path) -> int:
    """Write every link's files under ``folder``; returns how many links."""
    links = await chain(store)
    for link in links:
        base = folder / str(link.seq)
        (base / "cases").mkdir(parents=True, exist_ok=True)
        _write(base / PREVIOUS, previous_file(link.previous))
        _write(base / "digest.json", await digest_file(store, link.seq) or "")
        for case_id, _ in link.cases:
            _write(base / "cases" / f"{case_id}.json", await case_record(store, link.seq, case_id) or "")
        _write(base / SUMS, link.manifest)
    return len(links)


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def read_folder(folder: Path) -> list[PublishedLink]:
    """The links in a folder written by `kuzet chain-files` or mirrored from the site, by number. The link of
    each is what its SHA256SUMS hashes to: only the next link's ``previous`` (and a link seen elsewhere, given
    as ``--expect``) vouch for it."""
    if not folder.is_dir():
        raise ChainUnreadable(f"{folder} is not a folder")
    links = []
    for base in sorted((p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name)):
        sums_path = base / SUMS
        if not sums_path.is_file():
            raise ChainUnreadable(f"{sums_path} is missing")
        sums = _read(sums_path)
        files = {}
        for name in _listed(sums):
            path = base / name
            if path.is_file():
                files[name] = _read(path)
        links.append(PublishedLink(int(base.name), sha256_hex(sums), sums, files))
    return links


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ChainUnreadable(f"{path} is not UTF-8 text") from None


def _listed(sums: str) -> list[str]:
    try:
        return list(parse_sums(sums))
    except ValueError:
        return []  # check_published says which line is wrong


def read_site(url: str) -> list[PublishedLink]:
    """The links a Kuzet site publishes: the list at ``/api/chain`` (each link as the site states it), then
    each link's files under ``/chain/<seq>/``."""
    base = url.rstrip("/")
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True) as http:
            listing = http.get(f"{base}/api/chain")
            listing.raise_for_status()
            links = []
            for item in listing.json()["links"]:
                seq, link = int(item["seq"]), str(item["link"])
                sums = _fetch(http, f"{base}/chain/{seq}/{SUMS}") or ""
                files = {}
                for name in _listed(sums):
                    text = _fetch(http, f"{base}/chain/{seq}/{name}")
                    if text is not None:
                        files[name] = text
                links.append(PublishedLink(seq, link, sums, files))
            return links
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise ChainUnreadable(f"cannot read the chain at {base}: {exc}") from None


def _fetch(http: httpx.Client, url: str) -> str | None:
    response = http.get(url)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.content.decode("utf-8")
