"""The public site as an aiohttp application: ``build_web_app`` (composable: mount it, or add routes to it), and
``site_served``, which serves it on a host and port for ``kuzet web`` and ``kuzet run``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from bot.config import HEALTH_PATH, Settings
from bot.errors import ConfigError
from bot.i18n import I18n
from bot.resources import data_dir
from bot.service.public import PublicSite
from bot.store import Store
from bot.web import api, downloads, evidence, feed, pages
from bot.web.cache import AnswerCache
from bot.web.context import WEB, Web, of
from bot.web.headers import add_headers, etags_and_errors
from bot.web.miniapp import PREFIX, miniapp, to_shell
from bot.web.miniapp.context import Moderation
from bot.web.templating import Pages

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_CACHE = "public, max-age=86400"
MAX_REQUEST_LINE = 1 << 17
"""A request line up to 128 KiB, so that a search of 10,000 letters (percent-encoded, six bytes each) gets the
site's own 400 page rather than aiohttp's terse refusal."""


def build_web_app(
    store: Store, settings: Settings, i18n: I18n | None = None, *, moderation: Moderation | None = None
) -> web.Application:
    """The site and the API, reading ``store`` (opened and closed by the caller); and where the bot runs
    (``moderation``, lent by ``kuzet run``) with MINIAPP_URL set, the moderators' Mini App under /app/."""
    i18n = i18n or I18n(data_dir("locales"), settings.default_locale, settings.timezone)
    site = PublicSite(
        store,
        in_chain=settings.web.in_chain,
        small_count_k=settings.small_count_k,
        tz=settings.timezone,
        rules=settings.policy.rules,
    )
    app = web.Application(middlewares=[etags_and_errors, AnswerCache().middleware])
    app[WEB] = Web(site, Pages(i18n, settings.timezone), settings)
    for table in (pages.routes, api.routes, evidence.routes, feed.routes, downloads.routes):
        app.router.add_routes(table)
    stylesheet = (STATIC / "site.css").read_bytes()

    async def css(request: web.Request) -> web.Response:
        return web.Response(
            body=stylesheet, content_type="text/css", charset="utf-8", headers={"Cache-Control": STATIC_CACHE}
        )

    app.router.add_get("/static/site.css", css)
    app.router.add_get(HEALTH_PATH, _health)
    app.on_response_prepare.append(add_headers)
    if settings.miniapp.url is not None and settings.bot_token and moderation is not None:
        app.router.add_get(PREFIX, to_shell)
        app.add_subapp(PREFIX, miniapp(settings, settings.bot_token, i18n, moderation))
    return app


async def _health(request: web.Request) -> web.Response:
    """200 when the database answers; 503 otherwise (for load balancers)."""
    try:
        await of(request).site.version()
    except Exception:
        log.warning("the site's health check found the database unavailable")
        return web.Response(status=503, text="unavailable\n")
    return web.Response(text="ok\n")


@asynccontextmanager
async def site_served(
    store: Store,
    settings: Settings,
    host: str,
    port: int,
    *,
    i18n: I18n | None = None,
    moderation: Moderation | None = None,
) -> AsyncIterator[web.AppRunner]:
    """The site listening on host:port until the block ends."""
    # No access log: it would hold readers' addresses.
    runner = web.AppRunner(
        build_web_app(store, settings, i18n, moderation=moderation),
        access_log=None,
        handle_signals=False,
        max_line_size=MAX_REQUEST_LINE,
    )
    await runner.setup()
    try:
        try:
            # Several `kuzet web` processes may listen on one address: the kernel shares the connections out.
            await web.TCPSite(runner, host, port, reuse_port=True).start()
        except OSError as exc:
            raise ConfigError("WEB_LISTEN", f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        log.info("public site listening on %s:%d", host, port)
        yield runner
    finally:
        await runner.cleanup()
