"""Answers kept in memory: a page, an API answer or a download is rendered once per version of the published data
(bot.service.public.PublicSite.version), address, language and host, and kept at most KEPT_SECONDS."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from aiohttp import web

from bot.config import HEALTH_PATH
from bot.web.context import of, reader
from bot.web.headers import Handler

KEPT_BYTES = 64 << 20
"""At most this much kept (the least recently used goes first): about 8,000 campaign pages."""
KEPT_SECONDS = 60.0
"""This week's top campaigns change with the calendar, not only with the data."""
_KEPT_HEADERS = ("Cache-Control", "Content-Disposition")


@dataclass(frozen=True)
class _Kept:
    version: tuple[object, ...]
    until: float
    body: bytes
    content_type: str
    charset: str | None
    headers: dict[str, str]


class AnswerCache:
    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, ...], _Kept] = OrderedDict()
        self._bytes = 0

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD") or request.path == HEALTH_PATH or "Authorization" in request.headers:
            return await handler(request)  # an answer to one person (the Mini App's) is never kept for another
        version = await of(request).site.version()
        own = reader(request)
        key = (request.scheme, request.host, request.path_qs, own.code, str(own.explicit))
        kept = self._kept.get(key)
        if kept is not None and kept.version == version and kept.until > time.monotonic():
            self._kept.move_to_end(key)
            return web.Response(
                body=kept.body, content_type=kept.content_type, charset=kept.charset, headers=kept.headers
            )
        response = await handler(request)
        if isinstance(response, web.Response) and response.status == 200 and isinstance(response.body, bytes):
            if (old := self._kept.pop(key, None)) is not None:
                self._bytes -= len(old.body)
            self._kept[key] = _Kept(
                version,
                time.monotonic() + KEPT_SECONDS,
                response.body,
                response.content_type,
                response.charset,
                {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers},
            )
            self._bytes += len(response.body)
            while self._bytes > KEPT_BYTES:
                self._bytes -= len(self._kept.popitem(last=False)[1].body)
        return response
