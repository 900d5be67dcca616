"""Signs that a message talks about a campaign instead of taking part in it.

Two signs, each language-independent in use:
- a mark of irony: laughing, eye-rolling or clown emoji. Campaign lines praise; a reply that laughs at
  the same words is mocking them;
- a word for the machinery: bots, trolls, fake or paid accounts, copy-paste. Campaign accounts do not call
  themselves bots; critics who retell the line without quotation marks do.

A match stands only when the stored line it matched carries the same sign: the Gulf "defenders" line
itself accuses the other side's "electronic flies" and trolls.
"""

from __future__ import annotations

from bot.core.matcher import Match, MatchKind
from bot.core.normalize import normalize

IRONY_MARKS = frozenset("😂🤣😅😆😹🙄🤡🙃😏🤦")
_MACHINERY_WORDS = frozenset(
    normalize(
        " ".join(
            (
                "bot bots fake fakes flies бот боты ботов ботам ботами ботах "
                "ذباب الذباب ذبابة بوت بوتات البوتات وهمية الوهمية",
                "مأجور مأجورة مأجورين المأجورة",
            )
        )
    ).split()
)
_MACHINERY_STEMS = tuple(
    normalize(
        " ".join(
            (
                "troll nurbot sockpuppet astroturf copypast propagand "
                "тролл троль нурбот фейк пропаганд проплач копипаст",
                "нұрбот боттар тролль",
            )
        )
    ).split()
)
_MACHINERY_ZH = (
    "機器人",
    "机器人",
    "水軍",
    "水军",
    "網軍",
    "网军",
    "五毛",
    "假帳號",
    "假账号",
    "殭屍帳號",
    "僵尸账号",
    "帶風向",
    "带风向",
)


def signs(text: str) -> frozenset[str]:
    """Which of "irony" and "machinery" the text shows."""
    found = set()
    if any(char in IRONY_MARKS for char in text):
        found.add("irony")
    words = normalize(text).split()
    joined = "".join(words)  # Chinese is normalised to one character a word
    if (
        not _MACHINERY_WORDS.isdisjoint(words)
        or any(w.startswith(_MACHINERY_STEMS) for w in words)
        or any(word in joined for word in _MACHINERY_ZH)
    ):
        found.add("machinery")
    return frozenset(found)


def without_commentary(message: str, matches: list[Match]) -> list[Match]:
    """The matches whose line shows every sign of commentary the message shows (a negative-bank match stays)."""
    shown = signs(message)
    if not shown:
        return matches
    return [m for m in matches if m.kind is MatchKind.NEGATIVE or shown <= signs(m.matched)]
