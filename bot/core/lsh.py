"""A MinHash LSH index over character 4-grams: near-duplicate candidates among millions of texts in microseconds.

Each text gets ``BANDS * ROWS`` min-hashes of its 4-gram set; each band of
``ROWS`` min-hashes becomes one key. Two texts become candidates when they
share a band key, which happens with probability ``1 - (1 - J^ROWS)^BANDS``
for Jaccard similarity J (ROWS = 3, BANDS = 48: J = 0.4 → 0.96, J = 0.45 →
0.99, J = 0.5 → 0.998, J = 0.15 → 0.15). Pairs at the cluster threshold have
J ≈ 0.4–0.6 on this corpus (benchmarks/bench_match.py reports the ones lost).

Storage is one sorted numpy uint64 array: a 36-bit band key in the high bits
and a 28-bit item id in the low bits, so the index is 8 bytes per (text,
band) and a lookup is one vectorised binary search. A bucket holding more
than MAX_BUCKET items (a very common shingle combination) says little and
is skipped: true near-duplicates share many other bands. New texts go to a
small dict and are merged into the array in batches; a bulk load sorts once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

BANDS = 48
ROWS = 3
SHINGLE = 4
MERGE_EVERY = 50_000
MAX_BUCKET = 2_000
_BLOCK = 65_536
ID_BITS = 28
MAX_ITEMS = 1 << ID_BITS
_ID_MASK = np.uint64(MAX_ITEMS - 1)
_rng = np.random.default_rng(20260521)
_A = (_rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def band_keys(text: str) -> np.ndarray:
    """The BANDS keys of a normalised text, each already shifted into the high 36 bits."""
    grams = {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
    x = np.fromiter((hash(g) & 0xFFFFFFFF for g in grams), dtype=np.uint64, count=len(grams))
    with np.errstate(over="ignore"):
        mins = ((x[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)).min(axis=0).reshape(BANDS, ROWS)
        mixed = _BAND_SALT.copy()
        for row in range(ROWS):
            mixed = (mixed ^ mins[:, row]) * _MIX
        return (mixed >> np.uint64(ID_BITS)) << np.uint64(ID_BITS)


class MinHashIndex:
    """Integer ids (below MAX_ITEMS) → candidate ids sharing band keys, most shared first."""

    def __init__(self) -> None:
        self._packed = np.empty(0, dtype=np.uint64)
        self._pending: dict[int, list[int]] = {}
        self._pending_items = 0

    def add(self, item: int, text: str) -> None:
        _check(item)
        for key in band_keys(text).tolist():
            self._pending.setdefault(key, []).append(item)
        self._pending_items += 1
        if self._pending_items >= MERGE_EVERY:
            self.merge()

    def extend(self, items: Iterable[tuple[int, str]]) -> None:
        """Add many texts with a single sort (for building at start)."""
        blocks, block, filled = [self._packed], np.empty((_BLOCK, BANDS), dtype=np.uint64), 0
        for item, text in items:
            _check(item)
            block[filled] = band_keys(text) | np.uint64(item)
            filled += 1
            if filled == _BLOCK:
                blocks.append(block.ravel())
                block, filled = np.empty((_BLOCK, BANDS), dtype=np.uint64), 0
        blocks.append(block[:filled].ravel())
        self._packed = np.concatenate(blocks)
        self._packed.sort()

    def merge(self) -> None:
        """Move pending keys into the sorted array."""
        if not self._pending:
            return
        pending = np.fromiter((key | item for key, items in self._pending.items() for item in items), dtype=np.uint64)
        self._packed = np.concatenate([self._packed, pending])
        self._packed.sort()
        self._pending.clear()
        self._pending_items = 0

    def candidates(self, text: str, limit: int) -> list[int]:
        """Ids sharing a band with ``text``, most shared bands first, at most ``limit``."""
        keys = band_keys(text)
        slices = []
        if len(self._packed):
            starts = np.searchsorted(self._packed, keys, side="left")
            ends = np.searchsorted(self._packed, keys | _ID_MASK, side="right")
            slices = [
                self._packed[s:e]
                for s, e in zip(starts.tolist(), ends.tolist(), strict=False)
                if 0 < e - s <= MAX_BUCKET
            ]
        pending = [np.asarray(self._pending[k], dtype=np.uint64) for k in keys.tolist() if k in self._pending]
        if not slices and not pending:
            return []
        ids = np.concatenate([*(s & _ID_MASK for s in slices), *pending])
        unique, counts = np.unique(ids, return_counts=True)
        if len(unique) > limit:
            top = np.argpartition(-counts, limit)[:limit]
            unique, counts = unique[top], counts[top]
        order = np.argsort(-counts, kind="stable")
        return unique[order].tolist()

    @property
    def nbytes(self) -> int:
        return self._packed.nbytes


def _check(item: int) -> None:
    if not 0 <= item < MAX_ITEMS:
        raise ValueError(f"item id {item} is outside 0..{MAX_ITEMS - 1}")
