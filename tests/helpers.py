"""Helpers the tests share (the fixtures stay in conftest.py): what a person sees."""

from __future__ import annotations

import html
import json
import re
import socket
from typing import Any

import httpx

from bot.sandbox import FakeTelegram, SentMessage


def plain(markup: str) -> str:
    """What a person sees of one of our HTML strings: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def receipted_reports_in(message: SentMessage) -> list[int]:
    """Report numbers an English receipt message announces (receipts sent together announce several)."""
    return [int(n) for n in re.findall(r"Report #\u2068(\d+)\u2069 received", message.plain)]


def receipted_reports(telegram: FakeTelegram, chat_id: int) -> list[int]:
    """Report numbers the chat's receipts announce, once per announcement (so a doubled receipt shows)."""
    return [n for m in telegram.sent(chat_id) for n in receipted_reports_in(m)]


def poll_ptb_cannot_read() -> dict:
    """A poll as a newer Bot API sends it: PTB 22 requires ``persistent_id`` on every option (both options here
    are one dict, so setting it on the first sets it on both)."""
    option = {"text": "a", "voter_count": 0}
    return {
        "id": "1",
        "question": "?",
        "options": [option, option],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }


async def call(http: httpx.AsyncClient, method: str, files: dict | None = None, **params: Any) -> dict:
    """POST to the sandbox like PTB: strings as they are, everything else JSON-encoded; multipart when uploading."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = await http.post(method, data=data, files=files)
    body = response.json()
    assert response.status_code == (200 if body["ok"] else body["error_code"])
    return body


def free_port() -> int:
    """A TCP port of 127.0.0.1 free now, for a webhook server the test starts (WEBHOOK_LISTEN needs one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


STICKER = {
    "file_id": "s",
    "file_unique_id": "s",
    "width": 1,
    "height": 1,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}
"""The smallest sticker a Bot API update carries."""
