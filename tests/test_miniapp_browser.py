"""The moderators' Mini App in a real browser: Debian's Chromium through Playwright, against the real bot.

One bot runs for the module (the Application, the sandbox Bot API, a SQLite file) with the site and the app
served; citizens report a few campaigns through the sandbox and the cards reach the moderators' group. The page
is opened as Telegram opens it: at MINIAPP_URL's https address (Playwright hands those requests to the local
server, so the browser's Origin is the app's own), with Telegram's script replaced by tests/data/
telegram-web-app.js carrying initData signed with the sandbox bot's token. Screenshots go to
test-artifacts/screenshots/miniapp-*.png for a person to look at. The API's SQL runs on both engines in
tests/test_miniapp_*.py; this module runs in the SQLite pass only.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, Route, expect
from playwright.async_api import Error as PlaywrightError

from bot.app import running
from bot.i18n import Translator
from bot.sandbox import FakeTelegram
from bot.sandbox.init_data import signed_init_data
from bot.web.miniapp.strings import app_strings
from tests.browser import SCREENSHOTS, chromium
from tests.databases import Database, another_database, on_postgresql
from tests.helpers import free_port
from tests.moderation_helpers import Team, card_of, form_team, press, say, wait_for_card
from tests.web_helpers import ARABIC, FAKE_ACCOUNT, KAZAKH, RUSSIAN, UNVERIFIED, settings_for

pytestmark = [
    pytest.mark.skipif(on_postgresql(), reason="the browser reads the same API on either engine: SQLite pass only"),
    pytest.mark.xdist_group("browser"),
    pytest.mark.asyncio(loop_scope="module"),
]

APP_URL = "https://kuzet.example.org/app/"
APP_ORIGIN = "https://kuzet.example.org"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
FAKE_TELEGRAM = Path(__file__).parent / "data" / "telegram-web-app.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "button_color": "#2481cc", "button_text_color": "#ffffff"}
LANGUAGE_CODES = {"en": "en", "ru": "ru", "kk": "kk", "ar": "ar", "zh_Hant": "zh-hant"}
"""Our locales and the language_code a Telegram client of that language sends."""
LOADING_REFUSED = "Failed to load resource: the server responded with a status of 4"
CHINESE_WAIT = "我們的總統確保國家穩定與安寧，反對派頻道散布的都是謊言。"


@dataclass
class Served:
    """The running bot with its team, the app's local address, and the cases the citizens made by language."""

    telegram: FakeTelegram
    team: Team
    db: Database
    base: str
    cases: dict[str, int]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Served]:
    folder = tmp_path_factory.mktemp("miniapp_browser")
    port = free_port()
    with another_database(folder, "kuzet.db") as url:
        async with FakeTelegram() as telegram:
            settings = settings_for(url, folder, telegram, WEB_LISTEN=f"127.0.0.1:{port}", MINIAPP_URL=APP_URL)
            db = Database(settings.database)
            async with running(settings):
                team = await form_team(telegram)
                cases = {}
                for number, (language, text) in enumerate(
                    (("en", UNVERIFIED), ("ru", RUSSIAN), ("kk", KAZAKH), ("ar", ARABIC), ("zh", CHINESE_WAIT))
                ):
                    for reporter in range(5 - number):  # the English case is the most reported
                        await say(telegram, telegram.user(100 + 10 * number + reporter), text)
                    cases[language] = int(db.value("SELECT MAX(id) FROM cases"))
                    await wait_for_card(telegram, db, cases[language])
                await say(telegram, telegram.user(150), f"https://x.com/{FAKE_ACCOUNT}")
                cases["account"] = int(db.value("SELECT MAX(id) FROM cases"))
                await wait_for_card(telegram, db, cases["account"])
                yield Served(telegram, team, db, f"http://127.0.0.1:{port}", cases)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


def launch(
    served: Served, user: dict, *, language: str = "en", token: str | None = None, start: str | None = None
) -> str:
    """initData as Telegram hands it to the app when ``user`` opens it now, from a link with ``startapp=start``
    if given (a fresh query_id each time, so two launches never look like a replay)."""
    person = {"id": user["id"], "first_name": user.get("first_name", ""), "language_code": language}
    token = token or served.telegram.token
    return signed_init_data(token, person, int(time.time()), start, query_id=secrets.token_hex(8))


class Opened:
    """A browser context showing the app to one Telegram user, with what went wrong in the page collected."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context = context
        self.page = page
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", lambda message: self._console(message.type, message.text))

    def _console(self, kind: str, text: str) -> None:
        """Console errors, but an API answer of 4xx (a refusal the test expects) is the page's normal business."""
        if kind == "error" and not text.startswith(LOADING_REFUSED):
            self.problems.append(text)

    async def telegram_calls(self) -> list[str]:
        return list(await self.page.evaluate("window.Telegram.WebApp.calls"))


async def open_app(
    browser: Browser,
    served: Served,
    init_data: str,
    *,
    viewport: dict[str, int] = DESKTOP,
    scheme: str = "light",
    hash: str = "",
) -> Opened:
    """A fresh browser context that opens the app as Telegram would, with ``init_data``."""
    context = await browser.new_context(viewport=viewport)
    launch_script = {"initData": init_data, "colorScheme": scheme, "themeParams": DARK if scheme == "dark" else LIGHT}
    fake = f"window.KUZET_TEST_TELEGRAM = {json.dumps(launch_script)};\n{FAKE_TELEGRAM.read_text()}"

    async def telegram_script(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/javascript", body=fake)

    async def to_local_server(route: Route) -> None:
        try:
            response = await route.fetch(url=served.base + route.request.url.removeprefix(APP_ORIGIN))
            await route.fulfill(response=response)
        except PlaywrightError:
            # The page dropped the request meanwhile (a reload, a replaced fetch, a closed context: "Fetch response
            # has been disposed"), or the local server failed it; either way it ends as a failed request, which
            # the page shows and the test's own checks catch.
            with contextlib.suppress(PlaywrightError):
                await route.abort()

    await context.route(TELEGRAM_SCRIPT, telegram_script)
    await context.route(f"{APP_ORIGIN}/**", to_local_server)
    page = await context.new_page()
    opened = Opened(context, page)
    await page.goto(APP_URL + hash)
    return opened


Opener = Callable[..., Awaitable[Opened]]
"""Opens the app with some initData (and open_app's options) in a fresh browser context."""


@pytest_asyncio.fixture(loop_scope="module")
async def opened(browser: Browser, served: Served) -> AsyncIterator[Opener]:
    """Opens the app for a test; after it, each context it opened is closed and checked for script errors and CSP
    breaks."""
    apps: list[Opened] = []

    async def open_one(init_data: str, **options: Any) -> Opened:
        app = await open_app(browser, served, init_data, **options)
        apps.append(app)
        return app

    yield open_one
    problems = [problem for app in apps for problem in app.problems]
    for app in apps:
        await app.context.close()
    assert not problems, problems


async def queue_ids(page: Page) -> list[int]:
    """The cases the queue lists, once it has loaded."""
    await page.wait_for_selector("section.queue[aria-busy=false]")
    ids = await page.locator("ol.cases .case-row").evaluate_all("rows => rows.map(r => Number(r.dataset.id))")
    return list(ids)


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"miniapp-{name}.png"), full_page=True)


async def no_sideways_scroll(page: Page) -> None:
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


async def test_moderator_filters_opens_and_verifies_a_case_and_its_card_in_the_group_shows_it(
    served: Served, opened: Opener
) -> None:
    russian = served.cases["ru"]
    card = card_of(served.telegram, served.db, russian)
    await press(served.telegram, served.team.bob, card, f"case:v:{russian}")  # Bob votes in the group
    app = await opened(launch(served, served.team.alice))
    page = app.page
    everything = await queue_ids(page)
    assert set(served.cases.values()) <= set(everything)
    assert everything[0] == served.cases["en"], "the most reported case comes first"
    option = page.locator("select[name=language] option[value=ru]")
    assert "(1)" in (await option.inner_text()), "the language filter shows its count"
    async with page.expect_response(lambda response: "/api/queue" in response.url):
        await page.select_option("select[name=language]", "ru")
    await expect(page.locator("ol.cases .case-row")).to_have_count(1)
    assert await queue_ids(page) == [russian]
    await page.click(f"ol.cases .case-row[data-id='{russian}']")
    await page.wait_for_selector("article.case")
    assert "BackButton.show" in await app.telegram_calls()
    assert await page.locator("blockquote").first.inner_text() == RUSSIAN
    async with page.expect_response(lambda response: response.url.endswith(f"/cases/{russian}/verify")) as answer:
        await page.click("button[data-action=verify]")
    assert (await answer.value).status == 200
    await page.wait_for_selector("button[data-action=verify]", state="detached")
    assert served.db.value("SELECT status FROM cases WHERE id = ?", (russian,)) == "verified"
    await served.telegram.wait_until(
        lambda: "✅ verified" in card_of(served.telegram, served.db, russian).plain,
        timeout=30,
        what="the card showing the verified case",
    )
    assert "haptic.notification.success" in await app.telegram_calls()


async def test_citizens_init_data_is_refused_and_shows_no_case(
    served: Served, opened: Opener, translations: Callable[[str], Translator]
) -> None:
    citizen = served.telegram.user(100)  # reported the English campaign
    app = await opened(launch(served, citizen), hash=f"#case-{served.cases['en']}")
    await app.page.wait_for_selector("[data-refused=not_moderator]")
    said = app_strings(translations("en"))["refused.not_moderator"]
    assert await app.page.locator("[data-refused] p").inner_text() == said, "the refusal says why"
    assert await app.page.locator("ol.cases, article.case").count() == 0
    assert UNVERIFIED not in await app.page.content()
    await shot(app.page, "refused")


async def test_tampered_init_data_is_refused(served: Served, opened: Opener) -> None:
    signed = launch(served, served.telegram.user(101))
    forged_user = json.dumps({"id": served.team.alice["id"], "first_name": "Alice", "language_code": "en"})
    tampered = "&".join(f"user={forged_user}" if field.startswith("user=") else field for field in signed.split("&"))
    app = await opened(tampered)
    await app.page.wait_for_selector("[data-refused=invalid]")
    assert await app.page.locator("ol.cases").count() == 0
    wrong_key = launch(served, served.team.alice, token="123:not-the-bot-token")
    app = await opened(wrong_key)
    await app.page.wait_for_selector("[data-refused=invalid]")


async def test_arabic_reads_right_to_left_with_the_layout_mirrored(served: Served, opened: Opener) -> None:
    app = await opened(launch(served, served.team.carol, language="ar"), viewport=PHONE)
    page = app.page
    await queue_ids(page)
    assert await page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    field = await page.locator("form.search input").bounding_box()
    button = await page.locator("form.search button").bounding_box()
    assert field and button and button["x"] + button["width"] <= field["x"], "the search button is not on the left"
    row = page.locator(f".case-row[data-id='{served.cases['en']}']")
    number = await row.locator(".row-head strong").bounding_box()
    age = await row.locator(".row-head .age").bounding_box()
    assert number and age and age["x"] < number["x"], "the case number does not start on the right"
    english = row.locator("bdi, span[dir=auto]").first
    assert await english.evaluate("n => getComputedStyle(n).direction") == "ltr", "English text is not isolated"


async def test_keyboard_walks_the_queue_votes_rejects_with_a_reason_and_goes_back(
    served: Served, opened: Opener
) -> None:
    app = await opened(launch(served, served.team.carol))
    page = app.page
    order = await queue_ids(page)
    await page.keyboard.press("j")
    await page.keyboard.press("Enter")
    await page.wait_for_selector(f"article.case[data-id='{order[0]}']")
    await page.keyboard.press("n")
    await page.wait_for_selector(f"article.case[data-id='{order[1]}']")
    assert page.url.endswith(f"#case-{order[1]}")
    async with page.expect_response(lambda response: response.url.endswith(f"/cases/{order[1]}/verify")):
        await page.keyboard.press("v")
    await page.wait_for_selector(".votes .badge.mine")
    carol = served.team.carol["id"]
    voted = "SELECT COUNT(*) FROM case_votes WHERE case_id = ? AND moderator_id = ?"
    assert served.db.value(voted, (order[1], carol)) == 1
    await page.keyboard.press("n")
    await page.wait_for_selector(f"article.case[data-id='{order[2]}']")
    await page.keyboard.press("r")
    await page.wait_for_selector(".reasons button.reason")
    async with page.expect_response(lambda response: response.url.endswith(f"/cases/{order[2]}/reject")):
        await page.keyboard.press("1")
    assert served.db.value("SELECT status FROM cases WHERE id = ?", (order[2],)) == "rejected"
    assert any(call.startswith("showConfirm:") for call in await app.telegram_calls())
    await served.telegram.wait_until(
        lambda: "❌ rejected" in card_of(served.telegram, served.db, order[2]).plain,
        timeout=30,
        what="the card showing the rejected case",
    )
    await page.keyboard.press("Escape")
    await queue_ids(page)
    assert page.url.endswith("#queue")
    await page.fill("form.search input", "v")
    assert await page.locator("article.case").count() == 0, "a key typed in the search box is no shortcut"


async def test_a_case_link_opens_its_page_whose_template_editor_previews_the_matching_reports(
    served: Served, opened: Opener
) -> None:
    english = served.cases["en"]
    app = await opened(launch(served, served.team.alice, start=f"case-{english}"))
    page = app.page
    await page.wait_for_selector(f"article.case[data-id='{english}'] textarea[name=template]")
    published = page.get_by_text("📢 If verified, this text is published as it stands")
    await expect(published).to_have_count(1)  # as on the card: no template yet, verifying publishes this text
    templates = served.db.value("SELECT COUNT(*) FROM templates")
    reports = await page.locator("ol.reports > li").count()
    assert reports == 5
    await page.fill("textarea[name=template]", UNVERIFIED)
    await expect(page.locator("ol.reports > li.matched")).to_have_count(reports)
    await page.fill("textarea[name=template]", "The weather in Almaty is lovely this week, let us go to the mountains")
    await expect(page.locator("ol.reports > li.matched")).to_have_count(0)
    assert served.db.value("SELECT COUNT(*) FROM templates") == templates, "a preview makes no template"


async def test_a_reject_is_undone_by_its_moderator_and_an_admin_reopens_a_decided_case(
    served: Served, opened: Opener
) -> None:
    chinese = served.cases["zh"]
    status = "SELECT status FROM cases WHERE id = ?"

    async def reject_and_then(user: dict, action: str) -> None:
        app = await opened(launch(served, user), hash=f"#case-{chinese}")
        page = app.page
        await page.click("button[data-action=reject]")
        await page.click("button.reason[data-reason=not_enough]")
        await page.wait_for_selector(f"button[data-action={action}]")
        assert served.db.value(status, (chinese,)) == "rejected"
        await page.click(f"button[data-action={action}]")
        await page.wait_for_selector("button[data-action=verify]")
        assert served.db.value(status, (chinese,)) == "open"

    await reject_and_then(served.team.carol, "undo")
    await reject_and_then(served.team.admin, "reopen")
    actions = "SELECT action FROM audit_log WHERE case_id = ? ORDER BY id"
    assert [row[0] for row in served.db.rows(actions, (chinese,))][-4:] == [
        "case.reject",
        "case.undo_reject",
        "case.reject",
        "case.reopen",
    ]


async def test_protect_closes_an_account_case_as_a_report_brigade(served: Served, opened: Opener) -> None:
    account = served.cases["account"]
    app = await opened(launch(served, served.team.alice), hash=f"#case-{account}")
    page = app.page
    link = page.locator("ul.accounts a")
    assert await link.get_attribute("href") == f"https://x.com/{FAKE_ACCOUNT}"
    await page.click("button[data-action=protect]")
    await page.wait_for_selector("button[data-action=protect]", state="detached")
    decided = "SELECT status, reason_code FROM cases WHERE id = ?"
    assert tuple(served.db.rows(decided, (account,))[0]) == ("rejected", "brigade")
    await page.wait_for_selector("ol.history li:has-text('rejected a case')")


async def test_a_reload_keeps_the_session_and_an_ended_one_asks_to_reopen_the_app(
    served: Served, opened: Opener
) -> None:
    app = await opened(launch(served, served.team.bob))
    page = app.page
    await queue_ids(page)
    await page.reload()  # the same initData again: posting it would be a replay, the kept token is used instead
    order = await queue_ids(page)
    bob = served.team.bob["id"]
    assert served.db.value("SELECT COUNT(*) FROM miniapp_sessions WHERE user_id = ?", (bob,)) == 1
    with served.db.connect() as conn:
        conn.execute("UPDATE miniapp_sessions SET expires_at = 0 WHERE user_id = ?", (bob,))
    await page.click(f".case-row[data-id='{order[0]}']")
    await page.wait_for_selector("[data-refused=ended]")
    assert await page.locator("article.case").count() == 0
    await page.reload()
    await page.wait_for_selector("[data-refused=replayed]")


async def test_telegram_dark_theme_colours_the_app_and_a_theme_change_follows(served: Served, opened: Opener) -> None:
    app = await opened(launch(served, served.team.carol), scheme="dark")
    await queue_ids(app.page)
    assert await app.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 33, 43)"
    assert await app.page.evaluate("getComputedStyle(document.body).color") == "rgb(245, 245, 245)"
    await app.page.evaluate(
        """light => {
            Object.assign(window.Telegram.WebApp, {colorScheme: "light", themeParams: light});
            window.Telegram.WebApp.emit("themeChanged");
        }""",
        LIGHT,
    )
    assert await app.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


@pytest.mark.parametrize("locale", list(LANGUAGE_CODES))
async def test_queue_at_phone_width_in_each_language_without_sideways_scroll(
    served: Served, opened: Opener, locale: str
) -> None:
    user = served.team.carol
    app = await opened(launch(served, user, language=LANGUAGE_CODES[locale]), viewport=PHONE)
    await queue_ids(app.page)
    assert await app.page.evaluate("document.documentElement.lang") == locale.replace("_", "-")
    await no_sideways_scroll(app.page)
    await shot(app.page, f"queue-{locale}-phone-light")


@pytest.mark.parametrize(
    ("locale", "width", "scheme"),
    [("en", "phone", "light"), ("en", "desktop", "dark"), ("ar", "phone", "dark"), ("ar", "desktop", "light")],
)
async def test_screens_of_the_queue_and_a_case(
    served: Served, opened: Opener, locale: str, width: str, scheme: str
) -> None:
    viewport = PHONE if width == "phone" else DESKTOP
    user = served.team.carol
    app = await opened(launch(served, user, language=locale), viewport=viewport, scheme=scheme)
    page = app.page
    await queue_ids(page)
    await shot(page, f"queue-{locale}-{width}-{scheme}")
    await page.click(f".case-row[data-id='{served.cases['kk']}']")
    await page.wait_for_selector("article.case")
    await no_sideways_scroll(page)
    await shot(page, f"case-{locale}-{width}-{scheme}")
