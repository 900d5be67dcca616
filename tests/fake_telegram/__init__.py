"""A strict local fake of the Telegram Bot API for tests of the bot."""

from .html import HtmlError, Parsed, parse_html
from .server import ApiCall, FakeTelegram, MessageVersion, SentMessage, Upload

__all__ = ["ApiCall", "FakeTelegram", "HtmlError", "MessageVersion", "Parsed", "SentMessage", "Upload",
           "parse_html"]
