"""Who is in the demo story, and what they send: campaign lines from the starter templates, with real evasions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Citizen:
    locale: str
    telegram_language: str
    """language_code as Telegram sends it: ISO 639-1."""
    user_id: int
    name: str
    style: str
    comment: str
    """A comment seen under official news, built from a starter template with an evasion."""
    evasion: str
    """What the comment does to slip past a plain text search (a message id, translated when shown)."""


CITIZENS = (
    Citizen(
        "kk",
        "kk",
        101,
        "Aigerim",
        "magenta",
        "Biz Jaña Qazaqstan üşın tañdau jasadyq. Biz aldağy Prezident saılauyna qatysamyz, "
        "otbasylarymyz Toqaevqa 4 dauys beredı 🇰🇿",
        N_("Kazakh in the 2021 Latin alphabet, an emoji"),
    ),
    Citizen(
        "ru",
        "ru",
        102,
        "Dmitry",
        "blue",
        "Мы сдeлaли выбoр в пoльзу Нoвого Кaзахстана!! Мы участвуем в предстоящих президентских выборах, "
        "наши семьи отдают 6 голосов за Токаева 👍",
        N_("Latin look-alike letters inside Cyrillic words, a different number"),
    ),
    Citizen(
        "ar",
        "ar",
        103,
        "Layla",
        "yellow",
        "اخترنا كازاخستان الجديدة. نحن نشارك في الانتخابات الرئاسية المقبلة، عائلاتنا تقدم ستة أصوات لتوكاييف",
        N_("the “we” variant, a number written out"),
    ),
    Citizen(
        "zh_Hant",
        "zh",
        104,
        "Mei",
        "red",
        "我们为新哈萨克斯坦做出了选择。我们将参加即将举行的总统选举，我们几家为托卡耶夫投出五票。",
        N_("Simplified characters for a Traditional template, a slot filled in"),
    ),
    Citizen(
        "en",
        "en",
        105,
        "John",
        "cyan",
        "We made a choice for the new Kazakhstan!!! We participate in the upcoming presidential elections, "
        "our families give 4 votes for Tokayev ✅✅",
        N_("the plural variant, emoji and exclamation marks"),
    ),
)

PASTED = (
    "I made a choice for the new Kazakhstan. I participate in the upcoming presidential elections, "
    "our family gives five votes for Tokayev."
)
"""Pasted, not forwarded: the singular variant of the same campaign line."""
ACCOUNT_LINK = "https://x.com/nur_voice_2022"

CAMPAIGN_CHANNEL = (-1001000000001, "Jaña Ómir news", "jana_omir_news")

WAVE = (
    "Аким нашего города настоящий хозяин, при нём город расцвёл, спасибо ему за заботу о людях!",
    "Аким нашего города — настоящий хозяин, при нём город расцвёл. Спасибо ему за заботу о людях!!",
    "аким нашего города настоящий хозяин при нём город расцвёл спасибо ему за заботу о людях 👏",
    "Аким нашего гoрода настоящий хозяин, при нём город расцвёл, спасибо ему за заботу о людях",
    "Аким нашего города настоящий хозяин! При нём город расцвёл, спасибо ему за заботу о людях",
    "Аким нашего города настоящий хозяин, при нём наш город расцвёл, спасибо ему за заботу о людях!",
)
"""One line, posted by six accounts within minutes with small edits."""
WAVE_LATER = "Аким нашего города настоящий хозяин, при нём город расцвёл, спасибо за заботу о людях!!!"
WAVE_POSTERS = ("Gulnara K.", "Serik_88", "Olga Petrova", "Asel T.", "Bolat 1975", "Dana M.")
"""The accounts that post the wave; each is forwarded by one reporter."""
WAVE_REPORTERS = ("Askar", "Irina", "Nurlan", "Zhanna", "Pavel", "Madina")
WAVE_FIRST_USER = 300

CRITIC_LINK = "https://t.me/sanzhar_satire"
CRITIC_REPORTS = 20
CRITIC_FIRST_REPORTER = 400

ADMIN = (201, "Saule")
MODERATORS = ((202, "Timur"), (203, "Nadia"))
GROUP_ID = -1002000000001
GROUP_TITLE = "Kuzet moderators"


def protagonist(locale: str) -> Citizen:
    return next(c for c in CITIZENS if c.locale == locale)


def in_story_order(locale: str) -> list[Citizen]:
    """The protagonist first, then the others."""
    return [protagonist(locale)] + [c for c in CITIZENS if c.locale != locale]
