"""build_application: the one place where the bot is wired together."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.handlers import bank, citizen, digest, follow_ups, moderation, roles, trail
from bot.handlers import settings as settings_handlers
from bot.handlers.commands import register_command_menus, register_moderator_menu
from bot.handlers.deps import Runtime
from bot.handlers.errors import on_error, on_unknown_button
from bot.handlers.keyboards import FORGET, LANGUAGE, MENU, TRAIL
from bot.handlers.moderation_keyboards import CASE, DRAFT, FOLLOW, QUEUE
from bot.handlers.networks import recompute_networks_job
from bot.handlers.retention import RETENTION_EVERY, apply_retention_job
from bot.i18n import I18n
from bot.pseudonyms import Pseudonymizer, load_reporter_key
from bot.resources import data_dir
from bot.semantic.stage import SemanticStage, open_stage
from bot.service.installation import check_reporter_key
from bot.service.matcher_sync import MatcherFollower
from bot.service.matching import build_matcher, load_starter_pack
from bot.service.reporters import chosen_language
from bot.service.roles import sync_admins
from bot.store import Store
from bot.telegram.broadcast import RESUME_EVERY, Broadcaster, resume_broadcasts
from bot.telegram.cards import CardDesk
from bot.telegram.flood import TelegramRateLimiter
from bot.telegram.leadership import Leadership, leader_only
from bot.telegram.polling import ConfirmingPoller
from bot.telegram.receipts import ReceiptSender
from bot.telegram.trail import TRAIL_CHECK_SECONDS, clear_due_trails, record_sent
from bot.telegram.webhook import WebhookServer
from bot.web import site_served
from bot.web.miniapp.context import Moderation

BOOTSTRAP_RETRIES = 5
"""Start-up tries to reach the Bot API (about 15 s in all) before giving up."""
LONG_POLL_SECONDS = 10

log = logging.getLogger(__name__)

MESSAGES_PER_SECOND = 29.5
"""Telegram allows about 30 a second over all chats. Sent evenly spaced (a bucket of one): a bucket of 30
would let a burst through after every pause and earn 429s that stall the digest broadcast a second each.
Measured with benchmarks/bench_broadcast.py: 28.5 accepted a second, no 429."""
CONNECTIONS = 16
POOL_TIMEOUT = 30.0
OUTCOME_RETRY_SECONDS = 600
"""How often outcomes held back by a network failure are tried again."""

MENU_RETRY_SECONDS = 60
CARD_CHECK_SECONDS = 300
"""How often cards that could not be posted (Telegram unreachable) are looked for."""

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


MODERATOR_HANDLERS = (
    ("queue", moderation.on_queue),
    ("case", moderation.on_case),
    ("network", moderation.on_network),
    ("verify", moderation.on_verify),
    ("reject", moderation.on_reject),
    ("reopen", moderation.on_reopen),
    ("stats", moderation.on_stats),
    ("template", bank.on_template),
    ("negative", bank.on_negative),
    ("image", bank.on_image),
    ("mod", roles.on_mod),
    ("audit", roles.on_audit),
    ("alias", roles.on_alias),
    ("digest", digest.on_digest),
    ("publish", digest.on_publish),
    ("digests", digest.on_digests),
)


def build_application(settings: Settings, request: BaseRequest | None = None) -> Application:
    """The bot as `kuzet run` and the tests run it; storage opens in post_init."""
    builder = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            TelegramRateLimiter(overall_max_rate=1, overall_time_period=1 / MESSAGES_PER_SECOND, max_retries=3)
        )
        .updater(None)  # bot.telegram.polling confirms updates only once handled
        .post_init(partial(_open, settings))
        .post_stop(_stop_sending)
        .post_shutdown(_close)
    )
    if request is not None:
        builder = builder.request(request)
    else:
        # Handlers, jobs and the digest broadcast send at the same time; one connection would queue them all.
        builder = builder.connection_pool_size(CONNECTIONS).pool_timeout(POOL_TIMEOUT)
    application = builder.build()

    private_command = _PRIVATE & _NEW & ~filters.FORWARDED
    moderators_chat: filters.BaseFilter = _PRIVATE
    if settings.moderator_chat_id is not None:
        moderators_chat = moderators_chat | filters.Chat(settings.moderator_chat_id)
    moderator_command = moderators_chat & _NEW & ~filters.FORWARDED
    application.add_handler(
        MessageHandler(moderators_chat & _NEW & filters.REPLY & filters.TEXT & ~filters.COMMAND, bank.on_draft_reply),
        group=-1,
    )
    application.add_handler(MessageHandler(private_command & filters.COMMAND, moderation.on_private_command), group=-2)
    application.add_handler(MessageHandler(_PRIVATE & _NEW, trail.on_private_message), group=-3)
    application.add_handlers(
        [
            *(CommandHandler(name, callback, filters=moderator_command) for name, callback in MODERATOR_HANDLERS),
            CommandHandler("help", roles.on_moderators_help, filters=moderator_command & ~_PRIVATE),
            CallbackQueryHandler(moderation.on_case_button, pattern=f"^{CASE}:"),
            CallbackQueryHandler(moderation.on_queue_page, pattern=f"^{QUEUE}:"),
            CallbackQueryHandler(bank.on_draft_save, pattern=f"^{DRAFT}:"),
            CallbackQueryHandler(follow_ups.on_follow_up, pattern=f"^{FOLLOW}:"),
            CallbackQueryHandler(digest.on_draft_button, pattern=f"^{digest.DIGEST}:"),
            CommandHandler("start", citizen.on_start, filters=private_command),
            CommandHandler("help", citizen.on_help, filters=private_command),
            CommandHandler("status", citizen.on_status, filters=private_command),
            CommandHandler("language", settings_handlers.on_language, filters=private_command),
            CommandHandler("privacy", settings_handlers.on_privacy, filters=private_command),
            CommandHandler("forgetme", settings_handlers.on_forgetme, filters=private_command),
            CommandHandler("wipe", trail.on_wipe, filters=private_command),
            CommandHandler("subscribe", digest.on_subscribe, filters=private_command),
            CommandHandler("unsubscribe", digest.on_unsubscribe, filters=private_command),
            CallbackQueryHandler(settings_handlers.on_menu, pattern=f"^{MENU}:"),
            CallbackQueryHandler(settings_handlers.on_language_chosen, pattern=f"^{LANGUAGE}:"),
            CallbackQueryHandler(settings_handlers.on_forget_answered, pattern=f"^{FORGET}:"),
            CallbackQueryHandler(settings_handlers.on_trail_chosen, pattern=f"^{TRAIL}:"),
            MessageHandler(private_command & filters.COMMAND, citizen.on_unknown_command),
            MessageHandler(_PRIVATE & _NEW & _REPORTABLE, citizen.on_report),
            MessageHandler(_PRIVATE & filters.UpdateType.EDITED_MESSAGE, citizen.on_edited),
            MessageHandler(_PRIVATE & _NEW, citizen.on_unsupported),
            CallbackQueryHandler(on_unknown_button),  # last: a press no handler above knows still gets an answer
        ]
    )
    application.add_error_handler(on_error)
    return application


async def semantic_stage(settings: Settings) -> SemanticStage | None:
    """The configured encoder and its verifier, loaded off the event loop; None when switched off."""
    if settings.semantic_encoder is None:
        return None
    return await asyncio.to_thread(
        open_stage, settings.semantic_encoder, settings.verifier_file, settings.semantic_thresholds
    )


async def _open(settings: Settings, application: Application) -> None:
    """Open storage, check the reporter key, load the starter pack and the matcher, register the command menus."""
    pseudonyms = Pseudonymizer(load_reporter_key(settings))
    store = await Store.open(settings.database)
    try:
        await check_reporter_key(store, pseudonyms.key_check())
        await load_starter_pack(store, int(time.time()))
        matcher = await build_matcher(
            store, settings.thresholds, await semantic_stage(settings), settings.image_match_distance
        )
    except BaseException:
        await store.close()
        raise
    i18n = I18n(data_dir("locales"), settings.default_locale, settings.timezone)
    runtime = application.bot_data[Runtime.KEY] = Runtime(
        settings,
        store,
        i18n,
        pseudonyms,
        matcher,
        cards=CardDesk(settings.moderator_chat_id, settings.card_refresh_seconds),
        broadcaster=Broadcaster(settings.moderator_chat_id),
        receipts=ReceiptSender(application.bot),
        leadership=Leadership(application),
        follower=MatcherFollower(store, matcher),
    )
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, TelegramRateLimiter)  # build_application sets it
    limiter.share_pace(store.db.reserve_send)  # Telegram's limit is per bot, whichever process sends
    limiter.observe(partial(record_sent, runtime))  # every message sent to a private chat joins its trail
    await sync_admins(store, settings.admin_ids, int(time.time()))
    await _register_menus(application)
    runtime.follower.start()
    await runtime.leadership.start()  # the leading process starts the senders, posts missing cards, resumes broadcasts
    jobs = _jobs(application)
    # Scheduled before the job queue starts: without a grace time the scheduler would count them as missed.
    at_start = {"misfire_grace_time": None}
    jobs.run_repeating(_post_missing_cards, CARD_CHECK_SECONDS, first=CARD_CHECK_SECONDS)
    jobs.run_repeating(resume_broadcasts, RESUME_EVERY, first=RESUME_EVERY)
    jobs.run_daily(
        leader_only(digest.post_weekly_draft),
        time=settings.digest_time.replace(tzinfo=settings.timezone),
        days=(settings.digest_weekday % 7,),  # PTB counts days from Sunday = 0
    )
    jobs.run_repeating(leader_only(follow_ups.retry_outcomes), OUTCOME_RETRY_SECONDS, first=OUTCOME_RETRY_SECONDS)
    jobs.run_repeating(leader_only(apply_retention_job), RETENTION_EVERY, first=0, job_kwargs=at_start)
    jobs.run_repeating(leader_only(clear_due_trails), TRAIL_CHECK_SECONDS, first=0, job_kwargs=at_start)
    jobs.run_repeating(
        leader_only(recompute_networks_job), 60 * settings.network_recompute_minutes, first=0, job_kwargs=at_start
    )


async def _register_menus(application: Application) -> None:
    """The command menus; should Telegram not take them now, they are tried again later, not fatal."""
    runtime = Runtime.of_application(application)
    try:
        await register_command_menus(application.bot, runtime.i18n)
        await register_moderator_menu(
            application.bot, runtime.settings.moderator_chat_id, runtime.moderators_translator
        )
    except (NetworkError, RetryAfter) as exc:
        log.warning("command menus not registered (%s); trying again in %d s", exc.message, MENU_RETRY_SECONDS)
        _jobs(application).run_once(_register_menus_job, MENU_RETRY_SECONDS)


def _jobs(application: Application) -> JobQueue:
    """The application's job queue: PTB builds one whenever its job-queue extra is installed, a dependency."""
    assert application.job_queue is not None  # python-telegram-bot[job-queue] is required in pyproject.toml
    return application.job_queue


async def _register_menus_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _register_menus(context.application)


async def _bootstrap(step: Callable[[], Awaitable[object]], tries: int) -> None:
    """Reach the Bot API (getMe, setWebhook), trying again after 1, 2, 4… s: a network blip at start is not fatal."""
    for attempt in range(1, tries + 1):
        try:
            await step()
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            if attempt == tries:
                raise
            pause = 2 ** (attempt - 1)
            log.warning(
                "cannot reach the Bot API (try %d of %d: %s); trying again in %d s", attempt, tries, exc.message, pause
            )
            await asyncio.sleep(pause)


async def _post_missing_cards(context: ContextTypes.DEFAULT_TYPE) -> None:
    await Runtime.of(context).cards.post_missing(context.application)


async def _stop_sending(application: Application) -> None:
    """Let the cards, receipts and digest message in flight finish and be recorded before the bot goes."""
    runtime: Runtime | None = application.bot_data.get(Runtime.KEY)
    if runtime is not None:
        await runtime.leadership.stop()
        await runtime.follower.stop()
        for sender in (runtime.cards, runtime.receipts, runtime.broadcaster):
            await sender.stop()


async def _close(application: Application) -> None:
    runtime: Runtime | None = application.bot_data.pop(Runtime.KEY, None)
    if runtime is not None:
        await runtime.store.close()


async def serve(settings: Settings) -> None:
    """`kuzet run`: take updates until SIGINT or SIGTERM (or until Telegram refuses the token)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(
        settings, poll_timeout=LONG_POLL_SECONDS, bootstrap_retries=BOOTSTRAP_RETRIES, on_fatal=stop.set
    ):
        await stop.wait()


@asynccontextmanager
async def running(
    settings: Settings, *, poll_timeout: int = 1, bootstrap_retries: int = 1, on_fatal: Callable[[], None] | None = None
) -> AsyncIterator[Application]:
    """The bot, taking updates until the block ends: `kuzet run`, `kuzet demo` and the tests all start it here."""
    application = build_application(settings)
    await _bootstrap(application.initialize, bootstrap_retries)
    post_init, post_stop, post_shutdown = application.post_init, application.post_stop, application.post_shutdown
    assert post_init and post_stop and post_shutdown  # build_application sets all three
    try:
        await post_init(application)
        await application.start()
        async with (
            _receiving(
                application, settings, poll_timeout=poll_timeout, bootstrap_retries=bootstrap_retries, on_fatal=on_fatal
            ),
            _public_site(application, settings),
        ):
            yield application
    finally:
        if application.running:
            await application.stop()
            await post_stop(application)
        await application.shutdown()
        await post_shutdown(application)


@asynccontextmanager
async def _public_site(application: Application, settings: Settings) -> AsyncIterator[None]:
    """With WEB_LISTEN set, the public site is served too, from a store of its own (its own SQLite connection,
    its own PostgreSQL pool): building the site's catalogue of every public campaign takes seconds at 10,000
    campaigns, and on the bot's one SQLite connection it would hold back every report meanwhile."""
    if settings.web.listen is None:
        yield
        return
    store = await Store.open(settings.database)
    runtime = Runtime.of_application(application)
    # The Mini App's actions run on the bot's own store and matcher, followed by the buttons' own after_change.
    desk = Moderation(
        runtime.store,
        runtime.matcher,
        lambda: runtime.clock(),  # a test may set the bot's clock later
        partial(moderation.after_change, application),
        partial(runtime.cards.refresh, application),
        lambda user_id: chosen_language(runtime.store, runtime.pseudonyms.reporter(user_id)),
    )
    try:
        async with site_served(store, settings, *settings.web.listen, i18n=runtime.i18n, moderation=desk):
            yield
    finally:
        await store.close()


@asynccontextmanager
async def _receiving(
    application: Application,
    settings: Settings,
    *,
    poll_timeout: int,
    bootstrap_retries: int,
    on_fatal: Callable[[], None] | None,
) -> AsyncIterator[None]:
    """Updates come in until the block ends: by long polling, or with WEBHOOK_URL set, posted to the webhook."""
    if settings.webhook is None:
        poller = ConfirmingPoller(application, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, on_fatal=on_fatal)
        poller.start()
        try:
            yield
        finally:
            await poller.stop()
        return
    server = WebhookServer(application, settings.webhook, allowed_updates=ALLOWED_UPDATES)
    try:
        await server.listen()
        await _bootstrap(server.register, bootstrap_retries)
        yield
    finally:
        await server.stop()
