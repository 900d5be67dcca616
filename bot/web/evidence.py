"""The evidence hash chain on the site (the chain itself: bot/service/evidence.py, its files: bot/core/evidence.py).

``/chain`` lists the links; each link's files are served as the exact stored bytes under ``/chain/<seq>/``:
``SHA256SUMS`` (also as ``manifest.txt``), ``previous``, ``digest.json`` and ``cases/<id>.json``, so that
``sha256sum`` and ``kuzet verify-chain --url`` agree with the site. ``/api/chain`` lists them as JSON.
"""

from __future__ import annotations

from aiohttp import web

from bot.core.evidence import DIGEST, PREVIOUS, SUMS, ChainLink, case_file, previous_file
from bot.service import evidence
from bot.web import params
from bot.web.context import json_response, of, page
from bot.web.records import day

routes = web.RouteTableDef()
FILE_CACHE = "public, max-age=86400"
"""A chain file never changes once written."""
TEXT, JSON = "text/plain", "application/json"


async def latest_link(request: web.Request) -> ChainLink | None:
    return await evidence.latest_link(of(request).site.store)


async def link_of_period(request: web.Request, period: str) -> ChainLink | None:
    return await evidence.link_of_period(of(request).site.store, period)


@routes.get("/chain")
async def chain_page(request: web.Request) -> web.Response:
    links = await evidence.chain(of(request).site.store)
    return page(request, "chain.html", links=list(reversed(links)), sums=SUMS, previous=PREVIOUS)


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
                    "files": f"{base}/chain/{link.seq}/",
                    "cases": [
                        {"id": case_id, "sha256": sha, "url": f"{base}/chain/{link.seq}/{case_file(case_id)}"}
                        for case_id, sha in link.cases
                    ],
                }
                for link in await evidence.chain(of(request).site.store)
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
        body=text.encode("utf-8"), content_type=content_type, charset="utf-8", headers={"Cache-Control": FILE_CACHE}
    )


async def _link(request: web.Request) -> ChainLink | None:
    return await evidence.chain_link(of(request).site.store, _seq(request))


@routes.get(r"/chain/{seq:\d+}/" + SUMS)
@routes.get(r"/chain/{seq:\d+}/manifest.txt")
async def sums(request: web.Request) -> web.Response:
    link = await _link(request)
    return _exact(None if link is None else link.manifest, TEXT)


@routes.get(r"/chain/{seq:\d+}/" + PREVIOUS)
async def previous(request: web.Request) -> web.Response:
    link = await _link(request)
    return _exact(None if link is None else previous_file(link.previous), TEXT)


@routes.get(r"/chain/{seq:\d+}/" + DIGEST)
async def digest_file(request: web.Request) -> web.Response:
    return _exact(await evidence.digest_file(of(request).site.store, _seq(request)), JSON)


@routes.get(r"/chain/{seq:\d+}/cases/{case_id:\d+}.json")
async def case_record(request: web.Request) -> web.Response:
    return _exact(await evidence.case_record(of(request).site.store, _seq(request), params.case_id(request)), JSON)
