"""Text normalisation: the many faces of one campaign comment → one comparable string.

``normalize(text)`` runs these steps, in this order:

1. Links, e-mail addresses and @mentions are removed; a hashtag loses its
   ``#`` and its words are split (``#ЖаңаҚазақстан`` → ``Жаңа Қазақстан``,
   ``#مقاطعة_تويتر`` → ``مقاطعة تويتر``): a hashtag's words are text.
2. Unicode NFKC, then case folding (full-width letters, ligatures and
   mathematical letters become plain ones). A run of combining marks is cut to
   its first MAX_MARKS first: no script stacks more, and NFKC sorts a run's
   marks in quadratic time.
3. Default-ignorable characters are removed: zero-width spaces and joiners,
   bidi controls, the BOM, variation selectors, tags, fillers.
4. Digits of every script become ASCII digits.
5. Arabic: diacritics and tatweel are removed; alef forms, alef maksura,
   teh marbuta, hamza seats and Persian/Urdu letter variants are folded.
   These characters exist only in Arabic script, so nothing else changes.
6. Chinese: Traditional characters are folded to Simplified (OpenCC), and
   every ideograph becomes its own word.
7. Look-alike letters are folded toward each word's own script (the Unicode
   confusables between Latin, Cyrillic and Greek), so a Cyrillic ``а`` in a
   Latin word is the Latin ``a`` and a Latin ``p`` in a Cyrillic word is the
   Cyrillic ``р``; Greek letters become their Latin look-alikes.
8. Cyrillic is transliterated to Latin by the 2021 Kazakh Latin alphabet
   and Latin diacritics are dropped (one translation table), so Kazakh written in Cyrillic and in
   Latin (``Тоқаев`` / ``Toqaev``) meet in one form; Russian shares it.
9. Emoji, symbols, decoration and punctuation become spaces; whitespace is
   collapsed.

The result is for comparison only; the original text is always kept.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from importlib.resources import files

import opencc

# Every pattern below is linear in the text: a pattern that could start at every character of a long run and
# scan to its end (``\b[\w.-]+`` or ``\S+@`` over "a.a.a…" or "@a@a…", 4,096 characters) took seconds, and
# one such message stalled the bot for everyone. A domain is looked for once, from its run's start.
_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.-])[.-]*+(?!(?:https?://|www\.)\S)\w[\w.-]*\.(?:com|me|ru|kz|org|net|io|be|ly|tv|info|uz|kg|iq|sa|ae)\b"
    r"(?:/\S*)?",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\S+")
_TO_LAST_DOMAIN = re.compile(r".*\.\w+", re.DOTALL)
"""A token up to its last dot followed by a word character (and those word characters)."""
_MENTION = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_NOT_WORD = re.compile(r"[\W_]+")
_CJK = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
_LATIN_OR_GREEK = re.compile(r"[a-z\u0370-\u03ff]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_MIXED_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[\u0370-\u03ff\u0400-\u052f])\w+")

_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_ARABIC_MARKS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
    0x0640,
]
_ARABIC_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ئ": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ۀ": "ه",
    "ہ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ک": "ك",
    "ڪ": "ك",
}
_TRANSLITERATION = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "ы": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "c",
    "ч": "c",
    "ш": "s",
    "щ": "s",
    "ъ": "",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "ı": "i",
    "y": "i",
    "w": "u",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
}
_PREFERRED_LATIN = {"ι": "i", "ν": "v", "υ": "u", "і": "i", "ӏ": "l", "σ": "o"}
_PREFERRED_CYRILLIC = {"y": "у", "h": "н", "b": "в", "i": "і"}
_KAZAKH_RUSSIAN_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")


def _build_tables() -> tuple[dict[int, str | None], dict[int, str], dict[int, str], dict[int, str]]:
    """Translation tables for the steps done character by character."""
    cleanup: dict[int, str | None] = {}
    for start, end in _IGNORABLE_RANGES:
        cleanup.update(dict.fromkeys(range(start, end + 1)))
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            cleanup[code] = None
        elif unicodedata.category(char) == "Nd" and not char.isascii():
            cleanup[code] = str(unicodedata.decimal(char))
    cleanup.update(dict.fromkeys(_ARABIC_MARKS))
    cleanup.update({ord(k): v for k, v in _ARABIC_LETTERS.items()})
    to_latin, to_cyrillic = _confusables()
    greek = {code: latin for code, latin in to_latin.items() if 0x0370 <= code <= 0x03FF}
    transliterate = greek | _latin_without_marks() | {ord(k): v for k, v in _TRANSLITERATION.items()}
    return cleanup, to_latin, to_cyrillic, transliterate


def _confusables() -> tuple[dict[int, str], dict[int, str]]:
    """Latin/Cyrillic/Greek look-alikes from the Unicode confusables data, lower case."""
    data = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8"))
    to_latin: dict[str, str] = {}
    for char, glyphs in data.items():
        if (
            len(char) != 1
            or not char.isalpha()
            or unicodedata.name(char, "").split(" ")[0] not in ("CYRILLIC", "GREEK")
        ):
            continue
        for glyph in glyphs:
            latin = glyph["c"].casefold()
            if len(latin) == 1 and latin.isascii() and latin.isalpha() and len(char.casefold()) == 1:
                to_latin.setdefault(char.casefold(), latin)
    to_latin.update(_PREFERRED_LATIN)
    to_cyrillic: dict[str, str] = {}
    for char, latin in to_latin.items():
        if char in _KAZAKH_RUSSIAN_LETTERS:
            to_cyrillic.setdefault(latin, char)
    to_cyrillic.update(_PREFERRED_CYRILLIC)
    for greek, latin in to_latin.items():
        if "\u0370" <= greek <= "\u03ff" and latin in to_cyrillic:
            to_cyrillic[greek] = to_cyrillic[latin]
    return {ord(k): v for k, v in to_latin.items()}, {ord(k): v for k, v in to_cyrillic.items()}


def _latin_without_marks() -> dict[int, str]:
    """Latin letters with accents → without (ä → a, ş → s); other scripts keep their letters."""
    table = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base and base != chr(code):
            table[code] = base.casefold()
    return table


def _mark_runs() -> re.Pattern[str]:
    """Runs of more than MAX_MARKS characters that decompose to combining marks, past the first MAX_MARKS."""
    marks = "".join(
        re.escape(char)
        for char in map(chr, range(sys.maxunicode + 1))
        if (unicodedata.combining(char) or unicodedata.decomposition(char))
        and unicodedata.combining(unicodedata.normalize("NFKD", char)[0])
    )
    return re.compile(f"(?<![{marks}])([{marks}]{{{MAX_MARKS}}})[{marks}]+")


MAX_MARKS = 30
"""Unicode's stream-safe text format (UAX #15) allows 30 combining marks in a row."""
_CLEANUP, _TO_LATIN, _TO_CYRILLIC, _TRANSLITERATE = _build_tables()
_MARK_RUNS = _mark_runs()
_T2S = opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """The comparable form of ``text`` (see the module docstring for the steps)."""
    text = _MENTION.sub(" ", _TOKEN.sub(_without_email, _URL.sub(" ", text)))
    text = _HASHTAG.sub(lambda m: " " + _split_hashtag(m.group(1)) + " ", text)
    text = unicodedata.normalize("NFKC", _MARK_RUNS.sub(r"\1", text)).casefold()
    text = text.translate(_CLEANUP)
    if _CJK.search(text):
        text = _CJK.sub(r" \1 ", _T2S.convert(text))
    if _LATIN_OR_GREEK.search(text) and _CYRILLIC.search(text):
        text = _MIXED_WORD.sub(_fold_look_alikes, text)
    text = text.translate(_TRANSLITERATE)
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _without_email(token: re.Match[str]) -> str:
    """The token without its e-mail address: from its start to its last ``.word``, when an ``@`` that is not
    its first character stands at least two characters before that dot (what ``\\S+@\\S+\\.\\w+`` removes,
    found in one pass instead of one scan from every ``@``)."""
    word = token.group(0)
    at = word.find("@", 1)
    domain = _TO_LAST_DOMAIN.match(word) if at > 0 else None
    if domain is None or word.rfind(".", 0, domain.end()) < at + 2:
        return word
    return " " + word[domain.end() :]


def _split_hashtag(tag: str) -> str:
    """``NewKazakhstan2022`` → ``New Kazakhstan2022``; ``a_b`` → ``a b``."""
    words = []
    for i, char in enumerate(tag):
        if i and char.isupper() and tag[i - 1].islower():
            words.append(" ")
        words.append(" " if char == "_" else char)
    return "".join(words)


def _fold_look_alikes(match: re.Match[str]) -> str:
    """Fold a mixed-script word's look-alike letters into its script.

    A letter that has no look-alike in the other script (Cyrillic д, Latin z)
    decides; when there are such letters on both sides or none, the majority does.
    """
    word = match.group(0)
    cyrillic = [c for c in word if "\u0400" <= c <= "\u052f"]
    latin = [c for c in word if "a" <= c <= "z" or "\u0370" <= c <= "\u03ff"]
    cyrillic_only = any(ord(c) not in _TO_LATIN for c in cyrillic)
    latin_only = any(ord(c) not in _TO_CYRILLIC for c in latin)
    if cyrillic_only != latin_only:
        to_cyrillic = cyrillic_only
    else:
        to_cyrillic = len(cyrillic) > len(latin)
    return word.translate(_TO_CYRILLIC if to_cyrillic else _TO_LATIN)
