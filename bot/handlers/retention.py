"""The daily retention job."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot.core.periods import DAY
from bot.handlers.deps import Deps
from bot.service.retention import apply_retention

log = logging.getLogger(__name__)

RETENTION_EVERY = DAY


async def apply_retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: remove report texts and pseudonyms kept longer than RETENTION_DAYS."""
    deps = Deps.of(context)
    expired = await apply_retention(deps.store, deps.clock(), deps.settings.retention_days)
    if expired.purged or expired.unlinked:
        log.info("retention: %d reports lost text and pseudonym, %d verified reports their pseudonym",
                 expired.purged, expired.unlinked)
