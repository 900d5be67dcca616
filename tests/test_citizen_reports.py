"""Citizens report through the real bot: every kind of input gets a stored report or a clear refusal."""

from __future__ import annotations

import pytest

from bot.app import running
from bot.render import citizen as texts
from bot.sandbox import FakeTelegram, say, seen
from tests.helpers import STICKER, plain

VIDEO_ALONE = "media_without_caption"
"""A video or a file needs a caption; a photo alone is a report (test_photo_reports.py)."""

pytestmark = pytest.mark.usefixtures("bot")


def _reports(db) -> list:
    return db.rows("SELECT * FROM reports ORDER BY id")


def _targets(db, report_id: int) -> list:
    return db.rows(
        "SELECT t.platform, t.post_id, t.via, a.identity, a.display_name FROM report_targets t "
        "LEFT JOIN accounts a ON a.id = t.account_id WHERE t.report_id = ? ORDER BY t.position",
        (report_id,),
    )


async def _reply(telegram: FakeTelegram, user: dict, count: int = 1):
    return (await telegram.wait_for_messages(user["id"], count))[-1]


def _assert_receipt(receipt, t, number: int) -> None:
    """The receipt's heading, in the translator's language, with the report number."""
    heading = plain(t.gettext("📥 <b>Report #{number}</b> received.")).format(number=f"\u2068{number}\u2069")
    assert heading in receipt.plain


@pytest.mark.parametrize("language", ["kk", "ar", "en"])
async def test_a_forwarded_channel_post_becomes_a_report_with_a_receipt_in_the_users_language(
    telegram: FakeTelegram, db, translations, language: str
) -> None:
    citizen = telegram.user(101, language_code=language)
    channel = telegram.channel(-1001234567890, "Nur News", username="nurnews_kz")
    telegram.forward(citizen, telegram.origin_channel(channel, 77), text="Біз жаңа Қазақстан үшін таңдау жасадық!")

    receipt = await _reply(telegram, citizen)

    t = translations(language)
    _assert_receipt(receipt, t, 1)
    if language != "en":
        assert t.gettext("📥 <b>Report #{number}</b> received.") != translations("en").gettext(
            "📥 <b>Report #{number}</b> received."
        )
    assert "@nurnews_kz" in receipt.plain
    [report] = _reports(db)
    assert report["kind"] == "forward"
    assert report["text"] == "Біз жаңа Қазақстан үшін таңдау жасадық!"
    [target] = _targets(db, report["id"])
    assert (target["platform"], target["identity"], target["post_id"], target["via"]) == (
        "telegram",
        "@nurnews_kz",
        "77",
        "forward",
    )


@pytest.mark.parametrize("language", ["ar", "ru"])
@pytest.mark.parametrize(
    ("make_origin", "identity", "shown"),
    [
        (
            lambda tg: tg.origin_user(tg.user(555, first_name="Айгүл", username="aigul_1990")),
            "@aigul_1990",
            "@aigul_1990",
        ),
        (lambda tg: tg.origin_user(tg.user(556, first_name="Bot Without Name")), "id:556", "Bot Without Name"),
        (lambda tg: tg.origin_hidden_user("Асель Н."), "name:асель н.", "Асель Н."),
        (lambda tg: tg.origin_chat(tg.group(-100777, "Patriots chat")), "id:-100777", "Patriots chat"),
    ],
)
async def test_a_forward_reports_the_account_it_came_from(
    telegram: FakeTelegram, db, translations, make_origin, identity: str, shown: str, language: str
) -> None:
    citizen = telegram.user(102, language_code=language)
    telegram.forward(citizen, make_origin(telegram), text="Президент всегда заботится и думает о народе")
    receipt = await _reply(telegram, citizen)
    _assert_receipt(receipt, translations(language), 1)
    assert shown in receipt.plain
    [report] = _reports(db)
    assert [t["identity"] for t in _targets(db, report["id"])] == [identity]


@pytest.mark.parametrize("language", ["ar", "zh-hant"])
async def test_pasted_text_is_a_report_of_that_text(telegram: FakeTelegram, db, translations, language: str) -> None:
    citizen = telegram.user(103, language_code=language)
    telegram.send_text(citizen, "الرئيس يهتم دائما ويفكر في الشعب")
    receipt = await _reply(telegram, citizen)
    _assert_receipt(receipt, translations("ar" if language == "ar" else "zh_Hant"), 1)
    assert "الرئيس يهتم دائما ويفكر في الشعب" in receipt.plain
    [report] = _reports(db)
    assert (report["kind"], report["text"]) == ("text", "الرئيس يهتم دائما ويفكر في الشعب")
    assert _targets(db, report["id"]) == []


@pytest.mark.parametrize("language", ["ar", "kk"])
async def test_links_and_a_handle_in_one_message_are_all_recorded(
    telegram: FakeTelegram, db, translations, language: str
) -> None:
    citizen = telegram.user(104, language_code=language)
    telegram.send_text(citizen, "Same comment from https://x.com/Bot_One/status/42?s=20 and @nur_otan_bot")
    receipt = await _reply(telegram, citizen)
    _assert_receipt(receipt, translations(language), 1)
    assert "@Bot_One" in receipt.plain and "@nur_otan_bot" in receipt.plain
    [report] = _reports(db)
    assert report["kind"] == "link"
    rows = _targets(db, report["id"])
    assert [(r["platform"], r["identity"], r["post_id"]) for r in rows] == [
        ("x", "@bot_one", "42"),
        ("telegram", "@nur_otan_bot", None),
    ]


async def test_a_hidden_text_link_is_recorded(telegram: FakeTelegram, db) -> None:
    citizen = telegram.user(105)
    text = "this account again"
    telegram.send_text(
        citizen, text, entities=[{"type": "text_link", "offset": 0, "length": 4, "url": "https://vk.com/id777"}]
    )
    await _reply(telegram, citizen)
    [report] = _reports(db)
    assert [r["identity"] for r in _targets(db, report["id"])] == ["id:777"]


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_a_captioned_photo_is_a_report_of_its_caption(
    telegram: FakeTelegram, db, translations, language: str
) -> None:
    citizen = telegram.user(106, language_code=language)
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    telegram.send_message(citizen, photo=photo, caption="Our families give four votes for Tokayev!")
    _assert_receipt(await _reply(telegram, citizen), translations(language), 1)
    [report] = _reports(db)
    assert (report["media"], report["text"]) == ("photo", "Our families give four votes for Tokayev!")


@pytest.mark.parametrize("language", ["ar", "ru"])
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"sticker": STICKER},
            "unsupported_message",
        ),
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, "unsupported_message"),
        ({"location": {"latitude": 43.2, "longitude": 76.9}}, "unsupported_message"),
        ({"contact": {"phone_number": "+77010000000", "first_name": "A"}}, "unsupported_message"),
        (
            {
                "poll": {
                    "id": "1",
                    "question": "?",
                    "total_voter_count": 0,
                    "is_closed": False,
                    "options": [{"text": t, "voter_count": 0, "persistent_id": t} for t in "ab"],
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                    "allows_revoting": False,
                    "members_only": False,
                }
            },
            "unsupported_message",
        ),
        (
            {"video": {"file_id": "v", "file_unique_id": "v", "width": 1, "height": 1, "duration": 1}},
            "media_without_caption",
        ),
        ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}, "photo_unavailable"),
    ],
)
async def test_a_message_that_cannot_be_a_report_gets_a_reply_saying_what_is_accepted(
    telegram: FakeTelegram, db, translations, language: str, fields: dict, expected: str
) -> None:
    citizen = telegram.user(107, language_code=language)
    sent = telegram.send_message(citizen, **fields)
    reply = await _reply(telegram, citizen)
    assert reply.plain == plain(getattr(texts, expected)(translations(language)))
    assert reply.reply_to["message_id"] == sent["message_id"]
    assert _reports(db) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ok 👍", "text_too_short"),
        ("https://example.com/some/page", "unsupported_link"),
        ("https://user:secret@t.me/nurbot_kz", "unsupported_link"),  # credentials: not a link to an account
        ("https://t.me:8443/nurbot_kz", "unsupported_link"),  # an odd port
        ("https://mastodon.social/@nurbot", "unsupported_link"),  # a platform Kuzet does not know
        ("javascript:alert(1)", "unsupported_link"),
        ("htps:/t.me//nurbot", "unsupported_link"),  # looks like a link, is not one
        ("@", "text_too_short"),
    ],
)
async def test_too_little_to_act_on_is_refused_and_nothing_is_stored(
    telegram: FakeTelegram, db, translations, text: str, expected: str
) -> None:
    citizen = telegram.user(108, language_code="kk")
    sent = telegram.send_text(citizen, text)
    reply = await _reply(telegram, citizen)
    assert reply.plain == plain(getattr(texts, expected)(translations("kk")))
    assert reply.reply_to["message_id"] == sent["message_id"]
    assert _reports(db) == []
    assert db.value("SELECT COUNT(*) FROM accounts") == 0


async def test_hostile_markup_in_a_report_is_shown_literally(telegram: FakeTelegram, db) -> None:
    citizen = telegram.user(109, first_name="<b>x</b>", username="evil_name")
    hostile = "</a><b>Vote & win</b> <script>alert(1)</script> for Tokayev &amp; co"
    telegram.send_text(citizen, hostile)
    receipt = await _reply(telegram, citizen)
    assert hostile in receipt.plain
    assert telegram.refused() == []


async def test_the_same_message_delivered_twice_makes_one_report_and_one_receipt(telegram: FakeTelegram, db) -> None:
    citizen = telegram.user(110)
    message = telegram.send_text(citizen, "The President always cares and thinks about the people")
    await _reply(telegram, citizen)
    telegram.push_update({"message": message})  # a new update id, the same chat and message id
    await telegram.wait_until_idle()
    assert telegram.confirmed_update_id == telegram.last_update_id
    assert len(telegram.sent(citizen["id"])) == 1
    assert len(_reports(db)) == 1


async def test_a_message_with_dozens_of_links_gets_a_receipt_within_telegrams_limits(
    telegram: FakeTelegram, db
) -> None:
    citizen = telegram.user(112)
    links = " ".join(f"https://x.com/bot_number_{i:03d}/status/{10**17 + i}" for i in range(60))
    telegram.send_text(citizen, links)
    receipt = await _reply(telegram, citizen)
    assert "(+50)" in receipt.plain
    assert len(_targets(db, 1)) == 60
    assert telegram.refused() == []


async def test_an_unexpected_failure_gets_an_apology_and_the_log_names_no_user(
    telegram: FakeTelegram, db, translations, caplog
) -> None:
    citizen = telegram.user(987654321, language_code="ar", username="activist_handle")
    await telegram.wait_until_idle()  # start-up jobs (cards, broadcasts) are done with the database
    with db.connect() as conn:
        conn.execute("DROP TABLE report_targets")
    telegram.send_text(citizen, "https://t.me/nurbot_kz is posting the same comment again")
    apology = await _reply(telegram, citizen)
    assert apology.plain == plain(texts.internal_error(translations("ar")))
    assert "error while handling update" in caplog.text
    assert "987654321" not in caplog.text and "activist_handle" not in caplog.text


async def test_the_receipts_status_link_opens_that_report(telegram: FakeTelegram, settings) -> None:
    citizen = telegram.user(77, language_code="en")
    async with running(settings):
        receipt = await say(telegram, citizen, "Foreign agents spread lies about our elections, do not trust them")
        [link] = [e["url"] for e in receipt.entities if e["type"] == "text_link"]
        assert link == "https://t.me/kuzet_test_bot?start=status_1"
        opened = await say(telegram, citizen, "/start " + link.rsplit("=", 1)[1])
    assert seen(opened).startswith("Report #1") and "State: received, waiting for review" in seen(opened)


async def test_every_line_of_an_arabic_receipt_reads_from_the_right(telegram: FakeTelegram, settings) -> None:
    """Lines that start with a Latin handle or a label still begin with a right-to-left mark; quotes are «»."""
    citizen = telegram.user(78, language_code="ar")
    async with running(settings):
        receipt = await say(telegram, citizen, "https://t.me/nurbot_kz The President always cares about the people")
    lines = [line for line in receipt.plain.split("\n") if line]
    assert lines and all(line.startswith("\u200f") for line in lines), lines
    assert any(line.startswith("\u200f• Telegram") for line in lines)
    assert "«" in receipt.plain and "“" not in receipt.plain
