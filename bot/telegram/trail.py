"""Deleting the chat trail: recording the messages of a private chat whose citizen chose a delay, and the
job that deletes them once due (deleteMessages, up to 100 at a time), leader-only like the other senders.

Both sides of a private chat are recorded: the citizen's messages as they come in (bot.handlers.trail), the
bot's as Telegram accepts them (the rate limiter hands every answer to ``record_sent``), so receipts, replies,
outcomes and digests all go. A row is dropped once its message is deleted, or once Telegram would refuse it
(48 hours): such a message is never asked for, only counted.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot.core.trail import batches, still_deletable
from bot.handlers.deps import Runtime
from bot.service.trail import chats_to_clear, due_messages, messages_gone, schedule_deletion
from bot.telegram.flood import Answer

log = logging.getLogger(__name__)

TRAIL_CHECK_SECONDS = 30
"""How often the job looks for messages due: a message goes at most this late."""
CHATS_PER_RUN = 200


@dataclass(frozen=True)
class Cleared:
    """What one clearing of a chat did."""

    deleted: int
    """Messages Telegram was asked to delete (it skips those already gone)."""
    expired: int
    """Messages past Telegram's 48 hours: not asked for, dropped."""
    left: int
    """Messages not reached now (Telegram unreachable or busy): the job tries again."""


async def record(runtime: Runtime, chat_id: int, message_ids: Collection[int]) -> None:
    """Schedule these messages of a private chat if its citizen's trail is on."""
    minutes = await runtime.trail_minutes(chat_id)  # a private chat's id is its user's
    if minutes:
        await schedule_deletion(runtime.store, chat_id, list(message_ids), runtime.clock(), minutes * 60)


async def record_sent(runtime: Runtime, endpoint: str, answer: Answer) -> None:
    """A message the bot sent to a private chat joins that chat's trail (the rate limiter's observer)."""
    if not endpoint.startswith("send") or not isinstance(answer, dict):
        return
    chat = answer.get("chat") or {}
    if chat.get("type") == "private" and isinstance(answer.get("message_id"), int):
        await record(runtime, chat["id"], [answer["message_id"]])


async def clear_chat(
    bot: Bot, runtime: Runtime, chat_id: int, *, everything: bool = False, keep: Collection[int] = ()
) -> Cleared:
    """Delete the chat's messages that are due (``everything``: all it holds, except ``keep``)."""
    store, now = runtime.store, runtime.clock()
    messages = [m for m in await due_messages(store, chat_id, now, hasten=everything) if m.message_id not in keep]
    expired = [m.message_id for m in messages if not still_deletable(m.sent_at, now)]
    if expired:
        log.info("%d message(s) past Telegram's 48 hours were not deleted", len(expired))
        await messages_gone(store, chat_id, expired)
    fresh = [m.message_id for m in messages if still_deletable(m.sent_at, now)]
    deleted = done = 0
    for batch in batches(fresh):
        try:
            await bot.delete_messages(chat_id, batch)
        except Forbidden:  # blocked: the bot cannot delete anything in this chat any more
            log.info("%d message(s) not deleted: the citizen blocked the bot", len(fresh) - done)
            await messages_gone(store, chat_id, fresh[done:])
            break
        except BadRequest as exc:
            log.warning("Telegram refused to delete %d message(s) (%s); they are dropped", len(batch), exc.message)
            await messages_gone(store, chat_id, batch)
        except (
            RetryAfter,
            NetworkError,
        ) as exc:  # a 429, a 5xx or a timeout: the rows stay due and the job tries again
            log.warning("deleting messages failed (%s); trying again in %d s", exc.message, TRAIL_CHECK_SECONDS)
            return Cleared(deleted, len(expired), len(fresh) - done)
        else:
            await messages_gone(store, chat_id, batch)
            deleted += len(batch)
        done += len(batch)
    return Cleared(deleted, len(expired), 0)


async def clear_due_trails(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The job: clear every chat with messages due (run leader_only)."""
    runtime = Runtime.of(context)
    for chat_id in await chats_to_clear(runtime.store, runtime.clock(), CHATS_PER_RUN):
        if (await clear_chat(context.bot, runtime, chat_id)).left:
            return  # Telegram is away or busy: the next run goes on
