"""Suggestions put to moderators, and the negative pairs their answers leave (table ``suggestions``)."""

from __future__ import annotations

from bot.core.matcher import MatchKind, Resemblance
from bot.core.suggestions import Suggestion, SuggestionAnswer
from bot.store.db import Connection, Row


def _suggestion(row: Row) -> Suggestion:
    return Suggestion(
        row["id"],
        row["case_id"],
        row["cluster_id"],
        MatchKind(row["target_kind"]),
        row["target_id"],
        float(row["score"]),
        Resemblance(row["resemblance"]),
        row["language"],
        row["created_at"],
        None if row["answer"] is None else SuggestionAnswer(row["answer"]),
        row["answered_by"],
        row["answered_at"],
    )


class Suggestions:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(
        self,
        case_id: int,
        cluster_id: int,
        target_kind: MatchKind,
        target_id: int,
        *,
        score: float,
        resemblance: Resemblance,
        language: str | None,
        now: int,
    ) -> int:
        suggestion_id = await self._conn.next_id("suggestions")
        await self._conn.execute(
            "INSERT INTO suggestions (id, case_id, cluster_id, target_kind, target_id, score, resemblance, language, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                suggestion_id,
                case_id,
                cluster_id,
                target_kind.value,
                target_id,
                score,
                resemblance.value,
                language,
                now,
            ),
        )
        return suggestion_id

    async def get(self, suggestion_id: int) -> Suggestion | None:
        row = await self._conn.fetch_one("SELECT * FROM suggestions WHERE id = ?", (suggestion_id,))
        return None if row is None else _suggestion(row)

    async def latest_of_case(self, case_id: int) -> Suggestion | None:
        """The open suggestion of the case, else the latest answered one."""
        row = await self._conn.fetch_one(
            "SELECT * FROM suggestions WHERE case_id = ? ORDER BY CASE WHEN answer IS NULL THEN 0 ELSE 1 END, id DESC "
            "LIMIT 1",
            (case_id,),
        )
        return None if row is None else _suggestion(row)

    async def asked(self, cluster_id: int, target_kind: MatchKind, target_id: int) -> bool:
        """Whether this pair was suggested already (open, confirmed, or answered "different": a negative pair)."""
        return (
            await self._conn.fetch_value(
                "SELECT 1 FROM suggestions WHERE cluster_id = ? AND target_kind = ? AND target_id = ?",
                (cluster_id, target_kind.value, target_id),
            )
            is not None
        )

    async def answer(self, suggestion_id: int, answer: SuggestionAnswer, by: int, now: int) -> None:
        await self._conn.execute(
            "UPDATE suggestions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
            (answer.value, by, now, suggestion_id),
        )
