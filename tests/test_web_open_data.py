"""Open data and what every response carries: security and cache headers, the Atom feed, the OpenAPI document,
the JSON API and the CSV and JSON downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.core.digest import Digest, DigestNetwork, Totals, VerifiedAccount
from bot.service.public import DigestEntry
from bot.web import records
from bot.web.downloads import CSV_COLUMNS
from tests.web_helpers import Filled, session_shared, site_on_shared

pytestmark = pytest.mark.xdist_group("public_site")  # one worker fills the site once for these modules
filled = session_shared()
site = site_on_shared(WEB_PUBLISH="verified", WEB_URL="https://kuzet.example.org/", DATA_LICENCE="CC BY-SA 4.0")
ATOM = "{http://www.w3.org/2005/Atom}"
EVERY_KIND = (
    "/",
    "/campaigns/1",
    "/api/campaigns",
    "/api/campaigns/1",
    "/feed.atom",
    "/data/campaigns.csv",
    "/data/campaigns.json",
    "/api/openapi.json",
    "/static/site.css",
    "/healthz",
    "/nowhere",
    "/campaigns?page=-1",
)


async def test_every_response_carries_the_security_headers_and_no_cookie(site: TestClient) -> None:
    for path in EVERY_KIND:
        response = await site.get(path)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "style-src 'self'" in csp and "script-src" not in csp, path
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert "Set-Cookie" not in headers, path
        assert headers["Vary"] == "Accept-Language", path
    page = await (await site.get("/campaigns/1")).text()
    assert "<script" not in page and "style=" not in page and " on" + "click" not in page


async def test_a_page_sends_an_etag_from_its_content_and_answers_304_when_the_reader_has_it(site: TestClient) -> None:
    first = await site.get("/campaigns/1")
    tag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag) and "max-age" in first.headers["Cache-Control"]
    assert (await site.get("/campaigns/1")).headers["ETag"] == tag  # the same content, the same tag
    again = await site.get("/campaigns/1", headers={"If-None-Match": f'W/"other", {tag}'})
    assert again.status == 304 and await again.read() == b"" and again.headers["ETag"] == tag
    assert again.headers["Content-Security-Policy"]
    other = await site.get("/campaigns/1?lang=ru", headers={"If-None-Match": tag})
    assert other.status == 200 and other.headers["ETag"] != tag
    for path in ("/api/campaigns/1", "/data/campaigns.csv", "/feed.atom"):
        tagged = (await site.get(path)).headers["ETag"]
        assert (await site.get(path, headers={"If-None-Match": tagged})).status == 304, path


async def test_the_atom_feed_is_valid_atom_with_the_required_elements(site: TestClient) -> None:
    response = await site.get("/feed.atom?lang=kk")
    assert response.content_type == "application/atom+xml"
    feed = ET.fromstring(await response.read())
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Kuzet"  # type: ignore[union-attr]
    assert feed.find(f"{ATOM}id").text == "https://kuzet.example.org/feed.atom"  # type: ignore[union-attr]
    [entry] = feed.findall(f"{ATOM}entry")
    for name in ("id", "title", "updated"):
        assert entry.find(f"{ATOM}{name}") is not None, name
    [link] = entry.findall(f"{ATOM}link")
    assert link.get("rel") == "alternate" and re.fullmatch(
        r"https://kuzet\.example\.org/digests/\d{4}-W\d{2}", link.get("href", "")
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(f"{ATOM}updated") or "")
    assert "апталық шолуы" in (entry.findtext(f"{ATOM}title") or "")


async def test_the_openapi_document_is_valid_json_describing_every_api_route(site: TestClient) -> None:
    document = await (await site.get("/api/openapi.json")).json()
    assert document["openapi"].startswith("3.1") and document["info"]["license"]["name"] == "CC BY-SA 4.0"
    routes = {
        re.sub(r"\{[^}]*\}", "{}", resource.canonical)
        for resource in site.app.router.resources()  # type: ignore[union-attr]
        if resource.canonical.startswith("/api/")
    }
    documented = {re.sub(r"\{[^}]*\}", "{}", path) for path in document["paths"]}
    assert routes and routes == documented
    assert document["components"]["schemas"]["Campaign"]["properties"]["reports"]["oneOf"]


async def test_every_api_answer_names_the_licence_and_pages_through_the_campaigns(
    site: TestClient, filled: tuple[str, Filled, Path]
) -> None:
    made = filled[1]
    listed = await (await site.get("/api/campaigns")).json()
    assert listed["licence"] == "CC BY-SA 4.0" and listed["page"] == 1 and listed["pages"] == 1
    ids = [c["id"] for c in listed["campaigns"]]
    assert sorted(ids) == sorted([*made.verified.values(), made.account, made.picture])
    assert listed["campaigns"][0]["url"] == f"https://kuzet.example.org/campaigns/{ids[0]}"
    russian = await (await site.get("/api/campaigns?lang=ru")).json()
    assert made.verified["ru"] in [c["id"] for c in russian["campaigns"]]
    assert made.account not in [c["id"] for c in russian["campaigns"]]
    assert (await (await site.get("/api/campaigns?page=2")).json())["campaigns"] == []
    for path in ("/api/campaigns/1", "/api/digests", "/api/chain"):
        assert (await (await site.get(path)).json())["licence"] == "CC BY-SA 4.0", path
    [digest] = (await (await site.get("/api/digests")).json())["digests"]
    week = await (await site.get(f"/api/digests/{digest['period']}")).json()
    assert week["licence"] == "CC BY-SA 4.0" and week["digest"]["campaigns"][0]["reports"] == "<5"


async def test_the_downloads_parse_and_carry_the_licence(site: TestClient, filled: tuple[str, Filled, Path]) -> None:
    made = filled[1]
    response = await site.get("/data/campaigns.csv")
    assert response.content_type == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert tuple(rows[0]) == CSV_COLUMNS and {row["licence"] for row in rows} == {"CC BY-SA 4.0"}
    by_id = {int(row["id"]): row for row in rows}
    assert sorted(by_id) == sorted([*made.verified.values(), made.account, made.picture])
    assert by_id[made.verified["ru"]]["label_zh"] == "努爾網軍 2017：我們的總統帶來必要的穩定與和平"
    assert by_id[made.account]["account_link"] == "https://x.com/fake_patriot_kz"
    assert by_id[1]["reports"] == "<5" and re.fullmatch(r"\d{4}-\d\d-\d\d", by_id[1]["first_seen"])
    data = json.loads(await (await site.get("/data/campaigns.json")).text())
    assert data["licence"] == "CC BY-SA 4.0" and data["schema"] == "kuzet-campaigns/1"
    assert sorted(c["id"] for c in data["campaigns"]) == sorted(by_id)
    [russian] = [c for c in data["campaigns"] if c["id"] == made.verified["ru"]]
    assert sorted(russian["texts"]) == ["ar", "en", "kk", "ru", "zh"] and russian["reports"] == "<5"


def test_the_digest_api_names_a_networks_accounts_only_from_k_accounts_on() -> None:
    named = tuple(VerifiedAccount("telegram", f"@channel{n}", f"https://t.me/channel{n}") for n in range(6))
    week = Digest(
        "2026-W49",
        0,
        7 * 86400,
        Totals(10, 2, 0),
        Totals(0, 0, 0),
        networks=(
            DigestNetwork(1, (1, 2), 7, 6, named),
            DigestNetwork(2, (3,), 1, 4, named[:4]),
        ),
    )
    shown = records.digest(DigestEntry("2026-W49", 0, 7 * 86400, 0, week, ""), "https://k.example", UTC, set())
    assert shown["networks"] == [
        {
            "number": 1,
            "campaigns": [1, 2],
            "verified_campaigns": 7,
            "accounts": 6,
            "named": [records.account(a) for a in named],
        },
        {"number": 2, "campaigns": [3], "verified_campaigns": "<5", "accounts": "<5", "named": []},
    ]
