"""Campaign labels, one per template family and language (table ``template_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.templates import Labels, Template
from bot.store.db import Connection


class TemplateLabels:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def of(self, template: Template) -> Labels:
        """The labels of the template's family, with the language of the family's first template."""
        rows = await self._conn.fetch_all(
            "SELECT language, label FROM template_labels WHERE family = ?", (template.family_key,)
        )
        original = template.language
        if template.family is not None:
            original = await self._conn.fetch_value(
                "SELECT language FROM templates WHERE family = ? ORDER BY id LIMIT 1", (template.family,)
            )
        return Labels({row["language"]: row["label"] for row in rows}, original)

    async def all(self) -> dict[str, dict[str, str]]:
        """Every family's labels: family key → language → label."""
        found: dict[str, dict[str, str]] = {}
        for row in await self._conn.fetch_all("SELECT family, language, label FROM template_labels"):
            found.setdefault(row["family"], {})[row["language"]] = row["label"]
        return found

    async def rename(self, family_key: str, new_key: str) -> None:
        """Keep the family's labels under a new key (a template on its own that starts a family)."""
        await self._conn.execute("UPDATE template_labels SET family = ? WHERE family = ?", (new_key, family_key))

    async def put(
        self, family_key: str, labels: Mapping[str, str], set_by: str | None, now: int, *, replace: bool = True
    ) -> None:
        """Set these labels of the family (language → label); those it has in the same languages are replaced,
        or with ``replace=False`` kept."""
        on_conflict = (
            "DO UPDATE SET label = excluded.label, set_by = excluded.set_by, set_at = excluded.set_at"
            if replace
            else "DO NOTHING"
        )
        for language, label in labels.items():
            await self._conn.execute(
                "INSERT INTO template_labels (family, language, label, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (family, language) {on_conflict}",
                (family_key, language, label, set_by, now),
            )
