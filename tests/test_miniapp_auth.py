"""The Mini App lets in moderators only, the Telegram way: initData signed with the bot token, fresh, used once;
then a session whose user's role is read on every request. Every refusal changes nothing in the database."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.config import Settings
from bot.core.init_data import InitDataRefused, Refusal, validate_init_data
from bot.sandbox import FakeTelegram
from bot.service.retention import apply_retention
from bot.store import Store
from tests.databases import Database
from tests.miniapp_helpers import APP_ORIGIN, AppClient, app_served, init_data_of
from tests.moderation_helpers import Team, press, say, seen

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
    bare = await app.http.get("/app?tgWebAppStartParam=case-7")
    assert (bare.status_code, bare.headers["Location"]) == (308, "/app/?tgWebAppStartParam=case-7"), (
        "MINIAPP_URL without its final slash still opens the app, with Telegram's start parameter"
    )
    site = await app.http.get("/about")
    assert "frame-ancestors 'none'" in site.headers["Content-Security-Policy"], "the public site keeps its own policy"
    assert session["token"] not in db.dump(), "the database keeps the token's hash, never the token"
    admin = (await app.session(init_data_of(telegram, team.admin, language_code="de"))).json()
    assert admin["me"]["role"] == "admin" and admin["locale"] == "en", "an unknown language: the moderators' one"
    picker = await say(telegram, team.bob, "/language")
    await press(telegram, team.bob, picker, "lang:kk")
    chosen = (await app.session(init_data_of(telegram, team.bob, language_code="ru"))).json()
    assert chosen["locale"] == "kk", "the language chosen in the bot wins over Telegram's"


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
        assert answer.json()["error"] == ("expired" if what == "expired" else "invalid"), what
    assert db.dump() == before


async def test_a_replayed_init_data_and_a_citizens_get_403_and_change_nothing(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    once = init_data_of(telegram, team.bob)
    assert (await app.session(once)).status_code == 200
    before = db.dump()
    again = await app.session(once)
    assert (again.status_code, again.json()["error"]) == (403, "replayed")
    citizen = await app.session(init_data_of(telegram, telegram.user(555, first_name="Dana"), language_code="ar"))
    assert (citizen.status_code, citizen.json()["error"]) == (403, "not_moderator")
    assert (citizen.json()["locale"], citizen.json()["dir"]) == ("ar", "rtl"), "a refusal is worded in their language"
    assert isinstance(citizen.json()["strings"], dict) and "token" not in citizen.json()
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


async def test_without_a_live_session_the_api_answers_401(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database, moderation_settings: Callable[..., Settings]
) -> None:
    settings = moderation_settings()
    team, app = served
    token = await app.login(team.alice)
    assert (await app.get(token, "/app/api/queue")).status_code == 200
    assert (await app.http.get("/app/api/queue")).json() == {"error": "no_session"}
    assert (await app.get("made-up", "/app/api/queue")).status_code == 401
    with db.connect() as conn:  # the session idled past MINIAPP_MAX_AGE
        conn.execute("UPDATE miniapp_sessions SET expires_at = used_at")
    ended = await app.get(token, "/app/api/queue")
    assert (ended.status_code, ended.json()) == (401, {"error": "no_session"})
    store = await Store.open(settings.database)
    try:
        await apply_retention(store, int(time.time()), settings.retention_days)
    finally:
        await store.close()
    assert db.value("SELECT COUNT(*) FROM miniapp_sessions") == 0, "retention deletes ended sessions"


async def test_a_removed_moderator_is_refused_at_once_and_changes_nothing(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    await say(telegram, telegram.user(11), "Only the ruling party protects our families from chaos and foreign agents")
    token = await app.login(team.bob)
    assert (await app.get(token, "/app/api/cases/1")).status_code == 200
    assert str(team.bob["id"]) in seen(await say(telegram, team.admin, f"/mod remove {team.bob['id']}"))
    await telegram.wait_until_idle()
    before = db.dump()
    for answer in (await app.get(token, "/app/api/queue"), await app.post(token, "/app/api/cases/1/verify")):
        assert (answer.status_code, answer.json()) == (403, {"error": "not_moderator"})
    assert db.dump() == before


async def test_a_cross_site_action_is_refused_unread(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    await say(telegram, telegram.user(11), "Only the ruling party protects our families from chaos and foreign agents")
    token = await app.login(team.alice)
    await telegram.wait_until_idle()
    before = db.dump()
    bearer = {"Authorization": f"Bearer {token}"}
    foreign = await app.http.post(
        "/app/api/cases/1/verify", json={}, headers=bearer | {"Origin": "https://evil.example"}
    )
    assert (foreign.status_code, foreign.json()) == (403, {"error": "origin"})
    form = await app.http.post(
        "/app/api/cases/1/verify", content=b"{}", headers=bearer | {"Content-Type": "text/plain"}
    )
    assert (form.status_code, form.json()) == (415, {"error": "json_required"})
    read = await app.http.get("/app/api/cases/1/verify", headers=bearer)
    assert (read.status_code, read.json(), read.headers["Allow"]) == (405, {"error": "not_allowed"}, "POST")
    unknown = await app.http.get("/app/api/cases/1/verify/again", headers=bearer)
    assert (unknown.status_code, unknown.json()) == (404, {"error": "not_found"})
    assert db.dump() == before


def test_init_data_is_checked_as_telegram_documents_it_signature_field_included() -> None:
    token, now = "123456:AAH-test_token", 1_760_000_000
    user = '{"id":901,"first_name":"Alice","language_code":"kk"}'
    fields = {"auth_date": str(now - 5), "query_id": "AAE", "signature": "c2lnbmVk", "user": user}
    check = "\n".join(f"{name}={fields[name]}" for name in sorted(fields))  # every field but hash, sorted
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    signed = fields | {"hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()}
    init = validate_init_data(urlencode(signed), token, now, 3600)
    assert (init.user_id, init.language_code, init.start_param) == (901, "kk", None)
    without_signature = {name: value for name, value in signed.items() if name != "signature"}
    for altered in (without_signature, signed | {"user": user.replace("901", "900")}, signed | {"auth_date": str(now)}):
        with pytest.raises(InitDataRefused) as refused:
            validate_init_data(urlencode(altered), token, now, 3600)
        assert refused.value.reason is Refusal.INVALID
    twice = urlencode(signed) + "&user=" + user.replace("901", "900")
    with pytest.raises(InitDataRefused):
        validate_init_data(twice, token, now, 3600)
