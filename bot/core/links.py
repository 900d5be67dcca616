"""Links and @handles → normalised accounts and posts.

Supported: t.me / telegram.me, x.com / twitter.com, facebook.com,
instagram.com, vk.com, tiktok.com, youtube.com / youtu.be, in their
profile, post and channel forms, with or without ``www.``/``m.``, query
strings and tracking parameters (only the parameters that name an account
or a post are read). A bare ``@name`` is a Telegram handle.

URLs with credentials or an explicit port, short links that need a network
look-up to resolve, invite links and the platforms' own pages (search,
settings, share dialogs...) name no account: they come back as unsupported.
So do links of any other scheme (``javascript:``, ``file://``, a misspelt
``htps:/``...), except Telegram's own ``tg://resolve?domain=name``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from bot.core.accounts import Account, Platform, Target, Via

_URL = re.compile(
    r"""(?:https?://|(?<![\w@.])(?=(?:www\.|m\.|mobile\.|web\.)?(?:t\.me|telegram\.me|telegram\.dog|x\.com|twitter\.com|
    facebook\.com|fb\.com|instagram\.com|vk\.com|vk\.ru|tiktok\.com|youtube\.com|youtu\.be)/))[^\s<>"'«»]+""",
    re.IGNORECASE | re.VERBOSE,
)
_OTHER_SCHEME = re.compile(
    r"(?<![\w@./])(?!https?://)(?:[a-z][a-z0-9+.-]{1,15}:/{1,3}|(?:javascript|vbscript|data|mailto|tel|sms):)[^\s<>\"'«»]+",
    re.IGNORECASE,
)
"""A link that is not a web link: it never names an account, and is never prose either."""
_TRAILING = ".,;:!?)]}»\"'…"
_MENTION = re.compile(r"(?<![\w@./])@([A-Za-z][A-Za-z0-9_]{3,31})(?![\w@])")
MAX_LINKS = 100
"""Links and handles read from one message, at most (the first ones, then hidden links): each account named
opens or joins a case, so a message of a thousand handles must not cost a thousand of everything."""


@dataclass(frozen=True)
class FoundLinks:
    targets: tuple[Target, ...]
    unsupported: tuple[str, ...]


def strip_links(text: str) -> str:
    """The text without the links and @handles in it: what it says, not what it points at."""
    return _MENTION.sub(" ", _URL.sub(" ", _OTHER_SCHEME.sub(" ", text)))


def find_links(text: str, extra_urls: tuple[str, ...] = ()) -> FoundLinks:
    """Every account or post named in ``text`` (links and @handles), then in ``extra_urls``.

    ``extra_urls`` are links hidden behind words (Telegram's text links).
    Duplicates are dropped; the order of appearance is kept. Only the first MAX_LINKS are read.
    """
    found: list[tuple[int, str]] = [(m.start(), m.group(0).rstrip(_TRAILING)) for m in _OTHER_SCHEME.finditer(text)]
    text = _OTHER_SCHEME.sub(lambda m: " " * len(m.group(0)), text)
    found += [(m.start(), m.group(0).rstrip(_TRAILING)) for m in _URL.finditer(text)]
    without_urls = _URL.sub(lambda m: " " * len(m.group(0)), text)
    found += [(m.start(), "@" + m.group(1)) for m in _MENTION.finditer(without_urls)]
    found.sort()
    found += [(len(text), url) for url in extra_urls]
    targets: list[Target] = []
    unsupported: list[str] = []
    for _, item in found[:MAX_LINKS]:
        if item.startswith("@"):
            target: Target | None = Target(
                Platform.TELEGRAM, Account.by_handle(Platform.TELEGRAM, item[1:]), None, Via.MENTION
            )
        else:
            target = parse_url(item)
        if target is None:
            unsupported.append(item)
        elif target not in targets:
            targets.append(target)
    return FoundLinks(tuple(targets), tuple(unsupported))


def parse_url(url: str) -> Target | None:
    """The account and post a URL names, or None when it names none we support."""
    if url.casefold().startswith("tg://resolve?"):
        query = {k: v[0] for k, v in parse_qs(url.split("?", 1)[1]).items()}
        return _telegram([query.get("domain", ""), *([query["post"]] if "post" in query else [])], {})
    if _OTHER_SCHEME.fullmatch(url):
        return None
    if not re.match(r"^https?://", url, re.IGNORECASE):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.username or parts.password or port is not None:
        return None
    host = (parts.hostname or "").casefold()
    host = re.sub(r"^(?:www|m|mobile|web|mbasic)\.", "", host)
    parser = _PARSERS.get(host)
    if parser is None:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return parser(segments, query)


Parser = Callable[[list[str], dict[str, str]], Target | None]


MAX_PART_LENGTH = 100
"""Longer handles or post ids are not real ones: a hostile link must not bloat what is stored and shown."""


def _link(platform: Platform, account: Account | None, post_id: str | None = None) -> Target | None:
    if account is None and post_id is None:
        return None
    parts = [post_id or "", *(account.identity, account.display_name or "")] if account else [post_id or ""]
    if any(len(part) > MAX_PART_LENGTH for part in parts):
        return None
    return Target(platform, account, post_id, Via.LINK)


def _matches(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


_TG_NAME = r"[A-Za-z][A-Za-z0-9_]{3,31}"
_TG_RESERVED = {
    "share",
    "addstickers",
    "addemoji",
    "addtheme",
    "addlist",
    "proxy",
    "socks",
    "iv",
    "setlanguage",
    "bg",
    "login",
    "confirmphone",
    "invoice",
    "boost",
    "joinchat",
    "contact",
    "m",
    "giftcode",
}


def _telegram(segments: list[str], query: dict[str, str]) -> Target | None:
    if segments and segments[0] == "s":
        segments = segments[1:]
    if len(segments) >= 2 and segments[0] == "c" and segments[1].isdigit():
        post = segments[2] if len(segments) > 2 and segments[2].isdigit() else None
        return _link(Platform.TELEGRAM, Account.by_id(Platform.TELEGRAM, "-100" + segments[1]), post)
    if not segments or segments[0].casefold() in _TG_RESERVED or not _matches(_TG_NAME, segments[0]):
        return None
    post = segments[1] if len(segments) > 1 and segments[1].isdigit() else None
    return _link(Platform.TELEGRAM, Account.by_handle(Platform.TELEGRAM, segments[0]), post)


_X_HANDLE = r"[A-Za-z0-9_]{1,15}"
_X_RESERVED = {
    "home",
    "explore",
    "search",
    "settings",
    "hashtag",
    "share",
    "login",
    "logout",
    "messages",
    "notifications",
    "compose",
    "tos",
    "privacy",
    "signup",
    "download",
    "i",
    "intent",
}


def _x(segments: list[str], query: dict[str, str]) -> Target | None:
    if segments[:1] == ["intent"] and segments[1:2] in (["user"], ["follow"]):
        if "screen_name" in query and _matches(_X_HANDLE, query["screen_name"]):
            return _link(Platform.X, Account.by_handle(Platform.X, query["screen_name"]))
        if query.get("user_id", "").isdigit():
            return _link(Platform.X, Account.by_id(Platform.X, query["user_id"]))
        return None
    if segments[:1] == ["i"]:
        status = _after(segments, "status")
        return _link(Platform.X, None, status) if status and status.isdigit() else None
    if not segments or segments[0].casefold() in _X_RESERVED or not _matches(_X_HANDLE, segments[0]):
        return None
    status = _after(segments, "status") or _after(segments, "statuses")
    post = status if status and status.isdigit() else None
    return _link(Platform.X, Account.by_handle(Platform.X, segments[0]), post)


_FB_NAME = r"[A-Za-z0-9.]{5,50}"
_FB_RESERVED = {
    "watch",
    "events",
    "marketplace",
    "share",
    "sharer",
    "sharer.php",
    "login",
    "login.php",
    "help",
    "policies",
    "photo.php",
    "photo",
    "reel",
    "gaming",
    "hashtag",
    "search",
    "stories",
    "home.php",
    "settings",
    "notifications",
    "messages",
    "friends",
    "dialog",
    "plugins",
    "privacy",
}


def _facebook(segments: list[str], query: dict[str, str]) -> Target | None:
    head = segments[0].casefold() if segments else ""
    if head in ("profile.php", "permalink.php", "story.php"):
        owner = query.get("id", "")
        post = query.get("story_fbid") or query.get("fbid")
        account = Account.by_id(Platform.FACEBOOK, owner) if owner.isdigit() else None
        return _link(Platform.FACEBOOK, account, post if post and post.isalnum() else None)
    if head == "watch":
        video = query.get("v", "")
        return _link(Platform.FACEBOOK, None, video) if video.isdigit() else None
    if head in ("people", "pages") and len(segments) >= 3 and segments[2].isdigit():
        return _link(Platform.FACEBOOK, Account.by_id(Platform.FACEBOOK, segments[2], display_name=segments[1]))
    if head == "groups" and len(segments) >= 2:
        post = _after(segments, "posts") or _after(segments, "permalink")
        group = Account(Platform.FACEBOOK, "group:" + segments[1].casefold(), handle=None, display_name=segments[1])
        return _link(Platform.FACEBOOK, group, post if post and post.isdigit() else None)
    if not head or head in _FB_RESERVED or not _matches(_FB_NAME, segments[0]):
        return None
    post = _after(segments, "posts") or _after(segments, "videos")
    return _link(
        Platform.FACEBOOK, Account.by_handle(Platform.FACEBOOK, segments[0]), post if post and post.isalnum() else None
    )


_IG_NAME = r"[A-Za-z0-9._]{1,30}"
_IG_POSTS = {"p", "reel", "reels", "tv"}
_IG_RESERVED = {"explore", "accounts", "direct", "about", "developer", "legal", "stories", "web", "challenge"}


def _instagram(segments: list[str], query: dict[str, str]) -> Target | None:
    if not segments:
        return None
    head = segments[0].casefold()
    if head in _IG_POSTS and len(segments) >= 2:
        return _link(Platform.INSTAGRAM, None, segments[1])
    if head == "stories" and len(segments) >= 2 and _matches(_IG_NAME, segments[1]):
        story = segments[2] if len(segments) > 2 and segments[2].isdigit() else None
        return _link(Platform.INSTAGRAM, Account.by_handle(Platform.INSTAGRAM, segments[1]), story)
    if head in _IG_RESERVED or not _matches(_IG_NAME, segments[0]):
        return None
    post = segments[2] if len(segments) > 2 and segments[1].casefold() in _IG_POSTS else None
    return _link(Platform.INSTAGRAM, Account.by_handle(Platform.INSTAGRAM, segments[0]), post)


_VK_WALL = re.compile(r"wall(-?\d+)_(\d+)")
_VK_RESERVED = {
    "feed",
    "im",
    "search",
    "video",
    "audio",
    "away.php",
    "share.php",
    "login",
    "settings",
    "friends",
    "groups",
    "apps",
}


def _vk(segments: list[str], query: dict[str, str]) -> Target | None:
    head = segments[0] if segments else ""
    head_is_wall = _VK_WALL.fullmatch(head) is not None
    wall = _VK_WALL.fullmatch(head) or _VK_WALL.fullmatch(query.get("w", ""))
    post = f"{wall.group(1)}_{wall.group(2)}" if wall else None
    numeric = re.fullmatch(r"(id|club|public|event)(\d+)", head)
    if numeric:
        sign = "" if numeric.group(1) == "id" else "-"
        account = Account.by_id(Platform.VK, sign + numeric.group(2))
    elif head and not head_is_wall and head.casefold() not in _VK_RESERVED and _matches(r"[A-Za-z0-9_.]{2,32}", head):
        account = Account.by_handle(Platform.VK, head)
    elif wall:
        account = Account.by_id(Platform.VK, wall.group(1))
    else:
        return None
    return _link(Platform.VK, account, post)


def _tiktok(segments: list[str], query: dict[str, str]) -> Target | None:
    if not segments or not segments[0].startswith("@") or not _matches(r"[A-Za-z0-9_.]{2,24}", segments[0][1:]):
        return None
    post = _after(segments, "video") or _after(segments, "photo")
    return _link(
        Platform.TIKTOK, Account.by_handle(Platform.TIKTOK, segments[0][1:]), post if post and post.isdigit() else None
    )


_YT_VIDEO = r"[A-Za-z0-9_-]{11}"


def _youtube(segments: list[str], query: dict[str, str]) -> Target | None:
    head = segments[0] if segments else ""
    if head == "watch" and _matches(_YT_VIDEO, query.get("v", "")):
        return _link(Platform.YOUTUBE, None, query["v"])
    if head in ("shorts", "live", "embed") and len(segments) >= 2 and _matches(_YT_VIDEO, segments[1]):
        return _link(Platform.YOUTUBE, None, segments[1])
    if head.startswith("@") and _matches(r"[A-Za-z0-9_.-]{3,30}", head[1:]):
        return _link(Platform.YOUTUBE, Account.by_handle(Platform.YOUTUBE, head[1:]))
    if head == "channel" and len(segments) >= 2 and _matches(r"UC[A-Za-z0-9_-]{22}", segments[1]):
        return _link(Platform.YOUTUBE, Account.by_id(Platform.YOUTUBE, segments[1]))
    if head in ("c", "user") and len(segments) >= 2 and _matches(r"[A-Za-z0-9_.-]{1,100}", segments[1]):
        return _link(Platform.YOUTUBE, Account.by_handle(Platform.YOUTUBE, segments[1]))
    return None


def _youtu_be(segments: list[str], query: dict[str, str]) -> Target | None:
    if segments and _matches(_YT_VIDEO, segments[0]):
        return _link(Platform.YOUTUBE, None, segments[0])
    return None


def _after(segments: list[str], marker: str) -> str | None:
    """The path segment right after ``marker``, if any."""
    for i, segment in enumerate(segments[:-1]):
        if segment.casefold() == marker:
            return segments[i + 1]
    return None


_PARSERS: dict[str, Parser] = {
    "t.me": _telegram,
    "telegram.me": _telegram,
    "telegram.dog": _telegram,
    "x.com": _x,
    "twitter.com": _x,
    "facebook.com": _facebook,
    "fb.com": _facebook,
    "instagram.com": _instagram,
    "vk.com": _vk,
    "vk.ru": _vk,
    "tiktok.com": _tiktok,
    "youtube.com": _youtube,
    "youtu.be": _youtu_be,
}
