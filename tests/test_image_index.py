"""HammingIndex answers exactly what a full scan answers, through adds, replacements and removals."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.images.index import MIN_BUILT, HammingIndex, Near


def scan(stored: dict[int, bytes], query: bytes, max_distance: int) -> list[Near]:
    q = int.from_bytes(query, "big")
    found = [Near(key, (int.from_bytes(bits, "big") ^ q).bit_count()) for key, bits in stored.items()]
    return sorted((n for n in found if n.distance <= max_distance), key=lambda n: (n.distance, n.key))


def flipped(bits: bytes, positions: list[int]) -> bytes:
    value = int.from_bytes(bits, "big")
    for p in positions:
        value ^= 1 << p
    return value.to_bytes(32, "big")


def by_distance_then_key(found: list[Near]) -> list[Near]:
    return sorted(found, key=lambda n: (n.distance, n.key))


operations = st.lists(
    st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 40), st.integers(0, 7), st.integers(0, 60)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(ops=operations, seed=st.integers(0, 2**32 - 1), max_distance=st.sampled_from([0, 15, 31, 40, 63]))
def test_near_equals_a_full_scan_after_any_adds_and_removes(
    ops: list[tuple[str, int, int, int]], seed: int, max_distance: int
) -> None:
    rng = random.Random(seed)
    families = [rng.randbytes(32) for _ in range(8)]
    index, stored = HammingIndex(), {}
    for op, key, family, flips in ops:
        if op == "add":
            bits = flipped(families[family], rng.sample(range(256), flips))
            index.add(key, bits)
            stored[key] = bits
        else:
            index.remove(key)
            stored.pop(key, None)
        assert len(index) == len(stored)
    for family in families:
        query = flipped(family, rng.sample(range(256), 10))
        assert by_distance_then_key(index.near(query, max_distance)) == scan(stored, query, max_distance)


def test_bucketed_index_finds_every_hash_within_31_bits_among_many() -> None:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 256, size=(3 * MIN_BUILT, 32), dtype=np.uint8)
    index, stored = HammingIndex(), {}
    for key, row in enumerate(base):
        stored[key] = row.tobytes()
        index.add(key, stored[key])
    query_rows = [0, 5, MIN_BUILT, 3 * MIN_BUILT - 1]
    for n, row in enumerate(query_rows):
        for flips in (0, 15, 16, 17, 31, 32):  # around the pigeonhole's piece boundaries
            near = flipped(stored[row], rng.choice(256, flips, replace=False).tolist())
            index.add(10**6 + n * 100 + flips, near)
            stored[10**6 + n * 100 + flips] = near
    for key in range(3 * MIN_BUILT):  # two thirds removed: the index compacts and rebuilds its buckets
        if key % 3:
            index.remove(key)
            stored.pop(key)
    for row in query_rows:
        query = base[row].tobytes()
        assert by_distance_then_key(index.near(query)) == scan(stored, query, 31)
        assert len(index.near(query)) >= 4


def test_adding_a_key_again_replaces_its_hash() -> None:
    index = HammingIndex()
    first, second = bytes(32), bytes([255]) * 32
    index.add(1, first)
    index.add(1, second)
    assert len(index) == 1
    assert index.near(first) == []
    assert index.near(second) == [Near(1, 0)]


def test_removing_an_unknown_key_changes_nothing() -> None:
    index = HammingIndex()
    index.add(1, bytes(32))
    index.remove(2)
    assert index.near(bytes(32)) == [Near(1, 0)]
