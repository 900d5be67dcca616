"""``GET /app/api/queue``: a page of open cases, with each filter's counts (see bot.service.queue)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.service.queue import Age, BadQueueQuery, Flag, QueueModel, QueueQuery, QueueRow, Sort, State
from bot.web.miniapp.answers import ApiError, answer
from bot.web.miniapp.auth import moderator
from bot.web.miniapp.context import context
from bot.web.miniapp.records import case_row

QUEUE = web.AppKey("kuzet_miniapp_queue", QueueModel)
MAX_OFFSET = 100_000


def parse_query(params: Any) -> QueueQuery:
    """The query string as a QueueQuery; BadQueueQuery names the first value it cannot take."""

    def one(name: str) -> str | None:
        value = params.get(name, "").strip()
        return value or None

    def choice(name: str, kind: Any, default: Any = None) -> Any:
        value = one(name)
        if value is None:
            return default
        try:
            return kind(value)
        except ValueError:
            raise BadQueueQuery(name) from None

    def number(name: str, maximum: int) -> int | None:
        value = one(name)
        if value is None:
            return None
        if not value.isdigit() or int(value) > maximum:
            raise BadQueueQuery(name)
        return int(value)

    return QueueQuery(
        state=choice("state", State, State.OPEN),
        flag=choice("flag", Flag),
        language=one("language"),
        platform=one("platform"),
        template=number("template", 2**62),
        age=choice("age", Age),
        sort=choice("sort", Sort, Sort.REPORTED),
        q=params.get("q", ""),
        offset=number("cursor", MAX_OFFSET) or 0,
    )


async def queue(request: web.Request) -> web.Response:
    session = await moderator(request)
    shared = context(request)
    try:
        page = await request.app[QUEUE].page(parse_query(request.query), shared.now())
    except BadQueueQuery as exc:
        raise ApiError(400, f"bad_{exc.args[0]}") from None
    now, claim = shared.now(), shared.settings.policy.claim_seconds

    def row(case: QueueRow) -> dict[str, Any]:
        labels = None if case.template_id is None else page.labels.get(case.template_id)
        claimer = None if case.claimed_by is None else page.claimers.get(case.claimed_by)
        return case_row(case, labels, session.locale, claimer, now, claim)

    return answer(
        {
            "cases": [row(case) for case in page.rows],
            "counts": page.counts,
            "templates": {
                str(template_id): labels.for_reader(session.locale) for template_id, labels in page.labels.items()
            },
            "total": page.total,
            "next": None if page.next_offset is None else str(page.next_offset),
        }
    )
