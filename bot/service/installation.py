"""Start-up checks of the installation itself."""

from __future__ import annotations

from bot.errors import ConfigError
from bot.store import Store

KEY_CHECK = "reporter_key_check"


async def check_reporter_key(store: Store, key_check: str) -> None:
    """Refuse to start with a reporter key other than the one the database was filled with.

    A different key would silently split every reporter into a stranger:
    their /status history, language and rate limit would no longer apply.
    """
    async with store.transaction() as tx:
        stored = await tx.meta.get(KEY_CHECK)
        if stored is None:
            await tx.meta.put(KEY_CHECK, key_check)
        elif stored != key_check:
            raise ConfigError(
                "REPORTER_KEY",
                "differs from the key this database was created with; restore the original key "
                "(the key file beside the database, or the REPORTER_KEY you set before)",
            )


async def database_answers(store: Store) -> None:
    """One cheap read through the store, for health checks; raises when the database cannot be read."""
    async with store.reading() as tx:
        await tx.meta.get(KEY_CHECK)
