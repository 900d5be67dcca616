"""The voice model (bot.semantic.voice): scores from models that never saw a line's campaign."""

from __future__ import annotations

import numpy as np

from bot.semantic.voice import fit_voice, out_of_group, voice


def test_a_groups_weights_are_those_fitted_on_every_other_groups_lines() -> None:
    rng = np.random.default_rng(7)
    messages, candidates = rng.normal(size=(60, 8)), rng.normal(size=(60, 8))
    positive = rng.random(60) < 0.5
    groups = [f"campaign {n % 4}" for n in range(60)]
    by_group = out_of_group(messages, candidates, positive, groups)
    assert sorted(by_group) == [f"campaign {n}" for n in range(4)]
    for group, weights in by_group.items():
        others = np.array([g != group for g in groups])
        np.testing.assert_allclose(weights, fit_voice(messages[others], candidates[others], positive[others]))


def test_the_voice_separates_lines_by_what_the_message_adds_to_its_candidate() -> None:
    rng = np.random.default_rng(3)
    candidates = rng.normal(size=(200, 16))
    commentary = np.zeros(16)
    commentary[0] = 2.0
    positive = np.arange(200) % 2 == 0
    messages = candidates + rng.normal(scale=0.1, size=(200, 16)) + np.where(positive, 0.0, 1.0)[:, None] * commentary
    scores = voice(fit_voice(messages, candidates, positive), messages, candidates)
    assert (scores[positive] > 0).all() and (scores[~positive] < 0).all()
