"""Languages: Telegram's codes map to ours, numbers and dates follow the locale, commands stay readable in Arabic."""

from __future__ import annotations

import pytest

from bot.handlers import commands
from bot.i18n import LEFT_TO_RIGHT_MARK, SUPPORTED_LOCALES, isolate, locale_from_telegram


@pytest.mark.parametrize(
    ("telegram_code", "ours"),
    [
        ("kk", "kk"),
        ("ru", "ru"),
        ("ar", "ar"),
        ("en", "en"),
        ("en-GB", "en"),
        ("zh-hant", "zh_Hant"),
        ("zh-hans", "zh_Hant"),
        ("zh", "zh_Hant"),
        ("de", None),
        (None, None),
        ("", None),
    ],
)
def test_telegram_language_codes_map_to_our_locales(telegram_code: str | None, ours: str | None) -> None:
    assert locale_from_telegram(telegram_code) == ours


def test_numbers_and_dates_follow_the_locale(translations) -> None:
    assert translations("ru").number(12345) == "12\xa0345"
    assert translations("en").number(12345) == "12,345"
    assert "2026" in translations("kk").datetime(1795000000)


def test_arabic_commands_carry_a_left_to_right_mark_and_other_languages_do_not(translations) -> None:
    assert LEFT_TO_RIGHT_MARK + "/help" in translations("ar").gettext(
        "I don't know that command. /help lists what I can do."
    )
    assert LEFT_TO_RIGHT_MARK not in translations("ru").gettext("I don't know that command. /help lists what I can do.")


def test_isolate_wraps_text_in_first_strong_isolate_and_pop() -> None:
    assert isolate("@nurbot") == "\u2068@nurbot\u2069"


def test_the_left_to_right_mark_never_lands_inside_an_html_tag(translations) -> None:
    text = translations("ar").gettext("📥 <b>Report #{number}</b> received.")
    assert "</b>" in text and "<" + LEFT_TO_RIGHT_MARK not in text


@pytest.mark.parametrize("code", SUPPORTED_LOCALES)
def test_every_description_fits_telegrams_limits(translations, code: str) -> None:
    t = translations(code)
    assert 0 < len(t.gettext(commands.DESCRIPTION)) <= 512
    assert 0 < len(t.gettext(commands.SHORT_DESCRIPTION)) <= 120


def test_language_names_read_naturally_in_lists_and_in_arabic(translations) -> None:
    kk, ar, en = translations("kk"), translations("ar"), translations("en")
    assert (
        kk.language_list(["en", "ru", "kk"]) == "ағылшын, орыс, қазақ тілдері"
    )  # babel joins Kazakh lists with commas
    assert kk.language_list(["kk"]) == kk.language_name("kk") == "қазақ тілі"
    assert ar.language_name("kk") == "الكازاخية" and "الكازاخية" in ar.language_list(["ru", "kk"])
    assert en.language_list(["en", "ru", "kk"]) == "English, Russian, and Kazakh"
    assert translations("ru").language_list(["ru", "kk"]) == "русский и казахский"
