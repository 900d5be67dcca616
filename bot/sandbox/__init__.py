"""A local, strict fake of the Telegram Bot API: the tests and `kuzet demo` drive the real bot against it.

It is a faithful subset of the Bot API: the same method names and JSON shapes, ``ok`` /
``error_code`` / ``description`` answers, and ``parameters.retry_after`` for flood limits.
Three layers: ``state`` (what Telegram knows, with its ``files`` and ``profiles``), ``server`` (the HTTP
methods and the file download path, strict via ``checks``) and ``driver`` (``FakeTelegram``, what tests and
the demo hold).
"""

from .conversation import press, reply, say, seen
from .driver import FakeTelegram
from .faults import FAULT_KINDS, Faults
from .files import picture
from .html import HtmlError, Parsed, parse_html
from .profiles import ProfilePhoto
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
    "ProfilePhoto",
    "SentMessage",
    "Upload",
    "parse_html",
    "picture",
    "press",
    "reply",
    "say",
    "seen",
]
