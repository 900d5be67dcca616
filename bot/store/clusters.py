"""Clusters of similar reports (table ``clusters``; members are reports with its ``cluster_id``)."""

from __future__ import annotations

from bot.core.clusters import ClusterSummary
from bot.store.db import Connection


class Clusters:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def create(self, representative: str, template_id: int | None, now: int) -> int:
        cluster_id = await self._conn.next_id("clusters")
        await self._conn.execute(
            "INSERT INTO clusters (id, representative, template_id, created_at) VALUES (?, ?, ?, ?)",
            (cluster_id, representative, template_id, now),
        )
        return cluster_id

    async def of_template(self, template_id: int) -> int | None:
        """The cluster of this template, or of another template of its family (one campaign, many languages)."""
        return await self._conn.fetch_value(
            "SELECT c.id FROM clusters c JOIN templates t ON t.id = c.template_id "
            "WHERE c.template_id = ? OR t.family = (SELECT family FROM templates WHERE id = ?) ORDER BY c.id LIMIT 1",
            (template_id, template_id),
        )

    async def set_template(self, cluster_id: int, template_id: int) -> None:
        """The cluster became a template: reports matching the template join it from now on."""
        await self._conn.execute("UPDATE clusters SET template_id = ? WHERE id = ?", (template_id, cluster_id))

    async def move_reports(
        self, cluster_id: int, into_cluster_id: int, template_id: int | None, resemblance: str
    ) -> None:
        """The cluster's reports go to ``into_cluster_id`` (which may be the same cluster), as if they had matched
        it: its template if any, with ``resemblance``."""
        await self._conn.execute(
            "UPDATE reports SET cluster_id = ?, template_id = ?, matched = ?, resemblance = ? WHERE cluster_id = ?",
            (into_cluster_id, template_id, "cluster" if template_id is None else "template", resemblance, cluster_id),
        )

    async def mark_joined(self, cluster_id: int, into_cluster_id: int) -> None:
        """The cluster's reports went to another cluster: it is matched no more."""
        await self._conn.execute(
            "UPDATE clusters SET joined_cluster_id = ? WHERE id = ?", (into_cluster_id, cluster_id)
        )

    async def current(self, cluster_id: int) -> int:
        """The cluster that holds this one's reports now: itself, or the one it joined (and so on)."""
        seen = {cluster_id}
        while (
            into := await self._conn.fetch_value("SELECT joined_cluster_id FROM clusters WHERE id = ?", (cluster_id,))
        ) is not None and into not in seen:
            seen.add(into)
            cluster_id = into
        return cluster_id

    async def representative(self, cluster_id: int) -> str | None:
        return await self._conn.fetch_value("SELECT representative FROM clusters WHERE id = ?", (cluster_id,))

    async def template_of(self, cluster_id: int) -> int | None:
        return await self._conn.fetch_value("SELECT template_id FROM clusters WHERE id = ?", (cluster_id,))

    async def exists(self, cluster_id: int) -> bool:
        return await self._conn.fetch_value("SELECT 1 FROM clusters WHERE id = ?", (cluster_id,)) is not None

    async def free_standing(self) -> list[tuple[int, str]]:
        """Clusters not tied to a template, with their representative texts (what the matcher searches)."""
        rows = await self._conn.fetch_all(
            "SELECT id, representative FROM clusters WHERE template_id IS NULL AND joined_cluster_id IS NULL "
            "ORDER BY id"
        )
        return [(row["id"], row["representative"]) for row in rows]

    async def summary(self, cluster_id: int) -> ClusterSummary:
        row = await self._conn.fetch_one(
            "SELECT c.id, c.template_id, COUNT(r.id) AS reports, COUNT(DISTINCT r.reporter) AS reporters, "
            "MIN(r.created_at) AS first_seen, MAX(r.created_at) AS last_seen "
            "FROM clusters c LEFT JOIN reports r ON r.cluster_id = c.id WHERE c.id = ? GROUP BY c.id, c.template_id",
            (cluster_id,),
        )
        if row is None:
            raise LookupError(f"no cluster {cluster_id}")
        accounts = await self._conn.fetch_value(
            "SELECT COUNT(DISTINCT t.account_id) FROM report_targets t JOIN reports r ON r.id = t.report_id "
            "WHERE r.cluster_id = ?",
            (cluster_id,),
        )
        languages = await self._conn.fetch_all(
            "SELECT DISTINCT language FROM reports WHERE cluster_id = ? AND language IS NOT NULL ORDER BY language",
            (cluster_id,),
        )
        return ClusterSummary(
            row["id"],
            row["template_id"],
            row["reports"],
            row["reporters"],
            int(accounts or 0),
            tuple(r["language"] for r in languages),
            row["first_seen"],
            row["last_seen"],
        )
