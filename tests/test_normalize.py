"""Normalisation, language by language: every evasion folds back to the same comparable text."""

from __future__ import annotations

import pytest

from bot.core.normalize import normalize
from bot.core.templates import readable, variants
from bot.errors import InvalidTemplate


def same(*texts: str) -> bool:
    return len({normalize(t) for t in texts}) == 1


def test_case_width_and_punctuation_fold() -> None:
    assert same("TOKAYEV!!!", "tokayev", "ＴＯＫＡＹＥＶ", "Tokayev…")


def test_zero_width_bidi_and_variation_selectors_vanish() -> None:
    assert same("Vote for Tokayev", "Vo\u200bte fo\u200dr\u2060 Tok\ufeffa\u200eyev\u202e", "Vote\ufe0f for Tokayev")


def test_emoji_and_decoration_vanish() -> None:
    assert same("Vote for Tokayev", "🇰🇿 Vote ★ for ~~~ Tokayev 👍🔥", "••• Vote for Tokayev •••")


def test_links_and_mentions_vanish_and_hashtag_words_stay() -> None:
    assert normalize("Vote @akorda_press https://t.me/x/1 t.me/y #NewKazakhstan") == "vote neu kazakhstan"
    assert normalize("#مقاطعة_تويتر_الأحد_26") == "مقاطعه تويتر الاحد 26"


def test_digits_of_every_script_become_ascii() -> None:
    assert same("4 votes", "٤ votes", "۴ votes", "４ votes")


def test_latin_words_with_cyrillic_look_alikes_fold() -> None:
    assert same("I made a choice", "I mаde а сhoice")  # Cyrillic а and с


def test_cyrillic_words_with_latin_and_greek_look_alikes_fold() -> None:
    assert same("Президент заботится о народе", "Пpeзидeнт забoтится o нapoдe", "Президент забοтится ο народе")


def test_kazakh_cyrillic_and_2021_latin_meet() -> None:
    assert same("Біз жаңа Қазақстан үшін таңдау жасадық", "Biz jaña Qazaqstan üşin tañdau jasadyq")
    assert same("Тоқаевқа дауыс береміз", "Toqaevqa dauys beremiz")


def test_arabic_diacritics_tatweel_and_letter_forms_fold() -> None:
    plain = "الرئيس يهتم دائما ويفكر في الشعب"
    assert same(plain, "الرَّئِيسُ يَهْتَمُّ دائـــماً وَيُفَكِّرُ في الشَّعْبِ")
    assert same("إلى الأمام", "الي الامام", "اِلى الأمام")
    assert same("مدرسة", "مدرسه")
    assert same("کتاب یکی", "كتاب يكي")


def test_arabic_folding_leaves_other_scripts_alone() -> None:
    assert normalize("Тоқаев and الرئيس") == "toqaev and الرييس"


def test_chinese_traditional_and_simplified_meet_and_ideographs_become_words() -> None:
    assert same("總統總是關心人民", "总统总是关心人民")
    assert normalize("總統關心人民") == "总 统 关 心 人 民"


def test_template_alternatives_expand_and_gaps_drop() -> None:
    expanded = variants("{I|We} made a choice … our family gives {*} votes")
    assert expanded == (
        normalize("I made a choice our family gives votes"),
        normalize("We made a choice our family gives votes"),
    )


def test_template_variants_are_capped() -> None:
    assert len(variants("{a|b} {c|d} {e|f} {g|h} {i|j} {k|l} {m|n}")) == 32


@pytest.mark.parametrize("broken", ["{I|We made", "I} made", "{{I}}", "{*}", "…"])
def test_broken_template_syntax_is_refused(broken: str) -> None:
    with pytest.raises(InvalidTemplate):
        variants(broken)


def test_a_template_reads_as_its_first_alternatives_with_an_ellipsis_for_a_gap() -> None:
    template = "{I|We} made a choice. Our {family gives|families give} {*} votes for Tokayev."
    assert readable(template) == "I made a choice. Our family gives … votes for Tokayev."
    assert readable("A plain text, with no syntax.") == "A plain text, with no syntax."
