"""The Matcher: one message against known templates, earlier report clusters and the negative bank.

Two stages. Candidates first: templates and negatives (a few thousand at
most) through an inverted index of their words, clusters (up to millions)
through a MinHash LSH index of character 4-grams (bot.core.lsh). Then exact
scoring of those candidates with rapidfuzz (bot.core.similarity).

A message that matches the negative bank produces only that negative match:
greetings, "I agree" and slogans everyone uses never count as a campaign.
When a message comments on something it quotes (at least COMMENTARY_TOKENS
words outside quotation marks), only the commentary is matched: a critic who
quotes the official line in order to mock it is not its author. A message
that is little more than a quoted line is matched whole.

Stored texts are kept in parallel arrays (about 250 bytes a text with its
LSH keys), so a million clusters fit well under a gigabyte. Reads and writes
take one lock, so a Matcher can be shared between threads.
"""

from __future__ import annotations

import threading
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

from bot.core.lsh import MinHashIndex
from bot.core.normalize import normalize
from bot.core.quotes import commentary
from bot.core.similarity import Thresholds, required, similarity
from bot.core.templates import variants

CLUSTER_CANDIDATES = 128
_MAX_COUNT = 65_535


class MatchKind(StrEnum):
    TEMPLATE = "template"
    CLUSTER = "cluster"
    NEGATIVE = "negative"


class Resemblance(StrEnum):
    """How a message resembles what it matched; receipts and cards say which."""

    EDITED = "edited"
    """The same text with small edits (the lexical stage)."""
    REWORDED = "reworded"
    """The same message in other words (the semantic stage, same language)."""
    TRANSLATED = "translated"
    """The same message in another language (the semantic stage)."""


_KINDS = list(MatchKind)


@dataclass(frozen=True)
class Match:
    id: str
    kind: MatchKind
    score: float
    matched: str
    """The stored text (normalised; for a template, the variant) that matched."""
    resemblance: Resemblance = Resemblance.EDITED

    @property
    def how(self) -> str:
        """Which stage found it: "lexical" or "semantic"."""
        return "lexical" if self.resemblance is Resemblance.EDITED else "semantic"


class Matcher:
    """Known texts, searchable by similarity; see the module docstring."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._lock = threading.RLock()
        self._texts: list[str | None] = []
        self._ids: list[str] = []
        self._kinds = bytearray()
        self._tokens = array("H")
        self._distinct = array("H")
        self._by_key: dict[tuple[MatchKind, str], list[int]] = {}
        self._bank_words: dict[str, set[int]] = {}
        self._clusters = MinHashIndex()

    def add(self, id: str | int, text: str, kind: MatchKind | str) -> None:
        """Add (or replace) a text; a template is added through its variants."""
        kind = MatchKind(kind)
        with self._lock:
            for index, normalised in self._store(str(id), text, kind):
                if kind is MatchKind.CLUSTER:
                    self._clusters.add(index, normalised)

    def add_many(self, items: Iterable[tuple[str | int, str, MatchKind | str]]) -> None:
        """Add many texts; clusters are indexed with a single sort (for building at start)."""
        with self._lock:
            clusters = array("I")
            for id, text, kind in items:
                kind = MatchKind(kind)
                for index, _ in self._store(str(id), text, kind):
                    if kind is MatchKind.CLUSTER:
                        clusters.append(index)
            self._clusters.extend((i, self._texts[i] or "") for i in clusters)

    def _store(self, id: str, text: str, kind: MatchKind) -> list[tuple[int, str]]:
        """Record the texts of one key (replacing earlier ones); return their entry numbers."""
        self.remove(id, kind)
        texts = variants(text) if kind is MatchKind.TEMPLATE else (normalize(text),)
        stored = []
        for normalised in texts:
            if not normalised:
                continue
            index = len(self._texts)
            words = normalised.split()
            self._texts.append(normalised)
            self._ids.append(id)
            self._kinds.append(_KINDS.index(kind))
            self._tokens.append(min(len(words), _MAX_COUNT))
            self._distinct.append(min(len(set(words)), _MAX_COUNT))
            self._by_key.setdefault((kind, id), []).append(index)
            if kind is not MatchKind.CLUSTER:
                for word in set(words):
                    self._bank_words.setdefault(word, set()).add(index)
            stored.append((index, normalised))
        return stored

    def remove(self, id: str | int, kind: MatchKind | str | None = None) -> None:
        """Forget a text, of one kind or of every kind."""
        kinds = list(MatchKind) if kind is None else [MatchKind(kind)]
        with self._lock:
            for k in kinds:
                for index in self._by_key.pop((k, str(id)), []):
                    text = self._texts[index]
                    self._texts[index] = None
                    if text is not None and k is not MatchKind.CLUSTER:
                        for word in set(text.split()):
                            self._bank_words[word].discard(index)

    def __len__(self) -> int:
        return len(self._by_key)

    def text_of(self, id: str | int, kind: MatchKind | str) -> str | None:
        """The (first) normalised text stored under this key."""
        with self._lock:
            indexes = self._by_key.get((MatchKind(kind), str(id)), [])
            return self._texts[indexes[0]] if indexes else None

    def match(self, text: str, limit: int = 5) -> list[Match]:
        """Matches best first: templates and clusters above their thresholds, or the negative that vetoes them."""
        message = _own_words(text)
        if not message:
            return []
        tokens = len(message.split())
        limits = self.thresholds
        thresholds = {
            MatchKind.TEMPLATE: limits.template,
            MatchKind.CLUSTER: limits.cluster,
            MatchKind.NEGATIVE: limits.negative,
        }
        with self._lock:
            candidates = chain(self._bank_candidates(message), self._clusters.candidates(message, CLUSTER_CANDIDATES))
            best: dict[tuple[MatchKind, str], Match] = {}
            for index in set(candidates):
                stored = self._texts[index]
                if stored is None:
                    continue
                kind = _KINDS[self._kinds[index]]
                contained = message if kind is MatchKind.TEMPLATE else None
                score = similarity(stored, self._tokens[index], message, tokens, contained, limits)
                if score < required(self._tokens[index], tokens, thresholds[kind], limits):
                    continue
                key = (kind, self._ids[index])
                if key not in best or best[key].score < score:
                    best[key] = Match(key[1], kind, round(score, 4), stored)
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.kind != MatchKind.TEMPLATE, m.id))
        negatives = [m for m in ranked if m.kind is MatchKind.NEGATIVE]
        return negatives[:1] if negatives else ranked[:limit]

    def _bank_candidates(self, message: str) -> list[int]:
        """Templates and negatives sharing at least a third of their words with the message."""
        counts = Counter(chain.from_iterable(self._bank_words.get(w, ()) for w in set(message.split())))
        return [index for index, shared in counts.items() if shared * 3 >= self._distinct[index]]


def _own_words(text: str) -> str:
    """The normalised message, without what it quotes when it comments on a quotation."""
    own = commentary(text)
    return normalize(text if own is None else own)


def template_reach(template: str, texts: Iterable[str | None], thresholds: Thresholds | None = None) -> list[int]:
    """The positions of the texts that ``template`` alone would match (the lexical stage, as the bot's matcher
    would): what a template being written would catch among a case's reports."""
    alone = Matcher(thresholds)
    alone.add("draft", template, MatchKind.TEMPLATE)
    return [position for position, text in enumerate(texts) if text and alone.match(text, limit=1)]
