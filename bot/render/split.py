"""Fitting long texts into Telegram messages."""

from __future__ import annotations

MESSAGE_LIMIT = 4096


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks.

    Our HTML never spans lines, so every piece stays valid HTML. A single
    line longer than the limit is cut at the limit (Telegram would refuse it whole).
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current.strip():
        pieces.append(current)
    return pieces
