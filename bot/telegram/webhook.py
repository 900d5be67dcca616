"""Webhook mode: Telegram posts each update to the bot's own HTTP server, and gets its 200 only once handled.

- ``POST <path of WEBHOOK_URL>``: the ``X-Telegram-Bot-Api-Secret-Token`` header must equal WEBHOOK_SECRET
  (compared in constant time), else 403 and nothing is touched. The update is taken as the poller takes one
  (``bot.telegram.updates.UpdateTaker``) and answered 200 only afterwards: its report is committed by then,
  and a bot killed before that gets it again from Telegram. A webhook cannot tell a redelivery from a first
  delivery, so the tries of every update are counted (two small writes per update; see the README's figures).
  The same update posted again while in hand (Telegram gave up waiting) waits for the first and shares its
  answer. A body that is not JSON with an update_id did not come from Telegram: 400.
- ``GET /healthz``: 200 when the matcher is loaded and the database answers a read within HEALTH_SECONDS,
  else 503, for load balancers.

Telegram posts one chat's updates one at a time and different chats' at once (up to MAX_CONNECTIONS), so
handlers run concurrently only across chats. Several processes may serve one URL behind a load balancer:
each calls setWebhook with the same values at start (Telegram answers "Webhook is already set"), and none
calls deleteWebhook at stop, which would cut the others off.
"""

from __future__ import annotations

import asyncio
import hmac
import logging

from aiohttp import web
from telegram.error import BadRequest
from telegram.ext import Application

from bot.config import HEALTH_PATH, Webhook
from bot.errors import ConfigError
from bot.handlers.deps import Runtime
from bot.service.installation import database_answers
from bot.telegram.updates import UpdateTaker, update_id_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 40
"""Updates Telegram posts at once to the URL (Telegram's default), over all processes behind it."""
SHUTDOWN_SECONDS = 20.0
"""How long a stop waits for updates in hand; one cut off is posted again by Telegram."""
HEALTH_SECONDS = 2.0
"""A health check's read that takes longer counts as a database out of reach."""


class WebhookServer:
    """The HTTP server Telegram posts updates to, and the health check beside it."""

    def __init__(self, application: Application, webhook: Webhook, *, allowed_updates: list[str]) -> None:
        self._application = application
        self._webhook = webhook
        self._secret = webhook.secret.encode()
        self._allowed_updates = allowed_updates
        self._taker = UpdateTaker(application)
        self._in_hand: dict[int, asyncio.Future[None]] = {}
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._probe: asyncio.Task[None] | None = None
        self._was_healthy = True

    async def listen(self) -> None:
        """Serve the webhook's path and /healthz on WEBHOOK_LISTEN."""
        app = web.Application()
        app.router.add_post(self._webhook.path, self._receive)
        app.router.add_get(HEALTH_PATH, self._health)
        # No access log: it would hold the callers' addresses and the path.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._webhook.host, self._webhook.port).start()
        except OSError as exc:  # the port taken, the address not this machine's
            raise ConfigError("WEBHOOK_LISTEN", f"cannot listen there: {exc.strerror or exc}") from None
        log.info("webhook server listening on port %d", self._webhook.port)

    async def register(self) -> None:
        """setWebhook, with the values every process behind the URL gives: repeating it changes nothing."""
        try:
            await self._application.bot.set_webhook(
                self._webhook.url,
                secret_token=self._webhook.secret,
                allowed_updates=self._allowed_updates,
                max_connections=MAX_CONNECTIONS,
            )
        except BadRequest as exc:
            raise ConfigError("WEBHOOK_URL", f"the Bot API refused the webhook: {exc.message}") from None

    async def stop(self) -> None:
        """Stop listening, answer new posts 503 (Telegram posts them again), finish the updates in hand.

        The webhook stays set: other processes may serve it, and this one will again after a restart."""
        self._stopping = True
        if self._runner is not None:
            await self._runner.cleanup()
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.wait({self._probe})

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        if self._stopping:
            return web.Response(status=503)
        try:
            data = await request.json()
        except ValueError:  # not JSON, or not UTF-8
            data = None
        update_id = update_id_of(data)
        if update_id is None:
            log.warning("a post to the webhook held no update: answered 400")
            return web.Response(status=400)
        await self._take(update_id, data)
        return web.Response()

    async def _take(self, update_id: int, data: dict) -> None:
        """Take the update, unless it is in hand already: then wait for that, and take it only if it failed."""
        while (earlier := self._in_hand.get(update_id)) is not None:
            await asyncio.wait({earlier})  # a request cut off here leaves the first one running
            if not earlier.cancelled():
                return
        done = self._in_hand[update_id] = asyncio.get_running_loop().create_future()
        try:
            await self._taker.take(update_id, data, counted=True)
        except BaseException:
            done.cancel()
            raise
        else:
            done.set_result(None)
        finally:
            del self._in_hand[update_id]

    async def _health(self, request: web.Request) -> web.Response:
        problem = await self._problem()
        if (problem is None) != self._was_healthy:
            self._was_healthy = problem is None
            if problem is None:
                log.info("health check: healthy again")
            else:
                log.warning("health check: unhealthy (%s)", problem)
        # The reason goes to the log only: the check may be open to more than the load balancer.
        return web.Response(status=503, text="unavailable\n") if problem else web.Response(text="ok\n")

    async def _problem(self) -> str | None:
        """Why the bot cannot take updates now, or None: it is loaded (the runtime exists once the matcher is
        built), not stopping, and the database answers a read.

        A read that hangs is left running, and the checks meanwhile wait on it rather than pile up."""
        runtime: Runtime | None = self._application.bot_data.get(Runtime.KEY)
        if runtime is None or self._stopping:
            return "not running"
        if self._probe is None or self._probe.done():
            self._probe = asyncio.create_task(database_answers(runtime.store), name="health probe")
            self._probe.add_done_callback(_retrieved)
        probe = self._probe
        await asyncio.wait({probe}, timeout=HEALTH_SECONDS)
        if not probe.done():
            return "the database does not answer"
        if probe.cancelled():
            return "the database check was cut off"
        if (error := probe.exception()) is not None:
            return f"the database cannot be read: {type(error).__name__}: {error}"
        return None


def _retrieved(task: asyncio.Task[None]) -> None:
    """Mark the probe's failure as seen, however it ended: a check that gave up waiting does not look."""
    if not task.cancelled():
        task.exception()
