"""The matcher meets its precision and recall floors on the public evaluation set (tests/data/match_eval.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.evaluation import Labelled, evaluate, summary
from bot.core.matcher import Matcher, MatchKind
from bot.core.similarity import Thresholds
from bot.resources import shipped_data

EVAL_SET = Path(__file__).parent / "data" / "match_eval.jsonl"
PRECISION_FLOOR = 0.99
RECALL_FLOOR = 0.97


def starter_matcher(thresholds: Thresholds | None = None) -> tuple[Matcher, dict[str, str]]:
    """The shipped starter pack and negative bank, as a fresh installation has them."""
    matcher = Matcher(thresholds)
    families = {}
    for number, item in enumerate(shipped_data("starter_templates.jsonl")):
        matcher.add(number, item["text"], MatchKind.TEMPLATE)
        families[str(number)] = item["family"]
    for number, item in enumerate(shipped_data("negative_bank.jsonl")):
        matcher.add(number, item["text"], MatchKind.NEGATIVE)
    return matcher, families


def eval_items() -> list[Labelled]:
    rows = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Labelled(r["text"], r["family"], r["lang"], r["case"]) for r in rows]


def test_the_evaluation_set_covers_every_language_family_and_hard_negative() -> None:
    items = eval_items()
    _, families = starter_matcher()
    assert len(items) >= 300
    assert {i.language for i in items} == {"en", "ru", "kk", "ar", "zh"}
    for language in ("en", "ru", "kk", "ar", "zh"):
        assert {i.family for i in items if i.language == language and i.family} == set(families.values()), language
    assert {"neg_same_topic", "neg_critic_quote", "neg_generic_short"} <= {i.case for i in items}


def test_matching_meets_its_precision_and_recall_floors() -> None:
    matcher, families = starter_matcher()
    result = evaluate(matcher, families, eval_items())
    assert result.overall.precision >= PRECISION_FLOOR, summary(result)
    assert result.overall.recall >= RECALL_FLOOR, summary(result)
