"""The second opinion on a semantic match: is this message the campaign line, or only about it?

Cosine similarity alone scores a critic, a sarcastic reply or a question on the same topic as high as a
paraphrase. The verifier is a logistic regression over what the pair shows beyond its topic
(bot.semantic.pairs: cosine, agreement with the candidate's whole family across languages, margin over
other families, stance cues, lengths, and how the message reads beside the line, bot.semantic.voice). It is
trained on the lines shipped in bot/data/semantic_train/ (paraphrases of every starter family in five
languages, and same-topic negatives) and in bot/data/semantic_train_campaigns/ (campaigns written for
training, with their templates): each line paired with its nearest starter template, and each
paraphrase also with its family's templates in the other languages, so that it learns what a translation
looks like. None of those lines is in an evaluation set. Each training line's voice score comes from a
voice model fitted without its family's lines, as a new campaign's messages meet it; the voice model the
verifier keeps is fitted on all of them.

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
from bot.semantic.voice import fit_voice, out_of_group, voice

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
    voice: np.ndarray
    """The voice model's weights (bot.semantic.voice)."""

    def features(self, pairs: Sequence[tuple[Message, Known, int | None]], bank: Bank) -> np.ndarray:
        """Rows of FEATURES for (message, candidate, the candidate's place in ``bank``) pairs."""
        messages, candidates = _vectors(pairs, (len(self.voice) - 1) // 2)
        return pair_features(pairs, bank, voice(self.voice, messages, candidates))

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
            voice=self.voice,
        )


def _read(source) -> Verifier:
    with np.load(source) as data:
        if "voice" not in data:  # from a Kuzet before the voice feature: _usable refuses it
            return Verifier(str(data["encoder"]), data["mean"], data["spread"], data["weights"], 0.0, np.zeros(1))
        return Verifier(
            str(data["encoder"]), data["mean"], data["spread"], data["weights"], float(data["bias"]), data["voice"]
        )


def _usable(verifier: Verifier, encoder: Encoder) -> bool:
    """Trained for this encoder, on today's features (a file from an older Kuzet has other ones)."""
    return (
        verifier.encoder == encoder.name
        and verifier.weights.shape == (len(FEATURES),)
        and verifier.voice.shape == (2 * encoder.dim + 1,)
    )


def fit(features: np.ndarray, labels: np.ndarray, encoder: str, voice_weights: np.ndarray) -> Verifier:
    """Newton's method on standardised features, ridge-penalised (deterministic: same data, same weights);
    the verifier keeps ``voice_weights`` to score the voice of the messages it meets."""
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
    return Verifier(encoder, mean, spread, w[:-1], float(w[-1]), voice_weights)


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


def banks(lines: Sequence[Line], templates: list[Known]) -> list[tuple[list[int], list[Known]]]:
    """The lines (by number) grouped by the templates the stage holds when they arrive: all of them, but for
    a translation not its own family's template in its own language (it is there to be found in another)."""
    groups: dict[tuple[str | None, str] | None, list[int]] = {}
    for number, line in enumerate(lines):
        groups.setdefault((line.family, line.language) if line.case == "translation" else None, []).append(number)
    return [
        (numbers, [t for t in templates if key is None or (t.family, t.language) != key])
        for key, numbers in groups.items()
    ]


def nearest_pairs(read: Sequence[Message], templates: list[Known]) -> tuple[list[tuple[Message, Known, int]], Bank]:
    """Each message with its nearest template, as the stage would pair them."""
    bank = Bank.of(templates, len(read[0].vector) if read else 0)
    scores = np.stack([m.vector for m in read]) @ bank.vectors.T if read else np.empty((0, len(templates)))
    nearest = np.argmax(scores, axis=1) if len(templates) else []
    return [(message, templates[int(n)], int(n)) for message, n in zip(read, nearest, strict=True)], bank


def examples(
    lines: Sequence[Line],
    read: Sequence[Message],
    templates: list[Known],
    groups: Sequence[str | None],
    voices: dict[str | None, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels: each line with its nearest template, and each positive line also with its
    family's templates in the other languages; each pair's voice scored with the weights of its line's group
    (``voices``)."""
    rows, labels = [], []
    for numbers, held in banks(lines, templates):
        nearest, bank = nearest_pairs([read[n] for n in numbers], held)
        pairs, owners = [], []
        for number, (message, known, place) in zip(numbers, nearest, strict=True):
            line = lines[number]
            pairs.append((message, known, place))
            labels.append(float(line.positive and known.family == line.family))
            owners.append(groups[number])
            if line.positive:
                for i in np.flatnonzero((bank.families == line.family) & (bank.languages != line.language)):
                    if i != place:
                        pairs.append((message, held[i], int(i)))
                        labels.append(1.0)
                        owners.append(groups[number])
        messages, candidates = _vectors(pairs, len(read[0].vector))
        scores = np.empty(len(pairs))
        for group in set(owners):
            mine = np.array([owner == group for owner in owners])
            scores[mine] = voice(voices[group], messages[mine], candidates[mine])
        rows.append(pair_features(pairs, bank, scores))
    return np.vstack(rows), np.array(labels)


def _vectors(pairs: Sequence[tuple[Message, Known, int | None]], dim: int) -> tuple[np.ndarray, np.ndarray]:
    if not pairs:
        return np.empty((0, dim)), np.empty((0, dim))
    return np.stack([m.vector for m, _, _ in pairs]), np.stack([k.vector for _, k, _ in pairs])


def trained(
    lines: Sequence[Line],
    read: Sequence[Message],
    templates: list[Known],
    encoder: str,
    groups: Sequence[str | None],
    unvoiced: frozenset[str] = frozenset(),
) -> Verifier:
    """A verifier from these lines and templates. Each line's voice feature is scored by a voice model
    fitted without the lines of its group (the campaign it belongs to or is about), as a new campaign's
    messages meet it; the verifier keeps a voice model fitted on every line but those of the ``unvoiced``
    groups (the campaigns written for training: leave-family-out, they made the voice model worse and the
    rest of the verifier better; README, "Campaigns nobody trained on")."""
    order, nearest = [], []
    for numbers, held in banks(lines, templates):
        order += numbers
        nearest += nearest_pairs([read[n] for n in numbers], held)[0]
    messages, candidates = _vectors(nearest, len(read[0].vector))
    positive = np.array([lines[n].positive for n in order])
    voiced = np.array([groups[n] not in unvoiced for n in order], dtype=bool)
    by_group = out_of_group(
        messages[voiced], candidates[voiced], positive[voiced], [groups[n] for n in np.array(order)[voiced]]
    )
    kept = fit_voice(messages[voiced], candidates[voiced], positive[voiced])
    by_group |= {group: kept for group in unvoiced}
    features, labels = examples(lines, read, templates, groups, by_group)
    return fit(features, labels, encoder, kept)


TRAINING_CAMPAIGNS = "semantic_train_campaigns"
"""Campaigns written for training only (templates and lines), modelled on other documented campaigns than
the evaluation families: the verifier learns what a reworded campaign line looks like from more campaigns."""


def training_campaigns() -> frozenset[str]:
    """The families of the campaigns written for training."""
    return frozenset(r["family"] for r in shipped_data(TRAINING_CAMPAIGNS) if r["case"] == "template")


def training_templates() -> list[dict]:
    """The starter templates and those of the training-only campaigns: the bank the training lines meet."""
    return shipped_data("starter_templates.jsonl") + [
        r for r in shipped_data(TRAINING_CAMPAIGNS) if r["case"] == "template"
    ]


def shipped_lines() -> list[Line]:
    """The training lines: the starter families' and the training-only campaigns'."""
    rows = shipped_data("semantic_train") + [r for r in shipped_data(TRAINING_CAMPAIGNS) if r["case"] != "template"]
    return [Line(r["text"], r["lang"], r.get("family"), r["case"], r.get("topic")) for r in rows]


def train(encoder: Encoder) -> Verifier:
    """A verifier for this encoder, from the shipped training lines and starter templates."""
    lines = shipped_lines()
    vectors = encoder.encode([text_to_encode(line.text) for line in lines])
    templates = template_bank(encoder, training_templates())
    groups = [line.family or line.topic for line in lines]
    return trained(lines, messages(lines, vectors), templates, encoder.name, groups, training_campaigns())


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
