"""Texts that wait for their vectors at once are encoded together, each getting the vector it would get alone;
a text read again is not encoded again; and a text the encoder refuses fails only its own caller."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import numpy as np
import pytest

from bot.core.reports import ReportKind
from bot.core.similarity import Thresholds
from bot.core.submission import Submission
from bot.database_url import DatabaseUrl
from bot.semantic.batching import EncodeBatcher
from bot.semantic.encoders import Encoder
from bot.semantic.stage import SemanticStage
from bot.service.matching import build_matcher
from bot.service.reports import Receipt, submit_report
from bot.store import Store
from bot.store.outbox import QueuedReceipt
from tests.test_semantic_eval import stage

TEXTS = [
    "The president always thinks about ordinary people and their families",
    "Президент всегда думает о простых людях и их семьях",
    "Президент қарапайым адамдар мен олардың отбасылары туралы әрқашан ойлайды",
    "الرئيس يفكر دائما في الناس العاديين وعائلاتهم",
    "總統始終關心普通百姓和他們的家庭",
    "Rain is expected in Almaty tomorrow, take an umbrella",
    "Our football team won the regional cup after a long season",
    "The library on Abay street opens an hour later on Sundays",
]
REFUSED = "a lone surrogate \ud800 is no text the encoder can take"


class CountingEncoder:
    """The shipped encoder, counting the texts it is asked for (the stage's own calls, not a stand-in)."""

    def __init__(self, encoder: Encoder, call_seconds: float = 0.0) -> None:
        self.encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self.texts = 0
        self.call_seconds = call_seconds

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(self.call_seconds)  # in the encoder's thread, as a long message's encoding would take
        self.texts += len(texts)
        return self.encoder.encode(texts)


def fresh_stage(call_seconds: float = 0.0) -> SemanticStage:
    """A stage on the shipped encoder and verifier that has encoded nothing yet (each call taking at least
    ``call_seconds``)."""
    shared = stage()
    return SemanticStage(CountingEncoder(shared.encoder, call_seconds), shared.verifier)


def alone(texts: list[str]) -> np.ndarray:
    semantic = fresh_stage()
    return np.stack([semantic.encode([text])[0] for text in texts])


async def test_callers_waiting_at_once_share_one_encoder_call_and_each_gets_the_vector_it_gets_alone() -> None:
    batcher = EncodeBatcher(fresh_stage().encode)
    vectors = await asyncio.gather(*(batcher.encode(text) for text in TEXTS))
    assert batcher.calls == 1
    np.testing.assert_allclose(np.stack(vectors), alone(TEXTS), atol=1e-5)


async def test_a_lone_text_is_encoded_at_once_and_those_arriving_meanwhile_go_together_next() -> None:
    batcher = EncodeBatcher(fresh_stage().encode)
    first = asyncio.create_task(batcher.encode(TEXTS[0]))
    while batcher.calls == 0:  # the first text is in the encoder, with no wait for company
        await asyncio.sleep(0)
    rest = await asyncio.gather(*(batcher.encode(text) for text in TEXTS[1:]))
    assert batcher.calls == 2
    np.testing.assert_allclose(np.stack([await first, *rest]), alone(TEXTS), atol=1e-5)


async def test_a_burst_larger_than_the_limit_is_encoded_in_batches_of_the_limit() -> None:
    semantic = fresh_stage()
    batcher = EncodeBatcher(semantic.encode, limit=3)
    vectors = await asyncio.gather(*(batcher.encode(text) for text in TEXTS))
    assert batcher.calls == 3  # 3 + 3 + 2
    np.testing.assert_allclose(np.stack(vectors), alone(TEXTS), atol=1e-5)


async def test_a_text_the_encoder_refuses_fails_its_own_caller_only_and_the_next_batch_works() -> None:
    batcher = EncodeBatcher(fresh_stage().encode)
    outcomes = await asyncio.gather(*(batcher.encode(text) for text in [*TEXTS[:3], REFUSED]), return_exceptions=True)
    *vectors, refused = outcomes
    assert isinstance(refused, UnicodeEncodeError)
    np.testing.assert_allclose(np.stack([v for v in vectors if isinstance(v, np.ndarray)]), alone(TEXTS[:3]), atol=1e-5)
    with pytest.raises(UnicodeEncodeError):
        await batcher.encode(REFUSED)
    np.testing.assert_allclose(await batcher.encode(TEXTS[5]), alone(TEXTS[5:6])[0], atol=1e-5)


def test_a_text_read_again_or_twice_in_one_call_is_encoded_once_with_the_same_vector() -> None:
    semantic = fresh_stage()
    encoder = semantic.encoder
    assert isinstance(encoder, CountingEncoder)
    first = semantic.encode([TEXTS[0], TEXTS[1], TEXTS[0]])
    assert encoder.texts == 2
    again = semantic.encode([TEXTS[1], TEXTS[0], TEXTS[2]])
    assert encoder.texts == 3
    np.testing.assert_array_equal(first[2], first[0])
    np.testing.assert_array_equal(again[:2], first[[1, 0]])
    np.testing.assert_allclose(again, alone([TEXTS[1], TEXTS[0], TEXTS[2]]), atol=1e-5)


async def test_reports_submitted_at_once_are_encoded_in_fewer_calls_than_reports(database_url: str) -> None:
    store = await Store.open(DatabaseUrl.parse(database_url))
    try:
        # Each encoder call takes half a second, as on a busy machine: while the first report is encoded the
        # others arrive. Without that, on a loaded CI machine each report's own database read could space them
        # out one call apart.
        matcher = await build_matcher(store, Thresholds(), fresh_stage(call_seconds=0.5))
        assert matcher.batcher is not None

        async def report(number: int, text: str) -> Receipt:
            return await submit_report(
                store,
                matcher,
                Submission(ReportKind.TEXT, text, ()),
                reporter=f"reporter-{number}",
                dedupe_key=f"burst:{number}",
                now=int(time.time()),
                hourly_limit=100,
                answer=lambda receipt: QueuedReceipt(receipt.report.id, 1, 1, "en", "receipt", follow_up=False),
            )

        receipts = await asyncio.gather(*(report(n, text) for n, text in enumerate(TEXTS)))
    finally:
        await store.close()
    assert 1 <= matcher.batcher.calls < len(TEXTS)
    assert sorted(r.report.id for r in receipts) == sorted({r.report.id for r in receipts})
    assert all(r.placement is not None for r in receipts)
