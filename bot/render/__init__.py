"""Everything a person reads, rendered for one language as Telegram HTML.

User-supplied text is HTML-escaped here and wrapped in a Unicode isolate, so
a handle or an Arabic excerpt keeps its own direction and cannot break the
sentence around it.
"""

from __future__ import annotations

import re
from html import escape, unescape

from bot.i18n import isolate

_BIDI_CONTROLS = dict.fromkeys([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""Embeddings, overrides, isolates and marks: inside user text, a pop (U+2069) would close our isolate early
and an override after it would reverse our own words that follow on the line."""


def user_text(text: str) -> str:
    """User-supplied text, safe inside HTML and bidi-isolated, without bidi controls of its own."""
    return isolate(escape(text.translate(_BIDI_CONTROLS), quote=False))


def number(value: int) -> str:
    """A report number: plain digits (people type them back), isolated."""
    return isolate(str(value))


_TAG = re.compile(r"<[^>]+>")


def as_plain_text(markup: str) -> str:
    """One of our HTML texts as plain text, for a terminal."""
    return unescape(_TAG.sub("", markup))
