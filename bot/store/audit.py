"""The append-only audit log of moderator actions (table ``audit_log``; triggers refuse changes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Connection


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: int
    actor_id: int | None
    action: str
    case_id: int | None
    subject: str | None
    before: Any
    after: Any


class AuditLog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def record(
        self,
        actor_id: int | None,
        action: str,
        now: int,
        *,
        case_id: int | None = None,
        subject: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> int:
        """Append one entry; ``before`` and ``after`` are stored as JSON."""
        entry_id = await self._conn.next_id("audit_log")
        await self._conn.execute(
            "INSERT INTO audit_log (id, at, actor_id, action, case_id, subject, before_value, after_value) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, now, actor_id, action, case_id, subject, _json(before), _json(after)),
        )
        return entry_id

    async def latest(self, limit: int) -> list[AuditEntry]:
        rows = await self._conn.fetch_all(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            AuditEntry(
                row["id"],
                row["at"],
                row["actor_id"],
                row["action"],
                row["case_id"],
                row["subject"],
                _value(row["before_value"]),
                _value(row["after_value"]),
            )
            for row in rows
        ]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _value(text: str | None) -> Any:
    return None if text is None else json.loads(text)
