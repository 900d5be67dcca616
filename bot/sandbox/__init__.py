"""A local, strict fake of the Telegram Bot API: the tests and `kuzet demo` drive the real bot against it.

It is a faithful subset of the Bot API: the same method names and JSON shapes, ``ok`` /
``error_code`` / ``description`` answers, and ``parameters.retry_after`` for flood limits.
Three layers: ``state`` (what Telegram knows), ``server`` (the HTTP methods, strict via ``checks``) and
``driver`` (``FakeTelegram``, what tests and the demo hold).
"""

from .conversation import press, reply, say, seen
from .driver import FakeTelegram
from .faults import FAULT_KINDS, Faults
from .html import HtmlError, Parsed, parse_html
from .state import ApiCall, MessageVersion, SentMessage, Upload
from .webhook import Delivery

__all__ = [
    "FAULT_KINDS",
    "ApiCall",
    "Delivery",
    "FakeTelegram",
    "Faults",
    "HtmlError",
    "MessageVersion",
    "Parsed",
    "SentMessage",
    "Upload",
    "parse_html",
    "press",
    "reply",
    "say",
    "seen",
]
