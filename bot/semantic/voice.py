"""How a message reads beside the line it resembles: like a campaign post, or like talk about one.

A reworded campaign line and a critic's, a reporter's or a doubter's post on the same topic sit at the same
cosine from the line (the encoder places texts by topic), but they do not read alike: the line praises,
urges and says "we"; commentary reports, asks, mocks and names who posted what. A linear model over the
message's vector and what it adds to the line's (the difference of the two vectors), trained on the labelled
lines of some campaigns (reworded and translated lines against same-topic hard negatives, each with its
nearest template), tells them apart on campaigns it never saw better than the cosine does, and the two
together far better than either (README, "Campaigns nobody trained on"). Its score is one of the verifier's
features (bot.semantic.pairs).

Ridge regression on ±1 labels: one linear solve, and a model without any group of lines follows from the
model on all of them with a solve the size of the group, so the verifier can be trained on scores from
models that never saw the campaign of the line they score (``out_of_group``) at little cost.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np

Group = TypeVar("Group", bound=Hashable)

RIDGE = 1.0
"""Penalty on the weights (not the bias), for unit vectors of a few hundred dimensions and a few thousand
lines."""


def _design(messages: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    messages = np.asarray(messages, dtype=np.float64)
    return np.hstack([messages, messages - np.asarray(candidates, dtype=np.float64), np.ones((len(messages), 1))])


def _penalised(gram: np.ndarray) -> np.ndarray:
    penalty = RIDGE * np.eye(len(gram))
    penalty[-1, -1] = 0.0
    return gram + penalty


def fit_voice(messages: np.ndarray, candidates: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """The weights (two per dimension, then the bias) from these lines, each with the template it resembles
    most: positive (a campaign line in other words or another language) or not (a same-topic negative)."""
    x = _design(messages, candidates)
    return np.linalg.solve(_penalised(x.T @ x), x.T @ (2.0 * np.asarray(positive, dtype=np.float64) - 1.0))


def voice(weights: np.ndarray, messages: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Each (message, candidate) pair's score: above 0 it reads like the campaign, below like talk about it."""
    return _design(messages, candidates) @ weights


def out_of_group(
    messages: np.ndarray, candidates: np.ndarray, positive: np.ndarray, groups: Sequence[Group]
) -> dict[Group, np.ndarray]:
    """For each group (a campaign), the weights fitted on the lines of every other group."""
    x = _design(messages, candidates)
    target = 2.0 * np.asarray(positive, dtype=np.float64) - 1.0
    inverse = np.linalg.inv(_penalised(x.T @ x))
    everything = inverse @ (x.T @ target)
    found = {}
    for group in dict.fromkeys(groups):
        inside = np.array([g == group for g in groups])
        # Without the group's rows: (A - XᵀX)⁻¹ by the Woodbury identity, a solve the size of the group
        # instead of one the size of the vectors.
        rows = x[inside]
        spread = inverse @ rows.T
        rest = everything - spread @ target[inside]
        found[group] = rest + spread @ np.linalg.solve(np.eye(len(rows)) - rows @ spread, rows @ rest)
    return found
