"""The template bank and the negative bank (tables ``templates``, ``negatives``)."""

from __future__ import annotations

from bot.core.templates import Template
from bot.store.db import Connection, Row


def _template(row: Row) -> Template:
    return Template(
        row["id"],
        row["text"],
        row["language"],
        row["label"],
        row["family"],
        bool(row["enabled"]),
        row["created_by"],
        row["created_at"],
        row["learned_from_case"],
    )


class Templates:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(
        self,
        text: str,
        *,
        language: str | None,
        label: str | None,
        family: str | None,
        created_by: str | None,
        now: int,
        learned_from_case: int | None = None,
    ) -> Template:
        template_id = await self._conn.next_id("templates")
        await self._conn.execute(
            "INSERT INTO templates (id, text, language, label, family, enabled, created_by, created_at, "
            "learned_from_case) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (template_id, text, language, label, family, created_by, now, learned_from_case),
        )
        return Template(template_id, text, language, label, family, True, created_by, now, learned_from_case)

    async def get(self, template_id: int) -> Template | None:
        row = await self._conn.fetch_one("SELECT * FROM templates WHERE id = ?", (template_id,))
        return None if row is None else _template(row)

    async def all(self, *, enabled_only: bool = False) -> list[Template]:
        sql = "SELECT * FROM templates" + (" WHERE enabled = 1" if enabled_only else "") + " ORDER BY id"
        return [_template(row) for row in await self._conn.fetch_all(sql)]

    async def of_family(self, template: Template) -> list[int]:
        """The ids of the template's family (the template alone when it has none), enabled or not."""
        if template.family is None:
            return [template.id]
        rows = await self._conn.fetch_all("SELECT id FROM templates WHERE family = ? ORDER BY id", (template.family,))
        return [row["id"] for row in rows]

    async def set_family(self, template_id: int, family: str) -> None:
        await self._conn.execute("UPDATE templates SET family = ? WHERE id = ?", (family, template_id))

    async def learned_from(self, case_id: int) -> int | None:
        """The variant a family learned from this case, if any."""
        return await self._conn.fetch_value("SELECT MIN(id) FROM templates WHERE learned_from_case = ?", (case_id,))

    async def set_enabled(self, template_id: int, enabled: bool) -> bool:
        return (
            await self._conn.execute(
                "UPDATE templates SET enabled = ? WHERE id = ?", (1 if enabled else 0, template_id)
            )
            > 0
        )


class Negatives:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, text: str, *, language: str | None, created_by: str | None, now: int) -> int:
        negative_id = await self._conn.next_id("negatives")
        await self._conn.execute(
            "INSERT INTO negatives (id, text, language, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (negative_id, text, language, created_by, now),
        )
        return negative_id

    async def all(self) -> list[tuple[int, str]]:
        return [
            (row["id"], row["text"]) for row in await self._conn.fetch_all("SELECT id, text FROM negatives ORDER BY id")
        ]
