"""A local, strict fake of the Telegram Bot API: the tests and `kuzet demo` drive the real bot against it.

It is a faithful subset of the Bot API: the same method names and JSON shapes, ``ok`` /
``error_code`` / ``description`` answers, and ``parameters.retry_after`` for flood limits.
"""

from .conversation import press, reply, say, seen
from .html import HtmlError, Parsed, parse_html
from .faults import FAULT_KINDS, Faults
from .server import ApiCall, FakeTelegram, MessageVersion, SentMessage, Upload

__all__ = ["FAULT_KINDS", "ApiCall", "FakeTelegram", "Faults", "HtmlError", "MessageVersion", "Parsed", "SentMessage", "Upload",
           "parse_html", "press", "reply", "say", "seen"]
