"""Reading a request's query: a bad value is a 400 page, never a traceback."""

from __future__ import annotations

from aiohttp import web

from bot.service.public import MAX_QUERY_CHARS

MAX_PAGE = 10_000


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise web.HTTPBadRequest()
    return int(raw)


def search_line(request: web.Request) -> str:
    query = request.query.get("q", "")
    if len(query) > MAX_QUERY_CHARS:
        raise web.HTTPBadRequest()
    return query


def case_id(request: web.Request) -> int:
    """The campaign number of the path (the route takes digits only); too long to be one: 404."""
    raw = request.match_info["case_id"]
    if len(raw) > 18:
        raise web.HTTPNotFound()
    return int(raw)
