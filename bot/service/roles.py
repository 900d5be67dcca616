"""Use cases of roles: who moderates, checked against the database on every action, and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.audit import AuditAction
from bot.core.cases import Moderator, Policy, Role, shown_as
from bot.errors import NotAllowed, RoleFromConfig
from bot.store import Store, Tx
from bot.store.aliases import AliasRow
from bot.store.audit import AuditEntry

MAX_AUDIT_ENTRIES = 50


@dataclass(frozen=True)
class Member:
    """One of the team as /mod list shows them."""

    moderator: Moderator
    role: Role
    agreed: int | None = None
    """On probation: how many of their votes agreed with the final decision so far (None: not on probation)."""


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    people: dict[int, Moderator]
    """How each actor and voter the entries name is shown."""


async def faces(tx: Tx, user_ids: Iterable[int], policy: Policy) -> dict[int, Moderator]:
    """How each of these moderators is shown to others (see shown_as); anyone without an alias gets one."""
    wanted = list(dict.fromkeys(user_ids))
    rows = await tx.aliases.of(wanted)
    if missing := [user_id for user_id in wanted if user_id not in rows]:
        for user_id in missing:
            await tx.aliases.ensure(user_id)
        rows = await tx.aliases.of(wanted)
    return _shown(rows, policy)


async def shown_faces(store: Store, user_ids: list[int], policy: Policy) -> dict[int, Moderator]:
    """How these moderators are shown to others, read without writing (``faces`` gives an alias to anyone without
    one; everyone who claimed or voted has one already)."""
    if not user_ids:
        return {}
    async with store.reading() as tx:
        return _shown(await tx.aliases.of(user_ids), policy)


def _shown(rows: dict[int, AliasRow], policy: Policy) -> dict[int, Moderator]:
    return {user_id: shown_as(user_id, row.name, row.alias, row.shows_name, policy) for user_id, row in rows.items()}


async def probationers(tx: Tx, user_ids: Iterable[int], policy: Policy) -> dict[int, int]:
    """The moderators among these whose votes do not count yet, with how many of their votes agreed so far."""
    if policy.probation_votes == 0:
        return {}
    agreed = await tx.roles.agreed_votes(list(dict.fromkeys(user_ids)))
    return {user_id: count for user_id, count in agreed.items() if count < policy.probation_votes}


async def require(tx: Tx, actor: Moderator, needed: Role = Role.MODERATOR) -> Role:
    """The actor's role, if it allows ``needed``; else NotAllowed. Keeps the actor's shown name current."""
    role = await tx.roles.of(actor.user_id)
    if role is None or (needed is Role.ADMIN and role is not Role.ADMIN):
        raise NotAllowed(needed.value)
    if actor.name:
        await tx.roles.rename(actor.user_id, actor.name)
    return role


async def require_moderator(store: Store, actor: Moderator) -> None:
    """NotAllowed unless the actor moderates (for reading what only moderators may see)."""
    async with store.transaction() as tx:
        await require(tx, actor)


async def role_of(store: Store, user_id: int) -> Role | None:
    async with store.reading() as tx:
        return await tx.roles.of(user_id)


async def note_private_chat(store: Store, user_id: int, reachable: bool) -> bool:
    """Remember whether a moderator can be answered privately (nothing happens for anyone without a role); True
    when that changed."""
    async with store.transaction() as tx:
        return await tx.roles.set_private_chat(user_id, reachable)


async def has_private_chat(store: Store, user_id: int) -> bool:
    async with store.reading() as tx:
        return await tx.roles.has_private_chat(user_id)


async def sync_admins(store: Store, admin_ids: Iterable[int], now: int) -> None:
    """Make the database's admins exactly ADMIN_IDS; changes are audited as made by the configuration."""
    wanted = set(admin_ids)
    async with store.transaction() as tx:
        current = {m.user_id for m, role in await tx.roles.all() if role is Role.ADMIN}
        for user_id in sorted(wanted - current):
            before = await tx.roles.of(user_id)
            await tx.roles.put(user_id, Role.ADMIN, None, None, now)
            await tx.aliases.ensure(user_id)
            await tx.audit.record(
                None,
                AuditAction.ROLE_ADD,
                now,
                subject=str(user_id),
                before=None if before is None else before.value,
                after=Role.ADMIN.value,
            )
        for user_id in sorted(current - wanted):
            await tx.roles.remove(user_id)
            await tx.audit.record(None, AuditAction.ROLE_REMOVE, now, subject=str(user_id), before=Role.ADMIN.value)


async def add_moderator(
    store: Store, actor: Moderator, user_id: int, name: str | None, policy: Policy, now: int
) -> tuple[bool, Moderator]:
    """Give ``user_id`` the moderator role, on probation if the policy has one; False if they already moderate.
    With how they are shown (their alias: never the name of the message an admin replied to)."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        before = await tx.roles.of(user_id)
        if before is Role.ADMIN:
            raise RoleFromConfig(user_id)
        if before is None:
            await tx.roles.put(user_id, Role.MODERATOR, name, actor.user_id, now, probation=True)
            await tx.audit.record(
                actor.user_id, AuditAction.ROLE_ADD, now, subject=str(user_id), after=Role.MODERATOR.value
            )
        return before is None, (await faces(tx, [user_id], policy))[user_id]


async def remove_moderator(
    store: Store, actor: Moderator, user_id: int, policy: Policy, now: int
) -> tuple[bool, Moderator]:
    """Take the moderator role away; False if they had none. Their past votes stay, under their alias."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        before = await tx.roles.of(user_id)
        if before is Role.ADMIN:
            raise RoleFromConfig(user_id)
        face = (await faces(tx, [user_id], policy))[user_id]
        if before is None:
            return False, face
        await tx.roles.remove(user_id)
        await tx.audit.record(actor.user_id, AuditAction.ROLE_REMOVE, now, subject=str(user_id), before=before.value)
        return True, face


async def team(store: Store, actor: Moderator, policy: Policy) -> list[Member]:
    """Who moderates, as others see them, and who is on probation."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        members = await tx.roles.all()
        ids = [m.user_id for m, _ in members]
        shown, probation = await faces(tx, ids, policy), await probationers(tx, ids, policy)
        return [Member(shown[m.user_id], role, probation.get(m.user_id)) for m, role in members]


async def latest_audit(store: Store, actor: Moderator, count: int, policy: Policy) -> AuditPage:
    """The latest entries, and how the people they name are shown (keyed by Telegram id, as the log is)."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        entries = await tx.audit.latest(min(max(count, 1), MAX_AUDIT_ENTRIES))
        people = [entry.actor_id for entry in entries if entry.actor_id is not None]
        for entry in entries:
            for value in (entry.before, entry.after):
                if isinstance(value, dict) and isinstance(votes := value.get("verify_votes"), list):
                    people += [v for v in votes if isinstance(v, int)]
        return AuditPage(entries, await faces(tx, people, policy))


async def how_shown(store: Store, actor: Moderator, policy: Policy) -> Moderator:
    """How others see the moderator now."""
    async with store.transaction() as tx:
        await require(tx, actor)
        return (await faces(tx, [actor.user_id], policy))[actor.user_id]


async def show_name(store: Store, actor: Moderator, shows: bool, policy: Policy, now: int) -> tuple[bool, Moderator]:
    """/alias name or /alias hide: whether others see the moderator's Telegram name or their alias; every
    change is audited. True if it changed; with how others see them now."""
    async with store.transaction() as tx:
        await require(tx, actor)
        await tx.aliases.ensure(actor.user_id)
        changed = await tx.aliases.show_name(actor.user_id, shows)
        if changed:
            action = AuditAction.ALIAS_NAME_SHOWN if shows else AuditAction.ALIAS_NAME_HIDDEN
            await tx.audit.record(actor.user_id, action, now)
        return changed, (await faces(tx, [actor.user_id], policy))[actor.user_id]
