"""What a message says in its own words: a critic who quotes the official line to mock it is not its author."""

from __future__ import annotations

import re

COMMENTARY_TOKENS = 3
"""Words outside quotation marks from which a message counts as commentary on what it quotes."""
_CLOSERS = {"«": "»", "“": "”", "„": "“”", '"': '"', "「": "」", "『": "』", "‘": "’"}
"""Each opening mark and the marks that close it; a quotation runs to the first closing mark."""
_OPENER = re.compile("[" + "".join(_CLOSERS) + "]")
_CLOSER = {opener: re.compile("[" + closers + "]") for opener, closers in _CLOSERS.items()}


def outside_quotes(text: str) -> str | None:
    """The message without what it quotes; None when it quotes nothing.

    It counts as commentary on the quotation when this leaves at least COMMENTARY_TOKENS words
    (each caller counts words after its own normalisation).

    One pass: an opening mark with no closing mark after it is remembered, so a text of 4,096 unclosed
    marks is not scanned to its end once per mark."""
    kept: list[str] = []
    unclosed: set[str] = set()
    position = start = 0
    while (opening := _OPENER.search(text, position)) is not None:
        mark = opening.group(0)
        closing = None if mark in unclosed else _CLOSER[mark].search(text, opening.end())
        if closing is None:
            unclosed.add(mark)
            position = opening.end()
            continue
        kept += [text[start : opening.start()], " "]
        position = start = closing.end()
    return None if not kept else "".join(kept) + text[start:]
