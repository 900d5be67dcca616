"""The public site in a real browser: Debian's Chromium through Playwright, on a database the real bot filled.

Five languages with their ``lang`` and ``dir``, Arabic right to left with Latin handles isolated, search by a line
typed with look-alike letters, pages without JavaScript, a CSP that blocks inline script while our pages break
none of it, the Atom feed and the API checked against their standards, and screenshots a person can look at
(test-artifacts/screenshots/). The pages' SQL is tested on both engines by the other tests/test_web_*.py; these
run in the SQLite pass only.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import pytest_asyncio
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree
from openapi_spec_validator import validate as validate_openapi
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.i18n import SUPPORTED_LOCALES
from bot.store import Store
from bot.web import build_web_app
from tests.browser import SCREENSHOTS, Site, chromium, site_of
from tests.databases import on_postgresql
from tests.web_helpers import CAMPAIGN, RUSSIAN, Shared, session_shared

pytestmark = [
    pytest.mark.skipif(on_postgresql(), reason="the browser reads the same pages on either engine: SQLite pass only"),
    pytest.mark.xdist_group("public_site"),  # the worker that fills the site once for every module reading it
    pytest.mark.asyncio(loop_scope="module"),
]

TAGS = {code: code.replace("_", "-") for code in SUPPORTED_LOCALES}
"""Our locales as ``?lang=`` values and ``<html lang>`` tags: en, ru, kk, ar, zh-Hant."""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


filled = session_shared()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(filled: Shared) -> AsyncIterator[Site]:
    async with site_of(filled) as served:
        yield served


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="module")
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    fresh = await browser.new_context(viewport=DESKTOP)
    yield fresh
    await fresh.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


def own_campaign(site: Site, code: str) -> int:
    """The verified campaign in the language of our locale ``code`` (zh_Hant's is Chinese)."""
    return site.filled.verified[code.partition("_")[0]]


async def visit(page: Page, url: str) -> None:
    response = await page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


def in_language(path: str, tag: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={tag}"


async def root_lang_dir(page: Page) -> tuple[str, str]:
    lang, direction = await page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    return lang, direction


async def listed(page: Page) -> list[str]:
    """The paths of the campaigns a list page links to."""
    hrefs = await page.locator("main ol.campaigns a").evaluate_all("links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


def look_alike(line: str, letters: dict[str, str]) -> str:
    return "".join(letters.get(ch, ch) for ch in line)


CYRILLIC_FOR_LATIN = {"a": "а", "e": "е", "o": "о"}
"""Cyrillic letters that look like Latin ones, swapped into a Latin line as a copy-paster would."""
LATIN_FOR_CYRILLIC = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "Н": "H"}


async def test_pages_load_in_every_language_with_its_lang_and_dir(site: Site, page: Page) -> None:
    headings = set()
    for code, tag in TAGS.items():
        paths = [
            "/",
            f"/campaigns/{own_campaign(site, code)}",
            f"/digests/{site.week}",
            "/campaigns?q=Kazakhstan",
        ]
        for path in paths:
            await visit(page, site.url + in_language(path, tag))
            assert await root_lang_dir(page) == (tag, "rtl" if code == "ar" else "ltr"), path
        await visit(page, f"{site.url}/?lang={tag}")
        headings.add(await page.locator("h1").inner_text())
    assert len(headings) == len(TAGS), f"the home page's heading is not translated in every language: {headings}"


async def test_browser_language_picks_the_page_language(site: Site, browser: Browser) -> None:
    reader = await browser.new_context(locale="kk-KZ")
    try:
        page = await reader.new_page()
        await visit(page, f"{site.url}/campaigns/{site.filled.verified['kk']}")
        assert await root_lang_dir(page) == ("kk", "ltr")
    finally:
        await reader.close()


async def test_arabic_page_reads_right_to_left_with_latin_handles_isolated(site: Site, page: Page) -> None:
    await visit(page, f"{site.url}/campaigns/{site.filled.verified['en']}?lang=ar")
    assert await root_lang_dir(page) == ("ar", "rtl")
    assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    handle = page.locator("a[href*='nur_news']").first
    assert await handle.count() == 1, "the campaign's channel is not named"
    looks = await handle.evaluate(
        """link => {
            const isolating = link.closest("bdi, [dir=ltr]");
            return {
                direction: getComputedStyle(link).direction,
                isolated: isolating !== null && getComputedStyle(isolating).unicodeBidi.includes("isolate"),
            };
        }"""
    )
    assert looks == {"direction": "ltr", "isolated": True}
    await visit(page, f"{site.url}/campaigns/{site.filled.verified['ar']}?lang=ar")
    quote = page.locator("blockquote", has_text="نستنكر").first
    assert await quote.evaluate("q => getComputedStyle(q).direction") == "rtl"


@pytest.mark.parametrize(
    ("line", "letters", "campaign"),
    [
        (" ".join(CAMPAIGN.split()[4:13]), CYRILLIC_FOR_LATIN, "en"),
        (" ".join(RUSSIAN.split()[:5]), LATIN_FOR_CYRILLIC, "ru"),
    ],
    ids=["latin-line-with-cyrillic-letters", "cyrillic-line-with-latin-letters"],
)
async def test_search_form_finds_a_campaign_typed_with_look_alike_letters(
    site: Site, page: Page, line: str, letters: dict[str, str], campaign: str
) -> None:
    typed = look_alike(line, letters)
    assert typed != line and sum(a != b for a, b in zip(typed, line, strict=True)) >= 5
    await visit(page, f"{site.url}/campaigns")
    await page.fill("form.search input[name=q]", typed)
    async with page.expect_navigation():
        await page.press("form.search input[name=q]", "Enter")
    assert urlsplit(page.url).path == "/campaigns" and "q=" in page.url
    found = await listed(page)
    wanted = site.filled.verified[campaign]
    assert f"/campaigns/{wanted}" in found
    assert f"/campaigns/{site.filled.verified['ar']}" not in found, "the search did not narrow the list"
    assert await page.input_value("form.search input[name=q]") == typed


async def test_atom_feed_is_valid_atom(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        for tag in ("en", "ar"):
            response = await client.get(f"/feed.atom?lang={tag}")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/atom+xml")
            feed = etree.fromstring(response.content)
            _check_atom(feed)
            entries = feed.findall(f"{ATOM}entry")
            assert len(entries) == 1, "the one published digest"
            for entry in entries:
                page = await client.get(_link(entry, "alternate"))
                assert page.status_code == 200
            assert site.week in _link(entries[0], "alternate")


def _check_atom(feed: Any) -> None:
    """RFC 4287's musts for a feed and its entries."""
    assert feed.tag == f"{ATOM}feed"
    _check_common(feed)
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None or all(
        entry.find(f"{ATOM}author/{ATOM}name") is not None for entry in feed.findall(f"{ATOM}entry")
    ), "atom:feed needs an author, or each entry one"
    assert _link(feed, "self").endswith("/feed.atom")
    ids = [feed.findtext(f"{ATOM}id")]
    for entry in feed.findall(f"{ATOM}entry"):
        _check_common(entry)
        assert entry.find(f"{ATOM}content") is not None or _link(entry, "alternate"), "an entry needs a link"
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(set(ids)) == len(ids), "ids are unique"


def _check_common(element: Any) -> None:
    for name in ("id", "title", "updated"):
        assert len(element.findall(f"{ATOM}{name}")) == 1, f"{element.tag} needs exactly one atom:{name}"
    assert urlsplit(element.findtext(f"{ATOM}id")).scheme, "an atom:id is an absolute IRI"
    assert RFC3339.match(element.findtext(f"{ATOM}updated")), "atom:updated is an RFC 3339 date-time"
    for stamp in element.findall(f"{ATOM}published"):
        assert RFC3339.match(stamp.text)
    alternates = {
        (link.get("type"), link.get("hreflang"))
        for link in element.findall(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    }
    assert len(alternates) == len(
        [link for link in element.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
    ), "one alternate per type+lang"


def _link(element: Any, rel: str) -> str:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel:
            href = link.get("href")
            assert href and urlsplit(href).scheme in ("http", "https")
            return str(href)
    raise AssertionError(f"{element.tag} has no link rel={rel}")


async def test_openapi_document_is_valid_and_every_api_response_matches_it(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        document = (await client.get("/api/openapi.json")).json()
        validate_openapi(document)
        documented = {_template(path) for path in document["paths"]}
        assert documented >= await _api_routes(site), "an API route is missing from the document"
        registry = Registry().with_resource(OPENAPI, Resource(document, DRAFT202012))
        checked = 0
        for path, operations in document["paths"].items():
            assert operations.keys() == {"get"}, "the API only reads"
            schema = operations["get"]["responses"]["200"].get("content", {}).get("application/json", {})
            for url in _examples(site, path):
                response = await client.get(url)
                assert response.status_code == 200, f"{url}: {response.status_code}"
                data = response.json()
                if "schema" not in schema:
                    assert path == "/api/openapi.json", f"{path} has no schema for its answer"
                    continue
                errors = [
                    f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                    for error in _validator(registry, path).iter_errors(data)
                ]
                assert not errors, f"{url} does not match its schema: {errors[:5]}"
                checked += 1
        assert checked >= 6


OPENAPI = "urn:kuzet:openapi"
SEARCHED = look_alike(" ".join(RUSSIAN.split()[:5]), LATIN_FOR_CYRILLIC)


def _examples(site: Site, path: str) -> list[str]:
    """URLs that answer 200 for a documented path: its parameters filled with what the bot published."""
    values = {"id": site.filled.verified["en"], "week": site.week, "seq": 1}
    url = re.sub(r"{(\w+)}", lambda name: str(values[name.group(1)]), path)
    if path == "/api/campaigns":
        return [url, f"{url}?q={SEARCHED}", f"{url}?lang=ru&page=1"]
    return [url]


def _validator(registry: Registry, path: str) -> Draft202012Validator:
    """Checks an answer against the document's schema for ``path``'s 200 (its $refs resolved in the document)."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"#/paths/{escaped}/get/responses/200/content/application~1json/schema"
    return Draft202012Validator({"$ref": OPENAPI + pointer}, registry=registry, format_checker=FormatChecker())


async def _api_routes(site: Site) -> set[str]:
    """The app's /api routes."""
    store = await Store.open(site.settings.database)
    try:
        app = build_web_app(store, site.settings)
        paths = {resource.canonical for resource in app.router.resources()}
    finally:
        await store.close()
    return {_template(path) for path in paths if path.startswith("/api/")}


def _template(path: str) -> str:
    """A path with its parameters unnamed: ``/api/campaigns/{case_id:\\d+}`` → ``/api/campaigns/{}``."""
    return re.sub(r"{[^}]*}", "{}", path)


async def test_chart_draws_a_day_of_few_reports_hatched_with_its_dates_inside(site: Site, page: Page) -> None:
    for tag in ("en", "ar"):
        await visit(page, f"{site.url}/campaigns/{site.filled.verified['en']}?lang={tag}")
        few = page.locator("figure.chart rect.bar.few")
        assert await few.count() >= 1, "each day of the campaign had fewer than K reports"
        fills = await few.evaluate_all("bars => bars.map(bar => getComputedStyle(bar).fill)")
        assert all(fill.startswith("url(") for fill in fills), f"{tag}: a few-reports bar is drawn solid: {fills}"
        outside = await page.locator("figure.chart svg").evaluate(
            """svg => {
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll("text")].map(text => text.getBoundingClientRect())
                    .filter(r => r.left < box.left - 1 || r.right > box.right + 1).length;
            }"""
        )
        assert outside == 0, f"{tag}: a date under the chart is cut off at its edge"


async def test_site_works_without_javascript(site: Site, browser: Browser) -> None:
    plain = await browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = await plain.new_page()
        await visit(page, f"{site.url}/?lang=ru")
        assert await page.locator("script").count() == 0
        async with page.expect_navigation():
            await page.locator("main ol.campaigns a").first.click()
        assert re.search(r"/campaigns/\d+", page.url)
        assert await page.locator("main h1").is_visible()
        assert await root_lang_dir(page) == ("ru", "ltr"), "the chosen language follows the links"
        await visit(page, f"{site.url}/campaigns?lang=ru")
        await page.fill("form.search input[name=q]", "Kazakhstan")
        async with page.expect_navigation():
            await page.click("form.search button[type=submit]")
        assert f"/campaigns/{site.filled.verified['en']}" in await listed(page)
        async with page.expect_navigation():
            await page.locator("nav.languages a[hreflang=ar]").click()
        assert await root_lang_dir(page) == ("ar", "rtl")
    finally:
        await plain.close()


async def test_csp_blocks_inline_script_and_our_pages_break_no_rule(site: Site, page: Page) -> None:
    complaints: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            complaints.append(f"{page.url}: {message.text}")

    page.on("console", heard)
    paths = [
        "/",
        "/campaigns",
        "/campaigns?q=Kazakhstan",
        f"/campaigns/{site.filled.verified['en']}",
        f"/campaigns/{site.filled.verified['ar']}",
        "/digests",
        f"/digests/{site.week}",
        "/chain",
        "/about",
    ]
    for tag in ("en", "ar"):
        for path in paths:
            await visit(page, site.url + in_language(path, tag))
    assert complaints == [], "our own pages should raise no console error (CSP or other)"
    missing = await page.goto(f"{site.url}/campaigns/99999?lang=ar")
    assert missing is not None and missing.status == 404
    assert [line for line in complaints if "404" not in line] == []

    await visit(page, f"{site.url}/campaigns/{site.filled.verified['en']}")
    violated = await page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener("securitypolicyviolation", e => resolve(e.effectiveDirective), {once: true});
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.body.append(script);
            setTimeout(() => resolve(null), 3000);
        })"""
    )
    assert violated in ("script-src-elem", "script-src", "default-src")
    assert await page.evaluate("window.ranInline === undefined")
    assert any("Content Security Policy" in line for line in complaints)


async def test_screenshots_of_every_language_fit_a_phone_and_a_desktop(site: Site, browser: Browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = []
    for screen, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = await browser.new_context(viewport=viewport)
        try:
            page = await context.new_page()
            for code, tag in TAGS.items():
                for name, path in (("home", "/"), ("campaign", f"/campaigns/{own_campaign(site, code)}")):
                    await visit(page, f"{site.url}{path}?lang={tag}")
                    shot = SCREENSHOTS / f"{tag}-{name}-{screen}.png"
                    await page.screenshot(path=str(shot), full_page=True)
                    assert shot.stat().st_size > 5_000
                    width = await page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        overflowing.append(f"{shot.name}: {width}px wide")
        finally:
            await context.close()
    assert not overflowing, "pages scroll sideways on a phone: " + "; ".join(overflowing)
