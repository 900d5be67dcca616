"""Nearest stored vectors by cosine: exact for the template bank, approximate (HNSW) for clusters.

Templates number in the hundreds, so a matrix product over all of them is exact and takes microseconds.
Clusters grow to hundreds of thousands; usearch keeps them as float16 in an HNSW graph (about 1 KB a
cluster with the graph; 0.23 ms p99 a query at 100,000, measured by benchmarks/bench_semantic.py) and,
unlike faiss's HNSW, can remove a key (a cluster that became a template).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from usearch.index import Index


class VectorIndex(Protocol):
    def add(self, key: int, vector: np.ndarray) -> None: ...
    def remove(self, key: int) -> None: ...
    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        """Up to ``count`` (key, cosine) pairs, most similar first."""

    def vector(self, key: int) -> np.ndarray: ...
    def __len__(self) -> int: ...


class ExactIndex:
    """Every vector compared: for a few thousand at most."""

    def __init__(self, dim: int) -> None:
        self._dim = dim
        self._vectors: dict[int, np.ndarray] = {}
        self._matrix: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, key: int, vector: np.ndarray) -> None:
        self._vectors[key] = np.asarray(vector, dtype=np.float32).reshape(self._dim)
        self._matrix = None

    def remove(self, key: int) -> None:
        if self._vectors.pop(key, None) is not None:
            self._matrix = None

    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        if not self._vectors:
            return []
        if self._matrix is None:
            self._matrix = (
                np.fromiter(self._vectors, dtype=np.int64, count=len(self._vectors)),
                np.stack(list(self._vectors.values())),
            )
        keys, matrix = self._matrix
        scores = matrix @ vector
        top = np.argsort(-scores)[:count]
        return [(int(keys[i]), float(scores[i])) for i in top]

    def vector(self, key: int) -> np.ndarray:
        return self._vectors[key]

    def __len__(self) -> int:
        return len(self._vectors)


class ApproximateIndex:
    """usearch HNSW over float16 vectors."""

    def __init__(self, dim: int) -> None:
        self._index = Index(ndim=dim, metric="cos", dtype="f16", multi=False)

    def add(self, key: int, vector: np.ndarray) -> None:
        self.remove(key)
        self._index.add(key, np.asarray(vector, dtype=np.float32))

    def remove(self, key: int) -> None:
        if key in self._index:
            self._index.remove(key)

    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        if len(self._index) == 0:
            return []
        found = self._index.search(np.asarray(vector, dtype=np.float32), count)
        return [(int(key), 1.0 - float(distance)) for key, distance in zip(found.keys, found.distances, strict=False)]

    def vector(self, key: int) -> np.ndarray:
        return np.asarray(self._index.get(key), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._index)
