"""Everything a person reads, rendered for one language as Telegram HTML.

User-supplied text is HTML-escaped here and wrapped in a Unicode isolate, so
a handle or an Arabic excerpt keeps its own direction and cannot break the
sentence around it.
"""

from __future__ import annotations

import re
from html import escape, unescape

from bot.i18n import isolate


def user_text(text: str) -> str:
    """User-supplied text, safe inside HTML and bidi-isolated."""
    return isolate(escape(text, quote=False))


def number(value: int) -> str:
    """A report number: plain digits (people type them back), isolated."""
    return isolate(str(value))


_TAG = re.compile(r"<[^>]+>")


def as_plain_text(markup: str) -> str:
    """One of our HTML texts as plain text, for a terminal."""
    return unescape(_TAG.sub("", markup))
