"""What the public site never shows: unverified or rejected cases, protected accounts, anything about reporters
(pseudonyms, their own words), moderators' names; and what each publication rule lets through."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.app import running
from bot.config import Settings
from bot.sandbox import FakeTelegram
from bot.store import Store
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, say
from tests.test_digest import _verify
from tests.web_helpers import (
    FAKE_ACCOUNT,
    OWN_WORDS,
    REJECTED,
    UNVERIFIED,
    Filled,
    everything,
    settings_for,
    shared_database,
    site_client,
    site_on_shared,
)

pytestmark = pytest.mark.xdist_group("web_privacy")


LATE = "Boycott Twitter on Sunday for 24 hours in protest against the deletion of Qatari accounts."
"""A campaign verified after the digest was published."""


async def _after_the_digest(telegram: FakeTelegram, db: Database, settings: Settings) -> None:
    """After the digest went out: moderators verify one more campaign, and find that @fake_patriot_kz was the
    target of a report brigade."""
    async with running(settings):
        await say(telegram, telegram.user(50), LATE)
        await say(telegram, telegram.user(51), LATE)
        admin, alice = telegram.user(ADMIN_ID, first_name="Aigerim"), telegram.user(901, first_name="Alice")
        await _verify(telegram, db, int(db.value("SELECT MAX(id) FROM cases")), admin, alice)
    store = await Store.open(db.url)
    try:
        async with store.transaction() as tx:
            account_id = db.value("SELECT id FROM accounts WHERE identity = ?", (f"@{FAKE_ACCOUNT}",))
            assert await tx.protected.protect(account_id, None, ADMIN_ID, int(time.time()))
    finally:
        await store.close()


filled = shared_database("web_privacy", then=_after_the_digest)
site = site_on_shared(WEB_PUBLISH="verified")


@pytest.fixture
def db(filled: tuple[str, Filled, Path]) -> Database:
    url, _, folder = filled
    return Database(settings_for(url, folder).database)


async def test_an_unverified_or_rejected_case_is_nowhere_not_its_page_the_api_the_downloads_nor_search(
    site: TestClient, filled: tuple[str, Filled, Path]
) -> None:
    made = filled[1]
    for case_id in (made.unverified, made.rejected):
        assert (await site.get(f"/campaigns/{case_id}")).status == 404
        assert (await site.get(f"/api/campaigns/{case_id}")).status == 404
    for query in (UNVERIFIED, REJECTED):
        found = await (await site.get("/api/campaigns", params={"q": query})).json()
        assert found["total"] == 0, query
    for path, body in (await everything(site)).items():
        for text in (UNVERIFIED, REJECTED, UNVERIFIED[:40], REJECTED[:40]):
            assert text not in body, (path, text)
        assert f'/campaigns/{made.unverified}"' not in body and f'/campaigns/{made.rejected}"' not in body


async def test_an_account_protected_after_the_digest_is_never_named_and_its_account_case_is_gone(
    site: TestClient, filled: tuple[str, Filled, Path]
) -> None:
    made = filled[1]
    assert (await site.get(f"/campaigns/{made.account}")).status == 404
    bodies = await everything(site)
    for path, body in bodies.items():
        assert FAKE_ACCOUNT not in body, path
    assert "@nur_news" in bodies["/campaigns/1?lang=en"]  # the campaign's other account is still named


async def test_nothing_about_reporters_or_moderators_appears_in_any_response(site: TestClient, db: Database) -> None:
    pseudonyms = [row[0] for row in db.rows("SELECT pseudonym FROM reporters")]
    photos = [row[0] for row in db.rows("SELECT file_id FROM report_images")]
    texts = [row[0] for row in db.rows("SELECT text FROM reports WHERE text LIKE ?", (f"%{OWN_WORDS}%",))]
    assert len(pseudonyms) >= 10 and texts and photos
    for path, body in (await everything(site)).items():
        assert OWN_WORDS not in body, path
        for secret in (*pseudonyms, *photos):
            assert secret not in body, path
        assert "<img" not in body, path
        for name in ("Aigerim", "Alice", "Moderator 1", "Moderator 2"):
            assert name not in body, (path, name)


async def test_published_by_digest_a_case_verified_after_the_last_digest_waits_for_the_next(
    filled: tuple[str, Filled, Path], db: Database
) -> None:
    url, made, folder = filled
    late = int(db.value("SELECT MAX(id) FROM cases"))
    assert db.value("SELECT status FROM cases WHERE id = ?", (late,)) == "verified"
    in_chain = sorted([*made.verified.values(), made.picture])  # and the account case, but its account is protected
    async with site_client(settings_for(url, folder, WEB_PUBLISH="digest")) as site:
        listed = await (await site.get("/api/campaigns")).json()
        assert sorted(c["id"] for c in listed["campaigns"]) == in_chain
        assert (await site.get(f"/campaigns/{late}")).status == 404
        assert (await site.get("/campaigns/1")).status == 200
        assert (await (await site.get("/api/campaigns", params={"q": LATE})).json())["total"] == 0
    async with site_client(settings_for(url, folder, WEB_PUBLISH="verified")) as site:
        listed = await (await site.get("/api/campaigns")).json()
        assert sorted(c["id"] for c in listed["campaigns"]) == sorted([*in_chain, late])
        assert (await site.get(f"/campaigns/{late}")).status == 200
