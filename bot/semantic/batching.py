"""Encoding for concurrent callers in shared encoder calls (micro-batches).

When several reports wait for their vectors at once (a burst: webhook handlers run concurrently across
chats), one encoder call for all of them costs less than one call each: the engine streams its weights once
a call, and with both cores busy on one batch no call waits at a barrier for a core another call holds.
A lone text is encoded at once, with no delay to wait for company; texts that arrive while a call runs wait
for it and go together in the next one, at most ``limit`` a call. The encoder runs in a thread, so the
event loop keeps serving meanwhile. A batch the encoder refuses is tried text by text: one text it cannot take
fails its own caller, not the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import numpy as np

BATCH_LIMIT = 32
"""Texts an encoder call takes at most: 32 short posts are about 0.5 s on two cores, so the last of a full
batch does not wait much longer than its own encoding would take alone behind the others."""


class EncodeBatcher:
    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray], limit: int = BATCH_LIMIT) -> None:
        self._encode = encode
        self.limit = limit
        self.calls = 0
        """Encoder calls made so far."""
        self._waiting: list[tuple[str, asyncio.Future[np.ndarray]]] = []
        self._running: asyncio.Task[None] | None = None

    async def encode(self, text: str) -> np.ndarray:
        """The text's vector, from an encoder call it may share with texts of other callers."""
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        self._waiting.append((text, future))
        if self._running is None:
            self._running = asyncio.create_task(self._drain(), name="encode batches")
        return await future

    async def _drain(self) -> None:
        """Encode what waits, a batch at a time, until nothing does."""
        batch: list[tuple[str, asyncio.Future[np.ndarray]]] = []
        try:
            while waiting := [(text, future) for text, future in self._waiting if not future.cancelled()]:
                batch, self._waiting = waiting[: self.limit], waiting[self.limit :]
                outcomes = await asyncio.to_thread(self._outcomes, [text for text, _ in batch])
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller was cancelled meanwhile
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
                batch = []
        except asyncio.CancelledError:  # the loop is closing: nobody is left to encode for the waiting callers
            for _, future in [*batch, *self._waiting]:
                future.cancel()
            self._waiting = []
            raise
        finally:
            self._running = None

    def _outcomes(self, texts: list[str]) -> list[np.ndarray | Exception]:
        """Each text's vector, or the error encoding it raised: when a batch fails, its texts are tried one by
        one, so a text the encoder cannot take fails its own caller only."""
        self.calls += 1
        try:
            return list(self._encode(texts))
        except Exception as exc:
            if len(texts) == 1:
                return [exc]
            return [outcome for text in texts for outcome in self._outcomes([text])]
