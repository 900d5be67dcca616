"""Verdicts that cannot be turned against critics: a brigade's target is protected, never published as a
campaign account, and receipts give a brigade no counter to watch."""

from __future__ import annotations

import re
import time
from pathlib import Path

from bot.app import running
from bot.core.periods import week_of
from bot.render.digest import digest_text
from bot.sandbox import FakeTelegram
from bot.service.digest import build_digest
from bot.service.export import verified_cases
from bot.store import Store
from tests.databases import Database, another_database
from tests.moderation_helpers import card_of, form_team, press, say, seen, wait_for_card

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


async def _card_showing(telegram: FakeTelegram, db: Database, case_id: int, words: str) -> str:
    """The case's card once it shows ``words``: its edits queue behind the group's 20 messages a minute."""

    def shows() -> bool:
        posted = db.value("SELECT COUNT(card_message_id) FROM cases WHERE id = ?", (case_id,))
        return bool(posted) and words in seen(card_of(telegram, db, case_id))

    await telegram.wait_until(shows, timeout=90, what=f"card {case_id} showing {words!r}")
    return seen(card_of(telegram, db, case_id))


async def _brigade(telegram: FakeTelegram, db: Database, handle: str, first_user: int, count: int = 20) -> list[dict]:
    """``count`` brand-new accounts report the same account by link within a minute; returns them."""
    reporters = [telegram.user(first_user + n, language_code="ar") for n in range(count)]
    before = db.value("SELECT COUNT(*) FROM reports")
    for n, reporter in enumerate(reporters):
        telegram.send_text(reporter, f"https://x.com/{handle}/status/{first_user + n}")
    await telegram.wait_until(
        lambda: db.value("SELECT COUNT(*) FROM reports WHERE receipt_sent_at IS NOT NULL") >= before + count,
        timeout=60,
        what="the brigade's receipts",
    )
    await telegram.wait_until_idle(timeout=30)
    return reporters


async def test_a_mass_reported_critic_cannot_be_marked_a_campaign_account_and_can_be_protected(
    telegram: FakeTelegram, moderated, db: Database
) -> None:
    """The Iraqi "electronic army" pattern: 20 new accounts report a satirist within a minute."""
    async with moderated(VERIFY_QUORUM="2", CARD_REFRESH_SECONDS="4") as team:  # the burst's edits fit the window
        await _brigade(telegram, db, "sanzhar_satire", 5000)
        text = await _card_showing(telegram, db, 1, "🚨 Possible report campaign against X (Twitter) @sanzhar_satire")
        card = card_of(telegram, db, 1)
        assert "⚠️ Campaign account: not possible" in text
        assert "case:v:1" not in [data for _, data in card.buttons]
        assert "case:p:1" in [data for _, data in card.buttons]

        for moderator in (team.alice, team.bob, team.admin):  # not even the quorum with an admin, by a crafted press
            answer = await press(telegram, moderator, card_of(telegram, db, 1), "case:v:1", forge=True)
            assert "cannot be marked as a campaign account" in answer
        assert db.value("SELECT status FROM cases WHERE id = 1") == "open"
        assert db.value("SELECT COUNT(*) FROM case_votes") == 0

        await press(telegram, team.alice, card_of(telegram, db, 1), "case:p:1")
        assert tuple(db.rows("SELECT status, reason_code, verdict FROM cases WHERE id = 1")[0]) == (
            "rejected",
            "brigade",
            None,
        )
        account_id = db.value("SELECT account_id FROM cases WHERE id = 1")
        assert db.value("SELECT case_id FROM protected_accounts WHERE account_id = ?", (account_id,)) == 1
        assert "account.protect" in [r[0] for r in db.rows("SELECT action FROM audit_log WHERE case_id = 1")]

        # Later reports against the protected account are flagged as brigading on arrival.
        late = telegram.user(7000, language_code="en")
        await say(telegram, late, "https://x.com/sanzhar_satire/status/999")
        # The card said "0 reports … flagged as brigading" already: wait for the late report's edit itself.
        await _card_showing(telegram, db, 1, "1 reports against it since then")
        card = card_of(telegram, db, 1)
        assert re.search(
            r"🛡 X \(Twitter\) @sanzhar_satire is protected from a report brigade since .*: 1 reports "
            r"against it since then, flagged as brigading",
            seen(card),
        ), seen(card)


async def test_a_possible_report_campaign_needs_an_admin_and_the_higher_quorum_even_with_evidence(
    telegram: FakeTelegram, moderation_settings, db: Database
) -> None:
    # Cards refreshed at most every 4 s while reports join them: two bursts of 20 reports a minute apart would
    # otherwise spend the group's 20 messages a minute, and the restart would wait out Telegram's 429.
    settings = moderation_settings(VERIFY_QUORUM="2", SURGE_QUORUM="3", CARD_REFRESH_SECONDS="4")
    async with running(settings):
        team = await form_team(telegram)
        # Evidence first: the account's own post carries a campaign text that two moderators verify.
        citizen = telegram.user(1, language_code="en")
        author = telegram.user(4040, first_name="Nur", username="nurbot_4040")
        telegram.forward(citizen, telegram.origin_user(author), text=CAMPAIGN)
        await telegram.wait_for_messages(citizen["id"])
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, team.alice, card, "case:v:1")
        await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
        assert db.value("SELECT status FROM cases WHERE id = 1") == "verified"

        await _brigade(telegram, db, "nurbot_4040", 6000)  # a Telegram @handle on X is another account:
        await say(telegram, citizen, "https://t.me/nurbot_4040")  # the account case is the Telegram one
        account_case = db.value(
            "SELECT id FROM cases WHERE kind = 'account' AND account_id = "
            "(SELECT id FROM accounts WHERE platform = 'telegram')"
        )
        await _card_showing(telegram, db, account_case, "Evidence: it posted the text of verified case #1")

    # The same account mass-reported by new accounts: a possible report campaign with evidence.
    async with running(settings):
        reporters = [telegram.user(8000 + n, language_code="ru") for n in range(20)]
        for n, reporter in enumerate(reporters):
            telegram.send_text(reporter, f"https://t.me/nurbot_4040/{100 + n}")
        await telegram.wait_until(
            lambda: db.value("SELECT COUNT(*) FROM case_reports WHERE case_id = ?", (account_case,)) == 21,
            timeout=60,
            what="reports",
        )
        await telegram.wait_until_idle(timeout=30)
        await _card_showing(
            telegram, db, account_case, "Possible report campaign: marking it needs 3 votes, one of them an admin's."
        )
        for moderator in (team.alice, team.bob, team.carol):
            await press(telegram, moderator, card_of(telegram, db, account_case), f"case:v:{account_case}")
            assert db.value("SELECT status FROM cases WHERE id = ?", (account_case,)) == "open"
        await _card_showing(telegram, db, account_case, "Votes to verify: 3 of 3")
        answer = await press(telegram, team.admin, card_of(telegram, db, account_case), f"case:v:{account_case}")
        assert answer == f"Case #{account_case} is verified."
        assert tuple(db.rows("SELECT status, verdict FROM cases WHERE id = ?", (account_case,))[0]) == (
            "verified",
            "campaign_account",
        )
        await _card_showing(telegram, db, account_case, "⚠️ Verified as a campaign account")


async def test_no_receipt_tells_a_brigade_how_often_an_account_was_reported(
    telegram: FakeTelegram, team, db: Database
) -> None:
    reporters = await _brigade(telegram, db, "critic_voice", 5000)
    bodies = [seen(m) for r in reporters for m in telegram.sent(r["id"])]
    assert len(bodies) == 20
    for body in bodies:
        assert "reported" not in body and "times" not in body
        numbers = set(re.findall(r"\d+", body)) - {"1", str(reporters[0]["id"])}
        # only the report's own number and its own post id appear
        assert all(int(n) <= 20 or 5000 <= int(n) < 5020 for n in numbers), body


async def test_receipts_name_an_account_only_once_moderators_verified_it(
    telegram: FakeTelegram, team, db: Database
) -> None:
    citizen = telegram.user(1, language_code="en")
    author = telegram.user(4041, first_name="Nur", username="nurbot_4041")
    telegram.forward(citizen, telegram.origin_user(author), text=CAMPAIGN)
    await telegram.wait_for_messages(citizen["id"])
    before = await say(telegram, telegram.user(2), "https://t.me/nurbot_4041")
    assert "part of a campaign" not in seen(before)
    card = await wait_for_card(telegram, db, 1)
    await press(telegram, team.alice, card, "case:v:1")
    await press(telegram, team.bob, card_of(telegram, db, 1), "case:v:1")
    after = await say(telegram, telegram.user(3), "https://t.me/nurbot_4041")
    assert "⚠️ @nurbot_4041 is part of a campaign that moderators verified." in seen(after)


async def test_how_much_a_receipt_says_is_a_setting(telegram: FakeTelegram, make_settings, tmp_path: Path) -> None:
    copies = [CAMPAIGN, CAMPAIGN + "!!"]
    for detail, expected in (("matched", "🔁 This text matches reports moderators already know."), ("received", None)):
        with another_database(tmp_path, f"{detail}.db") as url:
            async with running(make_settings(RECEIPT_DETAIL=detail, DATABASE_URL=url)):
                citizen = telegram.user(10 if detail == "matched" else 11)
                first = await say(telegram, citizen, copies[0])
                second = await say(telegram, citizen, copies[1])
        for receipt in (first, second):
            assert "Matches the known campaign" not in seen(receipt) and "How it matches" not in seen(receipt)
        if expected is None:
            assert "🔁" not in seen(second) and "🆕" not in seen(first)
        else:
            assert expected in seen(second)


async def test_a_protected_critic_is_never_published_even_when_a_verified_campaign_links_his_post(
    telegram: FakeTelegram, moderation_settings, db: Database, translations
) -> None:
    """Protect through the button, then verify a campaign whose reports link the critic's post: the digest (in
    every language) and the export name the campaign's other account, never the critic."""
    settings = moderation_settings()
    async with running(settings):
        team = await form_team(telegram)
        await _brigade(telegram, db, "sanzhar_satire", 5000)
        await press(telegram, team.alice, await wait_for_card(telegram, db, 1), "case:p:1")
        citizen = telegram.user(1)
        await say(telegram, citizen, CAMPAIGN + " https://x.com/sanzhar_satire/status/77")
        await say(telegram, telegram.user(2), CAMPAIGN + " https://x.com/nurbot_real/status/78")
        await wait_for_card(telegram, db, 2)
        # the critic's surge still marks case 2: three votes with an admin
        for moderator in (team.alice, team.bob, team.admin):
            await press(telegram, moderator, card_of(telegram, db, 2), "case:v:2")
        assert db.value("SELECT status FROM cases WHERE id = 2") == "verified"

    store = await Store.open(settings.database)
    try:
        exported = await verified_cases(store, 0, settings.policy, settings.small_count_k)
        period = week_of(int(time.time()), settings.timezone)
        digest = await build_digest(store, period, settings.timezone, settings.policy.rules, settings.small_count_k)
    finally:
        await store.close()
    [case] = exported
    assert [a.label for a in case.accounts] == ["@nurbot_real"]
    assert [a.label for a in digest.accounts] == ["@nurbot_real"]
    for code in ("en", "ru", "kk", "ar", "zh_Hant"):
        text = digest_text(translations(code), digest)
        assert "nurbot_real" in text and "sanzhar" not in text, code
