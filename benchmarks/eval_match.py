"""Precision and recall of template matching on tests/data/match_eval.jsonl, and a sweep of the template threshold.

    python benchmarks/eval_match.py            # table at the default thresholds
    python benchmarks/eval_match.py --sweep    # precision/recall for thresholds 0.60 … 0.95
    python benchmarks/eval_match.py --clusters # the same messages streamed as reports into empty clusters

The default thresholds in bot/core/similarity.py are chosen from this sweep.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import random  # noqa: E402

from bot.core.evaluation import evaluate, stream_into_clusters, summary  # noqa: E402
from bot.core.matcher import Matcher  # noqa: E402
from bot.core.similarity import Thresholds  # noqa: E402
from tests.test_match_eval import eval_items, starter_matcher  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--clusters", action="store_true")
    args = parser.parse_args()
    items = eval_items()
    if args.clusters:
        _cluster_sweep(items)
        return
    if not args.sweep:
        matcher, families = starter_matcher()
        print(summary(evaluate(matcher, families, items)))
        return
    print(f"{'template threshold':>18} {'precision':>9} {'recall':>7}")
    for step in range(60, 100, 5):
        matcher, families = starter_matcher(dataclasses.replace(Thresholds(), template=step / 100))
        result = evaluate(matcher, families, items).overall
        print(f"{step / 100:18.2f} {result.precision:9.3f} {result.recall:7.3f}")


def _cluster_sweep(items) -> None:
    """Same-topic negatives and the positives, shuffled, placed as reports with no template bank."""
    reports = [i for i in items if i.family or i.case == "neg_same_topic"]
    random.Random(7).shuffle(reports)
    print(f"{'cluster threshold':>17} {'purity':>7} {'cohesion':>8} {'clusters':>8} {'groups':>6}")
    for step in range(50, 100, 5):
        matcher = Matcher(dataclasses.replace(Thresholds(), cluster=step / 100))
        result = stream_into_clusters(matcher, reports)
        print(f"{step / 100:17.2f} {result.purity:7.3f} {result.cohesion:8.3f} {result.clusters:8d} {result.groups:6d}")


if __name__ == "__main__":
    main()
