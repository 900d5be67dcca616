"""What every handler reaches through the aiohttp application, and a page rendered for the reader."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.config import Settings
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.service.public import PublicSite
from bot.web.language import HTML_TAGS, negotiate
from bot.web.templating import Pages

HTML = "text/html"
JSON = "application/json"


@dataclass(frozen=True)
class Web:
    site: PublicSite
    pages: Pages
    settings: Settings


WEB = web.AppKey("kuzet_web", Web)


def of(request: web.Request) -> Web:
    return request.config_dict[WEB]


@dataclass(frozen=True)
class Reader:
    """The reader's language, and whether they chose it (``?lang=``): links then keep it."""

    code: str
    explicit: bool

    @property
    def tag(self) -> str:
        return HTML_TAGS[self.code]


def reader(request: web.Request) -> Reader:
    code, explicit = negotiate(
        request.query.get("lang"), request.headers.get("Accept-Language"), of(request).settings.default_locale
    )
    return Reader(code, explicit)


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """The template rendered in the reader's language, with what the base layout needs."""
    own = reader(request)
    shared = of(request)

    def url(path: str, **params: object) -> str:
        """A link on the site, keeping the language the reader chose."""
        query = {name: str(value) for name, value in params.items() if value is not None and value != ""}
        if own.explicit:
            query["lang"] = own.tag
        return path + ("?" + urlencode(query) if query else "")

    kept = [(name, value) for name, value in request.query.items() if name != "lang"]
    languages = [
        (
            code,
            LANGUAGE_NAMES[code],
            HTML_TAGS[code],
            request.path + "?" + urlencode([*kept, ("lang", HTML_TAGS[code])]),
        )
        for code in SUPPORTED_LOCALES
    ]
    text = shared.pages.render(
        own.code,
        template,
        {
            "lang": own.code,
            "lang_tag": own.tag,
            "dir": "rtl" if shared.pages.translator(own.code).rtl else "ltr",
            "languages": languages,
            "url": url,
            "path": request.path,
            "explicit": own.explicit,
            "base": shared.settings.web.url or f"{request.scheme}://{request.host}",
            "licence": shared.settings.web.licence,
            "k": shared.site.small_count_k,
            **context,
        },
    )
    return web.Response(text=text, status=status, content_type=HTML, charset="utf-8")


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON as UTF-8, keys in a stable order, every answer with the data's licence (the caller adds it)."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return web.Response(text=body, status=status, content_type=JSON, charset="utf-8")
