"""The public site's pages: five languages, right to left, search as the matcher reads, campaign pages, errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.i18n import Translator, isolate
from bot.web.chart import chart
from tests.web_helpers import (
    CAMPAIGN,
    FAKE_ACCOUNT,
    LANGUAGE_TAGS,
    Filled,
    session_shared,
    site_on_shared,
)

pytestmark = pytest.mark.xdist_group("public_site")  # one worker fills the site once for these modules
filled = session_shared()
site = site_on_shared(WEB_PUBLISH="verified")
PAGES = ("/", "/campaigns", "/campaigns/1", "/digests", "/chain", "/about")


@pytest.fixture
def made(filled: tuple[str, Filled, Path]) -> Filled:
    return filled[1]


def main_of(page: str) -> str:
    return page[page.index("<main>") : page.index("</main>")]


async def text_of(site: TestClient, path: str, status: int = 200, **headers: str) -> str:
    response = await site.get(path, headers=headers)
    assert response.status == status, path
    return await response.text()


async def test_every_page_answers_in_each_of_the_five_languages_with_its_lang_and_dir(
    site: TestClient, translations: Callable[[str], Translator]
) -> None:
    for tag in LANGUAGE_TAGS:
        code = tag.replace("-", "_")
        direction = "rtl" if code == "ar" else "ltr"
        for path in PAGES:
            page = await text_of(site, f"{path}?lang={tag}")
            assert f'<html lang="{tag}" dir="{direction}">' in page, (tag, path)
            assert translations(code).gettext("Evidence chain") in page, (tag, path)


async def test_the_arabic_page_reads_right_to_left_with_latin_handles_and_links_isolated(site: TestClient) -> None:
    page = await text_of(site, "/campaigns/1?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page
    link = '<a href="https://t.me/nur_news" rel="nofollow noopener noreferrer">@nur_news</a>'
    assert f'<bdi dir="ltr">{link}</bdi>' in page
    assert '<bdi dir="ltr"><a href="https://t.me/nur_news/5"' in page


async def test_without_lang_the_browsers_accept_language_chooses_and_responses_vary_by_it(site: TestClient) -> None:
    for header, tag in (
        ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk"),
        ("fr-FR, zh-TW;q=0.5, en;q=0.4", "zh-Hant"),
        ("ru;q=0, ar;q=0.3", "ar"),
        ("de-DE", "en"),
    ):
        response = await site.get("/about", headers={"Accept-Language": header})
        assert f'<html lang="{tag}"' in await response.text(), header
        assert response.headers["Vary"] == "Accept-Language"
    for value in ("zh_Hant", "zh", "ZH-hant"):
        assert '<html lang="zh-Hant"' in await text_of(site, f"/about?lang={value}", **{"Accept-Language": "ru"})
    assert '<html lang="ru"' in await text_of(site, "/about?lang=xx", **{"Accept-Language": "ru"})


async def test_the_language_switcher_is_plain_links_that_keep_the_path_and_the_search(site: TestClient) -> None:
    page = await text_of(site, "/campaigns?q=president&lang=ru")
    for tag in LANGUAGE_TAGS:
        assert f'href="/campaigns?q=president&amp;lang={tag}"' in page
    assert 'href="/campaigns/2?lang=ru"' in page  # a link the reader follows keeps the chosen language


async def test_search_finds_a_campaign_typed_with_look_alike_letters_in_any_script(
    site: TestClient, made: Filled
) -> None:
    searches = {
        "Оur Рrеsidеnt рrоvidеs thе nесеssаry stаbility": made.verified["ru"],  # Cyrillic О р е а с in English
        "Наш Президент обеспечивает": made.verified["ru"],
        "Prezident halyqqa qamqorlyq": made.verified["kk"],  # Kazakh Cyrillic typed in the Latin alphabet
        "只要有足够的专业资格": made.verified["zh"],  # Simplified Chinese finds the Traditional text
        "الحسابات المدافعة عن الوطن": made.verified["ar"],
        "new KAZAKHSTAN, our family": made.verified["en"],
    }
    for query, case_id in searches.items():
        page = main_of(await text_of(site, f"/campaigns?q={query}"))
        assert f'href="/campaigns/{case_id}"' in page, query
        assert len(re.findall(r'href="/campaigns/\d+"', page)) == 1, query
    form = await text_of(site, "/")
    assert '<form class="search" action="/campaigns" method="get" role="search">' in form and 'name="q"' in form
    nothing = main_of(await text_of(site, "/campaigns?q=zzzyyyxxx"))
    assert "No published campaign matches." in nothing and 'href="/campaigns/' not in nothing


async def test_the_campaign_page_has_its_texts_in_each_language_coarse_counts_dates_only_and_a_chart(
    site: TestClient, made: Filled
) -> None:
    page = main_of(await text_of(site, f"/campaigns/{made.verified['ru']}?lang=en"))
    assert "Nurbots 2017: our President provides the necessary stability and peace" in page
    for text in (
        "Our President provides the necessary stability and peace.",
        "Президентіміз қажетті тұрақтылық пен бейбітшілікті қамтамасыз етеді.",
        "يوفر رئيسنا الاستقرار والسلام الضروريين.",
        "我們的總統帶來了必要的穩定與和平。",
    ):
        assert text in page
    assert "<dt>Reports</dt><dd>fewer than 5</dd>" in page
    assert "<dt>Moderators who voted to verify</dt><dd>fewer than 5</dd>" in page
    today = dt.datetime.now(dt.UTC)
    assert f"<dt>First seen</dt><dd>{today:%b} {today.day}, {today.year}</dd>" in page
    assert not re.search(r"\d{1,2}:\d{2}", page)  # days, never times
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'class="bar few"' in page
    assert "<dt>Coordination</dt><dd>Not flagged</dd>" in page


async def test_a_day_with_a_few_reports_is_drawn_the_same_whatever_the_few_were(site: TestClient) -> None:
    day = dt.date(2026, 12, 1)
    few, many = chart(((day, "<5"), (day + dt.timedelta(days=1), 20)), 5), chart(((day, "<5"),), 5)
    assert few is not None and many is not None
    assert few.bars[0].small and few.bars[0].height == few.bars[1].height * 5 / 20
    assert chart(((day, 0), (day, 7)), 5).bars[0].count == 7  # type: ignore[union-attr]  # no bar for none
    record = await (await site.get("/api/campaigns/1")).json()
    assert record["campaign"]["per_day"] == [{"date": dt.datetime.now(dt.UTC).date().isoformat(), "reports": "<5"}]


async def test_the_account_campaign_names_its_account_only_by_handle_and_link(site: TestClient, made: Filled) -> None:
    page = main_of(await text_of(site, f"/campaigns/{made.account}"))
    assert f'<a href="https://x.com/{FAKE_ACCOUNT}" rel="nofollow noopener noreferrer">@{FAKE_ACCOUNT}</a>' in page
    campaign = main_of(await text_of(site, "/campaigns/1"))
    assert f"https://x.com/{FAKE_ACCOUNT}/status/9" in campaign and "@nur_news" in campaign


async def test_an_unknown_page_is_a_404_page_in_the_readers_language(
    site: TestClient, translations: Callable[[str], Translator]
) -> None:
    for path in ("/nowhere?lang=ru", "/campaigns/999?lang=ru", "/digests/2001-W01?lang=ru", "/campaigns/abc?lang=ru"):
        page = await text_of(site, path, status=404)
        assert '<html lang="ru"' in page and translations("ru").gettext("Page not found") in page, path
    assert "Page not found" in await text_of(site, "/chain/999/SHA256SUMS", status=404)


async def test_bad_page_numbers_ids_and_overlong_searches_get_a_clear_4xx_page_never_a_traceback(
    site: TestClient,
) -> None:
    for path, status in (
        ("/campaigns?page=-1", 400),
        ("/campaigns?page=0", 400),
        ("/campaigns?page=abc", 400),
        ("/campaigns?page=１", 400),
        ("/campaigns?page=99999999999999999999", 400),
        ("/campaigns/99999999999999999999999999", 404),
        ("/campaigns?q=" + "a" * 10_000, 400),
        ("/api/campaigns?page=-1", 400),
        ("/api/campaigns?lang=xx", 400),
        ("/api/campaigns/abc", 404),
        ("/api/campaigns?q=" + "ж" * 10_000, 400),
    ):
        response = await site.get(path)
        body = await response.text()
        assert response.status == status, path
        assert "Traceback" not in body and "aiohttp" not in body, path
        if path.startswith("/api/"):
            assert (await response.json())["status"] == status
        else:
            assert "This request cannot be answered" in body or "Page not found" in body, path


async def test_the_digest_page_and_the_home_page_show_the_published_week(site: TestClient) -> None:
    [digest] = (await (await site.get("/api/digests")).json())["digests"]
    page = main_of(await text_of(site, f"/digests/{digest['period']}"))
    assert f"Weekly digest {isolate(digest['period'])}" in page and CAMPAIGN in page
    assert 'href="/campaigns/1"' in page and "@nur_news" in page
    home = main_of(await text_of(site, "/"))
    assert f'href="/digests/{digest["period"]}"' in home
    assert home.count('<li><a href="/campaigns/') == 5  # this week's top five


async def test_a_picture_campaign_says_its_picture_is_not_shown_and_gives_only_its_pdq_hash(
    site: TestClient, made: Filled
) -> None:
    page = main_of(await text_of(site, f"/campaigns/{made.picture}"))
    assert "The picture is not shown here, because a citizen sent it" in page and "<img" not in page
    hashes = (await (await site.get(f"/api/campaigns/{made.picture}")).json())["campaign"]["pdq"]
    assert hashes  # one a photo: the two citizens' copies differ in a few bits
    for pdq in hashes:
        assert re.fullmatch("[0-9a-f]{64}", pdq) and f'<code class="hash" dir="ltr">{pdq}</code>' in page
    assert f"Picture campaign #{made.picture}" in page
