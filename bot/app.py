"""build_application: the one place where the bot is wired together."""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.handlers import citizen, settings as settings_handlers
from bot.handlers.commands import register_command_menus
from bot.handlers.deps import Deps
from bot.handlers.errors import on_error
from bot.handlers.keyboards import FORGET, LANGUAGE, MENU
from bot.i18n import I18n
from bot.pseudonyms import Pseudonymizer, load_reporter_key
from bot.resources import data_dir
from bot.service.installation import check_reporter_key
from bot.service.matching import build_matcher, load_starter_pack
from bot.store import Store

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]

_PRIVATE = filters.ChatType.PRIVATE
_NEW = filters.UpdateType.MESSAGE
_REPORTABLE = (
    filters.FORWARDED
    | (filters.TEXT & ~filters.COMMAND)
    | filters.CAPTION
    | filters.PHOTO
    | filters.VIDEO
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.AUDIO
)


def build_application(settings: Settings, request: BaseRequest | None = None) -> Application:
    """The bot as `kuzet run` and the tests run it; storage opens in post_init."""
    builder = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.bot_api_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_open)
        .post_shutdown(_close)
    )
    if request is not None:
        builder = builder.request(request)
    application = builder.build()
    application.bot_data["settings"] = settings

    private_command = _PRIVATE & _NEW & ~filters.FORWARDED
    application.add_handlers(
        [
            CommandHandler("start", citizen.on_start, filters=private_command),
            CommandHandler("help", citizen.on_help, filters=private_command),
            CommandHandler("status", citizen.on_status, filters=private_command),
            CommandHandler("language", settings_handlers.on_language, filters=private_command),
            CommandHandler("privacy", settings_handlers.on_privacy, filters=private_command),
            CommandHandler("forgetme", settings_handlers.on_forgetme, filters=private_command),
            CallbackQueryHandler(settings_handlers.on_menu, pattern=f"^{MENU}:"),
            CallbackQueryHandler(settings_handlers.on_language_chosen, pattern=f"^{LANGUAGE}:"),
            CallbackQueryHandler(settings_handlers.on_forget_answered, pattern=f"^{FORGET}:"),
            MessageHandler(private_command & filters.COMMAND, citizen.on_unknown_command),
            MessageHandler(_PRIVATE & _NEW & _REPORTABLE, citizen.on_report),
            MessageHandler(_PRIVATE & filters.UpdateType.EDITED_MESSAGE, citizen.on_edited),
            MessageHandler(_PRIVATE & _NEW, citizen.on_unsupported),
        ]
    )
    application.add_error_handler(on_error)
    return application


async def _open(application: Application) -> None:
    """Open storage, check the reporter key, load the starter pack and the matcher, register the command menus."""
    settings: Settings = application.bot_data["settings"]
    pseudonyms = Pseudonymizer(load_reporter_key(settings))
    store = await Store.open(settings.database_path)
    try:
        await check_reporter_key(store, pseudonyms.key_check())
        await load_starter_pack(store, int(time.time()))
        matcher = await build_matcher(store, settings.thresholds)
    except BaseException:
        await store.close()
        raise
    i18n = I18n(data_dir("locales"), settings.default_locale, settings.timezone)
    application.bot_data[Deps.KEY] = Deps(settings, store, i18n, pseudonyms, matcher)
    await register_command_menus(application.bot, i18n)


async def _close(application: Application) -> None:
    deps: Deps | None = application.bot_data.pop(Deps.KEY, None)
    if deps is not None:
        await deps.store.close()
