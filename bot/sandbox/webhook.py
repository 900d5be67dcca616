"""The fake's webhook: setWebhook's checks, and pending updates posted to the bot as Telegram posts them.

As in Telegram's Bot API server (telegram-bot-api: ``Client::process_set_webhook_query``, ``WebhookActor``):

- setWebhook with a URL may be called once a second (else 429); the same values again answer "Webhook is
  already set" and change nothing; new values close the old webhook first (posts in flight are cut off),
  then are checked: a URL (https assumed without a scheme), a secret token of at most 256 characters of
  A-Z a-z 0-9 _ -, https on port 80, 88, 443 or 8443. max_connections is clamped to 1-100 (Telegram does
  not refuse it), 40 when left out. deleteWebhook is setWebhook without a URL.
- Updates are queued per chat (a user's button presses apart from the chat's messages, as Telegram keys its
  queues); each queue posts one update at a time, in order, and the queues post at once, up to
  max_connections in flight. An update counts delivered only on a 2xx answer; otherwise it stays first in its
  queue and is posted again (at once after a first failure, then after growing pauses), and getWebhookInfo
  gives the last error in Telegram's words. The secret token goes in ``X-Telegram-Bot-Api-Secret-Token``.
  The answer's body is ignored (Telegram would run a method given there; the bot never gives one).

Deviations, for tests: the pauses are short (RETRY_SECONDS doubling up to RETRY_CAP_SECONDS, where Telegram
goes up to 60-120 s); plain http to 127.0.0.1 or localhost is accepted on any port, as a Bot API server
started with --local accepts it (Telegram itself takes https only, and never to a reserved address); and the
posts may be spread round-robin over several backends standing behind the URL, as a load balancer would
(``backends``), an update that failed on one going next to the following one.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .errors import bad
from .state import State, update_type, wait_set

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_CONNECTIONS = 40
RETRY_SECONDS = 0.1
RETRY_CAP_SECONDS = 1.0
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_PORTS = (80, 88, 443, 8443)
_HOST = re.compile(r"[A-Za-z0-9.:-]+")
_LOCAL_HOSTS = ("127.0.0.1", "localhost")
_SECRET_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_IDLE = 3600.0


@dataclass
class Webhook:
    """A webhook as set, and its last delivery error (0 and "" while there is none)."""

    url: str
    secret_token: str
    max_connections: int
    last_error_date: int = 0
    last_error_message: str = ""


@dataclass
class Delivery:
    """One post of an update to the webhook."""

    update_id: int
    url: str
    started: float
    """time.monotonic() when the post began."""
    status: int | None = None
    """The HTTP status answered; None while waiting, or when no answer came."""
    error: str | None = None
    """Telegram's words for a failed post; None once delivered (or while waiting)."""
    finished: float | None = None


def checked(params: dict[str, Any]) -> Webhook:
    """The webhook setWebhook asks for (its URL given), as Telegram checks it."""
    url = str(params["url"])
    target = urlsplit(url if "://" in url else f"https://{url}")
    try:
        port = target.port or (443 if target.scheme == "https" else 80)
    except ValueError:
        port = 0
    if target.scheme not in ("http", "https") or not _HOST.fullmatch(target.hostname or "") or not port:
        raise bad("invalid webhook URL specified")
    secret = str(params.get("secret_token") or "")
    if len(secret) > 256:
        raise bad("secret token is too long")
    if not set(secret) <= _SECRET_CHARS:
        raise bad("secret token contains unallowed characters")
    if target.hostname not in _LOCAL_HOSTS:  # the sandbox's one leniency, see the module docstring
        if target.scheme != "https":
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        if port not in _PORTS:
            raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    return Webhook(url, secret, max_connections(params))


def max_connections(params: dict[str, Any]) -> int:
    """Telegram's reading of max_connections: clamped to 1-100, 40 when left out (a non-number reads as 0)."""
    value = params.get("max_connections")
    if value is None or value == "":
        return DEFAULT_MAX_CONNECTIONS
    return min(max(value if isinstance(value, int) else 0, 1), 100)


def info(webhook: Webhook | None, pending: int, allowed_updates: set[str]) -> dict[str, Any]:
    """getWebhookInfo's WebhookInfo: the url empty while no webhook is set, optional fields left out."""
    result: dict[str, Any] = {"url": "", "has_custom_certificate": False, "pending_update_count": pending}
    if webhook is None:
        return result
    result.update(url=webhook.url, max_connections=webhook.max_connections)
    host = urlsplit(webhook.url).hostname or ""
    if host.replace(".", "").isdigit():
        result["ip_address"] = host
    if webhook.last_error_date:
        result.update(last_error_date=webhook.last_error_date, last_error_message=webhook.last_error_message)
    if allowed_updates:
        result["allowed_updates"] = sorted(allowed_updates)
    return result


def queue_of(update: dict) -> tuple[str, Any]:
    """Telegram's delivery queue of an update: one per chat for its messages and edits, one per user for their
    button presses, one per chat for the bot's own membership; an update of another kind has one of its own."""
    kind = update_type(update)
    payload = update[kind] if isinstance(update[kind], dict) else {}
    if kind in ("message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member"):
        return (kind if kind == "my_chat_member" else "chat", (payload.get("chat") or {}).get("id"))
    if kind == "callback_query":
        return ("callback_query", (payload.get("from") or {}).get("id"))
    return ("update", update["update_id"])


class WebhookSender:
    """Posts the state's pending updates to the webhook while one is set (see the module docstring)."""

    def __init__(self, state: State, *, timeout: float) -> None:
        self.state = state
        self.webhook: Webhook | None = None
        self.backends: list[str] | None = None
        """Base addresses (http://127.0.0.1:PORT) that share the posts; None: post to the webhook's URL."""
        self.deliveries: list[Delivery] = []
        """Every post, oldest first."""
        self._timeout = timeout
        self._posting: dict[int, asyncio.Task[None]] = {}
        self._fails: dict[int, int] = {}
        self._not_before: dict[int, float] = {}
        self._backend_of: dict[int, int] = {}
        self._turn = 0
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        self._task = asyncio.create_task(self._run(), name="sandbox webhook")

    async def stop(self) -> None:
        self._closing = True
        self.replace(None)  # wakes the loop, which then ends (cancelling it could be lost in its wait_for)
        if self._task is not None:
            await self._task
        if self._session is not None:
            await self._session.close()

    def replace(self, webhook: Webhook | None) -> None:
        """Set another webhook (None: none); posts in flight to the old one are cut off, its errors forgotten."""
        for task in self._posting.values():
            task.cancel()
        self._posting.clear()
        self._fails.clear()
        self._not_before.clear()
        self._backend_of.clear()
        self.webhook = webhook
        self.state.notify()

    async def _run(self) -> None:
        while not self._closing:
            changed = self.state.changed
            await wait_set(changed, self._post_ready())

    def _post_ready(self) -> float:
        """Start a post of every update that may go now; returns the seconds until another may."""
        webhook, state = self.webhook, self.state
        if webhook is None:
            return _IDLE
        state.updates = [u for u in state.updates if state.is_allowed(u)]
        now = time.monotonic()
        wake = _IDLE
        queues: set[tuple[str, Any]] = set()
        for update in state.updates:
            queue = queue_of(update)
            if queue in queues:
                continue  # behind the head of its queue
            queues.add(queue)
            update_id = update["update_id"]
            not_before = self._not_before.get(update_id, 0.0)
            if update_id in self._posting:
                continue
            if not_before > now:
                wake = min(wake, not_before - now)
            elif len(self._posting) < webhook.max_connections:
                self._posting[update_id] = asyncio.create_task(self._post(webhook, update))
        return wake

    async def _post(self, webhook: Webhook, update: dict) -> None:
        update_id = update["update_id"]
        delivery = Delivery(update_id, self._target(webhook.url, update_id), time.monotonic())
        self.deliveries.append(delivery)
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        assert self._session is not None
        try:
            async with self._session.post(delivery.url, json=update, headers=headers) as response:
                delivery.status = response.status
                if not 200 <= response.status <= 299:
                    delivery.error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            delivery.error = "Read timeout expired"
        except aiohttp.ClientConnectorError as exc:
            delivery.error = os.strerror(exc.os_error.errno) if exc.os_error.errno else "Connection refused"
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError):
            delivery.error = "Webhook connection closed"
        delivery.finished = time.monotonic()
        del self._posting[update_id]
        if delivery.error is None:
            for kept in (self._fails, self._not_before, self._backend_of):
                kept.pop(update_id, None)
            self.state.delivered(update_id)
            return
        fails = self._fails[update_id] = self._fails.get(update_id, 0) + 1
        pause = 0.0 if fails == 1 else min(RETRY_CAP_SECONDS, RETRY_SECONDS * 2 ** (fails - 2))
        self._not_before[update_id] = time.monotonic() + pause
        webhook.last_error_date, webhook.last_error_message = int(time.time()), delivery.error
        self.state.notify()

    def _target(self, url: str, update_id: int) -> str:
        """The webhook's URL, or with backends, its path on the next backend (after the one that failed)."""
        if not self.backends:
            return url
        failed_on = self._backend_of.get(update_id)
        if failed_on is None:
            index, self._turn = self._turn % len(self.backends), self._turn + 1
        else:
            index = (failed_on + 1) % len(self.backends)
        self._backend_of[update_id] = index
        parts = urlsplit(url)
        return self.backends[index].rstrip("/") + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
