"""A message as the encoder should read it: in its own words, and Kazakh in the script the model knows."""

from __future__ import annotations

from bot.core.kazakh_latin import to_cyrillic
from bot.core.quotes import commentary

MAX_WORDS = 64
MAX_CHARACTERS = 400
"""Only the start of a long message is encoded. Campaign lines are a sentence or three; encoding time grows
with length (about 40 ms for 10 words, 1 s for 512 tokens on one core), and a long post's vector says less
about any one line in it. Copies buried in long posts are the lexical stage's job."""


def text_to_encode(text: str) -> str:
    """Without what it quotes when it comments on a quotation (words counted after normalisation, as the
    lexical tier does: each Chinese character is one), at most its first MAX_WORDS words and
    MAX_CHARACTERS characters, and Kazakh Latin back in Cyrillic."""
    own = commentary(text)
    if own is not None:
        text = own
    words = text.split()
    if len(words) > MAX_WORDS:
        text = " ".join(words[:MAX_WORDS])
    return to_cyrillic(text[:MAX_CHARACTERS])
