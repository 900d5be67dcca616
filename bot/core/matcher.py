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

Reads and writes take one lock, so a Matcher can be shared between threads.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

from bot.core.lsh import MinHashIndex
from bot.core.normalize import normalize
from bot.core.similarity import Thresholds, required, similarity
from bot.core.templates import variants

CLUSTER_CANDIDATES = 48
COMMENTARY_TOKENS = 3
"""Words outside quotation marks from which a message counts as commentary on what it quotes."""
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"|「[^」]*」|『[^』]*』|‘[^’]*’")


class MatchKind(StrEnum):
    TEMPLATE = "template"
    CLUSTER = "cluster"
    NEGATIVE = "negative"


@dataclass(frozen=True)
class Match:
    id: str
    kind: MatchKind
    score: float
    matched: str
    """The stored text (normalised; for a template, the variant) that matched."""


@dataclass(frozen=True)
class _Entry:
    key: tuple[MatchKind, str]
    text: str
    tokens: int
    distinct_words: int


class Matcher:
    """Known texts, searchable by similarity; see the module docstring."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._lock = threading.RLock()
        self._entries: list[_Entry | None] = []
        self._by_key: dict[tuple[MatchKind, str], list[int]] = {}
        self._bank_words: dict[str, set[int]] = {}
        self._clusters = MinHashIndex()

    def add(self, id: str | int, text: str, kind: MatchKind | str) -> None:
        """Add (or replace) a text; a template is added through its variants."""
        kind = MatchKind(kind)
        key = (kind, str(id))
        texts = variants(text) if kind is MatchKind.TEMPLATE else (normalize(text),)
        with self._lock:
            self.remove(key[1], kind)
            for normalised in texts:
                if not normalised:
                    continue
                index = len(self._entries)
                words = normalised.split()
                self._entries.append(_Entry(key, normalised, len(words), len(set(words))))
                self._by_key.setdefault(key, []).append(index)
                if kind is MatchKind.CLUSTER:
                    self._clusters.add(index, normalised)
                else:
                    for word in set(normalised.split()):
                        self._bank_words.setdefault(word, set()).add(index)

    def add_many(self, items: Iterable[tuple[str | int, str, MatchKind | str]]) -> None:
        """Add many texts, then settle the cluster index once (for building at start)."""
        with self._lock:
            for id, text, kind in items:
                self.add(id, text, kind)
            self._clusters.merge()

    def remove(self, id: str | int, kind: MatchKind | str | None = None) -> None:
        """Forget a text, of one kind or of every kind."""
        kinds = list(MatchKind) if kind is None else [MatchKind(kind)]
        with self._lock:
            for k in kinds:
                for index in self._by_key.pop((k, str(id)), []):
                    entry = self._entries[index]
                    self._entries[index] = None
                    if entry is not None and k is not MatchKind.CLUSTER:
                        for word in set(entry.text.split()):
                            self._bank_words[word].discard(index)

    def __len__(self) -> int:
        return len(self._by_key)

    def match(self, text: str, limit: int = 5) -> list[Match]:
        """Matches best first: templates and clusters above their thresholds, or the negative that vetoes them."""
        message = _own_words(text)
        if not message:
            return []
        tokens = len(message.split())
        with self._lock:
            candidates = chain(self._bank_candidates(message), self._clusters.candidates(message, CLUSTER_CANDIDATES))
            best: dict[tuple[MatchKind, str], Match] = {}
            for index in set(candidates):
                entry = self._entries[index]
                if entry is None:
                    continue
                kind = entry.key[0]
                contained = None if kind is MatchKind.NEGATIVE else message
                score = similarity(entry.text, entry.tokens, message, tokens, contained, self.thresholds)
                threshold = {
                    MatchKind.TEMPLATE: self.thresholds.template,
                    MatchKind.CLUSTER: self.thresholds.cluster,
                    MatchKind.NEGATIVE: self.thresholds.negative,
                }[kind]
                if score < required(entry.tokens, tokens, threshold, self.thresholds):
                    continue
                if entry.key not in best or best[entry.key].score < score:
                    best[entry.key] = Match(entry.key[1], kind, round(score, 4), entry.text)
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.kind != MatchKind.TEMPLATE, m.id))
        negatives = [m for m in ranked if m.kind is MatchKind.NEGATIVE]
        return negatives[:1] if negatives else ranked[:limit]

    def _bank_candidates(self, message: str) -> list[int]:
        """Templates and negatives sharing at least a third of their words with the message."""
        counts = Counter(chain.from_iterable(self._bank_words.get(w, ()) for w in set(message.split())))
        return [
            index
            for index, shared in counts.items()
            if (entry := self._entries[index]) is not None and shared * 3 >= entry.distinct_words
        ]


def _own_words(text: str) -> str:
    """The normalised message, without what it quotes when it comments on a quotation."""
    if _QUOTED.search(text):
        commentary = normalize(_QUOTED.sub(" ", text))
        if len(commentary.split()) >= COMMENTARY_TOKENS:
            return commentary
    return normalize(text)
