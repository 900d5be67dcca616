"""The Atom 1.0 feed of published digests (/feed.atom), in the reader's language."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from bot.web.api import base_url
from bot.web.context import of, reader

routes = web.RouteTableDef()
FEED_ENTRIES = 50


def _rfc3339(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@routes.get("/feed.atom")
async def feed(request: web.Request) -> web.Response:
    shared, own = of(request), reader(request)
    digests = (await shared.site.digests())[:FEED_ENTRIES]
    base = base_url(request)
    text = shared.pages.render(
        own.code,
        "feed.xml",
        {
            "base": base,
            "lang_tag": own.tag,
            "k": shared.site.small_count_k,
            "updated": _rfc3339(max((d.published_at for d in digests), default=0)),
            "entries": [(d, _rfc3339(d.published_at)) for d in digests],
            "licence": shared.settings.web.licence,
        },
    )
    return web.Response(text=text, content_type="application/atom+xml", charset="utf-8")
