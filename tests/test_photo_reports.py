"""Photos as reports: a photo alone gets a receipt and joins a case of the same picture; accounts that wear the same
profile photo are linked on their cards; moderators keep an image bank of campaign images and common pictures.
Real bytes go through the sandbox's getFile and download path; Kuzet keeps hashes and file ids only."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image

from bot.sandbox import FakeTelegram, SentMessage, picture
from scripts.make_negative_images import FLAGS, drawn
from tests.databases import Database
from tests.helpers import plain
from tests.moderation_helpers import GROUP, card_of, press, say, seen, snapshot, wait_for_card

CAMPAIGN_TEXT = "Our families give four votes for the President, we made our choice for a new Kazakhstan"
OTHER_TEXT = "The President always cares and thinks about the people of every region of the country"


def recompressed(data: bytes, *, scale: float = 0.6, quality: int = 40) -> bytes:
    """The picture as a platform passes it on: smaller, and JPEG at a low quality."""
    with Image.open(io.BytesIO(data)) as image:
        smaller = image.convert("RGB").resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    smaller.save(out, "JPEG", quality=quality)
    return out.getvalue()


def flat_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 200, 200)).save(out, "JPEG")
    return out.getvalue()


async def answer_to(telegram: FakeTelegram, user: dict, send: Callable[[], object]) -> str:
    """Send something (a photo, a forward) and return the bot's next message in the user's chat, as read."""
    before = len(telegram.sent(user["id"]))
    send()
    answer = (await telegram.wait_for_messages(user["id"], before + 1))[before]
    await telegram.wait_until_idle()
    return seen(answer)


def photos_in_group(telegram: FakeTelegram) -> list[SentMessage]:
    return [m for m in telegram.sent(GROUP) if m.method == "sendPhoto"]


async def test_a_forwarded_photo_without_caption_gets_a_receipt_and_joins_an_image_case(
    telegram: FakeTelegram, team, db: Database
) -> None:
    poster = picture(7, 1280, 960)
    channel = telegram.channel(-1001000000555, "Patriot Daily", username="patriot_daily")
    first = await answer_to(
        telegram,
        telegram.user(1),
        lambda: telegram.forward(telegram.user(1), telegram.origin_channel(channel, 3), photo=poster),
    )
    assert "📥 Report #1" in first and "🖼 A photo" in first
    assert "🆕 Nobody has reported this picture before" in first

    again = await answer_to(
        telegram, telegram.user(2), lambda: telegram.send_photo(telegram.user(2), recompressed(poster))
    )
    assert "🖼 The same picture was reported before: moderators will review them together." in again
    assert "2" not in again.split("received")[1].split("Volunteer")[0]  # no count of anyone's reports

    assert db.value("SELECT kind FROM cases WHERE id = 1") == "image"
    assert db.value("SELECT COUNT(*) FROM case_reports WHERE case_id = 1") == 2
    assert db.value("SELECT COUNT(DISTINCT image_id) FROM report_images") == 1
    card = await wait_for_card(telegram, db, 1)
    assert "Case #1 · same picture" in seen(card) and "🖼 The picture is the photo above this card." in seen(card)
    [shown] = photos_in_group(telegram)
    assert shown.message_id < card.message_id  # the picture goes just above its card, sent by file id
    kept = db.value("SELECT file_id FROM images WHERE id = 1")
    assert [c.params["photo"] for c in telegram.calls if c.method == "sendPhoto"] == [kept]


async def test_a_picture_posted_with_a_campaign_text_and_alone_links_the_two_cases_on_their_cards(
    telegram: FakeTelegram, team, db: Database
) -> None:
    poster = picture(9, 1280, 960)
    channel = telegram.channel(-1001000000556, "Patriot Daily", username="patriot_daily")
    with_text, alone = telegram.user(1), telegram.user(2)
    await answer_to(
        telegram,
        with_text,
        lambda: telegram.forward(with_text, telegram.origin_channel(channel, 4), photo=poster, caption=CAMPAIGN_TEXT),
    )
    await answer_to(telegram, alone, lambda: telegram.send_photo(alone, recompressed(poster)))
    assert [tuple(row) for row in db.rows("SELECT id, kind FROM cases ORDER BY id")] == [(1, "cluster"), (2, "image")]
    await wait_for_card(telegram, db, 2)
    await telegram.wait_until(
        lambda: "🖼 The same picture was reported in case #2 too" in seen(card_of(telegram, db, 1)), what="card 1"
    )
    assert "🖼 The same picture was reported in case #1 too" in seen(card_of(telegram, db, 2))


async def test_reports_naming_accounts_with_the_same_recompressed_profile_photo_are_linked_on_both_cards(
    telegram: FakeTelegram, team, db: Database
) -> None:
    face = picture(11, 640, 640)
    nurlan, aruzhan = telegram.user(501, first_name="Nurlan"), telegram.user(502, first_name="Aruzhan")
    telegram.set_profile_photo(nurlan, face)
    telegram.set_profile_photo(aruzhan, recompressed(face, scale=0.8, quality=35))
    reporter = telegram.user(3)
    first = await answer_to(
        telegram, reporter, lambda: telegram.forward(reporter, telegram.origin_user(nurlan), text=CAMPAIGN_TEXT)
    )
    assert "profile photo" not in first  # nobody else wore it yet
    second = await answer_to(
        telegram, reporter, lambda: telegram.forward(reporter, telegram.origin_user(aruzhan), text=OTHER_TEXT)
    )
    assert "🖼 The account's profile photo is also on other reported accounts." in second

    card_2 = await wait_for_card(telegram, db, 2)
    assert "🖼 Profile photo of Telegram Aruzhan also on 1 other reported account: #1" in seen(card_2)
    await telegram.wait_until(
        lambda: "also on 1 other reported account: #2" in seen(card_of(telegram, db, 1)), what="card 1 linked"
    )
    assert "Profile photo of Telegram Nurlan" in seen(card_of(telegram, db, 1))
    assert db.value("SELECT COUNT(*) FROM shared_avatars") == 2  # both ways
    assert db.value("SELECT COUNT(*) FROM account_images") == 2


async def test_a_wave_of_forwards_from_one_channel_reads_its_profile_photo_once(
    telegram: FakeTelegram, team, db: Database
) -> None:
    channel = telegram.channel(-1001000000777, "Nur Wave", username="nur_wave")
    telegram.set_profile_photo(channel, picture(21))
    citizens = [telegram.user(800 + n) for n in range(4)]
    for n, citizen in enumerate(citizens):
        telegram.forward(citizen, telegram.origin_channel(channel, 10 + n), text=CAMPAIGN_TEXT)
    for citizen in citizens:
        await telegram.wait_for_messages(citizen["id"], 1)
    await telegram.wait_until_idle()
    assert [c.params.get("chat_id") for c in telegram.calls if c.method == "getChat"] == [channel["id"]]
    assert db.value("SELECT COUNT(*) FROM report_targets WHERE account_id IS NOT NULL") == 4
    assert db.value("SELECT COUNT(*) FROM account_images") == 1


async def test_a_flag_as_profile_photo_links_nobody(telegram: FakeTelegram, team, db: Database) -> None:
    flag = drawn(FLAGS["Flag of Russia"])
    first, second = telegram.user(601, first_name="Ivan"), telegram.user(602, first_name="Pyotr")
    telegram.set_profile_photo(first, flag)
    telegram.set_profile_photo(second, recompressed(flag))
    reporter = telegram.user(4)
    await answer_to(
        telegram, reporter, lambda: telegram.forward(reporter, telegram.origin_user(first), text=CAMPAIGN_TEXT)
    )
    receipt = await answer_to(
        telegram, reporter, lambda: telegram.forward(reporter, telegram.origin_user(second), text=OTHER_TEXT)
    )
    assert "profile photo" not in receipt
    assert db.value("SELECT COUNT(*) FROM shared_avatars") == 0


async def test_a_hidden_forward_and_hidden_photos_fetch_no_profile_photo(
    telegram: FakeTelegram, team, db: Database
) -> None:
    shy = telegram.user(701, first_name="Shy")
    telegram.set_profile_photo(shy, picture(12))
    telegram.set_privacy(shy, hide_photos=True)
    reporter = telegram.user(5)
    await answer_to(
        telegram, reporter, lambda: telegram.forward(reporter, telegram.origin_user(shy), text=CAMPAIGN_TEXT)
    )
    assert db.value("SELECT COUNT(*) FROM account_images") == 0


async def test_a_photo_too_plain_to_compare_is_refused_with_a_clear_message_and_nothing_stored(
    telegram: FakeTelegram, team, db: Database, translations
) -> None:
    citizen = telegram.user(6, language_code="ru")
    answer = await answer_to(telegram, citizen, lambda: telegram.send_photo(citizen, flat_photo()))
    ru = translations("ru")
    assert answer == plain(
        ru.gettext(
            "This picture is too plain to compare (nearly one colour, or no detail). Send it with the text of the "
            "post, or with a link to the account that posted it."
        )
    )
    assert db.value("SELECT COUNT(*) FROM reports") == 0


async def test_the_image_bank_works_from_the_card_buttons_and_the_image_command(
    telegram: FakeTelegram, team, db: Database
) -> None:
    poster, meme = picture(21, 1000, 750), picture(22, 900, 900)
    citizen = telegram.user(7)
    await answer_to(telegram, citizen, lambda: telegram.send_photo(citizen, poster))
    card = await wait_for_card(telegram, db, 1)
    assert [text for text, _ in card.buttons][2:4] == ["📌 Campaign image", "🚫 Common picture"]

    before = snapshot(db)
    assert (
        await press(telegram, citizen, card, card.button("Campaign image"), forge=True)
        == "Only moderators can do this."
    )
    assert snapshot(db) == before
    answer = await press(telegram, team.alice, card, card.button("Campaign image"))
    # picture #9: the starter bank holds eight plain flags
    assert answer == "Picture #9 is now a known campaign image: copies of it are recognised in new reports."
    await telegram.wait_until(lambda: "📌 Known campaign image #9" in seen(card_of(telegram, db, 1)), what="pinned")
    assert db.value("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "image.campaign"

    copy = await answer_to(
        telegram, telegram.user(8), lambda: telegram.send_photo(telegram.user(8), recompressed(poster))
    )
    assert "🖼 The picture matches a known campaign image." in copy

    listing = seen(await say(telegram, team.bob, "/image list", chat=team.group))
    assert "📌 #9" in listing and "case #1" in listing and db.value("SELECT pdq FROM images WHERE id = 1") in listing

    pdq = _hash_of(meme)
    assert "common picture" in seen(await say(telegram, team.bob, f"/image common {pdq} doge", chat=team.group))
    common = await answer_to(
        telegram, telegram.user(9), lambda: telegram.send_photo(telegram.user(9), recompressed(meme))
    )
    assert "🖼 This picture is common (a flag, a logo or a well-known meme)" in common
    assert db.value("SELECT COUNT(*) FROM cases") == 1  # a common picture alone opens no case

    removed = seen(await say(telegram, team.bob, "/image remove 9", chat=team.group))
    assert removed == "Picture #9 is out of the image bank."
    after = await answer_to(telegram, telegram.user(10), lambda: telegram.send_photo(telegram.user(10), poster))
    assert "known campaign image" not in after and "reported before" in after
    assert "There is no picture" in seen(await say(telegram, team.bob, "/image remove 9", chat=team.group))
    assert "64 hexadecimal digits" in seen(await say(telegram, team.bob, "/image common xyz", chat=team.group))


def _hash_of(data: bytes) -> str:
    from bot.images.pdq import hash_image

    return hash_image(data).hex


async def test_the_common_picture_button_puts_an_image_case_in_the_negative_bank(
    telegram: FakeTelegram, team, db: Database
) -> None:
    meme = picture(23, 800, 800)
    citizen = telegram.user(11)
    await answer_to(telegram, citizen, lambda: telegram.send_photo(citizen, meme))
    card = await wait_for_card(telegram, db, 1)
    answer = await press(telegram, team.bob, card, card.button("Common picture"))
    assert answer == "Picture #9 is now a common picture: copies of it never count as a match on their own."
    await telegram.wait_until(
        lambda: "🚫 Common picture #9: it never counts as a match alone" in seen(card_of(telegram, db, 1)),
        what="the card shows the picture as common",
    )
    assert "🚫 Common picture" not in [text for text, _ in card_of(telegram, db, 1).buttons]
    assert db.value("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "image.common"
    later = await answer_to(
        telegram, telegram.user(12), lambda: telegram.send_photo(telegram.user(12), recompressed(meme))
    )
    assert "🖼 This picture is common" in later


async def test_a_mirrored_copy_joins_the_case_of_its_picture(telegram: FakeTelegram, team, db: Database) -> None:
    """Mirroring is an operator's cheapest evasion: PDQ does not survive it (this copy is 152 bits from the
    original), so a photo is also compared in its seven other orientations, where this copy is 28 bits away.
    PDQ's turned hashes are not exact: about two mirrored copies in three are found (README, "Pictures")."""
    poster = picture(25, 1000, 700)
    with Image.open(io.BytesIO(poster)) as image:
        out = io.BytesIO()
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(out, "JPEG", quality=70)
    await answer_to(telegram, telegram.user(13), lambda: telegram.send_photo(telegram.user(13), poster))
    mirrored = await answer_to(
        telegram, telegram.user(14), lambda: telegram.send_photo(telegram.user(14), out.getvalue())
    )
    assert "🖼 The same picture was reported before" in mirrored
    assert db.value("SELECT COUNT(*) FROM case_reports WHERE case_id = 1") == 2
