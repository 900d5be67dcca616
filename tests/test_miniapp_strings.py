"""The Mini App's string table against the client that words it and the server whose codes it words.

The API answers codes and the client looks each one up in the table the session sends (bot/web/miniapp/
strings.py): a code the client names, or a value the server can answer, with no entry would reach a moderator as
a bare code. The browser tests see the screens; this checks every code at once, in every language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.audit import AuditAction
from bot.core.cases import CaseKind, CaseStatus, RejectReason
from bot.core.init_data import Refusal
from bot.core.suggestions import SuggestionAnswer
from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.service.app_sessions import SessionRefusal
from bot.service.case_page import TEMPLATE_PROBLEMS, Match
from bot.service.queue import FACETS, Age, Flag, Sort, State
from bot.web.miniapp.strings import app_strings

CLIENT = Path(__file__).resolve().parents[1] / "bot" / "web" / "miniapp" / "static"
NAMED = re.compile(r"""\b(?:t|tx|has)\(\s*"([a-z_.]+)"\s*[,)]""")
"""A code the client names outright: t("queue.more"), tx("row.claimed_by", …), has("refused.title")."""


def client_codes() -> set[str]:
    return {code for path in CLIENT.glob("*.js") for code in NAMED.findall(path.read_text(encoding="utf-8"))}


def answered_codes() -> set[str]:
    """Every value the API can answer that the client words by its family prefix."""
    families: dict[str, list[str]] = {
        "state": [*State, *CaseStatus],
        "flag": list(Flag),
        "age": list(Age),
        "sort": list(Sort),
        "facet": [*FACETS, "sort", "filters"],
        "kind": list(CaseKind),
        "match": list(Match),
        "reason": list(RejectReason),
        "action": list(AuditAction),
        "problem": list(TEMPLATE_PROBLEMS.values()),
        "refused": [*Refusal, *SessionRefusal, "ended", "no_telegram"],
        "suggestion": list(SuggestionAnswer),
        "do": ["verify", "withdraw", "reject", "undo", "protect", "claim", "reopen", "same", "different", "template"],
    }
    return {f"{family}.{value}" for family, values in families.items() for value in values}


def test_the_client_names_only_codes_the_table_has(translations: Callable[[str], Translator]) -> None:
    named = client_codes()
    assert len(named) > 30, "the pattern no longer finds the client's codes"
    table = app_strings(translations("en"))
    assert named <= table.keys(), f"codes without a string: {sorted(named - table.keys())}"


def test_every_code_the_api_answers_has_a_string(translations: Callable[[str], Translator]) -> None:
    missing = answered_codes() - app_strings(translations("en")).keys()
    assert not missing, f"codes the server answers that the app cannot word: {sorted(missing)}"


@pytest.mark.parametrize("code", SUPPORTED_LOCALES)
def test_the_table_is_whole_in_every_language(code: str, translations: Callable[[str], Translator]) -> None:
    english = app_strings(translations("en"))
    table = app_strings(translations(code))
    assert table.keys() == english.keys()
    assert all(text.strip() for text in table.values()), [key for key, text in table.items() if not text.strip()]
    if code != "en":
        same = [key for key in ("queue.more", "keys.help", "refused.not_moderator") if table[key] == english[key]]
        assert not same, f"{code}: not translated: {same}"
