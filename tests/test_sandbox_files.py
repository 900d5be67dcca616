"""Tests of the fake Telegram's files: photos with real bytes, getFile and downloads, profile and chat photos,
through a real telegram.Bot pointed at the sandbox."""

import io
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest
from PIL import Image
from telegram import Bot
from telegram.error import BadRequest

from bot.sandbox import FakeTelegram, picture


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=telegram.base_url, base_file_url=telegram.base_file_url) as running:
        yield running


async def refusal(telegram: FakeTelegram, call: Awaitable[object]) -> str | None:
    """The description Telegram refused ``call`` with, as the fake sent it (PTB changes its case)."""
    with pytest.raises(BadRequest):
        await call
    return telegram.refused()[-1].description


async def downloaded(bot: Bot, file_id: str) -> bytes:
    return bytes(await (await bot.get_file(file_id)).download_as_bytearray())


def dimensions(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


async def test_a_sent_photo_downloads_as_sent_at_its_largest_size_and_as_jpegs_below(telegram, bot):
    user = telegram.user(101)
    data = picture(1, 1000, 750)
    message = telegram.send_photo(user, data, caption="look")
    [update] = await bot.get_updates(timeout=0)
    sizes = update.message.photo
    assert [(s.width, s.height) for s in sizes] == [(90, 68), (320, 240), (800, 600), (1000, 750)]
    assert update.message.caption == "look" and len(message["photo"]) == 4
    assert len({s.file_id for s in sizes}) == len({s.file_unique_id for s in sizes}) == 4
    assert await downloaded(bot, sizes[-1].file_id) == data
    for size in sizes[:-1]:
        thumbnail = await downloaded(bot, size.file_id)
        assert dimensions(thumbnail) == (size.width, size.height) and len(thumbnail) == size.file_size


async def test_photo_sizes_are_never_enlarged_and_stop_at_2560(telegram, bot):
    user = telegram.user(101)
    tiny = telegram.send_photo(user, picture(2, 60, 40, "PNG"))
    huge = picture(3, 3000, 1500)
    large = telegram.forward(user, telegram.origin_user(telegram.user(202)), photo=huge)
    assert [(s["width"], s["height"]) for s in tiny["photo"]] == [(60, 40)]
    assert [(s["width"], s["height"]) for s in large["photo"]] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1280, 640),
        (2560, 1280),
    ]
    largest = await downloaded(bot, large["photo"][-1]["file_id"])
    assert largest != huge and dimensions(largest) == (2560, 1280)
    file = await bot.get_file(tiny["photo"][0]["file_id"])
    assert file.file_path is not None and file.file_path.endswith(".png")


async def test_a_forward_with_photo_true_carries_a_picture_of_its_own(telegram, bot):
    user = telegram.user(101)
    channel = telegram.channel(-1001234567890, "News", username="news")
    first, second = (telegram.forward(user, telegram.origin_channel(channel, n), photo=True) for n in (1, 2))
    assert [(s["width"], s["height"]) for s in first["photo"]] == [(90, 68), (320, 240)]
    one, other = [await downloaded(bot, m["photo"][-1]["file_id"]) for m in (first, second)]
    assert dimensions(one) == (320, 240) and one != other


async def test_a_photo_the_bot_sent_can_be_sent_again_by_file_id(telegram, bot):
    telegram.send_text(telegram.user(101), "/start")
    data = picture(4, 900, 900, "PNG")
    sent = await bot.send_photo(101, data)
    again = await bot.send_photo(101, sent.photo[-1].file_id, caption="again")
    assert [s.file_unique_id for s in again.photo] == [s.file_unique_id for s in sent.photo]
    assert [s.width for s in sent.photo] == [90, 320, 800, 900]
    assert await downloaded(bot, again.photo[-1].file_id) == data
    document = await bot.send_document(101, b"a,b\n", filename="r.csv")
    assert (
        await refusal(telegram, bot.send_photo(101, document.document.file_id))
        == "Bad Request: can't use file of type Document as Photo"
    )
    assert (
        await refusal(telegram, bot.send_photo(101, "no-such-file"))
        == "Bad Request: wrong file identifier/HTTP URL specified"
    )


async def test_uploads_outside_telegrams_photo_bounds_are_refused(telegram, bot):
    telegram.send_text(telegram.user(101), "/start")
    assert (
        await refusal(telegram, bot.send_photo(101, picture(5, 2100, 100))) == "Bad Request: PHOTO_INVALID_DIMENSIONS"
    )
    assert await refusal(telegram, bot.send_photo(101, b"not an image")) == "Bad Request: IMAGE_PROCESS_FAILED"


async def test_get_file_refuses_unknown_ids_files_without_bytes_and_files_over_20_mb(telegram, bot):
    user = telegram.user(101)
    big = telegram.send_document(user, b"\0" * (20 * 1024 * 1024 + 1), file_name="dump.bin")
    small = telegram.send_document(user, b"\0" * (20 * 1024 * 1024), file_name="dump.bin")
    telegram.send_message(user, photo=[{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}])
    assert await refusal(telegram, bot.get_file(big["document"]["file_id"])) == "Bad Request: file is too big"
    assert (await bot.get_file(small["document"]["file_id"])).file_size == 20 * 1024 * 1024
    assert await refusal(telegram, bot.get_file("no-such-file")) == "Bad Request: invalid file_id"
    assert (
        await refusal(telegram, bot.get_file("p1"))
        == "Bad Request: wrong file_id or the file is temporarily unavailable"
    )


async def test_the_download_path_serves_only_paths_getfile_gave_out_to_the_right_token(telegram, bot):
    data = picture(6)
    thumbnail, largest = telegram.send_photo(telegram.user(101), data)["photo"]
    file = await bot.get_file(largest["file_id"])
    path = str(file.file_path).removeprefix(f"{telegram.base_file_url}{telegram.token}/")
    not_given_out = f"photos/file_{int(thumbnail['file_id'][-8:])}.jpg"  # the thumbnail's, never asked for
    async with httpx.AsyncClient() as http:
        served = await http.get(f"{telegram.base_file_url}{telegram.token}/{path}")
        wrong_token = await http.get(f"{telegram.base_file_url}1:wrong/{path}")
        unknown = await http.get(f"{telegram.base_file_url}{telegram.token}/photos/file_999999.jpg")
        hidden = await http.get(f"{telegram.base_file_url}{telegram.token}/{not_given_out}")
        await bot.get_file(thumbnail["file_id"])
        given_out = await http.get(f"{telegram.base_file_url}{telegram.token}/{not_given_out}")
    assert path.startswith("photos/") and (served.status_code, served.content) == (200, data)
    assert (wrong_token.status_code, wrong_token.json()["description"]) == (401, "Unauthorized")
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
    assert (hidden.status_code, given_out.status_code) == (404, 200)
    downloads = [c.status for c in telegram.calls if c.method == "download"]
    assert downloads == [200, 401, 404, 404, 200]


async def test_a_users_profile_photos_are_listed_newest_first_and_download(telegram, bot):
    user = telegram.user(101)
    old, new = picture(7, 400, 300), picture(8, 300, 500)
    telegram.set_profile_photo(user, old)
    current = telegram.set_profile_photo(user, new)
    photos = await bot.get_user_profile_photos(101)
    assert photos.total_count == 2
    assert [[(s.width, s.height) for s in sizes] for sizes in photos.photos] == [
        [(160, 160), (320, 320), (640, 640)]
    ] * 2
    assert photos.photos[0][0].file_id == current.sizes[0]["file_id"]
    page = await bot.get_user_profile_photos(101, offset=1, limit=1)
    assert page.total_count == 2 and [s.file_id for s in page.photos[0]] == [s.file_id for s in photos.photos[1]]
    assert dimensions(await downloaded(bot, photos.photos[0][-1].file_id)) == (640, 640)
    chat = await bot.get_chat(101)
    assert chat.photo is not None and chat.photo.big_file_id == current.chat_photo["big_file_id"]
    assert dimensions(await downloaded(bot, chat.photo.small_file_id)) == (160, 160)
    assert dimensions(await downloaded(bot, chat.photo.big_file_id)) == (640, 640)
    telegram.send_text(user, "/start")
    resent = bot.send_photo(101, chat.photo.big_file_id)
    assert await refusal(telegram, resent) == "Bad Request: can't use file of type ProfilePhoto as Photo"


async def test_channel_and_group_photos_come_with_get_chat(telegram, bot):
    channel = telegram.channel(-1001234567890, "News", username="news")
    group = telegram.add_group(-1009876543210, "Moderators")
    telegram.set_profile_photo(channel, picture(9, 800, 800))
    telegram.forward(telegram.user(101), telegram.origin_channel(channel, 42), text="copy-paste")
    seen = await bot.get_chat(channel["id"])
    assert seen.title == "News" and seen.photo is not None
    assert dimensions(await downloaded(bot, seen.photo.small_file_id)) == (160, 160)
    assert (await bot.get_chat(group["id"])).photo is None
    telegram.set_profile_photo(group, picture(10))
    photo = (await bot.get_chat(group["id"])).photo
    assert photo is not None and dimensions(await downloaded(bot, photo.big_file_id)) == (640, 640)
    assert await refusal(telegram, bot.get_chat(-1001111111111)) == "Bad Request: chat not found"


async def test_privacy_settings_hide_a_users_photos_and_account(telegram, bot):
    shy, reporter = telegram.user(202, first_name="Shy", last_name="Person"), telegram.user(101)
    telegram.set_profile_photo(shy, picture(11))
    telegram.set_privacy(shy, hide_photos=True, hide_forwards=True)
    assert (await bot.get_user_profile_photos(202)).total_count == 0
    assert telegram.calls[-1].response["result"] == {"total_count": 0, "photos": []}
    assert (await bot.get_chat(202)).photo is None
    forwarded = telegram.forward(reporter, telegram.origin_user(shy), photo=True)
    assert forwarded["forward_origin"]["type"] == "hidden_user"
    assert forwarded["forward_origin"]["sender_user_name"] == "Shy Person"
    telegram.set_privacy(shy)
    assert (await bot.get_user_profile_photos(202)).total_count == 1
    assert await refusal(telegram, bot.get_user_profile_photos(999)) == "Bad Request: user not found"
