"""What a message says in its own words, and what it quotes.

A critic who quotes the official line to mock it is not its author: a post that comments on a quotation is
matched by its own words. A citizen who reports a line by quoting it ("they post this under every article:
«…»") is not its author either, and their own words are not the campaign's: their report is the quotation.
"""

from __future__ import annotations

import re

from bot.core.normalize import normalize

COMMENTARY_TOKENS = 3
"""Words outside quotation marks (after normalisation: each Chinese character is one) from which a message
counts as commentary on what it quotes."""
_CLOSERS = {"«": "»", "“": "”", "„": "“”", '"': '"', "「": "」", "『": "』", "‘": "’"}
"""Each opening mark and the marks that close it; a quotation runs to the first closing mark."""
_OPENER = re.compile("[" + "".join(_CLOSERS) + "]")
_CLOSER = {opener: re.compile("[" + closers + "]") for opener, closers in _CLOSERS.items()}


def _split(text: str) -> tuple[list[str], list[str]]:
    """The message's parts outside quotation marks and inside them (no inside parts: it quotes nothing).

    One pass: an opening mark with no closing mark after it is remembered, so a text of 4,096 unclosed
    marks is not scanned to its end once per mark."""
    outside: list[str] = []
    inside: list[str] = []
    unclosed: set[str] = set()
    position = start = 0
    while (opening := _OPENER.search(text, position)) is not None:
        mark = opening.group(0)
        closing = None if mark in unclosed else _CLOSER[mark].search(text, opening.end())
        if closing is None:
            unclosed.add(mark)
            position = opening.end()
            continue
        outside.append(text[start : opening.start()])
        inside.append(text[opening.end() : closing.start()])
        position = start = closing.end()
    outside.append(text[start:])
    return outside, inside


def outside_quotes(text: str) -> str | None:
    """The message without what it quotes; None when it quotes nothing."""
    outside, inside = _split(text)
    return " ".join(outside) if inside else None


def commentary(text: str) -> str | None:
    """The message's own words when it comments on a quotation (at least COMMENTARY_TOKENS of them besides
    what it quotes); None when it does not."""
    own = outside_quotes(text)
    return own if own is not None and len(normalize(own).split()) >= COMMENTARY_TOKENS else None


def quotation(text: str) -> str | None:
    """What a message quotes when it comments on a quotation, each quoted passage on a line of its own;
    None when it does not comment on one."""
    outside, inside = _split(text)
    if not inside or len(normalize(" ".join(outside)).split()) < COMMENTARY_TOKENS:
        return None
    return "\n".join(part.strip() for part in inside)
