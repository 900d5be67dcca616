"""What every response carries: security headers, a language Vary, an ETag from the content (If-None-Match → 304),
cache headers, and an error page in the reader's language instead of aiohttp's or a traceback.

No response sets a cookie: the site keeps no state about its readers.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.context import json_response, page

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "interest-cohort=()",
}
CACHE_SECONDS = 60
"""How long a browser or proxy may reuse a page without asking; then the ETag makes asking cheap."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def etags_and_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error(request, exc.status)
    except Exception:
        log.exception("the page %s failed", request.path)
        response = error(request, 500)
    if not isinstance(response, web.Response) or response.status != 200 or response.body is None:
        return response
    body = response.body
    assert isinstance(body, bytes)  # handlers answer with text or bytes
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response.headers["ETag"] = tag
    response.headers.setdefault("Cache-Control", f"public, max-age={CACHE_SECONDS}")
    if _matches(request.headers.get("If-None-Match"), tag):
        return web.Response(status=304, headers={"ETag": tag, "Cache-Control": response.headers["Cache-Control"]})
    return response


def _matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    given = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in given or tag in given


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every answer, errors and 304s included."""
    response.headers.update(SECURITY_HEADERS)
    response.headers["Vary"] = "Accept-Language"
    response.headers.setdefault("Cache-Control", "no-cache")
    response.headers.popall("Set-Cookie", None)


def error(request: web.Request, status: int) -> web.Response:
    """The error as the reader's page (or as JSON under /api/): no detail of what failed."""
    if request.path.startswith("/api/"):
        return json_response(
            {"error": {400: "bad request", 404: "not found"}.get(status, "error"), "status": status}, status
        )
    return page(request, "error.html", status=status, status_code=status)
