"""Open data downloads: every published campaign as CSV or JSON, in the API's shape (see records.py)."""

from __future__ import annotations

import csv
import io
import json

from aiohttp import web

from bot.i18n import SUPPORTED_LOCALES
from bot.web import records
from bot.web.api import base_url
from bot.web.context import of

routes = web.RouteTableDef()
LABEL_LANGUAGES = tuple(code.split("_")[0] for code in SUPPORTED_LOCALES)
CSV_COLUMNS = (
    "id",
    "url",
    "kind",
    "label",
    *(f"label_{code}" for code in LABEL_LANGUAGES),
    "text",
    "account",
    "account_link",
    "reports",
    "languages",
    "first_seen",
    "last_seen",
    "verified_on",
    "template_id",
    "licence",
)


def _attachment(body: str, content_type: str, name: str) -> web.Response:
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@routes.get("/data/campaigns.json")
async def campaigns_json(request: web.Request) -> web.Response:
    settings, base = of(request).settings, base_url(request)
    data = {
        "schema": records.SCHEMA,
        "licence": settings.web.licence,
        "campaigns": [records.campaign(c, base, settings.timezone) for c in await of(request).site.all_campaigns()],
    }
    return _attachment(json.dumps(data, ensure_ascii=False, sort_keys=True), "application/json", "campaigns.json")


@routes.get("/data/campaigns.csv")
async def campaigns_csv(request: web.Request) -> web.Response:
    settings, base = of(request).settings, base_url(request)
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for campaign in await of(request).site.all_campaigns():
        record = records.campaign(campaign, base, settings.timezone)
        account = record.pop("account") or {}
        labels, texts = record.pop("labels"), record.pop("texts")
        del texts  # the per-language texts are in the JSON download: a CSV row keeps one text
        writer.writerow(
            {
                **record,
                **{f"label_{code}": labels.get(code, "") for code in LABEL_LANGUAGES},
                "account": account.get("account", ""),
                "account_link": account.get("link", ""),
                "languages": " ".join(record["languages"]),
                "licence": settings.web.licence,
            }
        )
    return _attachment(out.getvalue(), "text/csv", "campaigns.csv")
