"""Templates being made from cases (table ``template_drafts``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection, Row


@dataclass(frozen=True)
class TemplateDraft:
    id: int
    case_id: int
    text: str
    chat_id: int
    message_id: int | None
    saved_template_id: int | None


class TemplateDrafts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, case_id: int, text: str, chat_id: int, created_by: int, now: int) -> TemplateDraft:
        draft_id = await self._conn.next_id("template_drafts")
        await self._conn.execute(
            "INSERT INTO template_drafts (id, case_id, text, chat_id, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (draft_id, case_id, text, chat_id, created_by, now),
        )
        return TemplateDraft(draft_id, case_id, text, chat_id, None, None)

    async def get(self, draft_id: int) -> TemplateDraft | None:
        row = await self._conn.fetch_one("SELECT * FROM template_drafts WHERE id = ?", (draft_id,))
        return None if row is None else _draft(row)

    async def at_message(self, chat_id: int, message_id: int) -> TemplateDraft | None:
        row = await self._conn.fetch_one(
            "SELECT * FROM template_drafts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return None if row is None else _draft(row)

    async def set_message(self, draft_id: int, message_id: int) -> None:
        await self._conn.execute("UPDATE template_drafts SET message_id = ? WHERE id = ?", (message_id, draft_id))

    async def set_text(self, draft_id: int, text: str) -> None:
        await self._conn.execute("UPDATE template_drafts SET text = ? WHERE id = ?", (text, draft_id))

    async def mark_saved(self, draft_id: int, template_id: int) -> None:
        await self._conn.execute(
            "UPDATE template_drafts SET saved_template_id = ? WHERE id = ?", (template_id, draft_id)
        )


def _draft(row: Row) -> TemplateDraft:
    return TemplateDraft(
        row["id"], row["case_id"], row["text"], row["chat_id"], row["message_id"], row["saved_template_id"]
    )
