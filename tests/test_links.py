"""Links and @handles become normalised accounts and posts, on every supported platform."""

from __future__ import annotations

import pytest

from bot.core.accounts import Platform, Via
from bot.core.links import find_links, parse_url, strip_links

T, X, FB, IG, VK, TT, YT = (
    Platform.TELEGRAM,
    Platform.X,
    Platform.FACEBOOK,
    Platform.INSTAGRAM,
    Platform.VK,
    Platform.TIKTOK,
    Platform.YOUTUBE,
)


@pytest.mark.parametrize(
    ("url", "platform", "identity", "post"),
    [
        ("https://t.me/Nurbot_KZ", T, "@nurbot_kz", None),
        ("t.me/nurbot_kz/123?utm_source=share", T, "@nurbot_kz", "123"),
        ("https://telegram.me/s/Some_Channel/45", T, "@some_channel", "45"),
        ("https://www.t.me/c/1234567/89", T, "id:-1001234567", "89"),
        ("tg://resolve?domain=Nurbot_KZ&post=7", T, "@nurbot_kz", "7"),
        ("https://x.com/Bot_123", X, "@bot_123", None),
        ("https://mobile.twitter.com/bot_123/status/1789?s=20&t=abc", X, "@bot_123", "1789"),
        ("https://twitter.com/i/web/status/555", X, None, "555"),
        ("https://x.com/intent/user?screen_name=Bot_123", X, "@bot_123", None),
        ("https://www.facebook.com/profile.php?id=100012345&mibextid=xyz", FB, "id:100012345", None),
        ("https://m.facebook.com/some.user/posts/98765?fbclid=tracking", FB, "@some.user", "98765"),
        ("https://web.facebook.com/permalink.php?story_fbid=111&id=222", FB, "id:222", "111"),
        ("https://facebook.com/groups/nurotan/posts/333", FB, "group:nurotan", "333"),
        ("https://www.instagram.com/nurbot.kz/?hl=ru", IG, "@nurbot.kz", None),
        ("https://instagram.com/p/CxYz123abc/?igsh=tracking", IG, None, "CxYz123abc"),
        ("https://www.instagram.com/stories/nurbot.kz/3141592653", IG, "@nurbot.kz", "3141592653"),
        ("https://vk.com/durov", VK, "@durov", None),
        ("https://m.vk.com/id1", VK, "id:1", None),
        ("https://vk.com/club123", VK, "id:-123", None),
        ("https://vk.com/wall-123_456", VK, "id:-123", "-123_456"),
        ("https://vk.com/durov?w=wall1_45", VK, "@durov", "1_45"),
        ("https://www.tiktok.com/@user.x/video/7123456789?is_from_webapp=1", TT, "@user.x", "7123456789"),
        ("https://m.tiktok.com/@User_X", TT, "@user_x", None),
        ("https://www.youtube.com/@SomeHandle/videos", YT, "@somehandle", None),
        ("https://youtube.com/channel/UC1234567890123456789012", YT, "id:UC1234567890123456789012", None),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", YT, None, "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=tracking", YT, None, "dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", YT, None, "dQw4w9WgXcQ"),
    ],
)
def test_a_supported_url_names_its_account_and_post(
    url: str, platform: Platform, identity: str | None, post: str | None
) -> None:
    target = parse_url(url)
    assert target is not None
    assert target.platform == platform
    assert (target.account.identity if target.account else None) == identity
    assert target.post_id == post
    assert target.via == Via.LINK


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/nurbot",
        "https://t.me/+AbCdEfGhIjK",
        "https://t.me/joinchat/AbCdEf",
        "https://t.me/share/url?url=x",
        "https://user:secret@t.me/nurbot_kz",
        "https://t.me:8443/nurbot_kz",
        "https://x.com/search?q=tokayev",
        "https://x.com/home",
        "https://www.facebook.com/sharer/sharer.php?u=x",
        "https://vm.tiktok.com/ZMabc123/",
        "https://www.youtube.com/results?search_query=x",
        "https://t.me/",
        "https://[broken",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://t.me/nurbot_kz",
        "htps:/t.me//nurbot_kz",
        "tg://msg?text=hello",
    ],
)
def test_a_url_that_names_no_account_is_unsupported(url: str) -> None:
    assert parse_url(url) is None


def test_the_same_account_by_link_and_by_handle_has_one_identity() -> None:
    found = find_links("@NurBot_KZ and https://t.me/nurbot_kz and t.me/NURBOT_KZ/7")
    identities = {t.account.identity for t in found.targets}
    assert identities == {"@nurbot_kz"}


def test_links_and_handles_keep_their_order_and_hidden_links_come_last() -> None:
    found = find_links("see @first_handle then https://x.com/second", ("https://vk.com/third",))
    assert [t.account.identity for t in found.targets] == ["@first_handle", "@second", "@third"]
    assert [t.via for t in found.targets] == [Via.MENTION, Via.LINK, Via.LINK]


def test_an_email_address_is_not_a_handle() -> None:
    assert find_links("write to press@example.org").targets == ()


def test_trailing_punctuation_is_not_part_of_a_link() -> None:
    found = find_links("Look (https://t.me/nurbot_kz/12).")
    assert found.targets[0].post_id == "12"


def test_unsupported_links_are_listed_separately() -> None:
    found = find_links("https://example.com/a and https://x.com/bot1")
    assert found.unsupported == ("https://example.com/a",)
    assert [t.account.identity for t in found.targets] == ["@bot1"]


def test_an_absurdly_long_handle_or_post_id_is_not_a_link() -> None:
    assert parse_url("https://instagram.com/p/" + "A" * 500) is None
    assert parse_url("https://facebook.com/groups/" + "g" * 500) is None


def test_a_link_of_another_scheme_is_neither_a_target_nor_prose() -> None:
    found = find_links("read javascript:alert(1) and file:///etc/passwd, then t.me/nurbot_kz")
    assert [u[:12] for u in found.unsupported] == ["javascript:a", "file:///etc/"]
    assert [t.account.identity for t in found.targets] == ["@nurbot_kz"]
    assert strip_links("see htps:/t.me//x now").split() == ["see", "now"]
