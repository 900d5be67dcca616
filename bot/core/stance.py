"""Signs that a message talks about a campaign instead of taking part in it.

Each sign is language-independent in use:
- irony: laughing, eye-rolling or clown emoji. Campaign lines praise; a reply that laughs at the same words
  is mocking them;
- machinery: bots, trolls, fake or paid accounts, copy-paste. Campaign accounts do not call themselves bots;
  critics who retell the line without quotation marks do;
- accounts, and posting (posted, comments, replies): a campaign line says its message; a news report or a
  researcher retelling it says who posted it where ("every post had the same reply underneath, that the
  president cares…");
- copying: identical, the same wording, one and the same, repeated. The line does not remark that it is a
  copy; whoever noticed the copies does.
- refusal: "I will not vote", "голосовать не буду", "дауыс бермеймін", "لن أصوت", "棄權". A campaign calls to
  vote, boycott or support; a message that refuses to is answering the call, not repeating it (a line that
  says "no to chaos" refuses nothing of the kind, so the phrases name the vote or the boycott);
- disagreement: "I disagree", "не согласен", "келіспеймін", "لا أتفق", "不同意", in the first person singular:
  campaign lines do disagree with the other side's decisions, as "we".

A match stands only when the stored line it matched carries the same signs: the Gulf "defenders" line itself
condemns suspending accounts and accuses the other side's "electronic flies".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matcher import Match, MatchKind
from bot.core.normalize import normalize

IRONY_MARKS = frozenset("😂🤣😅😆😹🙄🤡🙃😏🤦")


@dataclass(frozen=True)
class _Sign:
    """Words of a sign in the normalised form (bot.core.normalize), so that one entry covers its scripts and
    spellings."""

    words: frozenset[str]
    """Whole words."""
    stems: tuple[str, ...]
    """Starts of words."""
    phrases: tuple[str, ...]
    """Runs of whole words."""
    chinese: tuple[str, ...]
    """Chinese words (normalisation makes each Chinese character a word of its own)."""

    @classmethod
    def of(cls, words: str = "", stems: str = "", phrases: tuple[str, ...] = (), chinese: str = "") -> _Sign:
        return cls(
            frozenset(normalize(words).split()),
            tuple(normalize(stems).split()),
            tuple(f" {normalize(p)} " for p in phrases),
            tuple(normalize(w).replace(" ", "") for w in chinese.split()),
        )

    def shown_by(self, words: list[str]) -> bool:
        spaced = f" {' '.join(words)} "
        joined = "".join(words)
        return (
            not self.words.isdisjoint(words)
            or any(w.startswith(self.stems) for w in words)
            or any(p in spaced for p in self.phrases)
            or any(w in joined for w in self.chinese)
        )


_SIGNS = {
    "machinery": _Sign.of(
        words="bot bots fake fakes flies бот боты ботов ботам ботами ботах "
        "ذباب الذباب ذبابة بوت بوتات البوتات وهمية الوهمية مأجور مأجورة مأجورين المأجورة",
        stems="troll nurbot sockpuppet astroturf copypast propagand тролл троль нурбот фейк пропаганд проплач "
        "копипаст нұрбот боттар тролль مزيف المزيف",
        phrases=("sock puppet",),
        chinese="機器人 水軍 網軍 五毛 假帳號 假账号 殭屍帳號 僵尸账号 帶風向",
    ),
    "accounts": _Sign.of(
        words="حسابات الحسابات الحساب",
        stems="account profile аккаунт профил парақша",
        chinese="帳號 账号",
    ),
    "posting": _Sign.of(
        words="posted تعليقات التعليقات",
        stems="comment repli коммент",
        chinese="留言 評論 跟帖",
    ),
    "copying": _Sign.of(
        stems="identical lookalike одинаков бірдей қайталан متطابق مكرر المكرر",
        phrases=(
            "same wording",
            "same phrasing",
            "same text",
            "same reply",
            "один и тот же",
            "одни и те же",
            "одно и то же",
            "نفس النص",
            "نفس العبارة",
        ),
        chinese="一樣的 一模一樣 相同的 同一句",
    ),
    "refusal": _Sign.of(
        stems="abstain воздерж",
        phrases=(
            "will not vote",
            "won't vote",
            "will not be voting",
            "won't be voting",
            "not going to vote",
            "not voting for",
            "will not be boycotting",
            "won't be boycotting",
            "не буду голосовать",
            "не будем голосовать",
            "не будет голосовать",
            "голосовать не буду",
            "голосовать не будем",
            "голосовать не будет",
            "не голосую",
            "не пойду голосовать",
            "не отдам",
            "голос не отдадим",
            "голосую против",
            "проголосую против",
            "дауыс бермеймін",
            "дауыс бермейміз",
            "дауыс бермейді",
            "қарсы дауыс беремін",
            "لن أصوت",
            "لن نصوت",
            "لن تصوت",
            "لا أصوت",
            "لن أعطي صوتي",
            "سأصوت ضد",
        ),
        chinese="不投票 不會投 不投給 不會把票 棄權 投反對票",
    ),
    "disagreement": _Sign.of(
        phrases=(
            "i disagree",
            "i do not agree",
            "i don't agree",
            "не согласен",
            "не согласна",
            "не соглашусь",
            "келіспеймін",
            "لا أتفق",
            "لا أوافق",
        ),
        chinese="不同意 不認同 不贊同",
    ),
}


def signs(text: str) -> frozenset[str]:
    """Which of "irony", "machinery", "accounts", "posting", "copying", "refusal" and "disagreement" the text
    shows."""
    found = set()
    if any(char in IRONY_MARKS for char in text):
        found.add("irony")
    words = normalize(text).split()
    found.update(name for name, sign in _SIGNS.items() if sign.shown_by(words))
    return frozenset(found)


def without_commentary(message: str, matches: list[Match]) -> list[Match]:
    """The matches whose line shows every sign of commentary the message shows (a negative-bank match stays)."""
    shown = signs(message)
    if not shown:
        return matches
    return [m for m in matches if m.kind is MatchKind.NEGATIVE or shown <= signs(m.matched)]
