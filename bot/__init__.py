"""Kuzet: a Telegram bot for reporting fake accounts and copy-paste propaganda."""

import os

# python-telegram-bot 22 gives durations such as RetryAfter.retry_after as whole seconds and warns that they will
# become timedelta; Kuzet reads them as timedelta already (bot.telegram.flood.wait_seconds), so it opts in.
os.environ.setdefault("PTB_TIMEDELTA", "1")
