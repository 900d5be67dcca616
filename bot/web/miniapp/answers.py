"""The Mini App API's answers: compact JSON, never cached, errors as codes (the client words them)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

NO_STORE = "no-store"


class ApiError(Exception):
    """Answered as ``{"error": code}`` (and ``more``) with ``status``."""

    def __init__(self, status: int, code: str, more: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.more = more or {}


def answer(data: Any, status: int = 200) -> web.Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return web.Response(
        text=body, status=status, content_type="application/json", charset="utf-8", headers={"Cache-Control": NO_STORE}
    )


def refusal(status: int, code: str, more: dict[str, Any] | None = None) -> web.Response:
    return answer({"error": code, **(more or {})}, status)
