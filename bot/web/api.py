"""The JSON API: /api/campaigns, /api/campaigns/<id>, /api/digests, /api/digests/<week>, /api/openapi.json
(and /api/chain in bot/web/evidence.py). Every answer names the data's licence."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.i18n import locale_from_telegram
from bot.web import params, records
from bot.web.context import json_response, of
from bot.web.openapi import document

routes = web.RouteTableDef()


def base_url(request: web.Request) -> str:
    """WEB_URL, else this request's own origin."""
    return of(request).settings.web.url or f"{request.scheme}://{request.host}"


def answer(request: web.Request, data: dict[str, Any], status: int = 200) -> web.Response:
    return json_response({"licence": of(request).settings.web.licence, **data}, status)


@routes.get("/api/campaigns")
async def campaigns(request: web.Request) -> web.Response:
    query, number = params.search_line(request), params.page_number(request)
    raw_language = request.query.get("lang")
    language = None if raw_language is None else locale_from_telegram(raw_language)
    if raw_language is not None and language is None:
        raise web.HTTPBadRequest()
    found = await of(request).site.search(query, number, language)
    base, tz = base_url(request), of(request).settings.timezone
    return answer(
        request,
        {
            "page": found.page,
            "pages": found.pages,
            "total": found.total,
            "campaigns": [records.campaign(c, base, tz) for c in found.campaigns],
        },
    )


@routes.get(r"/api/campaigns/{case_id:\d+}")
async def campaign(request: web.Request) -> web.Response:
    shown = await of(request).site.campaign(params.case_id(request))
    if shown is None:
        raise web.HTTPNotFound()
    record = records.campaign_page(shown, base_url(request), of(request).settings.timezone)
    return answer(request, {"campaign": record})


@routes.get("/api/digests")
async def digests(request: web.Request) -> web.Response:
    base, tz = base_url(request), of(request).settings.timezone
    return answer(
        request,
        {
            "digests": [
                {
                    "period": d.period,
                    "url": f"{base}/digests/{d.period}",
                    "published_on": records.day(d.published_at, tz),
                }
                for d in await of(request).site.digests()
            ]
        },
    )


@routes.get(r"/api/digests/{period:\d{4}-W\d{2}}")
async def digest(request: web.Request) -> web.Response:
    site = of(request).site
    entry = await site.digest(request.match_info["period"])
    if entry is None:
        raise web.HTTPNotFound()
    public = {c.case_id for c in entry.digest.campaigns if await site.is_public(c.case_id)}
    return answer(request, {"digest": records.digest(entry, base_url(request), of(request).settings.timezone, public)})


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return json_response(document(base_url(request), of(request).settings.web.licence))
