#!/usr/bin/env python
"""Benchmark of the matching engine at a million stored texts, checked against brute force.

Run from the repository root (see benchmarks/README.md)::

    python benchmarks/bench_match.py                  # 1,000,000 texts: ~8 minutes on 2 cores
    python benchmarks/bench_match.py --texts 100000   # ~1 minute

What one run measures (the issue's targets in brackets):

1. **Index build.** ``Matcher.add_many`` of ``--templates`` templates and ``--texts``
   cluster texts, timed and split into normalisation, MinHash band keys, merging
   the sorted key arrays, and the rest (by wrapping those functions while the
   index is built; rendering the synthetic texts is subtracted). Also the LSH
   index size (``MinHashIndex.nbytes``).
2. **match() latency** [p99 <= 5 ms on one core]. The process is pinned to one
   core (``os.sched_setaffinity``) and every query is timed with
   ``time.perf_counter_ns``: p50, p90, p99, max. A second, untimed pass splits
   the mean time of a query into normalisation, LSH candidates and scoring.
   For the brute-force sample, the LSH buckets a query touches are counted and
   the steps of the candidate stage timed (reading the index's arrays).
3. **Brute force with the same scorer** [index >= 100x faster; recall >= 0.99].
   For a random sample of ``--brute`` queries every stored text and template
   variant is scored with ``rapidfuzz.process.cdist`` (all threads):
   ``token_sort_ratio`` over everything, ``token_set_ratio`` over the texts of
   the kinds the Matcher scores by containment (asked of one-text Matchers at
   start) that are short enough to be contained in the message. Both use a
   score cut-off a hair under the lowest threshold, and every pair above it is
   then decided by ``bot.core.similarity.similarity`` and ``required``
   themselves, so the brute-force result is exactly what the Matcher would
   answer if its candidate stage let every stored text through. The first
   FAST_BRUTE_QUERIES queries are answered again with ``fuzz.ratio`` over
   token-sorted strings (the same numbers, several times faster: checked), for
   a more conservative speed-up. Recall is
   ``|index ∩ brute| / |brute|`` over (query, kind, id) pairs, the index side
   being ``match(text, limit=huge)``, also split by kind, by query type, by
   whether the whole-text score alone makes the pair, and by whether the stored
   text is the one the query was made from; lost pairs are explained (no shared
   LSH band, or ranked below the candidate limit) with examples. The speed-up
   is brute-force wall time per query (all cores) over the mean match() time
   of the same queries (one core), and also in CPU time.
4. **kuzet scan throughput.** ``--scan`` messages and the templates are written
   to temporary JSONL files and ``python -m bot scan`` runs on them as a
   subprocess: messages per second (wall clock, and net of start-up), and the
   output is checked to have one line per message.
5. **Peak memory** [< 2 GB]. ``ru_maxrss`` after build and latency (the engine
   with the benchmark's compact corpus: the figure held to the target) and at
   the end (brute force adds its own copies of the texts); also the settled
   RSS just before and after the build.

The corpus is synthetic, multilingual and deterministic: English, Russian,
Kazakh (Cyrillic), Arabic and Chinese, word lists of about 4,000 words a
language (real frequent words, then words built from syllables; Chinese
words of one to three characters, the 60 most frequent characters being words
of their own) drawn with Zipf frequencies, 8 to 40 words a text.
A tenth of the stored texts are campaign families: a few texts that share
about three quarters of their words with a seed text. Queries are a mix of
evaded template copies (alternatives chosen, gaps filled, chatter around, word
swaps, look-alike letters, emoji, zero-width spaces, traditional characters),
evaded copies of stored texts (a word or two changed) and unrelated texts;
none contains quotation marks, so the brute force can skip the Matcher's
quoted-text rule. Python's ``hash`` (used by the LSH index) is seeded too: the
script re-executes itself with ``PYTHONHASHSEED=--seed`` unless it is set.

Summary table on stdout, progress on stderr, everything as JSON in
``benchmarks/results/bench_match.json``. Not part of the test suite.

This is the lexical stage only. The semantic stage (sentence vectors for what the lexical stage leaves
unmatched) has its own benchmark, ``benchmarks/bench_semantic.py``: encode time, whole-match latency
with the encoding, ``bot.scan`` throughput, and the memory and search time of 100,000 cluster vectors.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rapidfuzz
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot.core.lsh as lsh  # noqa: E402
import bot.core.matcher as matcher_module  # noqa: E402
from bot.core.matcher import Match, Matcher, MatchKind  # noqa: E402
from bot.core.normalize import normalize  # noqa: E402
from bot.core.similarity import Thresholds, required, similarity  # noqa: E402
from bot.core.templates import variants  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "bench_match.json"

TARGET_P99_MS = 5.0
TARGET_SPEEDUP = 100.0
TARGET_RECALL = 0.99
TARGET_PEAK_BYTES = 2_000_000_000

LANGS = ("en", "ru", "kk", "ar", "zh")
LANG_SHARE = (0.20, 0.35, 0.25, 0.10, 0.10)
VOCABULARY_SIZE = 4000
ZIPF_OFFSET = 3
"""Word of rank r (from 0) is drawn with weight 1 / (r + ZIPF_OFFSET)."""
ZH_SINGLE_WORDS = 60
"""Chinese: the most frequent characters are words of their own (的, 是, 了 ...); the rest are compounds."""
ZH_POOL = 3000
"""Chinese: characters words are made of."""
MIN_WORDS, MAX_WORDS = 8, 40
TEMPLATE_MIN_WORDS, TEMPLATE_MAX_WORDS = 8, 30
FAMILY_SHARE = 0.10
"""Share of stored texts that are derived from a seed text (campaign families)."""
FAMILY_SIZE = 5
FAMILY_CHANGE = 0.25
"""Share of a family member's words that differ from its seed."""
QUERY_MIX = (("template", 0.4), ("stored", 0.4), ("unrelated", 0.2))
RECALL_LIMIT = 1_000_000
"""match(limit=...) for the recall: every match, not the top five."""
WARMUP_QUERIES = 20
CDIST_CHUNK = 100_000
"""Stored texts per cdist call (bounds the score matrix)."""
QUERY_BLOCK = 25
"""Queries per token_set_ratio cdist call (grouped by length)."""
CUTOFF_MARGIN = 0.01
"""cdist keeps scores from (lowest threshold - margin); similarity() decides."""
FAST_BRUTE_QUERIES = 20
"""Queries also answered by the faster (token-sorted) brute force."""

ENDINGS = (".", "!", "", "!!", "?", "...")
ZH_ENDINGS = ("。", "！", "", "？")
EMOJI = ("👍", "🔥", "🇰🇿", "❤️", "💪", "👏", "😂", "🙏", "✅", "💯")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
CYRILLIC_TO_LATIN = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i"}
LATIN_TO_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
TRADITIONAL = {
    "国": "國",
    "这": "這",
    "说": "說",
    "们": "們",
    "来": "來",
    "时": "時",
    "会": "會",
    "为": "為",
    "发": "發",
    "对": "對",
    "经": "經",
    "长": "長",
    "动": "動",
    "实": "實",
    "学": "學",
}
TATWEEL = "\u0640"
QUOTES = '«»“”„"「」『』‘’'

HEAD_WORDS = {
    "en": """the and to of a in is for our we that it on with this are be people president country new all will
        not you they have has was he his her by from at as more who what now every future family choice votes vote
        support together strong nation reform government minister thank great good better stability peace
        development economy growth progress leader always cares thinks about made make work working jobs children
        schools roads city region state law order unity independence freedom youth elders proud land history honest
        truth lies fake enemies west money prices taxes salary pension hospital doctors teachers farmers workers
        business program plan year years today tomorrow time first""",
    "ru": """и в не на что мы наш наша наши с по для это как все он она они к у за от о из так уже только
        президент народ страна страны выбор голос голосуем поддерживаем вместе будущее семья семьи спасибо реформы
        развитие стабильность мир новый новая Казахстан правительство министр лидер всегда заботится думает люди
        людей сделали работа работаем дети школы дороги город область государство закон порядок единство
        независимость свобода молодежь гордимся земля история правда ложь враги запад деньги цены налоги зарплата
        пенсия больница врачи учителя год сегодня завтра время""",
    "kk": """және мен бұл біз біздің үшін ел елі елдің халық халқы президент жаңа Қазақстан таңдау дауыс
        береміз қолдаймыз бірге болашақ отбасы рахмет реформа реформалар даму тұрақтылық бейбітшілік үкімет министр
        көшбасшы әрқашан ойлайды қамқорлық адамдар жасады жұмыс балалар мектеп жол қала облыс мемлекет заң тәртіп
        бірлік тәуелсіздік бостандық жастар мақтан жер тарих шындық өтірік жау ақша баға салық жалақы зейнетақы
        аурухана дәрігер мұғалім жыл бүгін ертең уақыт бар жоқ да де ғана өте көп жақсы""",
    "ar": """في من على إلى أن هذا هذه التي الذي مع عن كل نحن هو هي الشعب الرئيس الوطن البلاد الحكومة الوزير
        المستقبل معا شكرا الإصلاح التنمية الاستقرار السلام القائد دائما يهتم يفكر الناس العمل جديد الاختيار الأسرة
        صوت ندعم الأطفال المدارس الطرق المدينة الدولة القانون الوحدة الاستقلال الحرية الشباب فخورون الأرض التاريخ
        الحقيقة الكذب الأعداء المال الأسعار الضرائب الراتب المستشفى الأطباء المعلمين العام اليوم غدا الوقت""",
}
ZH_CHARACTERS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多"
    "天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身"
    "些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门"
    "相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报"
    "立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边"
    "共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花"
    "快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式"
    "李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似"
)
SYLLABLES = {
    "en": (
        "b c d f g h j k l m n p r s t v w br cr dr fr gr pl pr st str th ch sh sp tr".split(),
        "a e i o u ea ou ai ee oo".split(),
        ["", "", "n", "r", "t", "d", "s", "l", "m", "nt", "st", "ck", "ng"],
        ["", "", "", "ing", "ed", "er", "tion", "ly", "s", "ment", "ness"],
    ),
    "ru": (
        "б в г д ж з к л м н п р с т ф х ц ч ш щ бр вр гр др кр пр ст тр сл пл".split(),
        "а е и о у ы я ю э".split(),
        ["", "", "н", "р", "л", "с", "т", "к", "й"],
        ["", "", "ов", "ать", "ость", "ный", "ая", "ие", "ский", "ение", "ами"],
    ),
    "kk": (
        "б г ғ д ж з й к қ л м н п р с т ш".split(),
        "а ә е і о ө ұ ү ы".split(),
        ["", "", "н", "р", "л", "с", "т", "қ", "ң", "й"],
        ["", "", "лар", "лер", "дың", "нің", "ға", "ге", "мыз", "ды"],
    ),
}
ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
ARABIC_PATTERNS: tuple[Callable[[str], str], ...] = (
    lambda r: r,
    lambda r: "ال" + r,
    lambda r: r + "ون",
    lambda r: "م" + r,
    lambda r: "ي" + r,
    lambda r: r + "ات",
    lambda r: r + "ة",
    lambda r: "ال" + r[0] + "ا" + r[1:],
    lambda r: r[:2] + "ي" + r[2:],
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """Per language: words by frequency rank, their Zipf weights, cumulative weights for random.choices."""

    words: dict[str, list[str]]
    weights: dict[str, np.ndarray]
    cumulative: dict[str, list[float]]

    def sample(self, lang: str, k: int, rng: random.Random) -> list[str]:
        return rng.choices(self.words[lang], cum_weights=self.cumulative[lang], k=k)


def build_vocabulary(rng: random.Random) -> Vocabulary:
    words = {lang: _language_words(lang, rng) for lang in LANGS}
    ranks = 1.0 / (np.arange(VOCABULARY_SIZE) + ZIPF_OFFSET)
    weights = {lang: ranks / ranks.sum() for lang in LANGS}
    cumulative = {lang: np.cumsum(w).tolist() for lang, w in weights.items()}
    return Vocabulary(words, weights, cumulative)


def _language_words(lang: str, rng: random.Random) -> list[str]:
    """VOCABULARY_SIZE distinct words: the real frequent ones first, then made-up ones."""
    if lang == "zh":
        head = list(dict.fromkeys(ZH_CHARACTERS))[:ZH_SINGLE_WORDS]
        make = _chinese_word_maker(rng)
    else:
        head = list(dict.fromkeys(HEAD_WORDS[lang].split()))
        make = _arabic_word if lang == "ar" else (lambda r: _syllable_word(lang, r))
    seen, words = set(head), list(head)
    while len(words) < VOCABULARY_SIZE:
        word = make(rng)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _syllable_word(lang: str, rng: random.Random) -> str:
    onsets, nuclei, codas, suffixes = SYLLABLES[lang]
    syllables = rng.choice((1, 2, 2, 3, 3, 4))
    stem = "".join(rng.choice(onsets) + rng.choice(nuclei) + rng.choice(codas) for _ in range(syllables))
    return stem + rng.choice(suffixes)


def _arabic_word(rng: random.Random) -> str:
    root = "".join(rng.choice(ARABIC_LETTERS) for _ in range(rng.choice((3, 3, 3, 4))))
    return rng.choice(ARABIC_PATTERNS)(root)


def _chinese_word_maker(rng: random.Random) -> Callable[[random.Random], str]:
    """Chinese words of one to three characters from ZH_POOL characters: the common ones first, Zipf-weighted."""
    common = list(dict.fromkeys(ZH_CHARACTERS))
    taken = set(common)
    extra = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA6), ZH_POOL) if chr(c) not in taken]
    pool = (common + extra)[:ZH_POOL]
    weights = (1.0 / (np.arange(len(pool)) + 20)).tolist()

    def make(r: random.Random) -> str:
        return "".join(r.choices(pool, weights=weights, k=r.choice((1, 2, 2, 2, 2, 2, 3, 3))))

    return make


def render(lang: str, words: list[str], ending: str = "") -> str:
    """Words as a message of that language would carry them."""
    if lang == "zh":
        return "".join(words) + ending
    text = " ".join(words) + ending
    return text[:1].upper() + text[1:] if lang != "ar" else text


# --------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    """N stored texts kept as word numbers (a few bytes a word); a text is rendered when asked for."""

    vocabulary: Vocabulary
    langs: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    words: np.ndarray
    endings: np.ndarray
    family_members: int = 0

    def __len__(self) -> int:
        return len(self.langs)

    def words_of(self, i: int) -> tuple[str, list[str]]:
        lang = LANGS[int(self.langs[i])]
        start = int(self.starts[i])
        vocab = self.vocabulary.words[lang]
        return lang, [vocab[w] for w in self.words[start : start + int(self.lengths[i])].tolist()]

    def text(self, i: int) -> str:
        lang, words = self.words_of(i)
        return render(lang, words, _ending(lang, int(self.endings[i])))

    def __iter__(self) -> Iterator[str]:
        vocab = [self.vocabulary.words[lang] for lang in LANGS]
        rows = zip(
            self.langs.tolist(), self.starts.tolist(), self.lengths.tolist(), self.endings.tolist(), strict=False
        )
        for code, start, length, ending in rows:
            lang = LANGS[code]
            words = [vocab[code][w] for w in self.words[start : start + length].tolist()]
            yield render(lang, words, _ending(lang, ending))


def _ending(lang: str, code: int) -> str:
    return ZH_ENDINGS[code % len(ZH_ENDINGS)] if lang == "zh" else ENDINGS[code % len(ENDINGS)]


def generate_corpus(n: int, vocabulary: Vocabulary, rng: np.random.Generator) -> Corpus:
    """n texts: random Zipf word runs, a FAMILY_SHARE of them near copies of a family seed."""
    langs = rng.choice(len(LANGS), size=n, p=LANG_SHARE).astype(np.uint8)
    lengths = rng.integers(MIN_WORDS, MAX_WORDS + 1, size=n).astype(np.uint8)
    members, seeds = _families(n, rng)
    langs[members], lengths[members] = langs[seeds], lengths[seeds]
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], dtype=np.int64, out=starts[1:])
    word_lang = np.repeat(langs, lengths)
    words = np.empty(len(word_lang), dtype=np.uint16)
    for code, lang in enumerate(LANGS):
        where = np.flatnonzero(word_lang == code)
        words[where] = rng.choice(VOCABULARY_SIZE, size=len(where), p=vocabulary.weights[lang])
    _derive_members(words, starts, lengths, members, seeds, rng)
    endings = rng.integers(0, 12, size=n).astype(np.uint8)
    return Corpus(vocabulary, langs, starts, lengths, words, endings, len(members))


def _families(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Member texts and the seed each is derived from (FAMILY_SIZE members a seed on average)."""
    count = int(n * FAMILY_SHARE)
    if count < 1 or n < 2 * FAMILY_SIZE:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    members = rng.choice(n, size=count, replace=False)
    others = np.setdiff1d(np.arange(n), members, assume_unique=True)
    family_seeds = rng.choice(others, size=max(1, count // FAMILY_SIZE), replace=False)
    return members, family_seeds[rng.integers(0, len(family_seeds), size=count)]


def _derive_members(
    words: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    members: np.ndarray,
    seeds: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Copy each member's seed, then change FAMILY_CHANGE of its words (never to the same word)."""
    for member, seed in zip(members.tolist(), seeds.tolist(), strict=False):
        length = int(lengths[member])
        target = slice(int(starts[member]), int(starts[member]) + length)
        row = words[int(starts[seed]) : int(starts[seed]) + length].copy()
        changed = rng.choice(length, size=max(1, round(length * FAMILY_CHANGE)), replace=False)
        row[changed] = (row[changed] + rng.integers(1, VOCABULARY_SIZE, size=len(changed))) % VOCABULARY_SIZE
        words[target] = row


# --------------------------------------------------------------------------- templates


GAP = None
Part = str | tuple[str, ...] | None
"""A template part: a word, alternatives ``{a|b}``, or a gap ``{*}`` (GAP)."""


@dataclass(frozen=True)
class Template:
    id: str
    lang: str
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        """The template in Kuzet's template syntax."""
        tokens = [p if isinstance(p, str) else "{*}" if p is GAP else "{" + "|".join(p) + "}" for p in self.parts]
        return render(self.lang, tokens, "。" if self.lang == "zh" else ".")

    def realise(self, vocabulary: Vocabulary, rng: random.Random) -> list[str]:
        """The words of one text the template stands for: an alternative picked, a gap filled."""
        words: list[str] = []
        for part in self.parts:
            if part is GAP:
                words += vocabulary.sample(self.lang, rng.randint(1, 3), rng)
            elif isinstance(part, tuple):
                words.append(rng.choice(part))
            else:
                words.append(part)
        return words


def generate_templates(n: int, vocabulary: Vocabulary, rng: random.Random) -> list[Template]:
    """n templates; about a third with an alternatives group, a fifth with a gap."""
    templates = []
    for number in range(n):
        lang = rng.choices(LANGS, weights=LANG_SHARE)[0]
        parts: list[Part] = list(vocabulary.sample(lang, rng.randint(TEMPLATE_MIN_WORDS, TEMPLATE_MAX_WORDS), rng))
        if rng.random() < 0.3:
            i = rng.randrange(len(parts))
            word = parts[i]
            assert isinstance(word, str)  # sampled words, before any alternative or gap
            parts[i] = (word, *vocabulary.sample(lang, rng.randint(1, 2), rng))
        if rng.random() < 0.2:
            parts.insert(rng.randrange(2, len(parts) - 1), GAP)
        templates.append(Template(f"t{number:05d}", lang, tuple(parts)))
    return templates


# --------------------------------------------------------------------------- queries (evasions)


@dataclass(frozen=True)
class Query:
    kind: str
    """"template" (evaded template copy), "stored" (evaded stored text) or "unrelated"."""
    text: str
    source: tuple[MatchKind, str] | None = None
    """The template or stored text it was made from."""


def make_queries(n: int, corpus: Corpus, templates: list[Template], rng: random.Random) -> list[Query]:
    kinds = rng.choices([k for k, _ in QUERY_MIX], weights=[w for _, w in QUERY_MIX], k=n)
    makers = {"template": _template_query, "stored": _stored_query, "unrelated": _unrelated_query}
    queries = [Query(kind, *makers[kind](corpus, templates, rng)) for kind in kinds]
    assert not any(c in q.text for q in queries for c in QUOTES), "queries must not quote (see docstring)"
    return queries


Made = tuple[str, tuple[MatchKind, str] | None]


def _template_query(corpus: Corpus, templates: list[Template], rng: random.Random) -> Made:
    template = rng.choice(templates)
    words = template.realise(corpus.vocabulary, rng)
    if rng.random() < 0.3:
        words = _swap_adjacent(words, rng)
    if rng.random() < 0.2:
        words = _replace_words(words, template.lang, 1, corpus.vocabulary, rng)
    if rng.random() < 0.6:
        words = _chatter(words, template.lang, corpus.vocabulary, rng)
    text = render(template.lang, words, rng.choice(ENDINGS))
    return _disguise(text, template.lang, rng.randint(1, 2), rng), (MatchKind.TEMPLATE, template.id)


def _stored_query(corpus: Corpus, templates: list[Template], rng: random.Random) -> Made:
    number = rng.randrange(len(corpus))
    lang, words = corpus.words_of(number)
    words = _replace_words(words, lang, 1 if len(words) < 16 else rng.randint(1, 2), corpus.vocabulary, rng)
    if rng.random() < 0.3:
        words = _swap_adjacent(words, rng)
    if rng.random() < 0.25:
        words = _chatter(words, lang, corpus.vocabulary, rng)
    text = render(lang, words, rng.choice(ENDINGS))
    return _disguise(text, lang, rng.randint(0, 2), rng), (MatchKind.CLUSTER, str(number))


def _unrelated_query(corpus: Corpus, templates: list[Template], rng: random.Random) -> Made:
    lang = rng.choices(LANGS, weights=LANG_SHARE)[0]
    words = corpus.vocabulary.sample(lang, rng.randint(MIN_WORDS, MAX_WORDS), rng)
    return _disguise(render(lang, words, rng.choice(ENDINGS)), lang, rng.randint(0, 1), rng), None


def _swap_adjacent(words: list[str], rng: random.Random) -> list[str]:
    words = list(words)
    i = rng.randrange(len(words) - 1)
    words[i], words[i + 1] = words[i + 1], words[i]
    return words


def _replace_words(words: list[str], lang: str, k: int, vocabulary: Vocabulary, rng: random.Random) -> list[str]:
    words = list(words)
    for i in rng.sample(range(len(words)), k):
        words[i] = vocabulary.sample(lang, 1, rng)[0]
    return words


def _chatter(words: list[str], lang: str, vocabulary: Vocabulary, rng: random.Random) -> list[str]:
    """A few words of chatter before and/or after."""
    before = vocabulary.sample(lang, rng.randint(0, 6), rng)
    after = vocabulary.sample(lang, rng.randint(2 if not before else 0, 6), rng)
    return before + words + after


def _disguise(text: str, lang: str, count: int, rng: random.Random) -> str:
    """count character-level evasions picked at random."""
    evasions = [_look_alikes, _emoji, _zero_width, _shout]
    for evade in rng.sample(evasions, count):
        text = evade(text, lang, rng)
    return text


def _look_alikes(text: str, lang: str, rng: random.Random) -> str:
    """Cyrillic ↔ Latin look-alike letters; Arabic tatweel; Chinese traditional characters."""
    if lang == "ar":
        return "".join(c + TATWEEL if c in ARABIC_LETTERS and rng.random() < 0.15 else c for c in text)
    table = {"en": LATIN_TO_CYRILLIC, "zh": TRADITIONAL}.get(lang, CYRILLIC_TO_LATIN)
    return "".join(table[c] if c in table and rng.random() < 0.4 else c for c in text)


def _emoji(text: str, lang: str, rng: random.Random) -> str:
    pieces = list(text) if lang == "zh" else text.split(" ")
    for _ in range(rng.randint(1, 3)):
        pieces.insert(rng.randrange(len(pieces) + 1), rng.choice(EMOJI))
    return ("" if lang == "zh" else " ").join(pieces)


def _zero_width(text: str, lang: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        chars.insert(rng.randrange(1, len(chars)), rng.choice(ZERO_WIDTH))
    return "".join(chars)


def _shout(text: str, lang: str, rng: random.Random) -> str:
    return text.upper()


# --------------------------------------------------------------------------- measuring helpers


class Probe:
    """Wraps a function (a module or class attribute) while in a ``with``: calls, seconds, and a hook on results.

    A function that does not exist (in this version of the engine) is left alone and counts nothing.
    """

    def __init__(self, owner: Any, name: str, on_result: Callable[[tuple, Any], None] | None = None) -> None:
        self.owner, self.name, self.on_result = owner, name, on_result
        self.original = getattr(owner, name, None)
        self.calls = 0
        self.seconds = 0.0

    def __enter__(self) -> Probe:
        original, clock = self.original, time.perf_counter
        if original is None:
            return self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            result = original(*args, **kwargs)
            self.seconds += clock() - start
            self.calls += 1
            if self.on_result is not None:
                self.on_result(args, result)
            return result

        setattr(self.owner, self.name, wrapper)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.original is not None:
            setattr(self.owner, self.name, self.original)


@contextmanager
def one_core() -> Iterator[int | None]:
    """Pin the process to one core (the lowest it may use) for the duration."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    allowed = os.sched_getaffinity(0)
    core = min(allowed)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, allowed)


def peak_rss() -> int:
    """Peak resident set size of this process so far, in bytes (Linux reports kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def current_rss() -> int | None:
    """Resident set size now, in bytes (Linux only)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def percentiles(values_ns: np.ndarray) -> dict[str, float]:
    ms = values_ns / 1e6
    return {
        "mean_ms": float(ms.mean()),
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
    }


def sort_tokens(text: str) -> str:
    """token_sort_ratio(a, b) == ratio(sort_tokens(a), sort_tokens(b)) (normalised texts: single spaces)."""
    return " ".join(sorted(text.split()))


# --------------------------------------------------------------------------- 1. build


@dataclass
class Built:
    matcher: Matcher
    index: lsh.MinHashIndex | None
    cluster_texts: list[str]
    """The normalised cluster texts, as the Matcher stored them (same objects, no copy)."""
    stats: dict[str, Any]


def build(corpus: Corpus, templates: list[Template], thresholds: Thresholds) -> Built:
    """Matcher.add_many of every template and stored text, timed and split by stage."""
    cluster_texts: list[str] = []
    render_seconds = 0.0

    def items() -> Iterator[tuple[str | int, str, str]]:
        nonlocal render_seconds
        for template in templates:
            yield template.id, template.text, "template"
        texts, clock = iter(corpus), time.perf_counter
        for number in range(len(corpus)):
            start = clock()
            text = next(texts)
            render_seconds += clock() - start
            yield number, text, "cluster"

    matcher = Matcher(thresholds)
    gc.collect()
    rss_before = current_rss()
    with (
        Probe(matcher_module, "normalize", lambda args, result: cluster_texts.append(result)) as normalising,
        Probe(lsh, "band_keys") as hashing,
        Probe(lsh.MinHashIndex, "merge") as merging,
        Probe(lsh.MinHashIndex, "extend") as bulk,
    ):
        start = time.perf_counter()
        matcher.add_many(items())
        total = time.perf_counter() - start - render_seconds
    index = getattr(matcher, "_clusters", None)  # the Matcher's MinHashIndex, for its size and the diagnostics
    # A bulk load (MinHashIndex.extend) computes the band keys inside it; incremental merges do not.
    sorting = merging.seconds + bulk.seconds - (hashing.seconds if bulk.calls else 0.0)
    stats = {
        "seconds": total,
        "normalise_seconds": normalising.seconds,
        "band_keys_seconds": hashing.seconds,
        "sort_seconds": sorting,
        "merges": merging.calls,
        "bulk_loads": bulk.calls,
        "other_seconds": total - normalising.seconds - hashing.seconds - sorting,
        "texts_per_second": (len(corpus) + len(templates)) / total,
        "lsh_bytes": index.nbytes if index is not None else None,
        "rss_before_bytes": rss_before,
        "rss_after_bytes": _settled_rss(),
        "peak_rss_after_bytes": peak_rss(),
    }
    return Built(matcher, index, _checked_cluster_texts(cluster_texts, corpus), stats)


def _settled_rss() -> int | None:
    gc.collect()
    return current_rss()


def _checked_cluster_texts(captured: list[str], corpus: Corpus) -> list[str]:
    """The captured normalisations if they line up with the corpus, else the corpus normalised anew."""
    sample = random.Random(0).sample(range(len(corpus)), min(200, len(corpus)))
    if len(captured) == len(corpus) and all(captured[i] == normalize(corpus.text(i)) for i in sample):
        return captured
    log("the Matcher no longer normalises each cluster text once; normalising the corpus again")
    return [normalize(text) for text in corpus]


# --------------------------------------------------------------------------- 2. latency


@dataclass
class Latency:
    nanoseconds: np.ndarray
    results: list[list[Match]]
    breakdown: dict[str, float] = field(default_factory=dict)


def measure_latency(matcher: Matcher, queries: list[Query]) -> Latency:
    """Each query's match() on one thread, timed with perf_counter_ns."""
    for query in queries[:WARMUP_QUERIES]:
        matcher.match(query.text)
    gc.collect()
    nanoseconds = np.empty(len(queries), dtype=np.int64)
    results: list[list[Match]] = []
    clock = time.perf_counter_ns
    for i, query in enumerate(queries):
        start = clock()
        found = matcher.match(query.text, limit=RECALL_LIMIT)
        nanoseconds[i] = clock() - start
        results.append(found)
    return Latency(nanoseconds, results)


def latency_breakdown(matcher: Matcher, queries: list[Query]) -> dict[str, float]:
    """Mean microseconds a query spends normalising, in the LSH candidate stage and scoring (a second pass)."""
    with (
        Probe(matcher_module, "normalize") as normalising,
        Probe(lsh.MinHashIndex, "candidates") as candidates,
        Probe(matcher_module, "similarity") as scoring,
    ):
        start = time.perf_counter()
        for query in queries:
            matcher.match(query.text, limit=RECALL_LIMIT)
        total = time.perf_counter() - start
    n = len(queries)
    parts = {
        "normalise_us": normalising.seconds,
        "lsh_candidates_us": candidates.seconds,
        "scoring_us": scoring.seconds,
    }
    breakdown = {name: seconds / n * 1e6 for name, seconds in parts.items()}
    breakdown["other_us"] = (total - sum(parts.values())) / n * 1e6
    breakdown["total_us_with_probes"] = total / n * 1e6
    breakdown["scored_pairs_per_query"] = scoring.calls / n
    return breakdown


def lsh_diagnostics(
    index: lsh.MinHashIndex | None, messages: list[str], near_duplicates: list[tuple[int, str]]
) -> dict[str, Any] | None:
    """What the LSH stage sees for these messages (read from the index's private arrays: a diagnostic only).

    Per message: the index entries its BANDS keys hit, the largest bucket, and the distinct texts in
    buckets the index reads (before the candidate limit). For near_duplicates ((message number, stored
    text) pairs that the whole-text score matches): how many bands they share, and how many of those
    are in buckets the index reads (it skips those over lsh.MAX_BUCKET entries, if it has that cap).
    """
    read = _bucket_reader(index)
    if read is None:
        return None
    cap = getattr(lsh, "MAX_BUCKET", None)
    limit = cap if cap else float("inf")
    entries, read_entries, largest, distinct, sizes_of = [], [], [], [], []
    for message in messages:
        band = lsh.band_keys(message)
        buckets = read(band)
        sizes = [len(b) for b in buckets]
        kept = [b for b in buckets if 0 < len(b) <= limit]
        entries.append(sum(sizes))
        read_entries.append(sum(len(b) for b in kept))
        largest.append(max(sizes))
        distinct.append(len(np.unique(np.concatenate(kept))) if kept else 0)
        sizes_of.append(dict(zip(band.tolist(), sizes, strict=False)))
    shared, shared_read = [], []
    for q, text in near_duplicates:
        common = sizes_of[q].keys() & set(lsh.band_keys(text).tolist())
        shared.append(len(common))
        shared_read.append(sum(sizes_of[q][key] <= limit for key in common))
    candidate_limit = matcher_module.CLUSTER_CANDIDATES
    return {
        "bucket_cap": cap,
        "candidate_limit": candidate_limit,
        "bucket_entries_per_query": spread(entries),
        "largest_bucket_per_query": spread(largest),
        "entries_in_buckets_read_per_query": spread(read_entries),
        "distinct_candidates_per_query": spread(distinct),
        "queries_over_candidate_limit": sum(d > candidate_limit for d in distinct),
        "near_duplicate_pairs": len(near_duplicates),
        "bands_shared_by_near_duplicates": spread(shared) if shared else None,
        "of_which_in_buckets_read": spread(shared_read) if shared else None,
        "near_duplicates_with_no_bucket_read": sum(n == 0 for n in shared_read),
        "near_duplicates_with_at_most_2_buckets_read": sum(n <= 2 for n in shared_read),
    }


def _bucket_reader(index: lsh.MinHashIndex | None) -> Callable[[np.ndarray], list[np.ndarray]] | None:
    """A function from band keys to the ids in each bucket, for the index layouts this benchmark knows."""
    packed = getattr(index, "_packed", None)  # one sorted uint64 array: band key high bits, id low bits
    if packed is not None:
        mask = np.uint64(lsh.MAX_ITEMS - 1)

        def read_packed(keys: np.ndarray) -> list[np.ndarray]:
            starts = np.searchsorted(packed, keys, "left")
            ends = np.searchsorted(packed, keys | mask, "right")
            return [packed[s:e] & mask for s, e in zip(starts.tolist(), ends.tolist(), strict=False)]

        return read_packed
    keys, ids = getattr(index, "_keys", None), getattr(index, "_ids", None)  # sorted keys, ids alongside
    if keys is not None and ids is not None:

        def read_pairs(band: np.ndarray) -> list[np.ndarray]:
            starts, ends = np.searchsorted(keys, band, "left"), np.searchsorted(keys, band, "right")
            return [ids[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=False)]

        return read_pairs
    return None


def spread(values: list[int] | list[float]) -> dict[str, float]:
    array = np.asarray(values, dtype=float)
    return {
        "min": float(array.min()),
        "p50": float(np.percentile(array, 50)),
        "p99": float(np.percentile(array, 99)),
        "max": float(array.max()),
    }


# --------------------------------------------------------------------------- 3. brute force


@dataclass
class Stored:
    """Every text the Matcher holds, normalised: template variants first, then the cluster texts."""

    texts: list[str]
    tokens: np.ndarray
    template_keys: list[str]
    """Template id of each of the first len(template_keys) texts (one per variant)."""

    def key(self, j: int) -> tuple[MatchKind, str]:
        if j < len(self.template_keys):
            return MatchKind.TEMPLATE, self.template_keys[j]
        return MatchKind.CLUSTER, str(j - len(self.template_keys))


def stored_texts(templates: list[Template], cluster_texts: list[str]) -> Stored:
    keys, texts = [], []
    for template in templates:
        for variant in variants(template.text):
            keys.append(template.id)
            texts.append(variant)
    texts += cluster_texts
    tokens = np.fromiter((t.count(" ") + 1 for t in texts), dtype=np.int32, count=len(texts))
    return Stored(texts, tokens, keys)


@dataclass
class BruteForce:
    pairs: set[tuple[int, MatchKind, str]]
    """(query number in the sample, kind, id) for every pair at or above its threshold."""
    whole_pairs: set[tuple[int, MatchKind, str]]
    """Those pairs that the whole-text score alone (token_sort_ratio) takes over the threshold."""
    wall_seconds: float
    cpu_seconds: float
    prepare_seconds: float
    candidate_pairs: int


def brute_force(
    messages: list[str],
    stored: Stored,
    thresholds: Thresholds,
    contained_kinds: frozenset[MatchKind],
    sorted_texts: list[str] | None = None,
) -> BruteForce:
    """Score every (message, stored text) pair with the Matcher's rules; see the module docstring.

    contained_kinds: the kinds that also get the containment score (see containment_kinds()).
    sorted_texts: the stored texts through sort_tokens(), for the faster whole-text pass (fuzz.ratio on
    token-sorted strings); without them the pass uses fuzz.token_sort_ratio itself.
    """
    prepare = time.perf_counter()
    containable = np.zeros(len(stored.texts), dtype=bool)
    containable[: len(stored.template_keys)] = MatchKind.TEMPLATE in contained_kinds
    containable[len(stored.template_keys) :] = MatchKind.CLUSTER in contained_kinds
    containable = np.flatnonzero(containable)
    by_length = containable[np.argsort(stored.tokens[containable], kind="stable")]
    texts_by_length = [stored.texts[j] for j in by_length.tolist()]
    lengths_sorted = stored.tokens[by_length]
    prepare = time.perf_counter() - prepare

    cutoff = min(thresholds.template, thresholds.cluster) * 100 - CUTOFF_MARGIN
    message_tokens = [len(m.split()) for m in messages]
    wall, cpu = time.perf_counter(), time.process_time()
    if sorted_texts is None:
        candidates = _whole_candidates(stored.texts, messages, fuzz.token_sort_ratio, cutoff)
    else:
        candidates = _whole_candidates(sorted_texts, [sort_tokens(m) for m in messages], fuzz.ratio, cutoff)
    candidates |= _contained_candidates(
        messages, message_tokens, texts_by_length, lengths_sorted, by_length, thresholds.min_contained_tokens, cutoff
    )
    pairs, whole_pairs = set(), set()
    for q, j in candidates:
        kind, id = stored.key(j)
        threshold = thresholds.template if kind is MatchKind.TEMPLATE else thresholds.cluster
        tokens, text = int(stored.tokens[j]), stored.texts[j]
        needed = required(tokens, message_tokens[q], threshold, thresholds)
        contained = messages[q] if kind in contained_kinds else None
        if similarity(text, tokens, messages[q], message_tokens[q], contained, thresholds) >= needed:
            pairs.add((q, kind, id))
            if similarity(text, tokens, messages[q], message_tokens[q], None, thresholds) >= needed:
                whole_pairs.add((q, kind, id))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return BruteForce(pairs, whole_pairs, wall, cpu, prepare, len(candidates))


def containment_kinds(thresholds: Thresholds) -> frozenset[MatchKind]:
    """The kinds the Matcher also scores by containment, found by asking one-text Matchers.

    The stored text is twelve made-up words and the message those words followed by twelve others:
    the whole-text score is about 0.67 (under the thresholds), the containment score 1.0, and the two
    share an LSH band (checked), so only the containment rule decides whether they match.
    """
    rng = random.Random(0)
    floor = min(thresholds.template, thresholds.cluster) * 100
    for _ in range(100):
        words = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)) for _ in range(24)]
        stored, message = " ".join(words[:12]), " ".join(words)
        shares_a_band = set(lsh.band_keys(stored).tolist()) & set(lsh.band_keys(message).tolist())
        if shares_a_band and fuzz.token_sort_ratio(stored, message) < floor and normalize(message) == message:
            break
    else:
        raise RuntimeError("no probe text for the containment rule")
    kinds = set()
    for kind in (MatchKind.TEMPLATE, MatchKind.CLUSTER):
        probe = Matcher(thresholds)
        probe.add("probe", stored, kind)
        if any(m.kind is kind for m in probe.match(message)):
            kinds.add(kind)
    return frozenset(kinds)


def _whole_candidates(
    texts: list[str], messages: list[str], scorer: Callable[..., float], cutoff: float
) -> set[tuple[int, int]]:
    """(message, text) pairs whose whole-text score reaches the cut-off."""
    found: set[tuple[int, int]] = set()
    for lo in range(0, len(texts), CDIST_CHUNK):
        scores = process.cdist(
            texts[lo : lo + CDIST_CHUNK], messages, scorer=scorer, score_cutoff=cutoff, dtype=np.float32, workers=-1
        )
        rows, cols = np.nonzero(scores)
        found.update(zip(cols.tolist(), (rows + lo).tolist(), strict=False))
    return found


def _contained_candidates(
    messages: list[str],
    message_tokens: list[int],
    texts_by_length: list[str],
    lengths_sorted: np.ndarray,
    by_length: np.ndarray,
    min_tokens: int,
    cutoff: float,
) -> set[tuple[int, int]]:
    """Pairs whose token_set_ratio reaches the cut-off, among stored texts that may be contained in the message."""
    order = sorted(range(len(messages)), key=message_tokens.__getitem__)
    lo = int(np.searchsorted(lengths_sorted, min_tokens, "left"))
    found: set[tuple[int, int]] = set()
    for b in range(0, len(order), QUERY_BLOCK):
        block = order[b : b + QUERY_BLOCK]
        hi = int(np.searchsorted(lengths_sorted, max(message_tokens[q] for q in block), "right"))
        block_messages = [messages[q] for q in block]
        for start in range(lo, hi, CDIST_CHUNK):
            end = min(hi, start + CDIST_CHUNK)
            scores = process.cdist(
                texts_by_length[start:end],
                block_messages,
                scorer=fuzz.token_set_ratio,
                score_cutoff=cutoff,
                dtype=np.float32,
                workers=-1,
            )
            rows, cols = np.nonzero(scores)
            found.update(zip((block[c] for c in cols.tolist()), by_length[rows + start].tolist(), strict=False))
    return found


def faster_brute_force(
    messages: list[str],
    stored: Stored,
    thresholds: Thresholds,
    contained_kinds: frozenset[MatchKind],
    reference: BruteForce,
) -> dict[str, Any]:
    """The brute force with its whole-text pass on token-sorted strings, on the first FAST_BRUTE_QUERIES messages.

    The same numbers as token_sort_ratio (checked on random pairs and on the resulting pairs), about six
    times faster: the speed-up of the index over this is the conservative one.
    """
    start = time.perf_counter()
    sorted_texts = [sort_tokens(t) for t in stored.texts]
    _check_sort_equivalence(messages, stored.texts, sorted_texts)
    prepare = time.perf_counter() - start
    count = min(FAST_BRUTE_QUERIES, len(messages))
    fast = brute_force(messages[:count], stored, thresholds, contained_kinds, sorted_texts)
    same = fast.pairs == {p for p in reference.pairs if p[0] < count}
    return {
        "queries": count,
        "prepare_seconds": prepare,
        "seconds_per_query": fast.wall_seconds / count,
        "cpu_seconds_per_query": fast.cpu_seconds / count,
        "same_pairs_as_token_sort_ratio": same,
    }


def _check_sort_equivalence(messages: list[str], texts: list[str], sorted_texts: list[str]) -> None:
    """The brute force's shortcut gives token_sort_ratio's numbers exactly (checked on random pairs)."""
    rng = random.Random(1)
    for _ in range(2000):
        m, j = rng.choice(messages), rng.randrange(len(texts))
        expected = fuzz.token_sort_ratio(texts[j], m)
        assert fuzz.ratio(sorted_texts[j], sort_tokens(m)) == expected, (texts[j], m)


def recall_report(
    index_pairs: set[tuple[int, MatchKind, str]],
    brute: BruteForce,
    sample: list[Query],
    messages: list[str],
    stored: Stored,
    index: lsh.MinHashIndex | None,
) -> dict[str, Any]:
    """Recall overall (with a 95% lower bound), by kind, by query type, own source or not; why pairs were lost."""
    truth, found = brute.pairs, index_pairs
    lost = truth - found

    def part(subset: set) -> dict[str, Any]:
        hits = len(subset & found)
        return {
            "pairs": len(subset),
            "recall": hits / len(subset) if subset else None,
            "recall_95_lower": wilson_lower(hits, len(subset)),
        }

    own = {p for p in truth if sample[p[0]].source == (p[1], p[2])}
    read = _bucket_reader(index)
    made_from = [(q, *query.source) for q, query in enumerate(sample) if query.source is not None]
    return {
        **part(truth),
        "index_pairs": len(found),
        "index_pairs_not_in_brute": len(found - truth),
        "lost_pairs": len(lost),
        "queries_with_pairs": len({q for q, _, _ in truth}),
        "by_kind": {k.value: part({p for p in truth if p[1] is k}) for k in (MatchKind.TEMPLATE, MatchKind.CLUSTER)},
        "by_query_type": {
            t: part({p for p in truth if sample[p[0]].kind == t}) for t in ("template", "stored", "unrelated")
        },
        "own_source": part(own),
        "other_texts": part(truth - own),
        "whole_text_score": part(brute.whole_pairs),
        "containment_score_only": part(truth - brute.whole_pairs),
        "containment_only_with_other_texts": part(truth - brute.whole_pairs - own),
        "evaded_copies_accepted_by_the_scorer": sum(pair in truth for pair in made_from) / len(made_from)
        if made_from
        else None,
        "lost_because": dict(Counter(_why_lost(p, brute.whole_pairs, messages, stored, read) for p in lost)),
        "lost_examples": lost_examples(lost, sample, messages, stored),
    }


def wilson_lower(successes: int, n: int, z: float = 1.96) -> float | None:
    """Lower end of the Wilson score interval of a proportion (how sure a recall over n pairs is)."""
    if n == 0:
        return None
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5
    return (centre - margin) / (1 + z * z / n)


def _why_lost(
    pair: tuple[int, MatchKind, str],
    whole: set,
    messages: list[str],
    stored: Stored,
    read: Callable[[np.ndarray], list[np.ndarray]] | None,
) -> str:
    """Which candidate stage dropped the pair, and whether only the containment score made it a match."""
    q, kind, id = pair
    if kind is MatchKind.TEMPLATE:
        return "template: not a word-index candidate"
    text, message = stored.texts[len(stored.template_keys) + int(id)], messages[q]
    how = "whole" if pair in whole else "containment"
    shared = set(lsh.band_keys(message).tolist()) & set(lsh.band_keys(text).tolist())
    cap = getattr(lsh, "MAX_BUCKET", None)
    if not shared:
        stage = "no shared LSH band"
    elif cap and read is not None and all(len(b) > cap for b in read(np.array(sorted(shared), dtype=np.uint64))):
        stage = "shares only buckets over MAX_BUCKET (skipped)"
    else:
        stage = "shares a band, ranked below the candidate limit"
    return f"cluster ({how} score): {stage}"


def lost_examples(
    pairs: set[tuple[int, MatchKind, str]], sample: list[Query], messages: list[str], stored: Stored, limit: int = 20
) -> list[dict[str, Any]]:
    """A few lost pairs with their scores and 4-gram Jaccard similarity, to see what the index misses."""
    examples = []
    for q, kind, id in sorted(pairs, key=lambda p: (p[0], p[2]))[:limit]:
        j = stored.template_keys.index(id) if kind is MatchKind.TEMPLATE else len(stored.template_keys) + int(id)
        text, message = stored.texts[j], messages[q]
        examples.append(
            {
                "query_type": sample[q].kind,
                "kind": kind.value,
                "id": id,
                "own_source": sample[q].source == (kind, id),
                "token_sort_ratio": round(fuzz.token_sort_ratio(text, message), 1),
                "token_set_ratio": round(fuzz.token_set_ratio(text, message), 1),
                "jaccard_4grams": round(_jaccard(text, message), 3),
                "stored_tokens": len(text.split()),
                "message_tokens": len(message.split()),
                "stored": text[:160],
                "message": message[:240],
            }
        )
    return examples


def _jaccard(a: str, b: str) -> float:
    def grams(t: str) -> set[str]:
        return {t[i : i + lsh.SHINGLE] for i in range(max(1, len(t) - lsh.SHINGLE + 1))}

    x, y = grams(a), grams(b)
    return len(x & y) / len(x | y)


# --------------------------------------------------------------------------- 4. scan


def run_scan(queries: list[Query], templates: list[Template], workdir: Path) -> dict[str, Any]:
    """``python -m bot scan`` on JSONL files: messages per second, and one output line per message."""
    messages, template_file = workdir / "messages.jsonl", workdir / "templates.jsonl"
    one = workdir / "one.jsonl"
    _write_jsonl(messages, ({"id": i, "text": q.text} for i, q in enumerate(queries)))
    _write_jsonl(one, [{"id": 0, "text": queries[0].text}])
    _write_jsonl(template_file, ({"id": t.id, "text": t.text} for t in templates))
    startup = _scan_once(one, template_file, workdir)
    full = _scan_once(messages, template_file, workdir)
    if "error" in full:
        return full
    lines = full.pop("lines")
    ids_in_order = [json.loads(line)["id"] for line in lines] == list(range(len(queries)))
    matched = sum(1 for line in lines if json.loads(line)["matches"])
    net = full["seconds"] - startup.get("seconds", 0.0)
    return {
        "messages": len(queries),
        "output_lines": len(lines),
        "ids_in_order": ids_in_order,
        "messages_with_matches": matched,
        "seconds": full["seconds"],
        "startup_seconds": startup.get("seconds"),
        "messages_per_second": len(queries) / full["seconds"],
        "messages_per_second_net_of_startup": len(queries) / net if net > 0 else None,
    }


def _write_jsonl(path: Path, items: Any) -> None:
    with path.open("w", encoding="utf-8") as file:
        for item in items:
            file.write(json.dumps(item, ensure_ascii=False) + "\n")


def _scan_once(messages: Path, templates: Path, workdir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCH_")}
    command = [sys.executable, "-m", "bot", "scan", str(messages), "--templates", str(templates)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-500:]}"}
    return {"seconds": seconds, "lines": done.stdout.splitlines()}


# --------------------------------------------------------------------------- summary


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def summarise(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows of (metric, value, target, verdict)."""
    latency, brute, recall = results["latency"], results["brute_force"], results["recall"]
    build, memory, scan = results["build"], results["memory"], results["scan"]
    speedup, fast = brute["speedup"], brute["faster_variant"]
    whole = recall["whole_text_score"]
    rows = [
        ("stored texts + templates", f"{results['config']['texts']:,} + {results['config']['templates']:,}", "", ""),
        ("index build", f"{build['seconds']:.1f} s ({build['texts_per_second']:,.0f}/s)", "", ""),
        (
            "  normalise / band keys / sort keys / other",
            f"{build['normalise_seconds']:.1f} / {build['band_keys_seconds']:.1f} / {build['sort_seconds']:.1f} / "
            f"{build['other_seconds']:.1f} s",
            "",
            "",
        ),
        ("LSH index size", f"{build['lsh_bytes'] / 2**20:,.0f} MiB" if build["lsh_bytes"] else "?", "", ""),
        ("match() p50 / p90", f"{latency['p50_ms']:.2f} / {latency['p90_ms']:.2f} ms", "", ""),
        (
            "match() p99",
            f"{latency['p99_ms']:.2f} ms",
            f"<= {TARGET_P99_MS:g} ms",
            verdict(latency["p99_ms"] <= TARGET_P99_MS),
        ),
        ("match() max", f"{latency['max_ms']:.2f} ms", "", ""),
        (
            "brute force per query",
            f"{brute['seconds_per_query'] * 1e3:,.0f} ms ({brute['threads']} thread{'s' * (brute['threads'] != 1)})",
            "",
            "",
        ),
        (
            "speed-up over brute force",
            f"{speedup:,.0f}x (CPU time: {brute['speedup_cpu']:,.0f}x)",
            f">= {TARGET_SPEEDUP:g}x",
            verdict(speedup >= TARGET_SPEEDUP),
        ),
        (
            "  brute force on token-sorted strings",
            f"{fast['seconds_per_query'] * 1e3:,.0f} ms/query: "
            f"{fast['speedup']:,.0f}x (same pairs: {'yes' if fast['same_pairs_as_token_sort_ratio'] else 'NO'})",
            "",
            "",
        ),
        (
            "recall vs brute force",
            f"{recall['recall']:.4f} of {recall['pairs']:,} pairs (95% >= {recall['recall_95_lower']:.3f})"
            if recall["recall"] is not None
            else "no pairs",
            f">= {TARGET_RECALL}",
            verdict(None if recall["recall"] is None else recall["recall"] >= TARGET_RECALL),
        ),
        (
            "  of pairs the whole-text score matches",
            f"{whole['recall']:.4f} of {whole['pairs']:,} pairs" if whole["recall"] is not None else "no pairs",
            "",
            "",
        ),
        (
            "  of containment-only pairs",
            f"{recall['containment_score_only']['recall'] or 0:.4f} of "
            f"{recall['containment_score_only']['pairs']:,} pairs",
            "",
            "",
        ),
        (
            "peak RSS after build + queries",
            _mib(memory["peak_rss_engine_bytes"]),
            f"< {TARGET_PEAK_BYTES / 1e9:g} GB",
            verdict(memory["peak_rss_engine_bytes"] < TARGET_PEAK_BYTES),
        ),
        (
            "  RSS before build / settled after it",
            f"{_mib(memory['rss_before_build_bytes'])} / {_mib(memory['rss_after_build_bytes'])}",
            "",
            "",
        ),
        ("peak RSS at the end (with brute force)", _mib(memory["peak_rss_end_bytes"]), "", ""),
    ]
    if "error" in scan:
        rows.append(("kuzet scan", scan["error"][:60], "", "FAIL"))
    elif scan.get("skipped"):
        rows.append(("kuzet scan", "skipped", "", ""))
    else:
        complete = scan["output_lines"] == scan["messages"] and scan["ids_in_order"]
        rows.append(
            (
                "kuzet scan throughput",
                f"{scan['messages_per_second']:,.0f} msg/s "
                f"({scan['messages_per_second_net_of_startup'] or 0:,.0f} net of {scan['startup_seconds']:.1f} s "
                "start-up)",
                f"{scan['messages']:,} lines out",
                verdict(complete),
            )
        )
    return rows


def _mib(size: int | None) -> str:
    return "?" if size is None else f"{size / 2**20:,.0f} MiB"


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("metric", "value", "target", "result")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=False)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip())


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--texts", type=int, default=1_000_000, help="stored cluster texts (default 1,000,000)")
    parser.add_argument("--templates", type=int, default=1000, help="templates (default 1000)")
    parser.add_argument("--queries", type=int, default=2000, help="queries timed through match() (default 2000)")
    parser.add_argument("--brute", type=int, default=200, help="queries also answered by brute force (default 200)")
    parser.add_argument("--scan", type=int, default=20_000, help="messages for kuzet scan; 0 to skip (default 20000)")
    parser.add_argument("--seed", type=int, default=20260521, help="seed of everything random")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.texts < 1 or args.templates < 1 or args.queries < 1 or not 0 < args.brute <= args.queries:
        parser.error("--texts, --templates and --queries must be positive; --brute in 1..--queries")
    return args


def ensure_hash_seed(seed: int) -> None:
    """The LSH hashes with Python's hash(): re-run this script with PYTHONHASHSEED set, so a run is repeatable."""
    if os.environ.get("PYTHONHASHSEED") is None:
        os.environ["PYTHONHASHSEED"] = str(seed % 2**32)
        os.execv(sys.executable, [sys.executable, *sys.argv])


@dataclass
class Run:
    """Everything one run produced, for the results JSON."""

    args: argparse.Namespace
    corpus: Corpus
    templates: list[Template]
    queries: list[Query]
    sample_numbers: list[int]
    built: Built
    latency: Latency
    brute: BruteForce
    recall: dict[str, Any]
    lsh: dict[str, Any] | None
    scan: dict[str, Any]
    extra: dict[str, Any]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_hash_seed(args.seed)
    started = time.perf_counter()
    run = execute(args, Thresholds())
    results = assemble(run, Thresholds(), time.perf_counter() - started)
    rows = summarise(results)
    return report(results, rows, args.output, print_table)


def report(results: dict, rows: list, output: Path, print_table) -> int:
    """Write the results with their summary table, print the table; exit status 1 if a target is missed."""
    results["summary"] = [dict(zip(("metric", "value", "target", "result"), row, strict=False)) for row in rows]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print_table(rows)
    print(f"\n{results['total_seconds']:.0f} s in all; details in {output}")
    return 1 if any(row[3] == "FAIL" for row in rows) else 0


def execute(args: argparse.Namespace, thresholds: Thresholds) -> Run:
    """The phases in order: corpus, build and latency on one core, brute force and recall, scan."""
    extra: dict[str, Any] = {"load_average_at_start": list(os.getloadavg())}
    rng = random.Random(args.seed)
    log(f"generating {args.texts:,} texts and {args.templates:,} templates")
    start = time.perf_counter()
    vocabulary = build_vocabulary(rng)
    corpus = generate_corpus(args.texts, vocabulary, np.random.default_rng(args.seed))
    templates = generate_templates(args.templates, vocabulary, rng)
    queries = make_queries(args.queries, corpus, templates, rng)
    sample_numbers = sorted(rng.sample(range(len(queries)), args.brute))
    extra["generate_seconds"] = time.perf_counter() - start

    with one_core() as core:
        log(f"building the index on core {core}")
        built = build(corpus, templates, thresholds)
        log(f"built in {built.stats['seconds']:.1f} s; timing {len(queries):,} queries")
        latency = measure_latency(built.matcher, queries)
        latency.breakdown = latency_breakdown(built.matcher, queries)
    extra["pinned_core"] = core
    extra["peak_rss_engine_bytes"] = peak_rss()

    sample = [queries[i] for i in sample_numbers]
    messages = [normalize(q.text) for q in sample]
    log(f"brute force over {len(sample)} queries x {len(corpus) + len(templates):,} texts")
    stored = stored_texts(templates, built.cluster_texts)
    contained_kinds = containment_kinds(thresholds)
    extra["containment_kinds"] = sorted(k.value for k in contained_kinds)
    brute = brute_force(messages, stored, thresholds, contained_kinds)
    extra["faster_brute_force"] = faster_brute_force(messages, stored, thresholds, contained_kinds, brute)
    index_pairs: set[tuple[int, MatchKind, str]] = {
        (q, m.kind, m.id)
        for q, i in enumerate(sample_numbers)
        for m in latency.results[i]
        if m.kind in (MatchKind.TEMPLATE, MatchKind.CLUSTER)
    }
    recall = recall_report(index_pairs, brute, sample, messages, stored, built.index)
    near_duplicates = [
        (q, stored.texts[len(stored.template_keys) + int(id)])
        for q, kind, id in sorted(brute.whole_pairs, key=lambda p: (p[0], p[2]))
        if kind is MatchKind.CLUSTER
    ]
    diagnostics = lsh_diagnostics(built.index, messages, near_duplicates)
    extra["distinct_normalised_texts"] = len(set(built.cluster_texts))
    del stored

    scan: dict[str, Any] = {"skipped": True}
    if args.scan:
        log(f"kuzet scan of {args.scan:,} messages")
        scan_queries = make_queries(args.scan, corpus, templates, random.Random(args.seed + 1))
        with tempfile.TemporaryDirectory(prefix="bench_match_") as workdir:
            scan = run_scan(scan_queries, templates, Path(workdir))
    return Run(
        args, corpus, templates, queries, sample_numbers, built, latency, brute, recall, diagnostics, scan, extra
    )


def assemble(run: Run, thresholds: Thresholds, total_seconds: float) -> dict[str, Any]:
    """The results JSON."""
    args, latency, brute = run.args, run.latency, run.brute
    index_mean = float(latency.nanoseconds[run.sample_numbers].mean()) / 1e9
    brute_per_query = brute.wall_seconds / len(run.sample_numbers)
    by_type = {
        t: percentiles(latency.nanoseconds[[i for i, q in enumerate(run.queries) if q.kind == t]])
        for t in ("template", "stored", "unrelated")
        if any(q.kind == t for q in run.queries)
    }
    return {
        "config": {
            "texts": args.texts,
            "templates": args.templates,
            "queries": args.queries,
            "brute": args.brute,
            "scan": args.scan,
            "seed": args.seed,
            "pythonhashseed": os.environ.get("PYTHONHASHSEED"),
            "thresholds": dataclasses.asdict(thresholds),
            "cluster_candidates": matcher_module.CLUSTER_CANDIDATES,
            "containment_kinds": run.extra["containment_kinds"],
            "lsh": {
                name.lower(): getattr(lsh, name, None)
                for name in ("BANDS", "ROWS", "SHINGLE", "MERGE_EVERY", "MAX_BUCKET")
            },
        },
        "machine": {
            "python": platform.python_version(),
            "rapidfuzz": rapidfuzz.__version__,
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "pinned_core": run.extra["pinned_core"],
            "platform": platform.platform(),
            "load_average_at_start": run.extra["load_average_at_start"],
            "load_average_at_end": list(os.getloadavg()),
        },
        "corpus": {
            "generate_seconds": run.extra["generate_seconds"],
            "family_members": run.corpus.family_members,
            "distinct_normalised_texts": run.extra["distinct_normalised_texts"],
            "template_variants": sum(len(variants(t.text)) for t in run.templates),
            "mean_words": float(run.corpus.lengths.mean()),
            "query_mix": dict(Counter(q.kind for q in run.queries)),
        },
        "build": run.built.stats,
        "latency": {
            **percentiles(latency.nanoseconds),
            "queries": len(run.queries),
            "by_query_type": by_type,
            "breakdown": latency.breakdown,
            "lsh_buckets": run.lsh,
        },
        "brute_force": {
            "queries": len(run.sample_numbers),
            "seconds": brute.wall_seconds,
            "cpu_seconds": brute.cpu_seconds,
            "prepare_seconds": brute.prepare_seconds,
            "seconds_per_query": brute_per_query,
            "threads": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cdist_candidate_pairs": brute.candidate_pairs,
            "index_seconds_per_query": index_mean,
            "speedup": brute_per_query / index_mean,
            "speedup_cpu": brute.cpu_seconds / len(run.sample_numbers) / index_mean,
            "faster_variant": {
                **run.extra["faster_brute_force"],
                "speedup": run.extra["faster_brute_force"]["seconds_per_query"] / index_mean,
            },
        },
        "recall": run.recall,
        "scan": run.scan,
        "memory": {
            "peak_rss_engine_bytes": run.extra["peak_rss_engine_bytes"],
            "peak_rss_end_bytes": peak_rss(),
            "rss_before_build_bytes": run.built.stats["rss_before_bytes"],
            "rss_after_build_bytes": run.built.stats["rss_after_bytes"],
        },
        "total_seconds": total_seconds,
    }


if __name__ == "__main__":
    sys.exit(main())
