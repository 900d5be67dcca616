"""The evidence chain on the site: its files served as the exact stored bytes, checkable with sha256sum and with
`kuzet verify-chain --url`, and its links on the home, digest and campaign pages."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.core.evidence import public_digest_json
from bot.i18n import isolate
from tests.databases import Database
from tests.test_scan import kuzet
from tests.web_helpers import Filled, served_site, session_shared, settings_for, site_on_shared

pytestmark = pytest.mark.xdist_group("public_site")  # one worker fills the site once for these modules
filled = session_shared()
site = site_on_shared()


@pytest.fixture
def db(filled: tuple[str, Filled, Path]) -> Database:
    url, _, folder = filled
    return Database(settings_for(url, folder).database)


async def test_a_links_files_are_the_exact_stored_bytes_and_hash_to_the_link(site: TestClient, db: Database) -> None:
    [(manifest, link, digest_id)] = db.rows("SELECT manifest, link, digest_id FROM evidence_links")
    sums = await site.get("/chain/1/SHA256SUMS")
    assert sums.content_type == "text/plain" and sums.charset == "utf-8"
    body = await sums.read()
    assert body == manifest.encode() and hashlib.sha256(body).hexdigest() == link
    listed = dict(reversed(line.split("  ")) for line in body.decode().splitlines())
    assert await (await site.get("/chain/1/previous")).read() == b"0" * 64 + b"\n"
    digest = await (await site.get("/chain/1/digest.json")).read()
    frozen = db.value("SELECT data FROM digests WHERE id = ?", (digest_id,))
    assert digest == public_digest_json(frozen).encode()
    for name, digest_hex in listed.items():
        served = await site.get(f"/chain/1/{name}")
        assert served.status == 200 and hashlib.sha256(await served.read()).hexdigest() == digest_hex, name
    assert (await site.get("/chain/2/SHA256SUMS")).status == 404
    assert (await site.get("/chain/1/cases/999.json")).status == 404


async def test_kuzet_verify_chain_holds_for_the_chain_this_site_publishes(filled: tuple[str, Filled, Path]) -> None:
    url, _, folder = filled
    async with served_site(settings_for(url, folder)) as base:
        result = await asyncio.to_thread(kuzet, ["verify-chain", "--url", base], folder)
    assert result.returncode == 0, result.stderr


async def test_the_chain_page_home_digest_and_campaign_pages_show_the_link(
    site: TestClient, db: Database, filled: tuple[str, Filled, Path]
) -> None:
    made = filled[1]
    [(link, period)] = db.rows("SELECT link, period FROM evidence_links")
    chain = await (await site.get("/chain?lang=ar")).text()
    assert link in chain and "sha256sum -c SHA256SUMS" in chain and 'href="/chain/1/SHA256SUMS"' in chain
    assert link in await (await site.get("/")).text()
    assert "Chain link #1:" in await (await site.get(f"/digests/{period}")).text()
    page = await (await site.get(f"/campaigns/{made.verified['kk']}")).text()
    record = db.value("SELECT sha256 FROM evidence_cases WHERE case_id = ?", (made.verified["kk"],))
    assert f"Recorded in chain link #1 ({isolate(period)})." in page and record in page
    api = await (await site.get(f"/api/campaigns/{made.verified['kk']}")).json()
    assert api["campaign"]["evidence"][0]["record_sha256"] == record
    listed = await (await site.get("/api/chain")).json()
    assert [(item["seq"], item["link"]) for item in listed["links"]] == [(1, link)]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", listed["links"][0]["created_on"])
