"""Recall and precision of PDQ picture matching on the evaluation set, per change, held-out and in-sample.

    python benchmarks/eval_images.py                  # ~15 s; figures in benchmarks/results/images_eval.json

The set (tests/image_sets.py): 34 source pictures (16 photos, 6 posters of one layout, 6 quote screenshots
of one layout, 6 memes), each through the issue's changes. Every other source of each kind is held out: the
threshold sweep below is read on the tuning half, the floors (tests/test_image_eval.py) hold on the held-out
half. Every source's first copy is stored, so the hard negatives of both halves are there for every query.
Mirroring is reported apart, with and without the dihedral hashes, and so is the same meme picture under
another caption.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.images.evaluation import Figures, evaluate  # noqa: E402
from bot.images.index import DEFAULT_MAX_DISTANCE  # noqa: E402
from bot.images.pdq import hash_image  # noqa: E402
from tests import image_sets  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "images_eval.json"
SWEEP = (15, 23, 31, 39, 47)


def summary(figures: Figures, changes: list[str]) -> dict[str, object]:
    return {
        "recall": {change: round(figures.recall(change), 3) for change in changes},
        "queries": {change: figures.queries[change] for change in changes},
        "precision": round(figures.precision, 4),
        "false_matches": figures.false_pairs,
        "unusable_sources": figures.unusable_sources,
        "unusable_queries": figures.unusable_queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    stored = image_sets.stored_hashes()
    changes = list(image_sets.SURVIVABLE)
    results: dict[str, object] = {"threshold": DEFAULT_MAX_DISTANCE}
    halves = {"held_out": True, "in_sample": False}
    for label, held_out in halves.items():
        results[label] = summary(
            evaluate(stored, image_sets.half(image_sets.queries(), held_out), DEFAULT_MAX_DISTANCE), changes
        )
    results["sweep_tuning_half"] = {
        d: summary(evaluate(stored, image_sets.half(image_sets.queries(), False), d), changes) for d in SWEEP
    }
    mirrored = list(image_sets.MIRRORED)
    results["mirror"] = {
        "plain": summary(evaluate(stored, image_sets.queries(mirrored=True), DEFAULT_MAX_DISTANCE), mirrored),
        "dihedral": summary(
            evaluate(stored, image_sets.queries(mirrored=True, dihedral=True), DEFAULT_MAX_DISTANCE), mirrored
        ),
    }
    results["same_picture_other_caption_bits"] = {
        name: image_sets.distance_to_stored(name, hash_image(image_sets.jpeg(image)))
        for name, image in image_sets.other_captions()
    }
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")

    held, tuned = results["held_out"], results["in_sample"]
    assert isinstance(held, dict) and isinstance(tuned, dict)
    print(f"{'change':28} {'held-out':>9} {'in-sample':>9}")
    for change in changes:
        print(f"{change:28} {held['recall'][change]:9.3f} {tuned['recall'][change]:9.3f}")
    print(f"{'precision':28} {held['precision']:9.4f} {tuned['precision']:9.4f}")
    print("threshold sweep on the tuning half (mean recall over changes, precision):")
    for d, figures in results["sweep_tuning_half"].items():  # type: ignore[attr-defined]
        recalls = figures["recall"].values()
        print(f"  {d:3} bits: recall {sum(recalls) / len(recalls):.3f} precision {figures['precision']:.4f}")
    for way, figures in results["mirror"].items():  # type: ignore[attr-defined]
        print(f"mirror, {way}: {figures['recall']} precision {figures['precision']:.4f}")
    print("same meme picture, other caption (bits):", results["same_picture_other_caption_bits"])
    print(f"figures in {args.output}")


if __name__ == "__main__":
    main()
