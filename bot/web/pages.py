"""The site's HTML pages (the URL contract is in README's "Public site and open data")."""

from __future__ import annotations

from aiohttp import web

from bot.service.public import PAGE_SIZE
from bot.web import params
from bot.web.chart import chart
from bot.web.context import of, page, reader
from bot.web.evidence import latest_link, link_of_period

routes = web.RouteTableDef()


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    site = of(request).site
    digests = await site.digests()
    latest = digests[0] if digests else None
    return page(
        request,
        "home.html",
        latest=latest,
        public=await _public_ids(request, latest.digest.campaigns if latest else ()),
        top=await site.top_this_week(),
        link=await latest_link(request),
    )


@routes.get("/campaigns")
async def campaigns(request: web.Request) -> web.Response:
    query, number = params.search_line(request), params.page_number(request)
    found = await of(request).site.search(query, number)
    return page(request, "campaigns.html", query=query, found=found, page_size=PAGE_SIZE)


@routes.get(r"/campaigns/{case_id:\d+}")
async def campaign(request: web.Request) -> web.Response:
    site = of(request).site
    shown = await site.campaign(params.case_id(request))
    if shown is None:
        raise web.HTTPNotFound()
    return page(
        request,
        "campaign.html",
        c=shown.campaign,
        shown=shown,
        chart=chart(shown.days, site.small_count_k),
    )


@routes.get("/digests")
async def digests(request: web.Request) -> web.Response:
    return page(request, "digests.html", digests=await of(request).site.digests())


@routes.get(r"/digests/{period:\d{4}-W\d{2}}")
async def digest(request: web.Request) -> web.Response:
    entry = await of(request).site.digest(request.match_info["period"])
    if entry is None:
        raise web.HTTPNotFound()
    return page(
        request,
        "digest.html",
        entry=entry,
        d=entry.digest,
        public=await _public_ids(request, entry.digest.campaigns),
        link=await link_of_period(request, entry.period),
    )


@routes.get("/about")
async def about(request: web.Request) -> web.Response:
    settings = of(request).settings
    return page(request, "about.html", in_chain=settings.web.in_chain, reader_code=reader(request).code)


async def _public_ids(request: web.Request, campaigns: object) -> set[int]:
    site = of(request).site
    return {c.case_id for c in campaigns if await site.is_public(c.case_id)}  # type: ignore[attr-defined]
