"""A template must say something: gaps and function words alone would match unrelated messages.

(``the {*} of {*} and {*} to {*} in {*} is {*} that`` matched five of five unrelated English sentences with score
1.0: the containment score ignores word order and what stands in the gaps.)"""

from __future__ import annotations

import pytest

from bot.core.templates import check
from bot.errors import TemplateTooVague
from bot.resources import shipped_data

VAGUE = {
    "en": "the {*} of {*} and {*} to {*} in {*} is {*} that",
    "ru": "и {*} в {*} не {*} на {*} что {*} с {*} это",
    "kk": "және {*} мен {*} бұл {*} үшін {*} де {*} бір {*} бар",
    "ar": "في {*} من {*} على {*} إلى {*} أن {*} هذا {*} التي",
    "zh": "的{*}了{*}是{*}在{*}我們{*}有{*}和{*}這個",
}


@pytest.mark.parametrize("lang", VAGUE)
def test_a_template_of_gaps_and_function_words_is_refused(lang: str) -> None:
    with pytest.raises(TemplateTooVague):
        check(VAGUE[lang])


@pytest.mark.parametrize("lang", ["en", "ru", "kk", "ar", "zh"])
def test_every_starter_template_says_enough(lang: str) -> None:
    templates = [item["text"] for item in shipped_data("starter_templates.jsonl") if item["lang"] == lang]
    assert templates and any("{*}" in text for text in templates)
    for text in templates:
        check(text)


def test_a_weak_alternative_counts_as_what_the_template_says() -> None:
    check("{Our president|The leader} thinks about every family {*}")
    with pytest.raises(TemplateTooVague):
        check("{Our president thinks about every family|It is} {*} of {*} and {*} that")
