"""The moderators' Mini App, served under /app/ beside the public site (issue 23).

``/app/`` is the client (``static/index.html``, its scripts and styles under ``/app/static/``); ``/app/api/`` is
the JSON API it calls. The app has a Content-Security-Policy of its own: Telegram's script may load, and
Telegram's web clients may frame it, which the public site allows to nobody.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from aiohttp import web

from bot.config import Settings
from bot.i18n import I18n
from bot.service.queue import QueueModel
from bot.web.headers import Handler
from bot.web.miniapp import auth, cases, queue
from bot.web.miniapp.answers import ApiError, refusal
from bot.web.miniapp.context import MINIAPP, MiniAppContext, Moderation
from bot.web.miniapp.queue import QUEUE

log = logging.getLogger(__name__)

PREFIX = "/app"
STATIC = Path(__file__).parent / "static"
STATIC_CACHE = "public, max-age=86400"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors https://web.telegram.org https://*.web.telegram.org"
)


def miniapp(settings: Settings, bot_token: str, i18n: I18n, moderation: Moderation) -> web.Application:
    """The app as an aiohttp application to mount at PREFIX (``build_web_app`` does when MINIAPP_URL is set)."""
    app = web.Application(middlewares=[_api_errors])
    app[MINIAPP] = MiniAppContext(settings, bot_token, i18n, moderation)
    app[QUEUE] = QueueModel(moderation.store, settings.policy)
    app.router.add_post("/api/session", auth.start_session)
    app.router.add_get("/api/queue", queue.queue)
    app.router.add_get("/api/cases/{case_id}", cases.show)
    app.router.add_post("/api/cases/{case_id}/{action}", cases.act)
    files = {path.name: path.read_bytes() for path in sorted(STATIC.glob("*")) if path.is_file()}

    async def shell(request: web.Request) -> web.Response:
        return _file(files, "index.html", "no-cache")

    async def static(request: web.Request) -> web.Response:
        return _file(files, request.match_info["name"], STATIC_CACHE)

    app.router.add_get("/", shell)
    app.router.add_get("/static/{name}", static)
    app.on_response_prepare.append(_own_policy)
    return app


async def to_shell(request: web.Request) -> web.Response:
    """``/app`` without its slash (an easy MINIAPP_URL to set) to the app, keeping what Telegram put in the
    query; the fragment, which carries initData, stays with the browser across the redirect."""
    raise web.HTTPPermanentRedirect(request.rel_url.with_path(PREFIX + "/").with_query(request.rel_url.query))


def _file(files: dict[str, bytes], name: str, cache: str) -> web.Response:
    body = files.get(name)
    if body is None:
        raise web.HTTPNotFound()
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    charset = "utf-8" if kind.startswith("text/") or kind.endswith(("javascript", "json")) else None
    return web.Response(body=body, content_type=kind, charset=charset, headers={"Cache-Control": cache})


@web.middleware
async def _api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """API refusals as JSON codes; anything else (the app's pages) as the site answers it."""
    try:
        return await handler(request)
    except ApiError as exc:
        return refusal(exc.status, exc.code, exc.more)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith(PREFIX + "/api/"):
            raise
        answer = refusal(exc.status, {404: "not_found", 405: "not_allowed"}.get(exc.status, "error"))
        if "Allow" in exc.headers:
            answer.headers["Allow"] = exc.headers["Allow"]
        return answer
    except Exception:
        if not request.path.startswith(PREFIX + "/api/"):
            raise
        log.exception("the Mini App's %s %s failed", request.method, request.match_info.route.resource)
        return refusal(500, "error")


async def _own_policy(request: web.Request, response: web.StreamResponse) -> None:
    """After the site's headers (its signal runs first): the app's policy instead of the site's."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if request.path.startswith(PREFIX + "/api/"):
        response.headers["Cache-Control"] = "no-store"
