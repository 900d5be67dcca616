"""Small counts in public outputs: a count of a few can point at the few people behind it (the reporters of a
case, the moderators who verified it), so below K it is only ever "fewer than K".

Zero stays zero: it points at no one."""

from __future__ import annotations

DEFAULT_K = 5


def is_small(count: int, k: int) -> bool:
    """Whether the count must not be shown exactly (1 to k - 1)."""
    return 0 < count < k


def coarse(count: int, k: int) -> int | str:
    """The count as an export writes it: the number, or the string "<k" when it is small."""
    return f"<{k}" if is_small(count, k) else count
