"""What leaves Kuzet about pictures: the digest never republishes a citizen's photo (it counts accounts sharing a
profile photo), the export carries PDQ hashes in hex, `kuzet scan` takes a folder of pictures, and retention and
/forgetme treat photo reports as they treat text reports."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from bot.app import running
from bot.core.periods import DAY
from bot.handlers.deps import Runtime
from bot.handlers.retention import apply_retention_job
from bot.sandbox import FakeTelegram, picture
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, GROUP, appoint, press, say, seen, wait_for_card
from tests.test_digest import next_week
from tests.test_photo_reports import CAMPAIGN_TEXT, OTHER_TEXT, answer_to, recompressed
from tests.test_privacy import forget
from tests.test_scan import kuzet


async def _moderators(telegram: FakeTelegram) -> tuple[dict, dict, dict]:
    """The moderators' group, its admin and one moderator."""
    group = telegram.add_group(GROUP, "Kuzet moderators")
    admin, alice = telegram.user(ADMIN_ID, first_name="Aigerim"), telegram.user(901, first_name="Alice")
    await appoint(telegram, admin, alice)
    return group, admin, alice


async def _verify(telegram: FakeTelegram, db: Database, case_id: int, *moderators: dict) -> None:
    card = await wait_for_card(telegram, db, case_id)
    for moderator in moderators:
        await press(telegram, moderator, card, f"case:v:{case_id}")
    assert db.value("SELECT status FROM cases WHERE id = ?", (case_id,)) == "verified"


async def test_the_digest_counts_a_picture_campaign_and_shared_photos_but_never_shows_a_picture(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    poster, face = picture(31, 1200, 900), picture(32, 640, 640)
    async with running(moderation_settings()) as application:
        _, admin, alice = await _moderators(telegram)
        for n in (1, 2):
            citizen = telegram.user(n)
            await answer_to(
                telegram, citizen, lambda c=citizen, n=n: telegram.send_photo(c, recompressed(poster, scale=n / 2))
            )
        await _verify(telegram, db, 1, admin, alice)
        wearers = [telegram.user(500 + n, first_name=f"Bot{n}", username=f"bot_{n}") for n in (1, 2)]
        for n, (wearer, text) in enumerate(zip(wearers, (CAMPAIGN_TEXT, OTHER_TEXT), strict=True)):
            telegram.set_profile_photo(wearer, recompressed(face, quality=40 + 20 * n))
            await answer_to(
                telegram,
                telegram.user(3),
                lambda w=wearer, t=text: telegram.forward(telegram.user(3), telegram.origin_user(w), text=t),
            )
        await _verify(telegram, db, 2, admin, alice)
        next_week(application)
        draft = seen(await say(telegram, admin, "/digest"))
    assert "🖼 The same picture, posted again and again (not shown here: a citizen sent it)" in draft
    assert "🖼 fewer than 5 accounts wear a profile photo seen on other reported accounts" in draft  # 1
    citizens_photos = {row[0] for row in db.rows("SELECT file_id FROM report_images")}
    outside = [c for c in telegram.calls if c.method == "sendPhoto" and str(c.params.get("chat_id")) != str(GROUP)]
    assert citizens_photos and not citizens_photos & {str(c.params.get("photo")) for c in outside}

    cases = {c["case_id"]: c for c in json.loads(kuzet(["export", "--format", "json"], tmp_path).stdout)}
    assert cases[1]["kind"] == "image" and cases[1]["pdq"] and all(len(h) == 64 for h in cases[1]["pdq"])
    assert cases[2]["accounts_sharing_photo"] == "<5" and cases[2]["pdq"] == []
    header, *rows = kuzet(["export", "--format", "csv"], tmp_path).stdout.splitlines()
    assert "pdq" in header.split(",") and cases[1]["pdq"][0] in rows[0]


async def test_kuzet_scan_matches_a_folder_of_pictures_against_the_image_bank(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    poster = picture(41, 1000, 750)
    async with running(moderation_settings()):
        group, admin, _ = await _moderators(telegram)
        await answer_to(telegram, telegram.user(1), lambda: telegram.send_photo(telegram.user(1), poster))
        await wait_for_card(telegram, db, 1)
        assert "known campaign image" in seen(await say(telegram, admin, "/image campaign 1 Poster", chat=group))
    folder = tmp_path / "pictures"
    (folder / "inner").mkdir(parents=True)
    (folder / "copy.jpg").write_bytes(recompressed(poster))
    (folder / "inner" / "other.png").write_bytes(picture(42, 800, 600, "PNG"))
    (folder / "broken.jpg").write_bytes(b"not a picture")
    (folder / "notes.txt").write_text("not scanned")
    done = kuzet(["scan", str(folder)], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = {Path(item["id"]).name: item for item in map(json.loads, done.stdout.splitlines())}
    assert sorted(lines) == ["broken.jpg", "copy.jpg", "other.png"]
    [match] = lines["copy.jpg"]["matches"]
    assert match["kind"] == "image_campaign" and match["distance"] <= 31 and match["how"] == "pdq"
    assert lines["other.png"]["matches"] == [] and len(lines["other.png"]["pdq"]) == 64
    assert lines["broken.jpg"]["pdq"] is None and "broken.jpg: not a readable image" in done.stderr


async def test_retention_drops_the_hashes_and_file_ids_of_expired_photo_reports(
    telegram: FakeTelegram, moderation_settings, db: Database
) -> None:
    async with running(moderation_settings(RETENTION_DAYS="30")) as application:
        _, admin, _ = await _moderators(telegram)
        await answer_to(
            telegram, telegram.user(1), lambda: telegram.send_photo(telegram.user(1), picture(51, 900, 700))
        )
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, admin, card, "case:x:1")
        await press(telegram, admin, card, "case:r:1:genuine")
        assert db.value("SELECT COUNT(*) FROM report_images") == 1
        Runtime.of_application(application).clock = lambda: int(time.time()) + 31 * DAY
        application.job_queue.run_once(apply_retention_job, 0)
        for _ in range(100):
            if db.value("SELECT COUNT(*) FROM report_images") == 0:
                break
            await asyncio.sleep(0.05)
    assert db.value("SELECT COUNT(*) FROM report_images") == 0
    assert db.value("SELECT file_id FROM images WHERE id = 1") is None  # the card can no longer show it
    assert db.value("SELECT reporter FROM reports WHERE id = 1") is None


async def test_forgetme_drops_the_profile_photo_of_a_citizen_who_forwarded_their_own_post(
    telegram: FakeTelegram, moderation_settings, db: Database
) -> None:
    async with running(moderation_settings()):
        await _moderators(telegram)
        citizen = telegram.user(7, first_name="Dana", username="dana_watch")
        telegram.set_profile_photo(citizen, picture(61, 640, 640))
        await answer_to(
            telegram, citizen, lambda: telegram.forward(citizen, telegram.origin_user(citizen), text=CAMPAIGN_TEXT)
        )
        assert db.value("SELECT COUNT(*) FROM account_images") == 1
        await forget(telegram, citizen)
    assert db.value("SELECT COUNT(*) FROM account_images") == 0
    assert db.value("SELECT COUNT(*) FROM reports") == 1  # the report stays, anonymous
