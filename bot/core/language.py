"""Which of our five languages a text is in, from its letters alone (cheap, good enough for counts)."""

from __future__ import annotations

_KAZAKH_CYRILLIC = set("әғқңөұүһі")
_KAZAKH_LATIN = set("äğıñöşūüq")


def guess_language(text: str) -> str | None:
    """``ar``, ``zh``, ``kk``, ``ru`` or ``en`` by script (Kazakh by its own letters), or None without letters."""
    counts = {"ar": 0, "zh": 0, "cyrillic": 0, "latin": 0}
    kazakh_cyrillic = kazakh_latin = False
    for char in text.casefold():
        if "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f":
            counts["ar"] += 1
        elif "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
            counts["zh"] += 2
        elif "\u0400" <= char <= "\u052f":
            counts["cyrillic"] += 1
            kazakh_cyrillic |= char in _KAZAKH_CYRILLIC
        elif char.isalpha() and char.isascii() or char in _KAZAKH_LATIN:
            counts["latin"] += 1
            kazakh_latin |= char in _KAZAKH_LATIN
    script, count = max(counts.items(), key=lambda item: item[1])
    if count == 0:
        return None
    if script == "cyrillic":
        return "kk" if kazakh_cyrillic else "ru"
    if script == "latin":
        return "kk" if kazakh_latin else "en"
    return script
