"""Random Bot API faults on a fraction of calls, as a throttled or failing network gives them.

Every fault here happens before Telegram carries the call out, so a bot that retries correctly
delivers each message exactly once. (A call carried out whose answer is lost is the other,
undecidable case: ``FakeTelegram.lose_answer_next``.)
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

FAULT_KINDS = ("429", "500", "drop", "timeout")
"""429 with retry_after; 500 Internal Server Error; the connection dropped unanswered; the request
held unanswered for ``stall_seconds``, then dropped (longer than the client waits: a timeout)."""


@dataclass
class Faults:
    rate: float
    kinds: tuple[str, ...] = FAULT_KINDS
    methods: frozenset[str] | None = None
    """Lower-case method names; None: every method but getUpdates."""
    stall_seconds: float = 6.0
    seed: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown or not 0 <= self.rate <= 1:
            raise ValueError(
                f"faults: rate must be within 0..1 and kinds among {FAULT_KINDS}, got {self.rate}, {unknown}"
            )
        self._random = random.Random(self.seed)

    def pick(self, method: str) -> str | None:
        """The fault this call gets, or None."""
        name = method.lower()
        if (name == "getupdates") if self.methods is None else (name not in self.methods):
            return None
        if self._random.random() >= self.rate:
            return None
        kind = self._random.choice(self.kinds)
        self.counts[kind] += 1
        return kind
