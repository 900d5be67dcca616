"""What the verifier reads of a (message, candidate) pair: features that mean the same in every campaign.

The first verifier read the two vectors themselves (their product, difference and the message), and learned
the seven starter campaigns' topics: on campaigns it had never seen it let most translations go, and its
leave-family-out figures were the lowest of those measured (README, "Campaigns nobody trained on"). These
features describe how the pair relates, not what it is about (the voice score reads the vectors, but is
trained as it is used: on campaigns other than the one it scores):

- the cosine, whether both are in the same language, and the two together (a translation scores lower);
- how the message sits with the candidate's whole family: its cosine with the family's templates in the
  other languages (a reworded line is near all of them; a critic borrowing one line's words is near one);
- the margin of the candidate's family (its nearest template, in any language) over the nearest template of
  any other family;
- the stance cues (bot.semantic.cues) the message has beyond the candidate's: negations, questions, "but";
- the ratio of their lengths;
- how the message reads beside the candidate, like a campaign post or like talk about one
  (bot.semantic.voice: a linear model over the two vectors, trained without the campaign it scores).

A candidate that is a cluster has no family: its family features are its own cosine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.semantic.cues import Cues

FEATURES = (
    "cosine",
    "same_language",
    "cosine_if_same_language",
    "family_mean",
    "family_min",
    "family_max",
    "margin",
    "more_negations",
    "negated",
    "more_questions",
    "more_contrasts",
    "length_ratio",
    "length_difference",
    "voice",
)


@dataclass(frozen=True)
class Known:
    """A template or cluster as the verifier sees it."""

    vector: np.ndarray
    family: str | None
    """Templates that say the same line in several languages share a family; clusters have none."""
    language: str | None
    cues: Cues


@dataclass(frozen=True)
class Bank:
    """Every template, for the family and margin features."""

    vectors: np.ndarray
    families: np.ndarray
    languages: np.ndarray
    codes: dict[str | None, int]
    """A number for every family and language name, so that pairs compare numbers, not strings."""
    family_codes: np.ndarray
    language_codes: np.ndarray

    @classmethod
    def of(cls, templates: list[Known], dim: int) -> Bank:
        vectors = np.stack([t.vector for t in templates]) if templates else np.empty((0, dim), dtype=np.float32)
        families = [t.family for t in templates]
        languages = [t.language for t in templates]
        codes = {name: code for code, name in enumerate(dict.fromkeys([*families, *languages]))}
        return cls(
            vectors,
            np.array(families, dtype=object),
            np.array(languages, dtype=object),
            codes,
            np.array([codes[f] for f in families], dtype=np.int64),
            np.array([codes[x] for x in languages], dtype=np.int64),
        )


@dataclass(frozen=True)
class Message:
    vector: np.ndarray
    language: str | None
    cues: Cues


def pair_features(pairs: Sequence[tuple[Message, Known, int | None]], bank: Bank, voices: np.ndarray) -> np.ndarray:
    """One row of FEATURES per (message, candidate, the candidate's place in ``bank`` if it is a template
    there); ``voices``: each pair's message's voice score."""
    rows = len(pairs)
    if rows == 0:
        return np.empty((0, len(FEATURES)))
    messages = np.stack([m.vector for m, _, _ in pairs]).astype(np.float32)
    candidates = np.stack([k.vector for _, k, _ in pairs]).astype(np.float32)
    cosine = np.sum(messages * candidates, axis=1, dtype=np.float64)
    same = np.array([m.language is not None and m.language == k.language for m, k, _ in pairs], dtype=np.float64)

    to_bank = (messages @ bank.vectors.T).astype(np.float64)
    codes = bank.codes
    family = np.array([-1 if k.family is None else codes.get(k.family, -2) for _, k, _ in pairs], dtype=np.int64)
    language = np.array([codes.get(m.language, -3) for m, _, _ in pairs], dtype=np.int64)
    in_family = bank.family_codes[None, :] == family[:, None]
    place = np.array([-1 if p is None else p for _, _, p in pairs])
    others = in_family & (bank.language_codes[None, :] != language[:, None])
    others &= np.arange(len(bank.families))[None, :] != place[:, None]
    counted = others.sum(axis=1)
    has_others = counted > 0
    family_mean = np.where(has_others, (to_bank * others).sum(axis=1) / np.maximum(counted, 1), cosine)
    family_min = np.where(has_others, np.where(others, to_bank, np.inf).min(axis=1, initial=np.inf), cosine)
    family_max = np.where(has_others, np.where(others, to_bank, -np.inf).max(axis=1, initial=-np.inf), cosine)
    rivals = np.where(in_family, -np.inf, to_bank).max(axis=1, initial=-np.inf)
    best_of_family = np.maximum(cosine, np.where(in_family, to_bank, -np.inf).max(axis=1, initial=-np.inf))
    margin = np.where(np.isfinite(rivals), best_of_family - rivals, cosine)

    def cue(name: str) -> tuple[np.ndarray, np.ndarray]:
        """The message's and the candidate's count of this cue."""
        return (
            np.array([getattr(m.cues, name) for m, _, _ in pairs], dtype=np.float64),
            np.array([getattr(k.cues, name) for _, k, _ in pairs], dtype=np.float64),
        )

    (negations, their_negations), (questions, their_questions) = cue("negations"), cue("questions")
    (contrasts, their_contrasts), (length, their_length) = cue("contrasts"), cue("length")
    more_negations = np.maximum(negations - their_negations, 0)
    lengths = np.log((length + 1) / (their_length + 1))
    return np.column_stack(
        [
            cosine,
            same,
            cosine * same,
            family_mean,
            family_min,
            family_max,
            margin,
            more_negations,
            (more_negations > 0).astype(np.float64),
            np.maximum(questions - their_questions, 0),
            np.maximum(contrasts - their_contrasts, 0),
            lengths,
            np.abs(lengths),
            voices,
        ]
    )
