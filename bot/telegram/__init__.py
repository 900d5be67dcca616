"""Delivery machinery between the bot and Telegram's Bot API: taking updates in (the confirming poller), and
sending out what the handlers queued (receipts, case cards, digest broadcasts) within Telegram's flood limits.

Nothing here handles an update: ``bot/handlers`` parses updates and calls the use cases; this package moves
messages, retries them and keeps to the limits.
"""
