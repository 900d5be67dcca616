"""Use cases of a reporter's own settings and data: language, forgetting."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import SUPPORTED_LOCALES
from bot.images.matcher import ImageKind
from bot.service.matcher_sync import announce_picture
from bot.store import Store


async def chosen_language(store: Store, reporter: str) -> str | None:
    """The language the reporter picked with /language, if any."""
    async with store.reading() as tx:
        return await tx.reporters.locale(reporter)


async def choose_language(store: Store, reporter: str, locale: str, now: int) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    async with store.transaction() as tx:
        await tx.reporters.set_locale(reporter, locale, now)


@dataclass(frozen=True)
class Forgotten:
    reports_unlinked: int
    unsubscribed: bool
    """A digest subscription ended with it."""


async def forget_reporter(store: Store, reporter: str, *, user_id: int, username: str | None, now: int) -> Forgotten:
    """Delete everything linked to the reporter, and the Telegram account that is their own where only they
    reported it; their reports stay, unlinked and anonymous. Their digest deliveries under way are cancelled.

    The WAL is emptied afterwards: its old pages would still hold what was deleted.
    """
    async with store.transaction() as tx:
        await tx.follow_ups.delete_of_reporter(reporter)
        await tx.trail.remove_chat(user_id)  # the private chat's id is the user's
        await tx.outbox.drop_of_reporter(reporter)
        await tx.digests.cancel_of_subscriber(reporter, now)
        unsubscribed = await tx.subscribers.remove_of(reporter) > 0
        await tx.accounts.forget_own(user_id, username, reporter)
        for account_id in await tx.images.forget_accounts():  # their own profile photo, if they forwarded themselves
            await announce_picture(tx, ImageKind.AVATAR, account_id, None, now)
        unlinked = await tx.reports.unlink_reporter(reporter)
        await tx.reporters.delete(reporter)
    await store.db.erase_freed()
    return Forgotten(unlinked, unsubscribed)
