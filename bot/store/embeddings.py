"""Sentence vectors of templates and clusters (table ``embeddings``), one set per encoder."""

from __future__ import annotations

import base64

import numpy as np

from bot.store.db import Connection


def _text(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def _vector(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)


class Embeddings:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def put(self, owner: str, owner_id: int, encoder: str, vector: np.ndarray) -> None:
        await self._conn.execute(
            "DELETE FROM embeddings WHERE owner = ? AND owner_id = ? AND encoder = ?", (owner, owner_id, encoder)
        )
        await self._conn.execute(
            "INSERT INTO embeddings (owner, owner_id, encoder, vector) VALUES (?, ?, ?, ?)",
            (owner, owner_id, encoder, _text(vector)),
        )

    async def of(self, owner: str, encoder: str) -> dict[int, np.ndarray]:
        rows = await self._conn.fetch_all(
            "SELECT owner_id, vector FROM embeddings WHERE owner = ? AND encoder = ?", (owner, encoder)
        )
        return {row["owner_id"]: _vector(row["vector"]) for row in rows}

    async def get(self, owner: str, owner_id: int, encoder: str) -> np.ndarray | None:
        text = await self._conn.fetch_value(
            "SELECT vector FROM embeddings WHERE owner = ? AND owner_id = ? AND encoder = ?", (owner, owner_id, encoder)
        )
        return None if text is None else _vector(text)
