"""Recall and precision of picture matching on an evaluation set, through the index the bot uses.

Each source picture's first copy is stored (unless its quality is under the floor: such pictures are never
hashed, so they are counted apart, not as misses). Each changed copy is a query: a hit when its own source is
within the threshold, a false match for every other source there, hard negatives of the same kind included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.images.index import HammingIndex
from bot.images.pdq import MIN_QUALITY, ImageHash


@dataclass(frozen=True)
class Query:
    source: str
    change: str
    hashes: tuple[ImageHash, ...]
    """One hash, or the eight dihedral ones (the first being the plain hash)."""


@dataclass
class Figures:
    hits: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)
    true_matches: int = 0
    false_matches: int = 0
    false_pairs: list[tuple[str, str, str]] = field(default_factory=list)
    """(change, query's source, wrongly matched source)."""
    unusable_sources: list[str] = field(default_factory=list)
    unusable_queries: int = 0

    def recall(self, change: str | None = None) -> float:
        if change is None:
            return sum(self.hits.values()) / max(1, sum(self.queries.values()))
        return self.hits[change] / max(1, self.queries[change])

    @property
    def precision(self) -> float:
        return self.true_matches / max(1, self.true_matches + self.false_matches)


def evaluate(
    stored: Mapping[str, ImageHash],
    queries: Iterable[Query],
    max_distance: int,
    min_quality: int = MIN_QUALITY,
) -> Figures:
    figures = Figures()
    names = list(stored)
    index = HammingIndex()
    for key, name in enumerate(names):
        if stored[name].quality >= min_quality:
            index.add(key, stored[name].bits)
        else:
            figures.unusable_sources.append(name)
    for query in queries:
        if query.source in figures.unusable_sources:
            continue
        figures.queries[query.change] += 1
        if query.hashes[0].quality < min_quality:
            figures.unusable_queries += 1
            continue
        matched = {names[near.key] for h in query.hashes for near in index.near(h.bits, max_distance)}
        figures.hits[query.change] += query.source in matched
        figures.true_matches += query.source in matched
        wrong = sorted(matched - {query.source})
        figures.false_matches += len(wrong)
        figures.false_pairs.extend((query.change, query.source, name) for name in wrong)
    return figures
