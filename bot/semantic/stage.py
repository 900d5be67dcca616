"""The semantic stage: what the lexical stage left unmatched, compared by meaning with templates and clusters.

A candidate must be near enough (cosine at least ``similarity``) and the verifier must agree that the
message repeats its line rather than talks about it (probability at least ``verifier``). Below that, down to
the suggestion thresholds, a candidate is only suggested to moderators. A match in another language than
its message says so (Resemblance.TRANSLATED); the language of a text is guessed from its letters.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.core.language import guess_language
from bot.core.matcher import Match, MatchKind, Resemblance
from bot.core.similarity import SemanticThresholds
from bot.semantic.cues import cues
from bot.semantic.encoders import Encoder, load_encoder
from bot.semantic.index import ApproximateIndex, ExactIndex, VectorIndex
from bot.semantic.pairs import Bank, Known, Message
from bot.semantic.reading import text_to_encode
from bot.semantic.verifier import Verifier, verifier_for

TEMPLATE_CANDIDATES = 3
CLUSTER_CANDIDATES = 8
RECENT_VECTORS = 4096
"""Vectors of the texts encoded last, by what the encoder read (6 MiB at 384 dimensions): a campaign wave
reposts its reworded lines word for word, and each copy that only the semantic stage recognises (no cluster
text of its own in the lexical stage) would be encoded again."""


class SemanticStage:
    def __init__(self, encoder: Encoder, verifier: Verifier, thresholds: SemanticThresholds | None = None) -> None:
        self.encoder = encoder
        self.verifier = verifier
        self.thresholds = thresholds or SemanticThresholds()
        self._indexes: dict[MatchKind, VectorIndex] = {
            MatchKind.TEMPLATE: ExactIndex(encoder.dim),
            MatchKind.CLUSTER: ApproximateIndex(encoder.dim),
        }
        self._keys: dict[tuple[MatchKind, str], int] = {}
        """Index keys are numbers; ids (a file's templates) may be any text."""
        self._ids: dict[int, str] = {}
        self._next_key = itertools.count()
        self._known: dict[int, Known] = {}
        self._bank: tuple[Bank, dict[int, int]] | None = None
        """The templates for the verifier's family features, and each template key's place among them."""
        self._lock = threading.RLock()
        self._encoding = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of messages as the encoder should read them (one encoder call at a time), each text
        read once: a text read like one of the RECENT_VECTORS last is not encoded again."""
        readings = [text_to_encode(text) for text in texts]
        with self._encoding:
            recent = self._recent
            missing = [reading for reading in dict.fromkeys(readings) if reading not in recent]
            if missing:
                encoded = self.encoder.encode(missing)
                recent.update((reading, vector.copy()) for reading, vector in zip(missing, encoded, strict=True))
            for reading in readings:
                recent.move_to_end(reading)
            vectors = np.array([recent[reading] for reading in readings], dtype=np.float32)
            while len(recent) > RECENT_VECTORS:
                recent.popitem(last=False)
        return vectors.reshape(len(readings), self.encoder.dim)

    def add(
        self,
        id: str | int,
        kind: MatchKind,
        vector: np.ndarray,
        language: str | None,
        *,
        text: str,
        family: str | None = None,
    ) -> None:
        """Know a template or cluster by its vector; ``text`` is what was encoded, ``family`` a template's
        (templates without one are a family of their own)."""
        if kind is MatchKind.TEMPLATE and family is None:
            family = f"template:{id}"
        known = Known(
            np.asarray(vector, dtype=np.float32),
            family if kind is MatchKind.TEMPLATE else None,
            language,
            cues(text_to_encode(text)),
        )
        with self._lock:
            key = self._keys.get((kind, str(id)))
            if key is None:
                key = self._keys[(kind, str(id))] = next(self._next_key)
            self._ids[key] = str(id)
            self._indexes[kind].add(key, known.vector)
            self._known[key] = known
            if kind is MatchKind.TEMPLATE:
                self._bank = None

    def remove(self, id: str | int, kind: MatchKind) -> None:
        with self._lock:
            key = self._keys.pop((kind, str(id)), None)
            if key is not None:
                self._indexes[kind].remove(key)
                del self._ids[key], self._known[key]
                if kind is MatchKind.TEMPLATE:
                    self._bank = None

    def size(self, kind: MatchKind) -> int:
        return len(self._indexes[kind])

    def match(self, text: str, vector: np.ndarray, limit: int = 5) -> list[Match]:
        """Templates and clusters that say what the message says, best first (the automatic band)."""
        limits = self.thresholds
        return self._in_band(text, vector, limit, limits.similarity, limits.verifier, None)

    def suggest(self, text: str, vector: np.ndarray, limit: int = 5) -> list[Match]:
        """Templates and clusters that may say what the message says: in the band below the automatic one,
        for a moderator to answer. Best first."""
        limits = self.thresholds
        return self._in_band(
            text, vector, limit, limits.suggestion_similarity, limits.suggestion_verifier, limits.verifier
        )

    def _in_band(
        self, text: str, vector: np.ndarray, limit: int, similarity: float, floor: float, ceiling: float | None
    ) -> list[Match]:
        limits = self.thresholds
        with self._lock:
            candidates = [
                (kind, key, score)
                for kind, count in ((MatchKind.TEMPLATE, TEMPLATE_CANDIDATES), (MatchKind.CLUSTER, CLUSTER_CANDIDATES))
                for key, score in self._indexes[kind].nearest(vector, count)
                if score >= similarity
            ]
            if not candidates:
                return []
            bank, places = self._template_bank()
            language = guess_language(text)
            message = Message(vector, language, cues(text_to_encode(text)))
            agreed = self.verifier.probability(
                self.verifier.features(
                    [
                        (message, self._known[key], places.get(key) if kind is MatchKind.TEMPLATE else None)
                        for kind, key, _ in candidates
                    ],
                    bank,
                )
            )
            found = [
                Match(self._ids[key], kind, round(score, 4), "", self._resemblance(language, self._known[key], bank))
                for (kind, key, score), probability in zip(candidates, agreed, strict=True)
                if probability >= floor and (ceiling is None or probability < ceiling or score < limits.similarity)
            ]
        found.sort(key=lambda m: (-m.score, m.kind is not MatchKind.TEMPLATE, m.id))
        return found[:limit]

    def _template_bank(self) -> tuple[Bank, dict[int, int]]:
        if self._bank is None:
            keys = [key for (kind, _), key in self._keys.items() if kind is MatchKind.TEMPLATE]
            self._bank = (
                Bank.of([self._known[key] for key in keys], self.encoder.dim),
                {key: place for place, key in enumerate(keys)},
            )
        return self._bank

    @staticmethod
    def _resemblance(message: str | None, known: Known, bank: Bank) -> Resemblance:
        """Translated when the message's language is not the line's: for a template, when its family has no
        line in the message's language (a rewording matched through the family's line in another language is
        still a rewording)."""
        if not message:
            return Resemblance.REWORDED
        languages = {known.language} if known.family is None else set(bank.languages[bank.families == known.family])
        if None in languages or message in languages:
            return Resemblance.REWORDED
        return Resemblance.TRANSLATED


def open_stage(encoder_spec: str, verifier_cache: Path, thresholds: SemanticThresholds | None = None) -> SemanticStage:
    """Load the encoder and its verifier (trained on first use for an encoder Kuzet ships none for)."""
    encoder = load_encoder(encoder_spec)
    return SemanticStage(encoder, verifier_for(encoder, verifier_cache), thresholds)
