"""Moderators grow the banks: a template made from a case, /template and /negative."""

from __future__ import annotations

from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import GROUP, card_of, press, reply, say, seen, wait_for_card

FIRST = "Thank you to our akim, the new hospital in Taraz was built in record time for the people"
CORRECTED = "Thank you to our akim, the new {hospital|school|road} in {*} was built in record time for the people"
VARIANT = "Thank you to our akim, the new road in Shymkent was built in record time for the people!"


async def test_a_template_made_from_a_case_matches_the_next_report(telegram: FakeTelegram, team, db: Database) -> None:
    alice, citizen = team.alice, telegram.user(1)
    await say(telegram, citizen, FIRST)
    card = await wait_for_card(telegram, db, 1)
    published = "📢 If verified, this text is published as it stands (digest, site, open data)."
    assert published in seen(card), "moderators learn that verifying publishes the first report's words"

    await press(telegram, alice, card, "case:t:1")
    draft = telegram.sent(GROUP)[-1]
    assert "Template draft from case #1" in seen(draft) and FIRST in seen(draft)

    refused = await reply(telegram, alice, draft, "too short")
    assert seen(refused) == "This text is too short to be a template or a common phrase."
    stranger = telegram.user(666)
    assert seen(await reply(telegram, stranger, draft, CORRECTED)) == "Only moderators can do this."
    corrected = await reply(telegram, alice, draft, CORRECTED)
    assert seen(corrected) == "Draft corrected. Press Save when it is right."
    assert CORRECTED in seen(draft)

    await press(telegram, alice, draft, draft.button("Save"))
    template_id = db.value("SELECT MAX(id) FROM templates")
    assert db.value("SELECT text FROM templates WHERE id = ?", (template_id,)) == CORRECTED
    assert f"Template #{template_id} saved from case #1" in seen(draft) and draft.buttons == []
    assert f"📌 Template #{template_id}" in seen(card_of(telegram, db, 1))
    assert published not in seen(card_of(telegram, db, 1)), "the template's words are what is published now"

    receipt = await say(telegram, telegram.user(2), VARIANT)
    assert "Matches the known campaign" in seen(receipt)
    assert db.value("SELECT case_id FROM case_reports WHERE report_id = 2") == 1
    assert await press(telegram, alice, draft, "draft:1", forge=True) == "This draft was already saved."


async def test_templates_are_added_listed_disabled_and_enabled_live(telegram: FakeTelegram, team, db: Database) -> None:
    alice, citizen = team.alice, telegram.user(1)
    added = await say(telegram, alice, "/template add Our {glorious|great} leader thinks about every family {*}")
    template_id = db.value("SELECT MAX(id) FROM templates")
    assert seen(added).startswith(f"📌 Template #{template_id} added")
    assert "Matches the known campaign" in seen(
        await say(telegram, citizen, "Our great leader thinks about every family in Almaty")
    )

    listing = await say(telegram, alice, "/template list")
    assert f"✅ #{template_id} “Our {{glorious|great}} leader thinks about every family {{*}}” · English" in seen(
        listing
    )

    assert seen(await say(telegram, alice, f"/template disable {template_id}")) == (
        f"Template #{template_id} is off: nothing matches it now."
    )
    assert "Matches the known campaign" not in seen(
        await say(telegram, citizen, "Our glorious leader thinks about every family in Aktobe")
    )
    assert (
        seen(await say(telegram, alice, f"/template disable {template_id}"))
        == f"Template #{template_id} was already off."
    )
    assert (
        seen(await say(telegram, alice, f"/template enable {template_id}")) == f"Template #{template_id} is on again."
    )
    assert "Matches the known campaign" in seen(
        await say(telegram, citizen, "Our glorious leader thinks about every family in Atyrau")
    )

    assert seen(await say(telegram, alice, "/template enable 999")) == "There is no template #999."
    assert seen(await say(telegram, alice, "/template add Our {great leader")).startswith(
        "The template's syntax is broken"
    )
    assert seen(await say(telegram, alice, "/template")).startswith("Usage: /template add")


TOO_VAGUE = (
    "Too vague for a template, it would match unrelated messages: besides its gaps it has too few words of its own."
)


async def test_a_template_of_gaps_and_common_words_is_refused_wherever_a_template_is_made(
    telegram: FakeTelegram, team, db: Database
) -> None:
    alice = team.alice
    templates = db.value("SELECT COUNT(*) FROM templates")
    assert (
        seen(await say(telegram, alice, "/template add the {*} of {*} and {*} to {*} in {*} is {*} that")) == TOO_VAGUE
    )

    await say(telegram, telegram.user(1), "It is what it is, and that is that, as it was for them and for us")
    await press(telegram, alice, await wait_for_card(telegram, db, 1), "case:t:1")
    draft = telegram.sent(GROUP)[-1]
    assert seen(await reply(telegram, alice, draft, "It is {*} and that is {*} for {*} us")) == TOO_VAGUE
    assert await press(telegram, alice, draft, draft.button("Save")) == TOO_VAGUE
    assert db.value("SELECT COUNT(*) FROM templates") == templates


async def test_the_template_list_shows_a_campaign_once_with_its_languages(telegram: FakeTelegram, team) -> None:
    listing = seen(await say(telegram, team.alice, "/template list"))
    [line] = [line for line in listing.splitlines() if "I made a choice for the new Kazakhstan" in line]
    assert line.startswith("✅ #1–#5 “Kazakhstan 2022:") and line.endswith(
        "” · English, Russian, Kazakh, Arabic, and Chinese"
    ), line

    await say(telegram, team.alice, "/template disable 2")
    listing = seen(await say(telegram, team.alice, "/template list"))
    [line] = [line for line in listing.splitlines() if "I made a choice for the new Kazakhstan" in line]
    assert line.startswith("✅ #1, #3–#5 ⏸ #2 “Kazakhstan 2022:"), line


async def test_a_phrase_added_to_the_negative_bank_no_longer_makes_a_campaign(
    telegram: FakeTelegram, team, db: Database
) -> None:
    alice, citizen = team.alice, telegram.user(1)
    phrase = "Glory to the hardworking people of our great steppe"
    added = await say(telegram, alice, f"/negative add {phrase}")
    assert seen(added).startswith("Added to the negative bank")
    receipt = await say(telegram, citizen, phrase + "!")
    assert "too common to point to a campaign" in seen(receipt)
    assert seen(await say(telegram, alice, "/negative remove x")).startswith("Usage: /negative add")


LONG = " ".join(f"Our akim built hospital number {n} in Taraz in record time for the people." for n in range(55))


async def test_a_long_case_becomes_a_draft_cut_at_a_word_to_a_thousand_characters(
    telegram: FakeTelegram, team, db: Database
) -> None:
    alice = team.alice
    assert 3900 < len(LONG) < 4096
    await say(telegram, telegram.user(1), LONG)
    await press(telegram, alice, await wait_for_card(telegram, db, 1), "case:t:1")
    draft = telegram.sent(GROUP)[-1]
    assert "Template draft from case #1" in seen(draft)
    assert "✂️ The text was cut to 1,000 characters for the draft." in seen(draft)
    cut = db.value("SELECT text FROM template_drafts WHERE id = 1")
    assert 900 < len(cut) <= 1000 and LONG.startswith(cut) and LONG[len(cut)] == " "
    assert cut in seen(draft)

    assert seen(await reply(telegram, alice, draft, LONG)) == "Draft corrected. Press Save when it is right."
    assert db.value("SELECT text FROM template_drafts WHERE id = 1") == cut and "✂️" in seen(draft)
    await reply(telegram, alice, draft, CORRECTED)
    assert "✂️" not in seen(draft)
    await press(telegram, alice, draft, draft.button("Save"))
    assert db.value("SELECT text FROM templates ORDER BY id DESC LIMIT 1") == CORRECTED


async def test_a_negative_phrase_of_only_invisible_characters_is_refused(
    telegram: FakeTelegram, team, db: Database
) -> None:
    alice = team.alice
    before = db.value("SELECT COUNT(*) FROM negatives")
    for invisible in ("\u200b\u200b\u200b", "\u2060\u200d\ufeff\u200c", "\u3164\u3164\u115f", "\u202e\u2066\u2069"):
        refused = await say(telegram, alice, f"/negative add {invisible}")
        assert seen(refused) == "This text is too short to be a template or a common phrase.", repr(invisible)
    assert db.value("SELECT COUNT(*) FROM negatives") == before
    assert seen(await say(telegram, alice, "/negative add \u200bGood\u200b morning\u2060")).startswith("Added")
    assert db.value("SELECT text FROM negatives ORDER BY id DESC LIMIT 1") == "Good morning"
