"""Precision and recall of template matching on tests/data/match_eval.jsonl, and a sweep of the template threshold.

    python benchmarks/eval_match.py            # table at the default thresholds
    python benchmarks/eval_match.py --sweep    # precision/recall for thresholds 0.60 … 0.95

The default thresholds in bot/core/similarity.py are chosen from this sweep.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.evaluation import evaluate, summary  # noqa: E402
from bot.core.similarity import Thresholds  # noqa: E402
from tests.test_match_eval import eval_items, starter_matcher  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    items = eval_items()
    if not args.sweep:
        matcher, families = starter_matcher()
        print(summary(evaluate(matcher, families, items)))
        return
    print(f"{'template threshold':>18} {'precision':>9} {'recall':>7}")
    for step in range(60, 100, 5):
        matcher, families = starter_matcher(dataclasses.replace(Thresholds(), template=step / 100))
        result = evaluate(matcher, families, items).overall
        print(f"{step / 100:18.2f} {result.precision:9.3f} {result.recall:7.3f}")


if __name__ == "__main__":
    main()
