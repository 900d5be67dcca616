"""Jinja2 pages in each language: one environment per language, with its gettext and its number and date formats.

Autoescaping is on for HTML and XML: every text from the database is escaped where it is written, and
translations are plain text (no markup in catalog strings), escaped like the rest.
"""

from __future__ import annotations

import datetime as dt
from datetime import tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.core.accounts import Platform
from bot.core.small_counts import coarse, is_small
from bot.i18n import I18n, Translator, isolate

TEMPLATES = Path(__file__).parent / "templates"


class Pages:
    """Renders a template in a reader's language."""

    def __init__(self, i18n: I18n, tz: tzinfo) -> None:
        self._tz = tz
        self._environments = {t.code: self._environment(t) for t in i18n.all()}
        self._translators = {t.code: t for t in i18n.all()}

    def translator(self, code: str) -> Translator:
        return self._translators[code]

    def render(self, code: str, name: str, context: dict[str, Any]) -> str:
        return self._environments[code].get_template(name).render(context)

    def _environment(self, t: Translator) -> Environment:
        environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "xml", "svg"]),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.install_gettext_callables(t.gettext, t.ngettext, newstyle=False)  # type: ignore[attr-defined]
        environment.filters.update(
            count=lambda value: _count(t, value),
            coarse=lambda value, k: _count(t, coarse(value, k)),
            agreeing=lambda value, k: k if is_small(value, k) else value,
            number=t.number,
            date=lambda timestamp: self._date(t, timestamp),
            day=lambda day: _day(t.code, day, "medium"),
            short_day=lambda day: _day(t.code, day, "d MMM"),
            language=t.language_name,
            languages=lambda codes: t.language_list(codes),
            platform=_platform,
            platforms=lambda codes: t.list(_platform(code) for code in codes),
            join_list=lambda items: t.list(items),
            campaign_numbers=lambda case_ids: t.list(f"#{t.number(case_id)}" for case_id in case_ids),
            isolated=isolate,
        )
        return environment

    def _date(self, t: Translator, timestamp: int) -> str:
        """A day only (never a time: a time can point at who reported when)."""
        return _day(t.code, dt.datetime.fromtimestamp(timestamp, self._tz).date(), "medium")


@lru_cache(maxsize=20_000)
def _day(code: str, day: dt.date, form: str) -> str:
    """A day as the language writes it (babel is slow, and pages show the same days again and again)."""
    return format_date(day, format=form, locale=code)


def _count(t: Translator, value: int | str) -> str:
    """A public count: the number, or "fewer than K" for the string "<K"."""
    if isinstance(value, str):
        return t.gettext("fewer than {count}").format(count=t.number(int(value.removeprefix("<"))))
    return t.number(value)


def _platform(code: str) -> str:
    try:
        return Platform(code).brand
    except ValueError:
        return code
