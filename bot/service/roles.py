"""Use cases of roles: who moderates, checked against the database on every action, and the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.audit import AuditAction
from bot.core.cases import Moderator, Role
from bot.errors import NotAllowed, RoleFromConfig
from bot.store import Store, Tx
from bot.store.audit import AuditEntry

MAX_AUDIT_ENTRIES = 50


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


async def note_private_chat(store: Store, user_id: int, reachable: bool) -> None:
    """Remember whether a moderator can be answered privately (nothing happens for anyone without a role)."""
    async with store.transaction() as tx:
        await tx.roles.set_private_chat(user_id, reachable)


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


async def add_moderator(store: Store, actor: Moderator, user_id: int, name: str | None, now: int) -> bool:
    """Give ``user_id`` the moderator role; False if they already moderate."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        before = await tx.roles.of(user_id)
        if before is Role.ADMIN:
            raise RoleFromConfig(user_id)
        if before is Role.MODERATOR:
            return False
        await tx.roles.put(user_id, Role.MODERATOR, name, actor.user_id, now)
        await tx.audit.record(
            actor.user_id, AuditAction.ROLE_ADD, now, subject=str(user_id), after=Role.MODERATOR.value
        )
        return True


async def remove_moderator(store: Store, actor: Moderator, user_id: int, now: int) -> bool:
    """Take the moderator role away; False if they had none. Their past votes stay."""
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        before = await tx.roles.of(user_id)
        if before is Role.ADMIN:
            raise RoleFromConfig(user_id)
        if before is None:
            return False
        await tx.roles.remove(user_id)
        await tx.audit.record(actor.user_id, AuditAction.ROLE_REMOVE, now, subject=str(user_id), before=before.value)
        return True


async def team(store: Store, actor: Moderator) -> list[tuple[Moderator, Role]]:
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        return await tx.roles.all()


async def latest_audit(store: Store, actor: Moderator, count: int) -> list[AuditEntry]:
    async with store.transaction() as tx:
        await require(tx, actor, Role.ADMIN)
        return await tx.audit.latest(min(max(count, 1), MAX_AUDIT_ENTRIES))
