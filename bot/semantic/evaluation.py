"""Leave one family out: how the semantic stage does on campaigns its verifier and thresholds never saw.

Real campaigns are new every month, so a figure measured on the families the verifier learned from says
little. Here every family in turn is the one left out: a verifier is trained on the lines of all the others
(bot.semantic.verifier.examples, with none of the left-out family's templates in the bank), its thresholds
are chosen on the others too, on probabilities from verifiers that never saw the lines they score (each
other family's own leave-out verifier), and only then is the left-out family tested, through the whole
matcher. The same choice, made on the starter families' training lines alone, gave the shipped defaults
(``python benchmarks/eval_semantic.py --choose``).

A negative line names no family but the topic it is about, and is left out with that family (one without a
topic belongs to the family of its nearest template).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.evaluation import Evaluation, Labelled, Tally, evaluate
from bot.core.matcher import Match, Matcher, MatchKind
from bot.core.similarity import SemanticThresholds
from bot.core.templates import readable
from bot.semantic.campaigns import CampaignMatcher
from bot.semantic.cues import cues
from bot.semantic.encoders import Encoder
from bot.semantic.pairs import Known, Message
from bot.semantic.reading import text_to_encode
from bot.semantic.stage import SemanticStage
from bot.semantic.verifier import Line, Verifier, banks, messages, nearest_pairs, trained

SIMILARITIES = (0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94)
PROBABILITIES = (
    *(0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99),
    *(0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999),
)
"""Finer towards 1: the voice feature makes the verifier sure of most pairs either way."""
AUTOMATIC_PRECISION = 0.995
"""Precision the automatic band must keep where its thresholds are chosen (a margin over the floor of 0.99)."""
SUGGESTED_PRECISION = 0.8
"""Share of right answers among automatic matches and suggestions together where the suggestion floor is
chosen: a moderator asked five times should be able to answer "same campaign" four times."""


@dataclass(frozen=True)
class Corpus:
    """Templates and labelled lines with their vectors, encoded once."""

    templates: list[Known]
    template_texts: list[str]
    lines: list[Line]
    read: list[Message]
    topics: list[str]
    """Per line: its family, or for a negative, the family of its nearest template."""
    training_only: frozenset[str] = frozenset()
    """Families written for training: every verifier learns from them; none is measured, left out, or in the
    bank of the matcher that is measured."""

    @property
    def families(self) -> list[str]:
        """The families that are measured."""
        return sorted({t.family for t in self.templates if t.family is not None} - self.training_only)

    def template_rows(self, families: Iterable[str]) -> list[Known]:
        wanted = set(families)
        return [t for t in self.templates if t.family in wanted]

    def line_rows(self, families: Iterable[str]) -> list[int]:
        wanted = set(families)
        return [i for i, topic in enumerate(self.topics) if topic in wanted]


def corpus(
    encoder: Encoder, templates: Sequence[dict], lines: Sequence[Line], training_only: Iterable[str] = ()
) -> Corpus:
    """Encode templates (JSON lines: text, lang, family) and lines as the stage reads them."""
    readings = [text_to_encode(readable(t["text"])) for t in templates]
    template_vectors = encoder.encode(readings)
    known = [
        Known(vector, t["family"], t["lang"], cues(reading))
        for t, reading, vector in zip(templates, readings, template_vectors, strict=True)
    ]
    vectors = encoder.encode([text_to_encode(line.text) for line in lines])
    nearest = np.argmax(vectors @ template_vectors.T, axis=1)
    topics = [line.family or line.topic or str(known[int(n)].family) for line, n in zip(lines, nearest, strict=True)]
    return Corpus(
        known, [t["text"] for t in templates], list(lines), messages(lines, vectors), topics, frozenset(training_only)
    )


def verifier_on(corpus: Corpus, families: Iterable[str], encoder: str) -> Verifier:
    """A verifier trained on these families' lines, with only their templates in the bank."""
    families = list(families)
    rows = corpus.line_rows(families)
    return trained(
        [corpus.lines[i] for i in rows],
        [corpus.read[i] for i in rows],
        corpus.template_rows(families),
        encoder,
        [corpus.topics[i] for i in rows],
        corpus.training_only,
    )


@dataclass(frozen=True)
class Scored:
    """A line, its nearest template's family and cosine, and the verifier's probability for that pair."""

    line: Line
    family: str | None
    cosine: float
    probability: float
    translated: bool = False
    """Scored as if it were a translation (not counted as a right match where precision is weighed)."""

    @property
    def right(self) -> bool:
        return self.line.positive and self.family == self.line.family


def scored(
    corpus: Corpus, verifier: Verifier, rows: list[int], bank_families: Iterable[str], *, translated: bool = False
) -> list[Scored]:
    """The semantic stage's view of these lines against a bank of these families' templates; with
    ``translated``, of their positive lines as if their own language's template were unknown (the bank then
    holds the line only in other languages, as for a translation)."""
    lines = [corpus.lines[i] for i in rows]
    read = [corpus.read[i] for i in rows]
    if translated:
        kept = [n for n, line in enumerate(lines) if line.positive]
        lines = [dataclasses.replace(lines[n], case="translation") for n in kept]
        read = [read[n] for n in kept]
    found = []
    for numbers, templates in banks(lines, corpus.template_rows(bank_families)):
        pairs, bank = nearest_pairs([read[n] for n in numbers], templates)
        probabilities = verifier.probability(verifier.features(pairs, bank))
        found += [
            Scored(lines[n], known.family, float(known.vector @ message.vector), float(p), translated)
            for n, (message, known, _), p in zip(numbers, pairs, probabilities, strict=True)
        ]
    return found


def choose_thresholds(scores: list[Scored]) -> SemanticThresholds:
    """The automatic band with the most right matches at AUTOMATIC_PRECISION (the strictest cut on a tie),
    then the suggestion floor below it with the most at SUGGESTED_PRECISION for both bands together.
    Precision counts every wrong match but only the right matches of lines scored as they are, so that
    scoring positives twice does not buy wrong matches."""
    cosines = np.array([s.cosine for s in scores])
    probabilities = np.array([s.probability for s in scores])
    right = np.array([s.right for s in scores], dtype=bool)
    as_they_are = right & ~np.array([s.translated for s in scores], dtype=bool)

    def best(precision: float, similarities: Iterable[float], cuts: Iterable[float]) -> tuple[float, float]:
        found = (max(SIMILARITIES), max(PROBABILITIES))
        most = -1
        for similarity in sorted(similarities, reverse=True):
            close = cosines >= similarity
            for probability in sorted(cuts, reverse=True):
                accepted = close & (probabilities >= probability)
                hits = int(np.count_nonzero(right & accepted))
                wrong = int(np.count_nonzero(accepted)) - hits
                counted = int(np.count_nonzero(as_they_are & accepted))
                if hits > most and counted >= precision * (counted + wrong):
                    found, most = (similarity, probability), hits
        return found

    similarity, probability = best(AUTOMATIC_PRECISION, SIMILARITIES, PROBABILITIES)
    floor_similarity, floor_probability = best(
        SUGGESTED_PRECISION,
        [s for s in SIMILARITIES if s <= similarity],
        [p for p in PROBABILITIES if p <= probability],
    )
    return SemanticThresholds(similarity, probability, floor_similarity, floor_probability)


def out_of_family(corpus: Corpus, families: Sequence[str], encoder: str) -> dict[str, tuple[Verifier, list[Scored]]]:
    """Per family: a verifier trained on the other families and the training-only ones, and its scores of
    this family's lines against these families' templates (each positive line scored twice, as it is and as
    if it were a translation: training sets have few real ones)."""
    found = {}
    for held in families:
        verifier = verifier_on(corpus, [f for f in families if f != held] + sorted(corpus.training_only), encoder)
        rows = corpus.line_rows([held])
        found[held] = (
            verifier,
            scored(corpus, verifier, rows, families) + scored(corpus, verifier, rows, families, translated=True),
        )
    return found


def thresholds_on(corpus: Corpus, families: Sequence[str], encoder: str) -> SemanticThresholds:
    """Thresholds chosen on these families, each scored by a verifier that never saw it."""
    return choose_thresholds([s for _, scores in out_of_family(corpus, families, encoder).values() for s in scores])


@dataclass(frozen=True)
class Fold:
    """What was learned without one family: the verifier and thresholds it is tested with."""

    family: str
    verifier: Verifier
    thresholds: SemanticThresholds


def folds(corpus: Corpus, encoder: str) -> list[Fold]:
    """One fold per family: its verifier trained on all the other families, its thresholds chosen on their
    out-of-family scores. (Those scores come from verifiers that did see the left-out family's lines: the one
    leak left, to train one verifier per family rather than one per pair of families.)"""
    found = out_of_family(corpus, corpus.families, encoder)
    return [
        Fold(
            family,
            verifier,
            choose_thresholds([s for other, (_, scores) in found.items() if other != family for s in scores]),
        )
        for family, (verifier, _) in found.items()
    ]


@dataclass
class Figures:
    """How the whole matcher (lexical, then semantic) did on one left-out family, or on all of them pooled."""

    family: str
    automatic: Evaluation
    suggested_right: int = 0
    """Lines the automatic band missed that the suggestion band offered with their own family."""
    suggested_wrong: int = 0
    """Suggestions of a negative line, or of another family."""
    thresholds: SemanticThresholds | None = None
    suggested_by_case: dict[str, int] = dataclasses.field(default_factory=dict)
    """Of ``suggested_right``, how many per case (paraphrase, translation)."""

    def recall(self, case: str) -> float:
        return self.automatic.by_case[case].recall if case in self.automatic.by_case else 1.0

    def recall_with_suggestions(self, case: str) -> float:
        """Share of this case's lines matched automatically or suggested with their own family."""
        tally = self.automatic.by_case.get(case, Tally())
        expected = tally.true_positive + tally.false_negative
        return (tally.true_positive + self.suggested_by_case.get(case, 0)) / expected if expected else 1.0

    @property
    def precision(self) -> float:
        return self.automatic.overall.precision


def measure_fold(
    corpus: Corpus, fold: Fold, encoder: Encoder, negatives: Sequence[str], *, learning: random.Random | None = None
) -> Figures:
    """The left-out family's lines through a matcher holding every template (a translation: all but its own
    family's template in its own language) and the negative bank, with the fold's verifier and thresholds.

    With ``learning``, the lines arrive in an order it shuffles, and moderators answer as the bot asks them:
    a line the semantic stage matched to its own family (a case they verify), or suggested with it (they
    confirm), joins the family as a variant in its language, as the bot learns it (matched lexically only,
    ``Template.matched_semantically``); a wrong match or suggestion teaches nothing."""
    matcher = CampaignMatcher(Matcher(), SemanticStage(encoder, fold.verifier, fold.thresholds))

    def know(number: int) -> None:
        known = corpus.templates[number]
        matcher.add(
            number,
            corpus.template_texts[number],
            MatchKind.TEMPLATE,
            vector=known.vector,
            language=known.language,
            family=known.family,
        )

    for number, known in enumerate(corpus.templates):
        if known.family not in corpus.training_only:
            know(number)
    for number, text in enumerate(negatives):
        matcher.add(number, text, MatchKind.NEGATIVE)
    rows = corpus.line_rows([fold.family])
    by_text = {corpus.lines[i].text: corpus.read[i] for i in rows}
    families = {str(n): str(t.family) for n, t in enumerate(corpus.templates)}
    figures = Figures(fold.family, Evaluation(), thresholds=fold.thresholds)

    def found(item: Labelled) -> list[Match]:
        hidden = [
            n
            for n, t in enumerate(corpus.templates)
            if item.case == "translation" and t.family == item.family and t.language == item.language
        ]
        for n in hidden:
            matcher.remove(n, MatchKind.TEMPLATE)
        vector = by_text[item.text].vector
        matches = matcher.match(item.text, vector)
        matched = next((m for m in matches if m.kind is MatchKind.TEMPLATE), None)
        learned = matched is not None and matched.how == "semantic" and families[matched.id] == item.family
        if matched is None:
            suggested = next((m for m in matcher.suggest(item.text, vector) if m.kind is MatchKind.TEMPLATE), None)
            if suggested is not None and item.family is not None and families[suggested.id] == item.family:
                figures.suggested_right += 1
                figures.suggested_by_case[item.case] = figures.suggested_by_case.get(item.case, 0) + 1
                learned = True
            elif suggested is not None:
                figures.suggested_wrong += 1
        for n in hidden:
            know(n)
        if learning is not None and learned and item.family is not None:
            variant = f"learned:{len(families)}"
            families[variant] = item.family
            matcher.add(variant, item.text, MatchKind.TEMPLATE, language=item.language, family=item.family)
        return matches

    items = [
        Labelled(corpus.lines[i].text, corpus.lines[i].family, corpus.lines[i].language, corpus.lines[i].case)
        for i in rows
    ]
    if learning is not None:
        learning.shuffle(items)
    figures.automatic = evaluate(found, families, items)
    return figures


def pooled(figures: Sequence[Figures]) -> Figures:
    """All left-out families' figures as one."""
    total = Figures("all", Evaluation())
    for one in figures:
        _add(total.automatic.overall, one.automatic.overall)
        for totals, parts in (
            (total.automatic.by_case, one.automatic.by_case),
            (total.automatic.by_language, one.automatic.by_language),
        ):
            for key, tally in parts.items():
                _add(totals.setdefault(key, Tally()), tally)
        total.automatic.mistakes += one.automatic.mistakes
        total.suggested_right += one.suggested_right
        total.suggested_wrong += one.suggested_wrong
        for case, count in one.suggested_by_case.items():
            total.suggested_by_case[case] = total.suggested_by_case.get(case, 0) + count
    return total


def _add(target: Tally, source: Tally) -> None:
    target.true_positive += source.true_positive
    target.false_positive += source.false_positive
    target.false_negative += source.false_negative
    target.true_negative += source.true_negative
