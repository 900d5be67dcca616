"""The evidence hash chain on the site: /chain, its files served as the exact stored bytes, and the links shown on
the home, digest and campaign pages (the chain itself: bot/service/evidence.py)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web import params
from bot.web.context import json_response, of, page
from bot.web.records import day

try:
    from bot.service import evidence as chain_service  # type: ignore[attr-defined]
except ImportError:  # the chain lands on main separately
    chain_service = None

routes = web.RouteTableDef()
FILE_CACHE = "public, max-age=86400"
"""A chain file never changes once written."""


async def latest_link(request: web.Request) -> Any:
    if chain_service is None:
        return None
    links = await chain_service.chain(of(request).site.store)
    return links[-1] if links else None


async def link_of_period(request: web.Request, period: str) -> Any:
    if chain_service is None:
        return None
    return await chain_service.link_of_period(of(request).site.store, period)


async def links_of_case(request: web.Request, case_id: int) -> list[Any]:
    if chain_service is None:
        return []
    return list(await chain_service.case_links(of(request).site.store, case_id))


async def _chain(request: web.Request) -> list[Any]:
    return [] if chain_service is None else list(await chain_service.chain(of(request).site.store))


@routes.get("/chain")
async def chain_page(request: web.Request) -> web.Response:
    return page(request, "chain.html", links=list(reversed(await _chain(request))))


@routes.get("/api/chain")
async def chain_api(request: web.Request) -> web.Response:
    settings = of(request).settings
    base = settings.web.url or f"{request.scheme}://{request.host}"
    return json_response(
        {
            "licence": settings.web.licence,
            "links": [
                {
                    "seq": link.seq,
                    "period": link.period,
                    "previous": link.previous,
                    "link": link.link,
                    "digest_sha256": link.digest_sha256,
                    "created_on": day(link.created_at, settings.timezone),
                    "manifest_url": f"{base}/chain/{link.seq}/manifest.txt",
                    "digest_url": f"{base}/chain/{link.seq}/digest.json",
                    "cases": [
                        {"id": case_id, "sha256": sha, "url": f"{base}/chain/{link.seq}/cases/{case_id}.json"}
                        for case_id, sha in link.cases
                    ],
                }
                for link in await _chain(request)
            ],
        }
    )


def _seq(request: web.Request) -> int:
    raw = request.match_info["seq"]
    if len(raw) > 18:
        raise web.HTTPNotFound()
    return int(raw)


def _exact(text: str | None, content_type: str) -> web.Response:
    if text is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=text.encode("utf-8"),
        content_type=content_type,
        charset="utf-8",
        headers={"Cache-Control": FILE_CACHE},
    )


@routes.get(r"/chain/{seq:\d+}/manifest.txt")
async def manifest(request: web.Request) -> web.Response:
    link = None if chain_service is None else await chain_service.chain_link(of(request).site.store, _seq(request))
    return _exact(None if link is None else link.manifest, "text/plain")


@routes.get(r"/chain/{seq:\d+}/digest.json")
async def digest_file(request: web.Request) -> web.Response:
    text = None if chain_service is None else await chain_service.digest_file(of(request).site.store, _seq(request))
    return _exact(text, "application/json")


@routes.get(r"/chain/{seq:\d+}/cases/{case_id:\d+}.json")
async def case_file(request: web.Request) -> web.Response:
    text = (
        None
        if chain_service is None
        else await chain_service.case_record(of(request).site.store, _seq(request), params.case_id(request))
    )
    return _exact(text, "application/json")
