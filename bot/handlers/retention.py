"""The retention job, hourly."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot.core.periods import HOUR
from bot.handlers.deps import Runtime
from bot.service.retention import apply_retention

log = logging.getLogger(__name__)

RETENTION_EVERY = HOUR
"""Hourly: the rate keys of reports (bot.pseudonyms.rate_key) are kept no longer than the hour they count for."""


async def apply_retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: remove report texts and pseudonyms kept longer than RETENTION_DAYS, and rate keys past their hour."""
    deps = Runtime.of(context)
    expired = await apply_retention(deps.store, deps.clock(), deps.settings.retention_days)
    if expired.purged or expired.unlinked:
        log.info(
            "retention: %d reports lost text and pseudonym, %d verified reports their pseudonym",
            expired.purged,
            expired.unlinked,
        )
