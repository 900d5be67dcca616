"""Function words of the five languages: the words nearly every sentence has, which tell one campaign from another
not at all (articles, pronouns, prepositions, conjunctions, particles, auxiliaries).

Kept in their normalised form (bot.core.normalize), the form the matcher compares, so a word is one whatever its
script variant: Cyrillic is transliterated, Arabic letter variants folded, Traditional Chinese simplified (and a
Chinese ideograph is a word of its own).
"""

from __future__ import annotations

from bot.core.normalize import normalize

_WORDS = {
    "en": "a an the and or but nor so yet if then than as of to in on at by for with from into onto about over "
    "under up down out off i me my mine we us our ours you your yours he him his she her hers it its they them "
    "their theirs this that these those there here who whom whose which what when where why how is am are was "
    "were be been being do does did have has had will would shall should can could may might must not no all "
    "any some each every both one more most other such only own same too very just also again once",
    "ru": "и а но или да же ли ни не бы то в во на с со к ко у о об обо от из до по за над под при про для без через "
    "я мы ты вы он она оно они меня мне мной нас нам нами тебя тебе вас вам его ему её ее ей их им ими него "
    "нему ней них мой моя моё мое мои наш наша наше наши твой ваш свой своя свои себя себе этот эта это эти "
    "тот та те того этого этой этом что кто как так там тут здесь где когда если чтобы чтоб потому уже ещё "
    "еще вот ну был была было были быть будет есть нет все всё всех весь вся тоже также только очень",
    "kk": "және мен бен пен да де та те ма ме ба бе па пе ғой қой ғана тек бірақ немесе әрі не я біз сен сіз ол олар "
    "менің біздің сенің сіздің оның олардың маған бізге оған бұл сол осы ана мына үшін деп еді екен бар жоқ "
    "емес бір әр барлық кім қай қалай неге қашан онда мұнда енді әлі тағы дейін кейін сияқты туралы арқылы "
    "бойынша",
    "ar": "و ف ب ل ك في من على إلى الى عن مع أن إن أو ثم لا لم لن ما هذا هذه ذلك تلك هؤلاء التي الذي الذين اللذين "
    "هو هي هم هن نحن أنا أنت أنتم كان كانت يكون تكون قد كل بعض غير بين عند حتى إذا لكن بل أي كما لقد منذ هل "
    "عليه عليها فيه فيها منه منها به بها له لها",
    "zh": "的 地 得 了 着 过 是 在 我 你 您 他 她 它 们 有 没 和 与 及 或 也 都 就 不 这 那 个 一 上 下 中 为 对 把 "
    "被 从 到 而 但 很 吗 呢 吧 啊 之 其 于 以 所 会 能 要 说 去 来 又 还 再 让 给",
}

FUNCTION_WORDS: frozenset[str] = frozenset(
    word for words in _WORDS.values() for raw in words.split() for word in normalize(raw).split()
)
