"""The account networks' recompute job."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot.handlers.deps import Runtime
from bot.service.networks import recompute_networks

log = logging.getLogger(__name__)


async def recompute_networks_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: find the networks of the whole account graph again (every NETWORK_RECOMPUTE_MINUTES)."""
    deps = Runtime.of(context)
    done = await recompute_networks(deps.store, deps.settings.networks, deps.clock())
    if done.new or done.merged or done.ended:
        log.info(
            "networks: %d (%d new, %d merged, %d ended) from %d of %d edges",
            done.networks,
            done.new,
            done.merged,
            done.ended,
            done.kept,
            done.edges,
        )
