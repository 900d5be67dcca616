"""A MinHash LSH index over character 4-grams: near-duplicate candidates among millions of texts in microseconds.

Each text gets ``BANDS * ROWS`` min-hashes of its 4-gram set; each band of
``ROWS`` min-hashes becomes one 64-bit key. Two texts become candidates when
they share a band key, which happens with probability ``1 - (1 - J^ROWS)^BANDS``
for Jaccard similarity J (J = 0.5 → 0.9999, J = 0.2 → 0.73, J = 0.05 → 0.08).

Keys live in one sorted numpy array (band number folded into the key), so a
lookup is a single vectorised binary search; new texts go to a small dict
and are merged into the arrays in batches.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

BANDS = 32
ROWS = 2
SHINGLE = 4
MERGE_EVERY = 50_000
_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(20260521)
_A = (_rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
_BAND_SALT = np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def band_keys(text: str) -> np.ndarray:
    """The BANDS keys of a normalised text."""
    grams = {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
    x = np.fromiter((hash(g) & 0xFFFFFFFF for g in grams), dtype=np.uint64, count=len(grams))
    with np.errstate(over="ignore"):
        mins = ((x[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)).min(axis=0)
        pairs = mins.reshape(BANDS, ROWS)
        return ((pairs[:, 0] << np.uint64(32)) | (pairs[:, 1] & _MASK32)) ^ _BAND_SALT


class MinHashIndex:
    """Integer ids → candidate ids that share at least one band key, best-sharing first."""

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._ids = np.empty(0, dtype=np.uint32)
        self._pending: dict[int, list[int]] = {}
        self._pending_count = 0

    def add(self, item: int, text: str) -> None:
        for key in band_keys(text).tolist():
            self._pending.setdefault(key, []).append(item)
        self._pending_count += 1
        if self._pending_count >= MERGE_EVERY:
            self.merge()

    def merge(self) -> None:
        """Move pending keys into the sorted arrays."""
        if not self._pending:
            return
        keys = np.fromiter((k for k, ids in self._pending.items() for _ in ids), dtype=np.uint64)
        ids = np.fromiter((i for ids in self._pending.values() for i in ids), dtype=np.uint32)
        keys, ids = np.concatenate([self._keys, keys]), np.concatenate([self._ids, ids])
        order = np.argsort(keys, kind="stable")
        self._keys, self._ids = keys[order], ids[order]
        self._pending.clear()
        self._pending_count = 0

    def candidates(self, text: str, limit: int) -> list[int]:
        """Ids sharing a band with ``text``, most shared bands first, at most ``limit``."""
        keys = band_keys(text)
        hits: Counter[int] = Counter()
        if len(self._keys):
            starts = np.searchsorted(self._keys, keys, side="left")
            ends = np.searchsorted(self._keys, keys, side="right")
            for start, end in zip(starts.tolist(), ends.tolist()):
                if end > start:
                    hits.update(self._ids[start:end].tolist())
        for key in keys.tolist():
            hits.update(self._pending.get(key, ()))
        return [item for item, _ in hits.most_common(limit)]

    @property
    def nbytes(self) -> int:
        return self._keys.nbytes + self._ids.nbytes
