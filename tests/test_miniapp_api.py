"""A moderator works the queue from the Mini App: the real bot (Application, sandbox Bot API, real database) serves
the app; every action goes through the card buttons' use cases and audit log, and the group's card follows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from bot.sandbox import FakeTelegram, picture
from tests.databases import Database
from tests.miniapp_helpers import APP_URL, AppClient, app_served
from tests.moderation_helpers import CARD_WAIT_SECONDS, Team, card_of, say, seen, wait_for_card
from tests.test_suggestions import SUGGESTION_BAND, TRANSLATED, WAVE

pytestmark = pytest.mark.xdist_group("miniapp")

CAMPAIGN = "Vote for stability: only the ruling party protects our families from chaos and foreign influence"
GENUINE = "The new bridge over the Ili river opens next Monday, the city council said in its weekly bulletin"
TEMPLATED = "Our glorious leader built ten thousand new schools this year and the opposition stayed silent"
RUSSIAN = "Наш Президент обеспечивает необходимую стабильность и спокойствие в нашей стране каждый день"


@pytest.fixture
async def served(
    moderated: Callable[..., AbstractAsyncContextManager[Team]], telegram: FakeTelegram
) -> AsyncIterator[tuple[Team, AppClient]]:
    async with app_served(moderated, telegram)() as both:
        yield both


async def _case_of(telegram: FakeTelegram, db: Database, text: str, *citizens: int) -> int:
    for citizen in citizens:
        await say(telegram, telegram.user(citizen), text)
    case_id = int(db.value("SELECT MAX(id) FROM cases"))
    await wait_for_card(telegram, db, case_id)
    return case_id


async def _card_shows(telegram: FakeTelegram, db: Database, case_id: int, text: str) -> None:
    """Wait until the group's card of the case shows ``text`` (the card sender edits in the group's window)."""
    await telegram.wait_until(
        lambda: text in seen(card_of(telegram, db, case_id)), timeout=CARD_WAIT_SECONDS, what=f"{text} on #{case_id}"
    )


async def test_a_moderator_filters_searches_and_works_cases_and_the_cards_follow(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    campaign = await _case_of(telegram, db, CAMPAIGN, 11, 12, 13)
    genuine = await _case_of(telegram, db, GENUINE, 14)
    templated = await _case_of(telegram, db, TEMPLATED, 15, 16)
    russian = await _case_of(telegram, db, RUSSIAN, 17)
    alice, bob = await app.login(team.alice), await app.login(team.bob)

    page = (await app.get(alice, "/app/api/queue")).json()
    assert [row["id"] for row in page["cases"]] == [campaign, templated, genuine, russian], "most reported first"
    assert page["total"] == 4 and page["next"] is None
    assert page["counts"]["language"] == {"en": 3, "ru": 1} and page["counts"]["state"]["unclaimed"] == 4
    first = page["cases"][0]
    assert (first["excerpt"], first["reports"], first["votes"], first["votes_needed"]) == (CAMPAIGN, 3, 0, 2)
    assert not any(key in json.dumps(page) for key in ("reporter", "pseudonym", "chat_id"))

    russian_only = (await app.get(alice, "/app/api/queue", language="ru")).json()
    assert [row["id"] for row in russian_only["cases"]] == [russian]
    assert russian_only["counts"]["language"] == {"en": 3, "ru": 1}, "a facet counts with the other filters only"
    assert russian_only["counts"]["age"] == {"day": 1}
    found = (await app.get(alice, "/app/api/queue", q="ВRIDGE ovеr")).json()  # Cyrillic В and е, upper case
    assert [row["id"] for row in found["cases"]] == [genuine]
    newest = (await app.get(alice, "/app/api/queue", sort="newest")).json()
    assert [row["id"] for row in newest["cases"]] == [russian, templated, genuine, campaign]
    assert (await app.get(alice, "/app/api/queue", sort="sideways")).json() == {"error": "bad_sort"}

    shown = (await app.get(alice, f"/app/api/cases/{campaign}")).json()
    assert [report["id"] for report in shown["reports"]] == [1, 2, 3]
    assert [report["match"] for report in shown["reports"]] == ["new", "exact", "exact"]
    assert shown["actions"][:3] == ["verify", "reject", "claim"] and shown["votes"]["mine"] is False
    dumped = json.dumps(shown)
    pseudonyms = [row[0] for row in db.rows("SELECT pseudonym FROM reporters")]
    assert pseudonyms and not any(p in dumped for p in pseudonyms)
    assert not any(key in dumped for key in ("reporter", "pseudonym", "chat_id", "user_id"))

    def alias(user: dict) -> dict:
        return {"alias": db.value("SELECT alias FROM moderator_aliases WHERE user_id = ?", (user["id"],))}

    voted = (await app.post(alice, f"/app/api/cases/{campaign}/verify")).json()
    assert voted["votes"] == voted["votes"] | {"count": 1, "mine": True} and voted["actions"][0] == "withdraw"
    assert voted["votes"]["by"] == [alias(team.alice)], "her own vote, shown to her"
    blind = (await app.get(bob, f"/app/api/cases/{campaign}")).json()
    assert blind["votes"] | {"mine": None} == {"count": 1, "needed": 2, "mine": None, "by": []}, "never whose"
    assert [entry["by"] for entry in blind["history"] if entry["action"] == "vote.verify"] == [None]
    decided = (await app.post(bob, f"/app/api/cases/{campaign}/verify")).json()
    assert decided["case"]["state"] == "verified" and decided["actions"] == []
    assert decided["votes"]["by"] == [alias(team.alice), alias(team.bob)], "once decided, as on the card"
    await _card_shows(telegram, db, campaign, "✅ verified")
    audit = db.rows("SELECT actor_id, action FROM audit_log WHERE case_id = ? ORDER BY id", (campaign,))
    assert [tuple(row) for row in audit] == [
        (team.alice["id"], "vote.verify"),
        (team.bob["id"], "vote.verify"),
        (team.bob["id"], "case.verify"),
    ]
    assert campaign not in [row["id"] for row in (await app.get(alice, "/app/api/queue")).json()["cases"]]

    rejected = (await app.post(alice, f"/app/api/cases/{genuine}/reject", {"reason": "genuine"})).json()
    assert rejected["case"]["state"] == "rejected" and rejected["actions"] == ["undo"]
    assert rejected["history"][-1] | {"at": 0} == {
        "action": "case.reject",
        "at": 0,
        "by": alias(team.alice),
        "reason": {"code": "genuine", "text": None},
    }
    await _card_shows(telegram, db, genuine, "rejected")
    written = await app.post(bob, f"/app/api/cases/{russian}/reject", {"reason": "other"})
    assert (written.status_code, written.json()) == (400, {"error": "bad_text"}), "another reason must be written"

    before = db.dump()
    refused = await app.post(alice, f"/app/api/cases/{genuine}/reopen")
    assert (refused.status_code, refused.json()) == (403, {"error": "not_allowed"})
    assert db.dump() == before
    admin = await app.login(team.admin)
    assert "reopen" in (await app.get(admin, f"/app/api/cases/{genuine}")).json()["actions"]
    reopened = (await app.post(admin, f"/app/api/cases/{genuine}/reopen")).json()
    assert reopened["case"]["state"] == "open"

    preview = await app.post(alice, f"/app/api/cases/{templated}/template_preview", {"text": TEMPLATED[:60]})
    assert preview.json() == {"matches": [1, 2], "problems": []}
    unrelated = "Completely different words about football matches and summer holidays in the mountains"
    assert (await app.post(alice, f"/app/api/cases/{templated}/template_preview", {"text": unrelated})).json() == {
        "matches": [],
        "problems": [],
    }
    vague = (await app.post(alice, f"/app/api/cases/{templated}/template_preview", {"text": "the {*}"})).json()
    assert vague["matches"] == [] and vague["problems"]
    made = (await app.post(alice, f"/app/api/cases/{templated}/template", {"text": TEMPLATED})).json()
    template_id = db.value("SELECT MAX(id) FROM templates")
    assert made["case"]["template"]["id"] == template_id
    by_template = (await app.get(alice, "/app/api/queue", template=str(template_id))).json()
    assert [row["id"] for row in by_template["cases"]] == [templated]
    assert by_template["counts"]["template"][str(template_id)] == 1 and str(template_id) in by_template["templates"]
    assert db.value("SELECT text FROM templates WHERE id = ?", (template_id,)) == TEMPLATED
    assert db.value("SELECT COUNT(*) FROM audit_log WHERE action = 'template.add' AND case_id = ?", (templated,)) == 1


async def test_a_suggestion_is_answered_from_the_app_and_both_cards_follow(
    moderated: Callable[..., AbstractAsyncContextManager[Team]], telegram: FakeTelegram, db: Database
) -> None:
    async with app_served(moderated, telegram)(**SUGGESTION_BAND) as (team, app):
        assert "added" in seen(await say(telegram, team.alice, f"/template add {WAVE}", chat=team.group))
        campaign = await _case_of(telegram, db, WAVE, 1)
        await say(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
        suggested = int(db.value("SELECT MAX(id) FROM cases"))
        await wait_for_card(telegram, db, suggested)
        bob = await app.login(team.bob)
        flagged = (await app.get(bob, "/app/api/queue", flag="suggestion")).json()
        assert [row["id"] for row in flagged["cases"]] == [suggested] and flagged["cases"][0]["suggestion"]
        page = (await app.get(bob, f"/app/api/cases/{suggested}")).json()
        assert "suggestion" in page["actions"] and page["suggestion"]["text"] == WAVE
        body = {"suggestion_id": page["suggestion"]["id"], "same": True}
        answered = (await app.post(bob, f"/app/api/cases/{suggested}/suggestion", body)).json()
        assert answered["case"]["state"] == "joined"
        await _card_shows(telegram, db, suggested, "🔗 joined another case")
        await _card_shows(telegram, db, campaign, "Reports: 2")
        again = await app.post(bob, f"/app/api/cases/{suggested}/suggestion", body)
        assert again.status_code == 409


async def test_a_case_page_names_the_other_cases_with_the_same_picture(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, app = served
    poster, channel = picture(9, 1280, 960), telegram.channel(-1001000000556, "Patriot Daily", username="patriot_daily")
    with_text, alone = telegram.user(1), telegram.user(2)
    telegram.forward(with_text, telegram.origin_channel(channel, 4), photo=poster, caption=CAMPAIGN)
    await telegram.wait_for_messages(with_text["id"], 1)
    telegram.send_photo(alone, poster)
    await telegram.wait_for_messages(alone["id"], 1)
    await wait_for_card(telegram, db, 2)
    bob = await app.login(team.bob)
    for case_id, other in ((1, 2), (2, 1)):
        flags = (await app.get(bob, f"/app/api/cases/{case_id}")).json()["flags"]
        assert {"code": "same_picture", "evidence": {"cases": [other]}} in flags


async def test_queue_opens_the_app_from_a_private_chat_and_from_the_group_and_moderators_get_a_menu_button(
    served: tuple[Team, AppClient], telegram: FakeTelegram, db: Database
) -> None:
    team, _ = served
    private = await say(telegram, team.alice, "/queue")
    assert private.inline_markup is not None
    assert {"text": "🗂 Queue", "web_app": {"url": APP_URL}} in private.inline_markup["inline_keyboard"][0]
    assert telegram.menu_button(team.alice["id"]) == {
        "type": "web_app",
        "text": "🗂 Queue",
        "web_app": {"url": APP_URL},
    }, "a moderator who opens the private chat gets the menu button"
    in_group = await say(telegram, team.carol, "/queue", chat=team.group)  # Carol never wrote privately
    assert in_group.inline_markup is not None
    assert {"text": "🗂 Queue", "url": "https://t.me/kuzet_test_bot?startapp=queue"} in in_group.inline_markup[
        "inline_keyboard"
    ][0]
    citizen = telegram.user(55)
    await say(telegram, citizen, "/start")
    assert telegram.menu_button(55) is None
    assert str(team.alice["id"]) in seen(await say(telegram, team.admin, f"/mod remove {team.alice['id']}"))
    assert telegram.menu_button(team.alice["id"]) is None, "a removed moderator loses it"
