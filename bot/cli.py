"""The ``kuzet`` command: run the bot, or bring the database schema up to date."""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import Settings, load_settings
from bot.errors import ConfigError, MigrationError
from bot.logs import configure_logging
from bot.store import Store

EXIT_CONFIG = 2
BOOTSTRAP_RETRIES = 5
"""Start-up tries to reach the Bot API (about 15 s in all) before giving up: a network blip is not fatal."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kuzet", description="Kuzet: report fake accounts and copy-paste propaganda.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling); needs BOT_TOKEN")
    commands.add_parser("migrate", help="create or update the database schema, then exit")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, [settings.bot_token or "", settings.reporter_key or ""])
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        return _run(settings)
    except ConfigError as exc:
        print(f"kuzet: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except MigrationError as exc:
        print(f"kuzet: {exc}", file=sys.stderr)
        return 1


def _run(settings: Settings) -> int:
    application = build_application(settings)
    try:
        application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES)
    except InvalidToken:
        raise ConfigError("BOT_TOKEN", "was refused by the Bot API (check it with @BotFather)") from None
    except NetworkError as exc:
        print(f"kuzet: cannot reach the Bot API at {settings.bot_api_url}: {exc.message}", file=sys.stderr)
        return 1
    return 0


async def _migrate(settings: Settings) -> int:
    store = await Store.open(settings.database_path)
    await store.close()
    print(f"kuzet: database {settings.database_path} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
