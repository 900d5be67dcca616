"""Which of our languages a reader gets: ``?lang=``, else the browser's Accept-Language, else DEFAULT_LOCALE."""

from __future__ import annotations

from bot.i18n import SUPPORTED_LOCALES, locale_from_telegram

HTML_TAGS = {code: code.replace("_", "-") for code in SUPPORTED_LOCALES}
"""The BCP 47 tag a page's ``lang`` attribute carries: ``zh-Hant`` for zh_Hant."""
MAX_HEADER_TAGS = 20
"""Accept-Language tags read at most: a header is the client's, and may be long."""


def chosen(value: str | None) -> str | None:
    """Our locale for a ``?lang=`` value: en, ru, kk, ar, zh-Hant (also zh_Hant, zh, any case); else None."""
    if not value or len(value) > 16:
        return None
    return locale_from_telegram(value.strip())


def accepted(header: str | None) -> str | None:
    """The locale an Accept-Language header prefers most among ours (``q=0`` refuses one), or None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:MAX_HEADER_TAGS]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        code = locale_from_telegram(tag.strip())
        if code is not None and weight > 0:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else None


def negotiate(param: str | None, header: str | None, default: str) -> tuple[str, bool]:
    """(locale, whether the reader chose it with ``?lang=``)."""
    explicit = chosen(param)
    if explicit is not None:
        return explicit, True
    return accepted(header) or default, False
