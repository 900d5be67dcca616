"""The second opinion on a semantic match: is this message the campaign line, or only about it?

Cosine similarity alone scores a critic, a sarcastic reply or a question on the same topic as high as a
paraphrase. The verifier is a logistic regression over what the pair shows beyond its topic
(bot.semantic.pairs: cosine, agreement with the candidate's whole family across languages, margin over
other families, stance cues, lengths). It is trained on the lines shipped in bot/data/semantic_train/
(paraphrases of every starter family in five languages, and same-topic negatives): each line paired with
its nearest starter template, and each paraphrase also with its family's templates in the other languages,
so that it learns what a translation looks like. None of those lines is in an evaluation set.

Weights depend on the encoder. Those for the default encoder ship as bot/data/semantic_verifier.npz
(``python -m bot.semantic.verifier`` writes them); for any other encoder they are trained at first start
and kept beside the database.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np

from bot.core.templates import readable
from bot.resources import shipped_data
from bot.semantic.cues import cues
from bot.semantic.encoders import DEFAULT_ENCODER, Encoder, load_encoder
from bot.semantic.pairs import FEATURES, Bank, Known, Message, pair_features
from bot.semantic.reading import text_to_encode

log = logging.getLogger(__name__)

SHIPPED = "semantic_verifier.npz"
L2 = 1e-3
"""Ridge penalty per example."""
POSITIVE_CASES = frozenset({"paraphrase", "translation"})


@dataclass(frozen=True)
class Verifier:
    encoder: str
    mean: np.ndarray
    spread: np.ndarray
    weights: np.ndarray
    bias: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        """How likely each pair's message repeats its candidate's line (0 to 1), from rows of FEATURES."""
        z = (features - self.mean) / self.spread
        return 1.0 / (1.0 + np.exp(-(z @ self.weights + self.bias)))

    def save(self, path: Path) -> None:
        np.savez(
            path,
            encoder=np.array(self.encoder),
            mean=self.mean,
            spread=self.spread,
            weights=self.weights,
            bias=np.array(self.bias),
        )


def _read(source) -> Verifier:
    with np.load(source) as data:
        return Verifier(str(data["encoder"]), data["mean"], data["spread"], data["weights"], float(data["bias"]))


def _usable(verifier: Verifier, encoder: Encoder) -> bool:
    """Trained for this encoder, on today's features (a file from an older Kuzet has other ones)."""
    return verifier.encoder == encoder.name and verifier.weights.shape == (len(FEATURES),)


def fit(features: np.ndarray, labels: np.ndarray, encoder: str) -> Verifier:
    """Newton's method on standardised features, ridge-penalised (deterministic: same data, same weights)."""
    mean, spread = features.mean(0), features.std(0) + 1e-6
    z = np.hstack([(features - mean) / spread, np.ones((len(features), 1))])
    penalty = L2 * len(features) * np.eye(z.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not penalised
    w = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty + 1e-9 * np.eye(z.shape[1])
        step = np.linalg.solve(hessian, z.T @ (p - labels) + penalty @ w)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Verifier(encoder, mean, spread, w[:-1], float(w[-1]))


@dataclass(frozen=True)
class Line:
    """A labelled message: a paraphrase or translation of its family's line, or a same-topic negative."""

    text: str
    language: str
    family: str | None
    case: str
    topic: str | None = None
    """The family a negative line is about (for leaving it out with that family)."""

    @property
    def positive(self) -> bool:
        return self.case in POSITIVE_CASES


def template_bank(encoder: Encoder, templates: Sequence[dict]) -> list[Known]:
    """Templates as JSON lines carry them (text, lang, family), as the verifier sees them."""
    readings = [text_to_encode(readable(t["text"])) for t in templates]
    vectors = encoder.encode(readings)
    return [
        Known(vector, t.get("family"), t.get("lang"), cues(reading))
        for t, reading, vector in zip(templates, readings, vectors, strict=True)
    ]


def messages(lines: Sequence[Line], vectors: np.ndarray) -> list[Message]:
    return [
        Message(vector, line.language, cues(text_to_encode(line.text)))
        for line, vector in zip(lines, vectors, strict=True)
    ]


def nearest_pairs(
    lines: Sequence[Line], read: Sequence[Message], templates: list[Known]
) -> tuple[list[tuple[Message, Known, int]], Bank]:
    """Each line with its nearest template, as the stage would pair them (a translation is not paired with
    its own family's template in its own language: it is there to be found in another one)."""
    bank = Bank.of(templates, len(read[0].vector) if read else 0)
    scores = np.stack([m.vector for m in read]) @ bank.vectors.T if read else np.empty((0, len(templates)))
    own_language = {language: bank.languages == language for language in set(bank.languages)}
    pairs = []
    for line, message, row in zip(lines, read, scores, strict=True):
        if line.case == "translation":
            row = np.where((bank.families == line.family) & own_language.get(line.language, False), -2.0, row)
        nearest = int(np.argmax(row))
        pairs.append((message, templates[nearest], nearest))
    return pairs, bank


def examples(lines: Sequence[Line], read: Sequence[Message], templates: list[Known]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels: each line with its nearest template, and each positive line also with its
    family's templates in the other languages."""
    nearest, bank = nearest_pairs(lines, read, templates)
    pairs, labels = [], []
    for line, (message, known, place) in zip(lines, nearest, strict=True):
        pairs.append((message, known, place))
        labels.append(float(line.positive and known.family == line.family))
        if line.positive:
            for i in np.flatnonzero((bank.families == line.family) & (bank.languages != line.language)):
                if i != place:
                    pairs.append((message, templates[i], int(i)))
                    labels.append(1.0)
    return pair_features(pairs, bank), np.array(labels)


def shipped_lines() -> list[Line]:
    return [
        Line(r["text"], r["lang"], r.get("family"), r["case"], r.get("topic")) for r in shipped_data("semantic_train")
    ]


def train(encoder: Encoder) -> Verifier:
    """A verifier for this encoder, from the shipped training lines and starter templates."""
    lines = shipped_lines()
    vectors = encoder.encode([text_to_encode(line.text) for line in lines])
    templates = template_bank(encoder, shipped_data("starter_templates.jsonl"))
    features, labels = examples(lines, messages(lines, vectors), templates)
    return fit(features, labels, encoder.name)


def verifier_for(encoder: Encoder, cache: Path) -> Verifier:
    """The shipped verifier when it was trained for this encoder; else one trained now and kept in ``cache``."""
    with files("bot").joinpath("data", SHIPPED).open("rb") as source:
        shipped = _read(source)
    if _usable(shipped, encoder):
        return shipped
    if cache.is_file():
        kept = _read(cache)
        if _usable(kept, encoder):
            return kept
    log.info("training the semantic verifier for encoder %s (once)", encoder.name)
    trained = train(encoder)
    cache.parent.mkdir(parents=True, exist_ok=True)
    trained.save(cache)
    return trained


def main() -> int:
    """Write the shipped weights for the default encoder: python -m bot.semantic.verifier [output]."""
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "data" / SHIPPED
    train(load_encoder(DEFAULT_ENCODER)).save(output)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
