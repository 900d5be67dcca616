"""Finding stored hashes within a Hamming distance of a query."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.images.pdq import BITS

DEFAULT_MAX_DISTANCE = 31
"""PDQ's customary match threshold: 31 of 256 bits."""


@dataclass(frozen=True)
class Near:
    key: int
    distance: int


class HammingIndex:
    """Hashes under integer keys; ``near`` finds those within a distance. Adding a key again replaces it."""

    def __init__(self) -> None:
        self._keys: list[int] = []
        self._rows: list[bytes] = []
        self._position: dict[int, int] = {}
        self._matrix: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self._position)

    def add(self, key: int, bits: bytes) -> None:
        if len(bits) != BITS // 8:
            raise ValueError("a PDQ hash is 32 bytes")
        if key in self._position:
            self._rows[self._position[key]] = bits
        else:
            self._position[key] = len(self._keys)
            self._keys.append(key)
            self._rows.append(bits)
        self._matrix = None

    def remove(self, key: int) -> None:
        position = self._position.pop(key, None)
        if position is None:
            return
        last = len(self._keys) - 1
        if position != last:
            self._keys[position], self._rows[position] = self._keys[last], self._rows[last]
            self._position[self._keys[position]] = position
        self._keys.pop()
        self._rows.pop()
        self._matrix = None

    def near(self, bits: bytes, max_distance: int = DEFAULT_MAX_DISTANCE) -> list[Near]:
        """Stored hashes within ``max_distance`` bits, nearest first."""
        if not self._keys:
            return []
        if self._matrix is None:
            self._matrix = np.frombuffer(b"".join(self._rows), dtype=np.uint64).reshape(-1, BITS // 64)
        query = np.frombuffer(bits, dtype=np.uint64)
        distances = np.bitwise_count(self._matrix ^ query).sum(axis=1)
        hits = np.flatnonzero(distances <= max_distance)
        order = hits[np.argsort(distances[hits], kind="stable")]
        return [Near(self._keys[i], int(distances[i])) for i in order]
