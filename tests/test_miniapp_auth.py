"""The Mini App lets in moderators only, the Telegram way: initData signed with the bot token, fresh, used once;
then a session whose user's role is read on every request. Every refusal changes nothing in the database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.miniapp_helpers import APP_ORIGIN, AppClient, app_served, init_data_of
from tests.moderation_helpers import Team

pytestmark = pytest.mark.xdist_group("miniapp")


@pytest.fixture
async def served(
    moderated: Callable[..., AbstractAsyncContextManager[Team]], telegram: FakeTelegram
) -> AsyncIterator[tuple[Team, AppClient]]:
    async with app_served(moderated, telegram)() as both:
        await telegram.wait_until_idle()
        yield both


def _altered(init_data: str, **changes: str) -> str:
    fields = dict(parse_qsl(init_data)) | changes
    return urlencode(fields)


async def test_a_moderator_opens_a_session_in_their_language(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    answer = await app.session(init_data_of(telegram, team.alice, language_code="ar"))
    assert answer.status_code == 200, answer.text
    session = answer.json()
    assert session["locale"] == "ar" and session["dir"] == "rtl"
    assert session["me"] == {
        "role": "moderator",
        "alias": db.value("SELECT alias FROM moderator_aliases WHERE user_id = 901"),
    }
    assert session["expires_in"] == 3600 and isinstance(session["strings"], dict)
    assert answer.headers["Cache-Control"] == "no-store" and "set-cookie" not in answer.headers
    assert "access-control-allow-origin" not in answer.headers
    assert (
        "frame-ancestors https://web.telegram.org https://*.web.telegram.org"
        in answer.headers["Content-Security-Policy"]
    )
    site = await app.http.get("/about")
    assert "frame-ancestors 'none'" in site.headers["Content-Security-Policy"], "the public site keeps its own policy"
    assert session["token"] not in db.dump(), "the database keeps the token's hash, never the token"
    admin = (await app.session(init_data_of(telegram, team.admin, language_code="de"))).json()
    assert admin["me"]["role"] == "admin" and admin["locale"] == "en", "an unknown language: the moderators' one"


async def test_forged_altered_expired_and_malformed_init_data_get_401_and_change_nothing(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    before = db.dump()
    genuine = init_data_of(telegram, team.alice)
    refused = {
        "forged": init_data_of(telegram, team.alice, token="123:another-bots-token"),
        "altered": _altered(genuine, user=f'{{"id":{team.admin["id"]},"first_name":"A"}}'),
        "hash altered": _altered(genuine, hash="0" * 64),
        "unsigned": _altered(genuine, hash=""),
        "expired": init_data_of(telegram, team.alice, age=3601),
        "malformed": "not init data at all",
        "empty": "",
    }
    for what, init_data in refused.items():
        answer = await app.session(init_data)
        assert answer.status_code == 401, what
        assert answer.json() == {"error": "expired" if what == "expired" else "invalid"}, what
    assert db.dump() == before


async def test_a_replayed_init_data_and_a_citizens_get_403_and_change_nothing(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    once = init_data_of(telegram, team.bob)
    assert (await app.session(once)).status_code == 200
    before = db.dump()
    again = await app.session(once)
    assert (again.status_code, again.json()) == (403, {"error": "replayed"})
    citizen = await app.session(init_data_of(telegram, telegram.user(555, first_name="Dana")))
    assert (citizen.status_code, citizen.json()) == (403, {"error": "not_moderator"})
    assert db.dump() == before


async def test_a_session_can_only_be_asked_for_with_json_from_the_apps_own_origin(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    before = db.dump()
    init_data = init_data_of(telegram, team.alice)
    form = await app.http.post("/app/api/session", data={"init_data": init_data}, headers={"Origin": APP_ORIGIN})
    assert (form.status_code, form.json()) == (415, {"error": "json_required"})
    foreign = await app.session(init_data, Origin="https://evil.example.com")
    assert (foreign.status_code, foreign.json()) == (403, {"error": "origin"})
    assert db.dump() == before
    assert (await app.session(init_data, Origin=APP_ORIGIN)).status_code == 200
