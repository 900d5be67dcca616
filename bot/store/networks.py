"""Account networks (tables ``network_actions``, ``network_accounts``, ``network_edges``, ``networks``,
``network_members``): the co-action graph the reports build, and the numbered networks found in it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Account
from bot.core.cases import CaseKind, CaseStatus
from bot.core.networks import CoActionKind, Edge, pair
from bot.core.periods import DAY, WEEK
from bot.store.cases import account_of
from bot.store.db import Connection, Row, placeholders

MONDAY_OFFSET = 3 * DAY
"""1 January 1970 was a Thursday: Unix seconds plus three days, divided by a week, count weeks from Mondays."""


@dataclass(frozen=True)
class LinkedEdge:
    edge: Edge
    participation_a: int
    participation_b: int


@dataclass(frozen=True)
class NetworkRecord:
    number: int
    status: str
    """'active', 'merged' (into ``merged_into``) or 'ended'."""
    accounts: int
    first_at: int
    last_at: int
    merged_into: int | None
    split_from: int | None


_EDGE = (
    "SELECT e.a, e.b, e.clusters, e.images, e.reported, e.avatar, e.first_at, e.last_at, "
    "COALESCE(pa.participation, 0) AS pa, COALESCE(pb.participation, 0) AS pb FROM network_edges e "
    "LEFT JOIN network_accounts pa ON pa.account_id = e.a LEFT JOIN network_accounts pb ON pb.account_id = e.b "
)
_WEIGHT = "clusters + images + avatar + reported * CAST(? AS DOUBLE PRECISION)"
"""An edge's weight (bot.core.networks.Edge.weight), given the weight of being reported together."""
_NETWORK = "SELECT number, status, accounts, first_at, last_at, merged_into, split_from FROM networks "
_CAMPAIGN_CASES = (
    "SELECT DISTINCT cr.case_id FROM network_members m JOIN report_targets t ON t.account_id = m.account_id "
    "JOIN case_reports cr ON cr.report_id = t.report_id JOIN cases c ON c.id = cr.case_id "
    "WHERE m.number = ? AND c.kind IN (?, ?) AND c.status <> ?"
)


def _linked(row: Row) -> LinkedEdge:
    edge = Edge(
        row["a"],
        row["b"],
        row["clusters"],
        row["images"],
        bool(row["reported"]),
        bool(row["avatar"]),
        row["first_at"],
        row["last_at"],
    )
    return LinkedEdge(edge, row["pa"], row["pb"])


def _network(row: Row) -> NetworkRecord:
    return NetworkRecord(
        row["number"],
        row["status"],
        row["accounts"],
        row["first_at"],
        row["last_at"],
        row["merged_into"],
        row["split_from"],
    )


class Networks:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # The graph, as reports arrive

    async def recent_actions(
        self, kind: CoActionKind, object_id: int, since: int, limit: int
    ) -> dict[int, tuple[int, bool]]:
        """The latest ``limit`` accounts that acted on the object at or after ``since``: account → (last action,
        episode co-acted)."""
        rows = await self._conn.fetch_all(
            "SELECT account_id, last_at, co FROM network_actions WHERE kind = ? AND object_id = ? AND last_at >= ? "
            "ORDER BY last_at DESC, account_id LIMIT ?",
            (kind.value, object_id, since, limit),
        )
        return {row[0]: (row[1], bool(row[2])) for row in rows}

    async def last_action(self, kind: CoActionKind, object_id: int, account_id: int) -> int | None:
        return await self._conn.fetch_value(
            "SELECT last_at FROM network_actions WHERE kind = ? AND object_id = ? AND account_id = ?",
            (kind.value, object_id, account_id),
        )

    async def act(self, kind: CoActionKind, object_id: int, account_id: int, at: int, *, new_episode: bool) -> None:
        """Record the account's action on the object; a new episode starts without co-action."""
        await self._conn.execute(
            "INSERT INTO network_actions (kind, object_id, account_id, last_at, co) VALUES (?, ?, ?, ?, 0) "
            "ON CONFLICT (kind, object_id, account_id) DO UPDATE SET last_at = excluded.last_at"
            + (", co = 0" if new_episode else ""),
            (kind.value, object_id, account_id, at),
        )

    async def mark_co_acted(self, kind: CoActionKind, object_id: int, account_ids: list[int]) -> None:
        """These accounts' current episodes on the object co-acted; each counts once more as participation."""
        for account_id in account_ids:
            await self._conn.execute(
                "UPDATE network_actions SET co = 1 WHERE kind = ? AND object_id = ? AND account_id = ?",
                (kind.value, object_id, account_id),
            )
            await self._conn.execute(
                "INSERT INTO network_accounts (account_id, participation) VALUES (?, 1) "
                "ON CONFLICT (account_id) DO UPDATE SET participation = network_accounts.participation + 1",
                (account_id,),
            )

    async def add_co_action(self, account_id: int, other_id: int, kind: CoActionKind, at: int) -> None:
        """One more co-action of the two accounts (reported together and the same photo are set, not counted)."""
        a, b = pair(account_id, other_id)
        column = {
            CoActionKind.CLUSTER: "clusters = network_edges.clusters + 1",
            CoActionKind.IMAGE: "images = network_edges.images + 1",
            CoActionKind.REPORTED: "reported = 1",
            CoActionKind.AVATAR: "avatar = 1",
        }[kind]
        initial = {
            "clusters": int(kind is CoActionKind.CLUSTER),
            "images": int(kind is CoActionKind.IMAGE),
            "reported": int(kind is CoActionKind.REPORTED),
            "avatar": int(kind is CoActionKind.AVATAR),
        }
        await self._conn.execute(
            "INSERT INTO network_edges (a, b, clusters, images, reported, avatar, first_at, last_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (a, b) DO UPDATE SET {column}, last_at = excluded.last_at",
            (a, b, *initial.values(), at, at),
        )

    async def posters(self, report_id: int) -> list[int]:
        """The accounts whose post the report forwards or links: those that acted."""
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT account_id FROM report_targets WHERE report_id = ? AND via IN ('forward', 'link') "
            "AND account_id IS NOT NULL ORDER BY account_id",
            (report_id,),
        )
        return [row[0] for row in rows]

    async def reported_by_within(self, reporter: str, account_id: int, since: int, before_report: int) -> list[int]:
        """Other accounts the reporter's earlier reports (since ``since``) named."""
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT t.account_id FROM reports r JOIN report_targets t ON t.report_id = r.id "
            "WHERE r.reporter = ? AND r.created_at >= ? AND r.id <> ? AND t.account_id IS NOT NULL "
            "AND t.account_id <> ?",
            (reporter, since, before_report, account_id),
        )
        return sorted(row[0] for row in rows)

    async def forget_light_edges(self, before: int, reported_weight: float, min_weight: float) -> int:
        """Drop the edges lighter than ``min_weight`` last renewed before ``before`` (CoActionGraph.forget_light)."""
        return await self._conn.execute(
            f"DELETE FROM network_edges WHERE last_at < ? AND {_WEIGHT} < CAST(? AS DOUBLE PRECISION)",
            (before, reported_weight, min_weight),
        )

    async def forget_actions_before(self, before: int) -> int:
        """Drop episodes that ended before ``before`` (older than the window: they pair with nothing more)."""
        return await self._conn.execute("DELETE FROM network_actions WHERE last_at < ?", (before,))

    # Reading the graph

    async def edge(self, account_id: int, other_id: int) -> LinkedEdge | None:
        row = await self._conn.fetch_one(_EDGE + "WHERE e.a = ? AND e.b = ?", pair(account_id, other_id))
        return None if row is None else _linked(row)

    async def edges_of(self, account_id: int) -> list[LinkedEdge]:
        rows = await self._conn.fetch_all(
            _EDGE + "WHERE e.a = ? UNION ALL " + _EDGE + "WHERE e.b = ?", (account_id,) * 2
        )
        return [_linked(row) for row in rows]

    async def all_edges(self, reported_weight: float, min_weight: float = 0.0) -> list[Edge]:
        """Every edge weighing at least ``min_weight`` (most weigh one or two: leaving them in the table saves
        reading millions of rows)."""
        rows = await self._conn.fetch_all(
            _EDGE + f"WHERE {_WEIGHT} >= CAST(? AS DOUBLE PRECISION)", (reported_weight, min_weight)
        )
        return [_linked(row).edge for row in rows]

    async def participation(self) -> dict[int, int]:
        rows = await self._conn.fetch_all("SELECT account_id, participation FROM network_accounts")
        return {row[0]: row[1] for row in rows}

    async def participation_of(self, account_ids: list[int]) -> dict[int, int]:
        if not account_ids:
            return {}
        rows = await self._conn.fetch_all(
            f"SELECT account_id, participation FROM network_accounts WHERE account_id IN ({placeholders(account_ids)})",
            account_ids,
        )
        return {row[0]: row[1] for row in rows}

    async def edges_within(self, number: int) -> list[Edge]:
        """The edges between two accounts of the network."""
        rows = await self._conn.fetch_all(
            _EDGE + "JOIN network_members ma ON ma.account_id = e.a JOIN network_members mb ON mb.account_id = e.b "
            "WHERE ma.number = ? AND mb.number = ?",
            (number, number),
        )
        return [_linked(row).edge for row in rows]

    # Networks

    async def numbers_of(self, account_ids: list[int]) -> dict[int, int]:
        """The network of each of these accounts that is in one."""
        if not account_ids:
            return {}
        rows = await self._conn.fetch_all(
            f"SELECT account_id, number FROM network_members WHERE account_id IN ({placeholders(account_ids)})",
            account_ids,
        )
        return {row[0]: row[1] for row in rows}

    async def members(self, number: int) -> list[int]:
        rows = await self._conn.fetch_all(
            "SELECT account_id FROM network_members WHERE number = ? ORDER BY joined_at, account_id", (number,)
        )
        return [row[0] for row in rows]

    async def member_accounts(self, number: int, limit: int) -> list[Account]:
        """Its accounts, those that joined first first."""
        rows = await self._conn.fetch_all(
            "SELECT a.platform, a.identity, a.handle, a.external_id, a.display_name FROM network_members m "
            "JOIN accounts a ON a.id = m.account_id WHERE m.number = ? ORDER BY m.joined_at, a.id LIMIT ?",
            (number, limit),
        )
        return [account_of(row) for row in rows]

    async def memberships(self) -> dict[int, frozenset[int]]:
        """Every active network's accounts."""
        found: dict[int, set[int]] = {}
        for row in await self._conn.fetch_all("SELECT number, account_id FROM network_members"):
            found.setdefault(row[0], set()).add(row[1])
        return {number: frozenset(accounts) for number, accounts in found.items()}

    async def create(self, accounts: list[int], first_at: int, now: int, split_from: int | None = None) -> int:
        number = await self._conn.next_id("networks")
        await self._conn.execute(
            "INSERT INTO networks (number, status, accounts, first_at, last_at, split_from, created_at, updated_at) "
            "VALUES (?, 'active', 0, ?, ?, ?, ?, ?)",
            (number, first_at, now, split_from, now, now),
        )
        await self.set_members(number, accounts, now)
        return number

    async def set_members(self, number: int, accounts: list[int], now: int) -> None:
        """The network holds exactly these accounts (taken from any other network they were in)."""
        await self._conn.execute(
            f"DELETE FROM network_members WHERE number = ? AND account_id NOT IN ({placeholders(accounts)})",
            (number, *accounts),
        )
        await self.add_members(number, accounts, now)

    async def add_members(self, number: int, accounts: list[int], now: int) -> None:
        for account_id in accounts:
            await self._conn.execute(
                "INSERT INTO network_members (account_id, number, joined_at) VALUES (?, ?, ?) "
                "ON CONFLICT (account_id) DO UPDATE SET number = excluded.number, joined_at = excluded.joined_at "
                "WHERE network_members.number <> excluded.number",
                (account_id, number, now),
            )
        await self._conn.execute(
            "UPDATE networks SET accounts = (SELECT COUNT(*) FROM network_members WHERE number = ?), "
            "last_at = ?, updated_at = ? WHERE number = ?",
            (number, now, now, number),
        )

    async def end(self, number: int, merged_into: int | None, now: int) -> None:
        """The number no longer names a network: merged into another, or dissolved."""
        await self._conn.execute("DELETE FROM network_members WHERE number = ?", (number,))
        await self._conn.execute(
            "UPDATE networks SET status = ?, merged_into = ?, accounts = 0, updated_at = ? WHERE number = ?",
            ("ended" if merged_into is None else "merged", merged_into, now, number),
        )

    async def changed_since(self, since: int) -> list[int]:
        """Active networks whose accounts changed at or after ``since``."""
        rows = await self._conn.fetch_all(
            "SELECT number FROM networks WHERE status = 'active' AND updated_at >= ? ORDER BY number", (since,)
        )
        return [row[0] for row in rows]

    async def set_span(self, number: int, first_at: int, last_at: int) -> None:
        await self._conn.execute(
            "UPDATE networks SET first_at = ?, last_at = ? WHERE number = ?", (first_at, last_at, number)
        )

    async def get(self, number: int) -> NetworkRecord | None:
        row = await self._conn.fetch_one(_NETWORK + "WHERE number = ?", (number,))
        return None if row is None else _network(row)

    async def of_case(self, case_id: int) -> list[tuple[int, int]]:
        """The networks of the accounts the case's reports name: (number, how many of its accounts), most first."""
        rows = await self._conn.fetch_all(
            "SELECT m.number, COUNT(DISTINCT m.account_id) AS n FROM case_reports cr "
            "JOIN report_targets t ON t.report_id = cr.report_id JOIN network_members m ON m.account_id = t.account_id "
            "WHERE cr.case_id = ? GROUP BY m.number ORDER BY n DESC, m.number",
            (case_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def campaigns(self, number: int) -> list[int]:
        """The campaign cases (texts and pictures, none joined into another) whose reports name its accounts."""
        rows = await self._conn.fetch_all(
            _CAMPAIGN_CASES + " ORDER BY cr.case_id",
            (number, CaseKind.CLUSTER.value, CaseKind.IMAGE.value, CaseStatus.JOINED.value),
        )
        return [row[0] for row in rows]

    async def verified_campaigns(self, number: int, since: int, until: int) -> list[int]:
        """Its campaign cases verified within [since, until)."""
        rows = await self._conn.fetch_all(
            _CAMPAIGN_CASES + " AND c.status = ? AND c.decided_at >= ? AND c.decided_at < ? ORDER BY cr.case_id",
            (
                number,
                CaseKind.CLUSTER.value,
                CaseKind.IMAGE.value,
                CaseStatus.JOINED.value,
                CaseStatus.VERIFIED.value,
                since,
                until,
            ),
        )
        return [row[0] for row in rows]

    async def weekly_reports(self, number: int) -> list[tuple[int, int]]:
        """Reports naming its accounts per week: (the week's Monday 00:00 UTC, reports), oldest first."""
        rows = await self._conn.fetch_all(
            "SELECT (r.created_at + ?) / ? AS week, COUNT(DISTINCT r.id) FROM network_members m "
            "JOIN report_targets t ON t.account_id = m.account_id JOIN reports r ON r.id = t.report_id "
            "WHERE m.number = ? GROUP BY week ORDER BY week",
            (MONDAY_OFFSET, WEEK, number),
        )
        return [(int(row[0]) * WEEK - MONDAY_OFFSET, row[1]) for row in rows]

    async def touched_by_verified(self, since: int, until: int) -> list[int]:
        """Active networks some of whose accounts a campaign case verified within [since, until) names."""
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT m.number FROM cases c JOIN case_reports cr ON cr.case_id = c.id "
            "JOIN report_targets t ON t.report_id = cr.report_id JOIN network_members m ON m.account_id = t.account_id "
            "WHERE c.status = ? AND c.kind IN (?, ?) AND c.decided_at >= ? AND c.decided_at < ? ORDER BY m.number",
            (CaseStatus.VERIFIED.value, CaseKind.CLUSTER.value, CaseKind.IMAGE.value, since, until),
        )
        return [row[0] for row in rows]
