"""Signs of stance that a sentence encoder reads poorly: negation, questions, contrast, and length.

"My family will not vote for Tokayev" sits as close to "our family gives four votes for Tokayev" as a
paraphrase does: the encoder places texts by topic. A campaign line rarely gains a negation, a question or
a "but" when it is reposted in other words; a critic's reply often does. These counts, compared between a
message and the line it resembles, are features of the verifier (bot.semantic.verifier) that mean the same
in every campaign, unlike the vectors themselves. Word lists cover the five languages Kuzet reads;
Kazakh verbs are negated by a suffix (бермеймін, бармадық), found by its ending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEGATIONS = frozenset(
    """
    not no never nobody nothing none neither nor cannot nowhere dont doesnt didnt wont isnt arent wasnt
    werent cant couldnt shouldnt wouldnt havent hasnt
    не нет ни никогда никто ничего ничто нельзя никакого никакой никакие никаких ничем нисколько
    жоқ емес ешқашан ешкім ешқандай ештеңе ешбір
    لا لن لم ليس ليست لست ليسوا غير بدون ابدا أبدا أبداً مش مو ما
    """.split()
)
_KAZAKH_NEGATED_VERB = re.compile(
    r"(?:ма|ме|ба|бе|па|пе)(?:ймын|ймін|йсың|йсің|йды|йді|ймыз|йміз|йтын|йтін|йсыз|йсіз|ған|ген|ды|ді|сын|сін|"
    r"ңыз|ңіз|спын|спін|йық|йік)$"
)
_CHINESE_NEGATIONS = frozenset("不沒没無无非別别未莫勿")
_QUESTION_MARKS = frozenset("?？؟")
_QUESTION_WORDS = frozenset("ли разве неужели ма ме ба бе па пе ше هل أليس اليس why really seriously".split())
_CHINESE_QUESTIONS = frozenset("嗎吗呢")
_CONTRASTS = frozenset(
    "but however yet although though но однако зато хотя бірақ алайда дегенмен لكن لكنّ ولكن بينما رغم".split()
)
_CHINESE_CONTRASTS = ("但", "可是", "卻", "却", "然而", "不過", "不过")
_WORD = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Cues:
    negations: int
    questions: int
    contrasts: int
    length: int
    """Words, counting each Chinese character as one."""


def cues(reading: str) -> Cues:
    """The stance cues of a text as the encoder reads it (bot.semantic.reading.text_to_encode: its own
    words, Kazakh in Cyrillic)."""
    folded = reading.casefold().replace("’", "'").replace("n't", " not")
    words = _WORD.findall(folded)
    chinese = sum("\u4e00" <= char <= "\u9fff" for char in folded)
    return Cues(
        negations=sum(w in _NEGATIONS or bool(_KAZAKH_NEGATED_VERB.search(w)) for w in words)
        + sum(char in _CHINESE_NEGATIONS for char in folded),
        questions=int(any(char in _QUESTION_MARKS for char in folded))
        + int(not _QUESTION_WORDS.isdisjoint(words))
        + int(any(char in _CHINESE_QUESTIONS for char in folded)),
        contrasts=sum(w in _CONTRASTS for w in words) + sum(folded.count(c) for c in _CHINESE_CONTRASTS),
        length=len(words) + chinese,
    )
