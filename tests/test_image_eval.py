"""The picture floors: PDQ at the default threshold on the held-out half of the evaluation set.

tests/image_sets.py builds the set; ``python benchmarks/eval_images.py`` prints the same figures per change,
held-out and in-sample, with the threshold sweep on the tuning half (README, "Pictures: PDQ hashes").
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from PIL import Image

from bot.images.evaluation import Figures, evaluate
from bot.images.index import DEFAULT_MAX_DISTANCE
from bot.images.pdq import hash_image
from tests import image_sets

RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.99

NOT_SURVIVED = {
    "resize 25%": "held-out 0.875: a brick texture and a quote screenshot at 120-135 px lose their detail (40 bits)",
    "crop 5% (centred)": "held-out 0.0: PDQ's DCT moves with the frame; 2.5 % off each side costs 80-110 bits",
    "crop 10% (centred)": "held-out 0.0: PDQ is not crop-resistant (100-130 bits)",
    "crop 10% (one side)": "held-out 0.0: PDQ is not crop-resistant",
    "watermark": "held-out 0.625: a bold handle moves textures and text screenshots 34-62 bits",
    "caption strip": "held-out 0.0: a band of 12 % changes the frame like a crop (130-150 bits)",
    "white border 4%": "held-out 0.0: padding changes the frame like a crop (110-120 bits)",
    "screenshot frame": "held-out 0.0: status and navigation bars change the frame (130+ bits)",
    "crop 5% + brightness + q50": "held-out 0.0: the crop alone breaks it",
}
"""Changes of the issue that PDQ does not survive, as measured; each recall floor is an xfail until it holds."""

pytestmark = [
    pytest.mark.no_database("a measurement of picture matching alone"),
    pytest.mark.xdist_group("image_evaluation"),
]


@cache
def held_out() -> Figures:
    queries = image_sets.half(image_sets.queries(), held=True)
    return evaluate(image_sets.stored_hashes(), queries, DEFAULT_MAX_DISTANCE)


def test_every_kind_has_hard_negatives_in_both_halves() -> None:
    kinds = Counter((source.kind, image_sets.held_out(source)) for source in image_sets.sources())
    for kind in ("photo", "poster", "screenshot", "meme"):
        assert kinds[(kind, True)] >= 3 and kinds[(kind, False)] >= 3, kind


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(change, marks=pytest.mark.xfail(strict=True, reason=NOT_SURVIVED[change]))
        if change in NOT_SURVIVED
        else change
        for change in image_sets.SURVIVABLE
    ],
)
def test_held_out_recall_per_change_reaches_the_floor(change: str) -> None:
    assert held_out().queries[change] >= 16
    assert held_out().recall(change) >= RECALL_FLOOR


def test_held_out_recall_over_the_changes_pdq_survives_reaches_the_floor() -> None:
    figures = held_out()
    survived = [change for change in image_sets.SURVIVABLE if change not in NOT_SURVIVED]
    hits = sum(figures.hits[change] for change in survived)
    assert hits / sum(figures.queries[change] for change in survived) >= RECALL_FLOOR


def test_held_out_precision_reaches_the_floor_against_same_kind_pictures() -> None:
    assert held_out().precision >= PRECISION_FLOOR, held_out().false_pairs


def test_mirrored_copies_match_only_through_the_dihedral_hashes() -> None:
    stored = image_sets.stored_hashes()
    plain = evaluate(stored, image_sets.queries(mirrored=True), DEFAULT_MAX_DISTANCE)
    dihedral = evaluate(stored, image_sets.queries(mirrored=True, dihedral=True), DEFAULT_MAX_DISTANCE)
    assert plain.recall() == 0
    assert dihedral.recall() >= 0.6  # measured 0.667: text screenshots and textures lose 32-90 bits mirrored
    assert dihedral.precision >= PRECISION_FLOOR


def test_a_flat_picture_falls_under_the_quality_floor() -> None:
    assert not hash_image(image_sets.jpeg(Image.new("RGB", (640, 480), "#3366aa"))).usable
    assert not image_sets.stored_hashes()["clock"].usable  # a grey clock face on a plain wall: quality 35
    assert all(h.usable for name, h in image_sets.stored_hashes().items() if name != "clock")
