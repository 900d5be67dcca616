"""Every catalog is complete, and no translation breaks a placeholder, a tag or a command."""

from __future__ import annotations

import gettext
import re

import pytest
from babel.messages.pofile import read_po

from bot.i18n import SUPPORTED_LOCALES
from bot.resources import data_dir

LOCALES = data_dir("locales")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z]+>")
COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")


def _catalog(code: str):
    with (LOCALES / code / "LC_MESSAGES" / "kuzet.po").open("rb") as file:
        return read_po(file, locale=code)


def _template_ids() -> set[str]:
    with (LOCALES / "kuzet.pot").open("rb") as file:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}


def _pairs(code: str):
    """(source, translation) for every string and plural form of a catalog.

    A plural form may leave out ``{count}``: Arabic says "one report" and
    "two reports" in words, without the digit.
    """
    for message in _catalog(code):
        if not message.id:
            continue
        if isinstance(message.id, str):
            yield message.id, message.string
        else:
            for form in message.string:
                yield message.id[1].replace("{count}", "{count}" if "{count}" in form else ""), form


@pytest.mark.parametrize("code", SUPPORTED_LOCALES)
def test_catalog_translates_every_string_of_the_template(code: str) -> None:
    catalog = _catalog(code)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert _template_ids() <= ids, f"{code}: run pybabel update; missing {_template_ids() - ids}"
    empty = [m.id for m in catalog if m.id and (not m.string or (not isinstance(m.string, str) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not empty, f"{code}: untranslated {empty}"
    assert not fuzzy, f"{code}: fuzzy {fuzzy}"


@pytest.mark.parametrize("code", SUPPORTED_LOCALES)
def test_translations_keep_placeholders_tags_and_commands(code: str) -> None:
    for source, translation in _pairs(code):
        assert set(PLACEHOLDER.findall(translation)) == set(PLACEHOLDER.findall(source)), (
            f"{code}: placeholders differ in {translation!r}"
        )
        assert sorted(TAG.findall(translation)) == sorted(TAG.findall(source)), (
            f"{code}: tags differ in {translation!r}"
        )
        assert set(COMMAND.findall(translation)) == set(COMMAND.findall(source)), (
            f"{code}: commands differ in {translation!r}"
        )


def test_arabic_uses_the_six_standard_plural_forms() -> None:
    catalog = _catalog("ar")
    assert catalog.num_plurals == 6
    plural = gettext.c2py(catalog.plural_expr)
    forms = [plural(n) for n in (0, 1, 2, 5, 11, 100)]
    assert forms == [0, 1, 2, 3, 4, 5]
