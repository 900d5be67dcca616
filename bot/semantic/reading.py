"""A message as the encoder should read it: in its own words, and Kazakh in the script the model knows."""

from __future__ import annotations

from bot.core.kazakh_latin import to_cyrillic
from bot.core.normalize import normalize
from bot.core.quotes import COMMENTARY_TOKENS, outside_quotes

def text_to_encode(text: str) -> str:
    """Without what it quotes when it comments on a quotation (words counted after normalisation, as the
    lexical tier does: each Chinese character is one), and Kazakh Latin back in Cyrillic."""
    own = outside_quotes(text)
    if own is not None and len(normalize(own).split()) >= COMMENTARY_TOKENS:
        text = own
    return to_cyrillic(text)

