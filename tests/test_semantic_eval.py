"""Semantic matching in-family, beside the leave-family-out figures (tests/test_semantic_lofo.py), and
without costing the lexical tier.

In-family: the shipped verifier and default thresholds, on the starter families they were trained and
chosen on, with lines they never saw. The set: tests/data/semantic_eval/ (per language and template family,
5 paraphrases, 2 translations and 5 same-topic hard negatives) together with tests/data/match_eval.jsonl
(the lexical tier's set, whose negatives are critics' quotes, same-topic posts, short generic lines and
unrelated posts). A translation is matched with no template of its own language in the bank, so only
another language's can find it. The floors are the leave-family-out ones; where the in-family figure misses
one, the test says so (a strict expected failure, which fails once the floor is met).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from bot.core.evaluation import Evaluation, Labelled, evaluate, summary
from bot.core.matcher import Matcher, MatchKind, Resemblance
from bot.core.templates import readable
from bot.resources import shipped_data
from bot.semantic.campaigns import CampaignMatcher
from bot.semantic.stage import SemanticStage
from bot.semantic.verifier import verifier_for
from tests import semantic_sets
from tests.test_match_eval import eval_items
from tests.test_semantic_lofo import PARAPHRASE_RECALL_FLOOR, PRECISION_FLOOR, TRANSLATION_RECALL_FLOOR

SEMANTIC_SET = Path(__file__).parent / "data" / "semantic_eval"

pytestmark = [
    pytest.mark.no_database("a measurement of the matcher alone"),
    pytest.mark.xdist_group("semantic_evaluation"),
]


def semantic_items() -> list[Labelled]:
    rows = [
        json.loads(line)
        for path in sorted(SEMANTIC_SET.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [Labelled(r["text"], r["family"], r["lang"], r["case"]) for r in rows]


@cache
def stage() -> SemanticStage:
    """The shipped encoder and verifier (loaded once per test process; the encoder is shared with
    tests/test_semantic_lofo.py, which reads many of the same texts)."""
    encoder = semantic_sets.shared_encoder()
    return SemanticStage(encoder, verifier_for(encoder, Path("/nonexistent/verifier.npz")))


def starter_campaigns(semantic: SemanticStage | None, without_language: str | None = None) -> CampaignMatcher:
    """The starter pack and negative bank, as a fresh installation has them (less one language's templates),
    with a semantic stage of its own on ``semantic``'s encoder and verifier."""
    if semantic is not None:
        semantic = SemanticStage(semantic.encoder, semantic.verifier, semantic.thresholds)
    matcher = CampaignMatcher(Matcher(), semantic)
    templates = shipped_data("starter_templates.jsonl")
    vectors = semantic.encode([readable(t["text"]) for t in templates]) if semantic else [None] * len(templates)
    for number, (item, vector) in enumerate(zip(templates, vectors, strict=False)):
        if item["lang"] != without_language:
            matcher.add(
                number, item["text"], MatchKind.TEMPLATE, vector=vector, language=item["lang"], family=item["family"]
            )
    for number, item in enumerate(shipped_data("negative_bank.jsonl")):
        matcher.add(number, item["text"], MatchKind.NEGATIVE)
    return matcher


def families() -> dict[str, str]:
    return {str(n): item["family"] for n, item in enumerate(shipped_data("starter_templates.jsonl"))}


@cache
def semantic_evaluation() -> tuple[Evaluation, dict[str, Resemblance]]:
    """Lexical and semantic sets through both stages; and how each positive was matched."""
    semantic = stage()
    whole = starter_campaigns(semantic)
    without = {lang: starter_campaigns(semantic, lang) for lang in ("en", "ru", "kk", "ar", "zh")}
    found: dict[str, Resemblance] = {}

    def matches(item: Labelled):
        matcher = without[item.language] if item.case == "translation" else whole
        vector = semantic.encode([item.text])[0] if matcher.needs_vector(item.text) else None
        result = matcher.match(item.text, vector)
        if result and item.family:
            found[item.text] = result[0].resemblance
        return result

    return evaluate(matches, families(), eval_items() + semantic_items()), found


def test_the_semantic_set_has_paraphrases_translations_and_hard_negatives_for_every_family_and_language() -> None:
    items = semantic_items()
    for language in ("en", "ru", "kk", "ar", "zh"):
        for case, least in (("paraphrase", 5), ("translation", 2), ("neg_semantic", 5)):
            covered = (
                {i.family for i in items if i.language == language and i.case == case}
                if case != "neg_semantic"
                else {i.text for i in items if i.language == language and i.case == case}
            )
            assert len(covered) >= (len(set(families().values())) if case != "neg_semantic" else least * 7), (
                language,
                case,
            )


@pytest.mark.xfail(
    strict=True,
    reason="in-family paraphrase recall 0.714 with the relation-feature and voice verifier (0.914 with the vector "
    "verifier, which learned the starter topics); the missed lines go to moderators as suggestions",
)
def test_in_family_paraphrase_recall_meets_the_floor() -> None:
    result, _ = semantic_evaluation()
    assert result.by_case["paraphrase"].recall >= PARAPHRASE_RECALL_FLOOR, summary(result)


def test_in_family_translation_recall_meets_the_floor() -> None:
    result, _ = semantic_evaluation()
    assert result.by_case["translation"].recall >= TRANSLATION_RECALL_FLOOR, summary(result)


def test_in_family_precision_meets_the_floor() -> None:
    result, _ = semantic_evaluation()
    assert result.overall.precision >= PRECISION_FLOOR, summary(result)


def test_the_lexical_tier_matches_exactly_as_it_did_without_the_semantic_stage() -> None:
    lexical_only = starter_campaigns(None)
    items = eval_items()
    with_semantic, found = semantic_evaluation()
    alone = evaluate(lambda item: lexical_only.match(item.text), families(), items)
    for case, tally in alone.by_case.items():
        assert with_semantic.by_case[case].true_positive >= tally.true_positive, case
    assert all(
        found[i.text] is Resemblance.EDITED
        for i in items
        if i.family and i.text in found and lexical_only.match(i.text)
    )


def test_translations_are_reported_as_another_language_and_paraphrases_as_other_words() -> None:
    _, found = semantic_evaluation()
    items = semantic_items()
    translated = [found[i.text] for i in items if i.case == "translation" and i.text in found]
    reworded = [found[i.text] for i in items if i.case == "paraphrase" and i.text in found]
    # The language is guessed from the letters: a Kazakh line without Kazakh letters reads as Russian, and
    # a family with a Russian line then calls it a rewording.
    assert translated and translated.count(Resemblance.TRANSLATED) >= 0.8 * len(translated)
    assert reworded.count(Resemblance.REWORDED) >= 0.8 * len(reworded)
