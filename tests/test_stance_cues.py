"""The stance cues the verifier compares: negations, questions and contrasts in five languages."""

from __future__ import annotations

import pytest

from bot.semantic.cues import cues
from bot.semantic.reading import text_to_encode


@pytest.mark.parametrize(
    "text",
    [
        "My family will not vote for Tokayev.",
        "We won't give our votes to anyone.",
        "Моя семья не будет голосовать за Токаева.",
        "Отбасым Тоқаевқа дауыс бермейді.",
        "Otbasym Toqaevqa dauys bermeidı, bız qatyspaimyz.",
        "عائلتي لن تصوت لتوكاييف.",
        "我們家不會投票給托卡耶夫。",
    ],
)
def test_a_negation_is_counted_in_every_language_and_script(text: str) -> None:
    assert cues(text_to_encode(text)).negations >= 1


@pytest.mark.parametrize(
    "text",
    [
        "Our family gives four votes for Tokayev.",
        "Наша семья отдаёт четыре голоса за Токаева.",
        "Отбасымыз Тоқаевқа төрт дауыс береді.",
        "عائلتنا تعطي أربعة أصوات لتوكاييف.",
        "我們一家四票投給托卡耶夫。",
    ],
)
def test_an_affirmation_counts_no_negation_question_or_contrast(text: str) -> None:
    found = cues(text_to_encode(text))
    assert (found.negations, found.questions, found.contrasts) == (0, 0, 0)


def test_questions_and_contrasts_are_counted() -> None:
    assert cues("Is the new Kazakhstan really new?").questions >= 1
    assert cues("هل هذا صحيح؟").questions >= 1
    assert cues("這是真的嗎").questions >= 1
    assert cues("I respect the choice, but not the course.").contrasts == 1
    assert cues("Я уважаю выбор, но не курс.").contrasts == 1
    assert cues("我尊重選擇，但不尊重路線。").contrasts == 1


def test_length_counts_words_and_each_chinese_character() -> None:
    assert cues("three little words").length == 3
    assert cues("我們一家").length == 4
