"""Small pure text helpers shared by reports and their rendering."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def excerpt(text: str, limit: int = 160) -> str:
    """The text on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def content_weight(text: str) -> int:
    """How much a text says: letters and digits, ideographs counting double.

    A Chinese ideograph carries about as much as a short word, so "我同意"
    ("I agree") weighs 6 while "总统总是关心人民" weighs 16.
    """
    weight = 0
    for char in text:
        if unicodedata.category(char)[0] in "LN":
            weight += 2 if unicodedata.east_asian_width(char) == "W" else 1
    return weight
