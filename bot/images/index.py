"""Finding stored hashes within a Hamming distance of a query: exact multi-index hashing.

A 256-bit hash is cut into CHUNKS pieces of 16 bits. Two hashes within ``d`` bits differ in at most
``d // CHUNKS`` bits in one piece at least (pigeonhole), so the candidates are the stored hashes that hold, in
some piece, a value within that many bits of the query's: 16 × 17 bucket look-ups at PDQ's 31 bits, about
4,000 candidates among a million random hashes, each then measured exactly. Nothing within the distance is
missed (benchmarks/bench_images.py compares it with a full scan and with approximate indexes).

The buckets are one sorted array per piece, rebuilt by a query only when the hashes added since the last
build outgrow a share of the whole; those recent hashes are scanned directly. Removal marks a row dead. So
adding and removing stay cheap while reports arrive, and loading many hashes at start builds once.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from bot.images.pdq import BITS

DEFAULT_MAX_DISTANCE = 31
"""PDQ's customary match threshold: 31 of 256 bits."""
CHUNKS = 16
CHUNK_BITS = BITS // CHUNKS
MAX_FLIPS = 2
"""Bucket look-ups grow fast with the bits flipped per piece (1, 17, 137): beyond 47 bits a full scan is used."""
MIN_BUILT = 4096
"""Below this many hashes everything is scanned directly: a bucket table would not pay for itself."""
RECENT_SHARE = 128
"""The buckets are rebuilt when the hashes added since outnumber 1/RECENT_SHARE of the built ones."""
WORDS = BITS // 64


@dataclass(frozen=True)
class Near:
    key: int
    distance: int


def _flip_masks(flips: int) -> np.ndarray:
    masks = [0]
    for count in range(1, flips + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(CHUNK_BITS), count)]
    return np.array(masks, dtype=np.int64)


_MASKS = [_flip_masks(flips) for flips in range(MAX_FLIPS + 1)]


_PIECE_OFFSETS = np.arange(CHUNKS, dtype=np.int64) << CHUNK_BITS
"""Piece c's bucket for value v is c * 65536 + v."""


class HammingIndex:
    """Hashes under integer keys; ``near`` finds those within a distance. Adding a key again replaces it."""

    def __init__(self) -> None:
        self._matrix = np.zeros((0, WORDS), dtype=np.uint64)
        self._keys = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._size = 0
        """Rows in use (alive or dead); the arrays above have spare room beyond it."""
        self._row: dict[int, int] = {}
        self._built = 0
        """Rows 0.._built-1 are in the buckets; later rows are scanned directly."""
        self._bucket_rows = np.zeros(0, dtype=np.int32)
        self._bucket_starts = np.zeros(CHUNKS * (1 << CHUNK_BITS) + 1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._row)

    def add(self, key: int, bits: bytes) -> None:
        if len(bits) != BITS // 8:
            raise ValueError("a PDQ hash is 32 bytes")
        self.remove(key)
        if self._size == len(self._keys):
            self._grow(max(1024, 2 * self._size))
        self._matrix[self._size] = np.frombuffer(bits, dtype=np.uint64)
        self._keys[self._size] = key
        self._alive[self._size] = True
        self._row[key] = self._size
        self._size += 1

    def remove(self, key: int) -> None:
        row = self._row.pop(key, None)
        if row is None:
            return
        self._alive[row] = False
        if self._size >= MIN_BUILT and len(self._row) < self._size // 2:
            self._compact()

    def near(self, bits: bytes, max_distance: int = DEFAULT_MAX_DISTANCE) -> list[Near]:
        """Stored hashes within ``max_distance`` bits, nearest first."""
        if self._size >= MIN_BUILT and self._size - self._built > max(MIN_BUILT, self._built // RECENT_SHARE):
            self._build()  # here rather than in add: loading many hashes at start builds once
        query = np.frombuffer(bits, dtype=np.uint64)
        flips = max_distance // CHUNKS
        if flips > MAX_FLIPS or self._built == 0:
            candidates = np.arange(self._size)
        else:
            candidates = np.concatenate([self._bucketed(query, flips), np.arange(self._built, self._size)])
        candidates = candidates[self._alive[candidates]]
        distances = np.bitwise_count(self._matrix[candidates] ^ query).sum(axis=1)
        close = distances <= max_distance
        rows, distances = candidates[close], distances[close]
        order = np.lexsort((rows, distances))
        return [Near(int(self._keys[r]), int(d)) for r, d in zip(rows[order], distances[order], strict=True)]

    def _bucketed(self, query: np.ndarray, flips: int) -> np.ndarray:
        """Built rows sharing a piece with the query, up to ``flips`` bits apart in it (deduplicated)."""
        pieces = query.view(np.uint16).astype(np.int64)
        keys = (pieces[:, None] ^ _MASKS[flips][None, :]) + _PIECE_OFFSETS[:, None]
        starts = self._bucket_starts[keys.ravel()]
        ends = self._bucket_starts[keys.ravel() + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # positions start..end-1 of every bucket, without a Python loop
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        return np.unique(self._bucket_rows[offsets]).astype(np.int64)

    def _build(self) -> None:
        pieces = self._matrix[: self._size].view(np.uint16).reshape(-1, CHUNKS)
        # one radix sort per piece (numpy sorts 16-bit values by radix when asked for a stable sort)
        self._bucket_rows = np.concatenate(
            [np.argsort(pieces[:, c], kind="stable").astype(np.int32) for c in range(CHUNKS)]
        )
        counts = np.bincount((pieces.astype(np.int64) + _PIECE_OFFSETS).ravel(), minlength=CHUNKS << CHUNK_BITS)
        self._bucket_starts = np.concatenate([[0], np.cumsum(counts)])
        self._built = self._size

    def _compact(self) -> None:
        live = np.flatnonzero(self._alive[: self._size])
        self._matrix = self._matrix[live]
        self._keys = self._keys[live]
        self._alive = np.ones(len(live), dtype=bool)
        self._size = len(live)
        self._row = {int(k): i for i, k in enumerate(self._keys)}
        self._built = 0
        if self._size >= MIN_BUILT:
            self._build()

    def _grow(self, capacity: int) -> None:
        self._matrix = np.resize(self._matrix, (capacity, WORDS))
        self._keys = np.resize(self._keys, capacity)
        self._alive = np.resize(self._alive, capacity)
