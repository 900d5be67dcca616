"""What the verifier reads of a (message, candidate) pair.

Two kinds of features. The vectors themselves (their element-wise product and distance, and the message's
own vector) let the verifier learn what repeating a line looks like in the encoder's space, and what a
critic's, a question's or a news report's vector looks like; on its own, that learned the seven starter
campaigns' topics and let most translations of other campaigns go. Beside them, features that describe how
the pair relates whatever it is about:

- the cosine, whether both are in the same language, and the two together (a translation scores lower);
- how the message sits with the candidate's whole family: its cosine with the family's templates in the
  other languages (a reworded line is near all of them; a critic borrowing one line's words is near one);
- the margin over the nearest template of any other family;
- the stance cues (bot.semantic.cues) the message has beyond the candidate's: negations, questions, "but";
- the ratio of their lengths.

A candidate that is a cluster has no family: its family features are its own cosine.
``python benchmarks/eval_semantic.py --lofo`` measures the choice leave-family-out (README, "Campaigns
nobody trained on").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.semantic.cues import Cues

RELATIONS = (
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
)
"""The features that mean the same whatever the campaign is about; the vector features come first."""


def feature_count(dim: int) -> int:
    """Vector features (product, distance, message: three times the dimension) and RELATIONS."""
    return 3 * dim + len(RELATIONS)


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

    @classmethod
    def of(cls, templates: list[Known], dim: int) -> Bank:
        vectors = np.stack([t.vector for t in templates]) if templates else np.empty((0, dim), dtype=np.float32)
        return cls(
            vectors,
            np.array([t.family for t in templates], dtype=object),
            np.array([t.language for t in templates], dtype=object),
        )


@dataclass(frozen=True)
class Message:
    vector: np.ndarray
    language: str | None
    cues: Cues


def pair_features(pairs: list[tuple[Message, Known, int | None]], bank: Bank) -> np.ndarray:
    """One row of features per (message, candidate, the candidate's place in ``bank`` if it is a template
    there)."""
    rows = len(pairs)
    if rows == 0:
        return np.empty((0, feature_count(bank.vectors.shape[1])))
    messages = np.stack([m.vector for m, _, _ in pairs]).astype(np.float32)
    candidates = np.stack([k.vector for _, k, _ in pairs]).astype(np.float32)
    cosine = np.sum(messages * candidates, axis=1, dtype=np.float64)
    same = np.array([m.language is not None and m.language == k.language for m, k, _ in pairs], dtype=np.float64)

    to_bank = (messages @ bank.vectors.T).astype(np.float64)
    codes = {name: code for code, name in enumerate(dict.fromkeys([*bank.families, *bank.languages]))}
    bank_families = np.array([codes[f] for f in bank.families], dtype=np.int64)
    bank_languages = np.array([codes[x] for x in bank.languages], dtype=np.int64)
    family = np.array([-1 if k.family is None else codes.get(k.family, -2) for _, k, _ in pairs], dtype=np.int64)
    language = np.array([codes.get(m.language, -3) for m, _, _ in pairs], dtype=np.int64)
    in_family = bank_families[None, :] == family[:, None]
    place = np.array([-1 if p is None else p for _, _, p in pairs])
    others = in_family & (bank_languages[None, :] != language[:, None])
    others &= np.arange(len(bank.families))[None, :] != place[:, None]
    counted = others.sum(axis=1)
    has_others = counted > 0
    family_mean = np.where(has_others, (to_bank * others).sum(axis=1) / np.maximum(counted, 1), cosine)
    family_min = np.where(has_others, np.where(others, to_bank, np.inf).min(axis=1, initial=np.inf), cosine)
    family_max = np.where(has_others, np.where(others, to_bank, -np.inf).max(axis=1, initial=-np.inf), cosine)
    rivals = np.where(in_family, -np.inf, to_bank).max(axis=1, initial=-np.inf)
    margin = np.where(np.isfinite(rivals), cosine - rivals, cosine)

    def cue(name: str, side: int) -> np.ndarray:
        return np.array([getattr(pair[side].cues, name) for pair in pairs], dtype=np.float64)

    more_negations = np.maximum(cue("negations", 0) - cue("negations", 1), 0)
    lengths = np.log((cue("length", 0) + 1) / (cue("length", 1) + 1))
    return np.column_stack(
        [
            messages * candidates,
            np.abs(messages - candidates),
            messages,
            cosine,
            same,
            cosine * same,
            family_mean,
            family_min,
            family_max,
            margin,
            more_negations,
            (more_negations > 0).astype(np.float64),
            np.maximum(cue("questions", 0) - cue("questions", 1), 0),
            np.maximum(cue("contrasts", 0) - cue("contrasts", 1), 0),
            lengths,
            np.abs(lengths),
        ]
    )
