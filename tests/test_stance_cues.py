"""Stance: the cues the verifier compares (negations, questions and contrasts in five languages), and the signs
of a retelling that drop a match in either stage (bot.core.stance)."""

from __future__ import annotations

import pytest

from bot.core.matcher import Matcher, MatchKind
from bot.resources import shipped_data
from bot.semantic.campaigns import CampaignMatcher
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


def starter_matcher() -> CampaignMatcher:
    """The starter pack and negative bank, lexical stage only (the stance signs apply to both stages)."""
    matcher = CampaignMatcher(Matcher())
    for number, item in enumerate(shipped_data("starter_templates.jsonl")):
        matcher.add(number, item["text"], MatchKind.TEMPLATE, language=item["lang"], family=item["family"])
    for number, item in enumerate(shipped_data("negative_bank.jsonl")):
        matcher.add(number, item["text"], MatchKind.NEGATIVE)
    return matcher


@pytest.mark.parametrize(
    "text",
    [
        "Under every post on the official page, the same reply: the President cares and always thinks about the "
        "people.",
        "Researchers counted thousands of comments saying the President cares and always thinks about the people.",
        "Под каждым постом один и тот же ответ: Президент заботится и всегда думает о народе.",
        "Жаңалықтардың астында бір тіркес қайталанады: Президент халыққа қамқорлық жасап, әрқашан халықты ойлайды.",
        "حسابات جديدة كتبت تحت كل خبر أن الرئيس يهتم ويفكر دائمًا في الناس.",
        "每則新聞底下都有幾十個帳號留言說總統關心人民，始終為人民著想。",
    ],
)
def test_a_retelling_that_says_who_posted_the_line_where_does_not_match_it(text: str) -> None:
    matcher = starter_matcher()
    assert matcher.lexical.match(text), "the line is in the message word for word"
    assert not matcher.match(text)


@pytest.mark.parametrize(
    "text",
    [
        "Totally agree with the post. The President cares and always thinks about the people.",
        "Полностью согласен с постом. Президент заботится и всегда думает о народе.",
        "We condemn the suspension of the accounts that defend the homeland and stand up to the attacks of "
        "electronic flies from the blockade countries.",
    ],
)
def test_a_copy_still_matches_when_it_names_the_post_or_its_line_names_accounts(text: str) -> None:
    assert starter_matcher().match(text)


@pytest.mark.parametrize(
    "text",
    [
        "Everyone at work copies it: I made a choice for the new Kazakhstan, I participate in the upcoming "
        "presidential elections, our family gives four votes for Tokayev. Not me, I will not vote for him.",
        "Мне пишут: я сделал выбор в пользу Нового Казахстана, я участвую в предстоящих президентских выборах, моя "
        "семья отдаёт четыре голоса за Токаева. А я голосовать не буду.",
        "Бәрі жазады: мен Жаңа Қазақстан үшін таңдау жасадым, мен алдағы Президент сайлауына қатысамын, отбасым "
        "Тоқаевқа төрт дауыс береді. Ал мен оған дауыс бермеймін.",
        "اخترت كازاخستان الجديدة. أنا أشارك في الانتخابات الرئاسية المقبلة، عائلتي تقدم أربعة أصوات لتوكاييف؟ لا، "
        "لن أصوت له.",
        "我為新哈薩克斯坦做出了選擇。我將參加即將舉行的總統選舉，但我們家不會投給托卡耶夫，我們為托卡耶夫投出零票。",
        "I disagree that the President cares and always thinks about the people.",
        "Не согласен, что Президент заботится и всегда думает о народе.",
        "我不同意總統關心人民，始終為人民著想。",
    ],
)
def test_a_refused_vote_or_a_disagreement_with_the_line_does_not_match_it(text: str) -> None:
    matcher = starter_matcher()
    assert matcher.lexical.match(text), "the line is in the message nearly word for word"
    assert not matcher.match(text)


@pytest.mark.parametrize(
    "text",
    [
        "I made a choice for the new Kazakhstan. I participate in the upcoming presidential elections, our family "
        "gives four votes for Tokayev. No to chaos, no to provocations!",
        "Я сделала выбор в пользу Нового Казахстана. Я участвую в предстоящих президентских выборах, моя семья "
        "отдаёт три голоса за Токаева. Мы против хаоса!",
    ],
)
def test_a_campaign_line_that_says_no_to_something_still_matches(text: str) -> None:
    assert starter_matcher().match(text)
