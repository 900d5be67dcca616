"""Translations (gettext catalogs under ``locales/``) and locale-aware formatting."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_interval, format_time, format_timedelta
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

DOMAIN = "kuzet"
SUPPORTED_LOCALES = ("en", "ru", "kk", "ar", "zh_Hant")
LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "kk": "Қазақша",
    "ar": "العربية",
    "zh_Hant": "繁體中文",
}
"""Each language named in itself, so anyone can find their own in the picker."""

COMMAND_LANGUAGE_CODES = {"en": "en", "ru": "ru", "kk": "kk", "ar": "ar", "zh_Hant": "zh"}
"""The two-letter ISO 639-1 code Telegram takes for each locale's command menu."""

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
LEFT_TO_RIGHT_MARK = "\u200e"
RIGHT_TO_LEFT_MARK = "\u200f"
_COMMAND = re.compile(r"(?<![\w/<])/[a-z]+\b")
_LANGUAGE_NAME_OVERRIDES = {("ar", "kk"): "الكازاخية"}
"""(reader's locale, language): a name babel gets wrong for our readers ("الكازاخستانية" is the nationality)."""
_LANGUAGE_WORD = {"kk": (" тілі", " тілдері")}
"""Languages that name a language with a word ("ағылшын тілі"): in a list it is said once, in the plural."""


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; translate it where it is shown."""
    return message


def isolate(text: str) -> str:
    """Wrap a handle, link, number or quote so it keeps its own direction inside any sentence."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def locale_from_telegram(language_code: str | None) -> str | None:
    """Our locale for a Telegram ``language_code`` (an IETF tag such as "kk" or "zh-hant"), if we have one."""
    if not language_code:
        return None
    primary = language_code.replace("_", "-").split("-")[0].casefold()
    if primary == "zh":
        return "zh_Hant"
    return primary if primary in SUPPORTED_LOCALES else None


class Translator:
    """One language: its messages, plural rules, number and date formats."""

    def __init__(self, code: str, translations: gettext.NullTranslations, tz: tzinfo) -> None:
        self.code = code
        self.locale = Locale.parse(code)
        self._translations = translations
        self._tz = tz

    def gettext(self, message: str) -> str:
        return self._directed(self._translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._directed(self._translations.ngettext(singular, plural, n))

    @property
    def rtl(self) -> bool:
        return self.locale.character_order == "right-to-left"

    def _directed(self, text: str) -> str:
        """In right-to-left text, keep each /command's slash on its left (else it shows as "help/")."""
        return _COMMAND.sub(LEFT_TO_RIGHT_MARK + r"\g<0>", text) if self.rtl else text

    def quote(self, text: str) -> str:
        """``text`` (already escaped) in this language's quotation marks: “…”, «…», 「…」."""
        # TRANSLATORS: quotation marks around a quoted post or comment; keep {quote} and use your language's marks.
        return self.gettext("“{quote}”").format(quote=text)

    def lines(self, lines: Iterable[str]) -> str:
        """Lines joined into one message. In a right-to-left language each line starts with a right-to-left
        mark, so a line that begins with a Latin handle, a number or a label still reads from the right."""
        if not self.rtl:
            return "\n".join(lines)
        return "\n".join(
            RIGHT_TO_LEFT_MARK + line if line and not line.startswith(RIGHT_TO_LEFT_MARK) else line for line in lines
        )

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def duration(self, seconds: int) -> str:
        """A span in the largest whole unit: "10 minutes", "1 hour", "24 hours", "7 days"."""
        whole = next((size for size in (86400, 3600, 60, 1) if seconds % size == 0), 1)
        # The threshold makes babel pick exactly that unit instead of rounding to a larger one.
        return format_timedelta(timedelta(seconds=seconds), threshold=max(seconds // whole, 1), locale=self.locale)

    def age(self, seconds: int) -> str:
        """How long ago, roughly and briefly: "3 hr", "2 days" (babel rounds to the largest sensible unit)."""
        return format_timedelta(timedelta(seconds=max(seconds, 1)), format="short", locale=self.locale)

    def list(self, items: Iterable[str]) -> str:
        """Items joined as this language joins a list: "A, B and C", "A، وB", "A、B和C"."""
        items = list(items)
        return format_list(items, style="standard", locale=self.locale) if items else ""

    def language_name(self, code: str) -> str:
        """A language code ("kk") named in this language ("казахский")."""
        override = _LANGUAGE_NAME_OVERRIDES.get((self.code, code))
        if override is not None:
            return override
        try:
            return Locale.parse(code).get_display_name(self.locale) or code
        except (ValueError, UnknownLocaleError):
            return code

    def percent(self, value: int) -> str:
        """A whole percentage, unsigned ("12 %", "12%", "٪12" as the language writes it)."""
        return format_percent(abs(value) / 100, locale=self.locale)

    def date_range(self, start: int, end: int) -> str:
        """Two days as one span: "Nov 16 – 22, 2026"."""
        first, last = (datetime.fromtimestamp(moment, self._tz) for moment in (start, end))
        return format_interval(first, last, "yMMMd", tzinfo=self._tz, locale=self.locale)

    def datetime(self, timestamp: int) -> str:
        moment = datetime.fromtimestamp(timestamp, UTC)
        return format_datetime(moment, format="medium", tzinfo=self._tz, locale=self.locale)

    def date(self, timestamp: int) -> str:
        """A day with its weekday: "Monday, November 30, 2026", "понедельник, 30 ноября 2026 г."."""
        return format_date(datetime.fromtimestamp(timestamp, self._tz).date(), format="full", locale=self.locale)

    def time(self, timestamp: int) -> str:
        """A time of day in the configured time zone: "2:05 PM", "14:05"."""
        moment = datetime.fromtimestamp(timestamp, UTC)
        return format_time(moment, format="short", tzinfo=self._tz, locale=self.locale)

    def language_list(self, codes: Iterable[str]) -> str:
        """Languages named as a list: "English, Russian and Kazakh"; in Kazakh "ағылшын, орыс және қазақ тілдері"
        rather than "тілі" after every name."""
        names = [self.language_name(code) for code in codes]
        word, plural = _LANGUAGE_WORD.get(self.code, ("", ""))
        if len(names) < 2 or not word or not all(name.endswith(word) for name in names):
            return self.list(names)
        return self.list(name.removesuffix(word) for name in names) + plural


class I18n:
    """All catalogs, loaded once at start."""

    def __init__(self, locales_dir: Path, default_locale: str, tz: tzinfo) -> None:
        self.default_locale = default_locale
        self._translators = {code: Translator(code, _load_catalog(locales_dir, code), tz) for code in SUPPORTED_LOCALES}

    def get(self, code: str | None) -> Translator:
        """The translator for ``code``, or for the default locale when we don't have it."""
        return self._translators.get(code or "", self._translators[self.default_locale])

    def all(self) -> list[Translator]:
        return list(self._translators.values())


def _load_catalog(locales_dir: Path, code: str) -> gettext.NullTranslations:
    """The compiled ``.mo`` when it is up to date, else the ``.po`` compiled in memory."""
    folder = locales_dir / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as file:
            return gettext.GNUTranslations(file)
    if not po.is_file():
        raise FileNotFoundError(f"no translation catalog for {code!r} in {folder}")
    with po.open("rb") as file:
        catalog = read_po(file, locale=code)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
