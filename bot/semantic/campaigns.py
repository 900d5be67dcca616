"""Matching a message against known campaigns: the lexical stage, then the semantic stage for what it left.

The semantic stage never overrides the lexical one: it runs only when the lexical stage found nothing
(no template, no cluster, and no negative-bank text, which vetoes a match outright). Either stage's
match is dropped when the message shows a sign of talking about the line it matched (bot.core.stance:
irony, or naming the bots) that the line itself lacks. Encoding takes
20-40 ms, so callers encode off the event loop (the bot's through ``batcher``), and only when ``needs_vector``
says so.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bot.core.matcher import Match, Matcher, MatchKind
from bot.core.stance import without_commentary
from bot.core.templates import readable
from bot.images.matcher import ImageMatcher
from bot.semantic.batching import EncodeBatcher
from bot.semantic.stage import SemanticStage


class CampaignMatcher:
    def __init__(
        self, lexical: Matcher, semantic: SemanticStage | None = None, images: ImageMatcher | None = None
    ) -> None:
        self.lexical = lexical
        self.semantic = semantic
        self.images = ImageMatcher() if images is None else images
        """Pictures: report photos and profile photos, matched by PDQ hash (kept in step like the texts)."""
        self.synced_to = 0
        """The last of the database's matcher changes this matcher has applied (bot.service.matcher_sync)."""
        self.batcher = None if semantic is None else EncodeBatcher(semantic.encode)
        """Encodes texts of concurrent callers together (reports arriving at once)."""

    def needs_vector(self, text: str) -> bool:
        """Whether matching this text would go to the semantic stage (then encode it first)."""
        return self.semantic is not None and not self.lexical.match(text, limit=1)

    def encode(self, texts: list[str]) -> np.ndarray | None:
        return None if self.semantic is None else self.semantic.encode(texts)

    def match(self, text: str, vector: np.ndarray | None = None, limit: int = 5) -> list[Match]:
        found = self.lexical.match(text, limit)
        if not found and self.semantic is not None and vector is not None:
            found = [
                dataclasses.replace(m, matched=self.lexical.text_of(m.id, m.kind) or "")
                for m in self.semantic.match(text, vector, limit)
            ]
        return without_commentary(text, found)

    def suggest(self, text: str, vector: np.ndarray | None = None, limit: int = 1) -> list[Match]:
        """What a moderator should be asked about when ``match`` found nothing: semantic candidates below the
        automatic band and above its floor. Empty when any stage matched, or the negative bank did."""
        if self.semantic is None or vector is None or self.lexical.match(text, limit=1):
            return []
        found = [
            dataclasses.replace(m, matched=self.lexical.text_of(m.id, m.kind) or "")
            for m in self.semantic.suggest(text, vector, limit)
        ]
        return without_commentary(text, found)

    def add(
        self,
        id: int | str,
        text: str,
        kind: MatchKind,
        *,
        vector: np.ndarray | None = None,
        language: str | None = None,
        family: str | None = None,
    ) -> None:
        """Know a text; with its vector, the semantic stage knows it too (templates, with their family, and
        clusters)."""
        self.lexical.add(id, text, kind)
        if self.semantic is not None and vector is not None and kind is not MatchKind.NEGATIVE:
            read = readable(text) if kind is MatchKind.TEMPLATE else text
            self.semantic.add(id, kind, vector, language, text=read, family=family)

    def remove(self, id: int | str, kind: MatchKind) -> None:
        self.lexical.remove(id, kind)
        if self.semantic is not None and kind is not MatchKind.NEGATIVE:
            self.semantic.remove(id, kind)
