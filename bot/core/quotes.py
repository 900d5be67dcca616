"""What a message says in its own words: a critic who quotes the official line to mock it is not its author."""

from __future__ import annotations

import re

COMMENTARY_TOKENS = 3
"""Words outside quotation marks from which a message counts as commentary on what it quotes."""
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"|「[^」]*」|『[^』]*』|‘[^’]*’")


def outside_quotes(text: str) -> str | None:
    """The message without what it quotes; None when it quotes nothing.

    It counts as commentary on the quotation when this leaves at least COMMENTARY_TOKENS words
    (each caller counts words after its own normalisation)."""
    return _QUOTED.sub(" ", text) if _QUOTED.search(text) else None
