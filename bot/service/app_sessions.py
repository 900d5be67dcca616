"""Use cases of the Mini App's sessions: opened with a checked initData by a moderator, then found by token.

The token is random and returned once; the database keeps only its SHA-256, so a copy of the database opens no
session. The role is read again on every request (``session_of``), so a removed moderator is refused at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from bot.core.cases import Moderator, Policy, Role
from bot.core.init_data import InitData
from bot.service.roles import faces
from bot.store import Store

TOUCH_SECONDS = 60
"""A session's idle clock restarts at most once a minute: a busy moderator's reads do not each write."""


class SessionRefusal(StrEnum):
    NOT_MODERATOR = "not_moderator"
    REPLAYED = "replayed"


class SessionRefused(Exception):
    def __init__(self, reason: SessionRefusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class OpenedSession:
    token: str
    role: Role
    shown_as: Moderator
    """How the moderator is shown to others (an alias unless they chose to show their name)."""


@dataclass(frozen=True)
class LiveSession:
    user_id: int
    role: Role | None
    """None: they no longer moderate (the session stays, refused, until it ends)."""
    locale: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(store: Store, init: InitData, locale: str, policy: Policy, now: int, ttl: int) -> OpenedSession:
    """A session for the initData's user if they moderate and this initData opened none; else SessionRefused
    (and nothing is written)."""
    token = secrets.token_urlsafe(32)
    async with store.transaction() as tx:
        role = await tx.roles.of(init.user_id)
        if role is None:
            raise SessionRefused(SessionRefusal.NOT_MODERATOR)
        opened = await tx.miniapp_sessions.open(
            token_hash(token), init.hash, init.user_id, locale, init.start_param, now, ttl
        )
        if not opened:
            raise SessionRefused(SessionRefusal.REPLAYED)
        face = (await faces(tx, [init.user_id], policy))[init.user_id]
    return OpenedSession(token, role, face)


async def session_of(store: Store, token: str, now: int, ttl: int) -> LiveSession | None:
    """The live session the token opens, with its user's role now; None when there is none."""
    hashed = token_hash(token)
    async with store.reading() as tx:
        session = await tx.miniapp_sessions.live(hashed, now)
        role = None if session is None else await tx.roles.of(session.user_id)
    if session is None:
        return None
    if now - session.used_at >= TOUCH_SECONDS:
        async with store.transaction() as tx:
            await tx.miniapp_sessions.touch(hashed, now, ttl)
    return LiveSession(session.user_id, role, session.locale)
