"""Kazakh written in the 2021 Latin alphabet, back in Cyrillic: the script sentence encoders read best.

The lexical normaliser goes the other way (Cyrillic to Latin, so both spellings meet); an encoder
trained mostly on Cyrillic Kazakh reads "Prezidentımız halqynyñ qamyn oilaidy" poorly, and
"Президентіміз халқының қамын ойлайды" well.
"""

from __future__ import annotations

_LETTERS = dict(zip("aäbcçdefgğhıjklmnñoöpqrsştuūüvyz", "аәбцчдефгғхіжклмнңоөпқрсштуұүвыз", strict=False))
_CAPITALS = {"I": "І", "İ": "И"}
"""In the 2021 alphabet capital I is І and dotted İ is И; lower case ı is і and i is и (й after a vowel)."""
_VOWELS = set("aäeıioöuūüy")
_KAZAKH_MARKS = set("äğıñöşūü")
MIN_MARKS = 2
"""Letters only Kazakh Latin uses, from which a text counts as written in it (English has none)."""


def is_kazakh_latin(text: str) -> bool:
    return sum(ch in _KAZAKH_MARKS for ch in text.casefold()) >= MIN_MARKS


def to_cyrillic(text: str) -> str:
    """The text in Cyrillic if it is Kazakh in the 2021 Latin alphabet; otherwise unchanged."""
    if not is_kazakh_latin(text):
        return text
    out = []
    previous = ""
    for char in text:
        lower = char.lower() if char not in _CAPITALS else char
        if char in _CAPITALS:
            letter = _CAPITALS[char]
        elif lower == "i":
            letter = "й" if previous in _VOWELS else "и"
        else:
            letter = _LETTERS.get(lower, char)
        out.append(letter.upper() if char != lower and char not in _CAPITALS else letter)
        previous = lower if char not in _CAPITALS else "i"
    return "".join(out)
