"""The disappearing chat trail as values: the delays a citizen may choose and which messages may still go.

Telegram lets a bot delete both sides of a private chat for 48 hours (deleteMessage); past that it refuses,
so a message older than DELETABLE_SECONDS is never asked for: its row is dropped and counted instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.core.periods import HOUR

TRAIL_CHOICES = (0, 10, 60, 24 * 60)
"""Minutes after which the chat is cleared; 0 is off."""
DELETABLE_SECONDS = 48 * HOUR - 10 * 60
"""Telegram's 48 hours, less a margin for the clocks of the bot and Telegram disagreeing."""
DELETE_BATCH = 100
"""deleteMessages takes 1-100 message ids."""
WIPE_ANSWER_SECONDS = 60
"""The answer to /wipe is itself deleted after this long."""


def still_deletable(sent_at: int, now: int) -> bool:
    """Whether Telegram still lets the bot delete a message sent at ``sent_at``."""
    return now - sent_at < DELETABLE_SECONDS


def batches(message_ids: Sequence[int]) -> Iterator[list[int]]:
    """The ids in deleteMessages-sized batches, in order."""
    for start in range(0, len(message_ids), DELETE_BATCH):
        yield list(message_ids[start : start + DELETE_BATCH])
