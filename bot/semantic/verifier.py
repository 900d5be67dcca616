"""The second opinion on a semantic match: is this message the campaign line, or only about it?

Cosine similarity alone scores a critic, a sarcastic reply or a question on the same topic as high as a
paraphrase. The verifier is a logistic regression over the pair (message, candidate): their element-wise
product and distance, the cosine, and the message itself. It is trained on the lines shipped in
bot/data/semantic_train/ (paraphrases of every template family in five languages, and same-topic
negatives), each paired with its nearest starter template. None of those lines is in the evaluation set.

Weights depend on the encoder. Those for the default encoder ship as bot/data/semantic_verifier.npz
(``python -m bot.semantic.verifier`` writes them); for any other encoder they are trained at first start
and kept beside the database.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np

from bot.core.templates import readable
from bot.resources import shipped_data
from bot.semantic.encoders import DEFAULT_ENCODER, Encoder, load_encoder
from bot.semantic.reading import text_to_encode

log = logging.getLogger(__name__)

SHIPPED = "semantic_verifier.npz"
_STEPS, _RATE, _L2 = 3000, 0.3, 1e-3


def pair_features(messages: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """One row per (message, candidate) pair of unit vectors."""
    cosine = np.sum(messages * candidates, axis=1, keepdims=True)
    return np.hstack([messages * candidates, np.abs(messages - candidates), cosine, messages])


@dataclass(frozen=True)
class Verifier:
    encoder: str
    mean: np.ndarray
    spread: np.ndarray
    weights: np.ndarray
    bias: float

    def probability(self, messages: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """How likely each message repeats its candidate's line (0 to 1)."""
        z = (pair_features(messages, candidates) - self.mean) / self.spread
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


def fit(features: np.ndarray, labels: np.ndarray, encoder: str) -> Verifier:
    """Batch gradient descent on standardised features (deterministic: same data, same weights)."""
    mean, spread = features.mean(0), features.std(0) + 1e-6
    z = (features - mean) / spread
    weights, bias = np.zeros(z.shape[1]), 0.0
    for _ in range(_STEPS):
        p = 1.0 / (1.0 + np.exp(-(z @ weights + bias)))
        weights -= _RATE * (z.T @ (p - labels) / len(labels) + _L2 * weights)
        bias -= _RATE * float((p - labels).mean())
    return Verifier(encoder, mean, spread, weights, bias)


def train(encoder: Encoder) -> Verifier:
    """A verifier for this encoder, from the shipped training lines and starter templates."""
    lines = shipped_data("semantic_train")
    templates = shipped_data("starter_templates.jsonl")
    vectors = encoder.encode([text_to_encode(line["text"]) for line in lines])
    template_vectors = encoder.encode([readable(t["text"]) for t in templates])
    nearest = template_vectors[np.argmax(vectors @ template_vectors.T, axis=1)]
    labels = np.array([1.0 if line["case"] == "paraphrase" else 0.0 for line in lines])
    return fit(pair_features(vectors, nearest), labels, encoder.name)


def verifier_for(encoder: Encoder, cache: Path) -> Verifier:
    """The shipped verifier when it was trained for this encoder; else one trained now and kept in ``cache``."""
    with files("bot").joinpath("data", SHIPPED).open("rb") as source:
        shipped = _read(source)
    if shipped.encoder == encoder.name:
        return shipped
    if cache.is_file():
        kept = _read(cache)
        if kept.encoder == encoder.name:
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
