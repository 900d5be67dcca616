"""Case cards in the moderators' chat: one message per case, posted when it opens, edited as it changes.

Handlers only say which case changed (``refresh``, ``cases_changed``) and return: one background task
sends the cards, so no update waits for a place in the group's 20 messages a minute. At most one refresh
per case waits, and the card is rendered from the database when its turn comes, so ten votes in a row
cost one edit. Cards of new cases go first, then the longest-waiting. The sends are background traffic
(bot.telegram.flood): replies to moderators go ahead of them and keep places of their own. An edit
caused by a report joining the case comes at most once per CARD_REFRESH_SECONDS; one caused by a
moderator as soon as the group has room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from bot.core.cases import CaseView
from bot.handlers.deps import Runtime
from bot.handlers.moderation_keyboards import case_keyboard
from bot.i18n import Translator
from bot.render.moderation import card
from bot.render.moderator_replies import card_out_of_date
from bot.service.cases import card_view, cases_without_card, record_card
from bot.service.reports import CaseTouch
from bot.telegram.edits import is_message_gone, is_not_modified, unless_unchanged
from bot.telegram.flood import BACKGROUND, TelegramRateLimiter
from bot.telegram.leadership import CARD

log = logging.getLogger(__name__)

NEW, JOINED, CHANGED = "new", "joined", "changed"
"""How a card request asks for the card (CardDesk.requested)."""
MAX_REMEMBERED = 1000
FIRST_RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 60.0
"""A card that failed is tried again after 0.1 s, 0.2 s, 0.4 s… up to a minute, so a Bot API that is down
is not hammered; missing cards are also looked for every few minutes (post_missing)."""


class CardDesk:
    """Queues and sends the cards; one lives in the Runtime."""

    def __init__(self, chat_id: int | None, interval: float) -> None:
        self.chat_id = chat_id
        self.interval = interval
        self._due: dict[int, float] = {}
        """Cases whose card waits, each with the time.monotonic() from which it may go."""
        self._new: set[int] = set()
        """Waiting cases that have no card yet: they go first."""
        self._failures: dict[int, int] = {}
        self._last_edit: dict[int, float] = {}
        self._shown: dict[int, tuple[int | None, str, str]] = {}
        """Each card as last sent (message id, text, keyboard), so an identical edit is never made."""
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self, application: Application) -> None:
        """Start the sender (a plain task: Application.stop awaits the tasks of create_task, this one runs on).
        Only the leading process runs it (bot.telegram.leadership); the others hand their requests over."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(application), name="cards")

    async def stop(self) -> None:
        """Send what may go at once, then stop. A new case whose card was left waiting has none in the
        database, so post_missing posts it at the next start."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    @property
    def active(self) -> bool:
        return self._task is not None and not self._stopping

    async def cases_changed(self, application: Application, touched: Iterable[CaseTouch]) -> None:
        """A report joined these cases: a card for a new one, an edit for the others within the interval."""
        for touch in touched:
            await self._request(application, touch.case_id, NEW if touch.opened else JOINED)

    async def refresh(self, application: Application, case_id: int, view: CaseView | None = None) -> None:
        """Bring the case's card up to date (posting it if it has none or it was deleted) as soon as the
        group has room; returns at once. ``view`` is not needed: the card is rendered from the database
        when its turn comes, so it shows whatever changed meanwhile too."""
        await self._request(application, case_id, CHANGED)

    def requested(self, case_id: int, how: str) -> None:
        """A card request, here or from another process: NEW (post it first), JOINED (an edit within the
        interval) or CHANGED (an edit as soon as the group has room)."""
        if how == NEW:
            self._enqueue(case_id, time.monotonic(), new=True)
        elif how == JOINED:
            self._enqueue(case_id, self._last_edit.get(case_id, float("-inf")) + self.interval)
        else:
            self._enqueue(case_id, time.monotonic())

    async def _request(self, application: Application, case_id: int, how: str) -> None:
        if self.chat_id is None:
            return
        await Runtime.of_application(application).leadership.tell(f"{CARD}:{case_id}:{how}")

    async def post_missing(self, application: Application) -> None:
        """Cards for open cases that have none (e.g. the bot stopped between a report and its card)."""
        if self.chat_id is None or not self.active:
            return
        for case_id in await cases_without_card(Runtime.of_application(application).store):
            self._enqueue(case_id, time.monotonic(), new=True)

    async def answered_stray(self, application: Application, query: CallbackQuery, case_id: int, t: Translator) -> bool:
        """If the pressed message is a stray card, answer that it is out of date, take its buttons away, and say
        True. A stray card is one in the moderators' chat that is not the case's recorded card: when Telegram's
        answer to a posted card is lost (a timeout after it took the card), the card is posted again and the
        first copy stays. Lookups shown in the chat are replies to the command or press; cards never are."""
        message = query.message
        if (
            self.chat_id is None
            or not isinstance(message, Message)
            or message.chat.id != self.chat_id
            or message.reply_to_message is not None
        ):
            return False
        deps = Runtime.of_application(application)
        case = (await card_view(deps.store, case_id, deps.settings.policy)).case
        if case.card_message_id is None or (case.card_chat_id, case.card_message_id) == (
            message.chat.id,
            message.message_id,
        ):
            return False
        await query.answer(card_out_of_date(t))
        await unless_unchanged(message.edit_reply_markup(reply_markup=None))
        return True

    def _enqueue(self, case_id: int, due: float, *, new: bool = False) -> None:
        if self.chat_id is None:
            return
        self._due[case_id] = min(due, self._due.get(case_id, due))
        if new:
            self._new.add(case_id)
        self._wake.set()

    async def _run(self, application: Application) -> None:
        while (turn := await self._next(application)) is not None:
            case_id, new = turn
            try:
                await self._send(application, case_id)
            except (Forbidden, BadRequest) as exc:
                log.warning("cannot post case card %s in the moderators' chat: %s", case_id, exc.message)
            except (NetworkError, RetryAfter) as exc:
                log.warning("case card %s not sent (%s); trying again shortly", case_id, exc.message)
                self._retry(case_id, new)
                continue
            except Exception:  # e.g. the database is locked: the sender must go on
                log.exception("case card %s not sent; trying again shortly", case_id)
                self._retry(case_id, new)
                continue
            self._failures.pop(case_id, None)

    async def _next(self, application: Application) -> tuple[int, bool] | None:
        """The case whose card goes now (and whether it is new), once the group has room; None when stopping."""
        while True:
            self._wake.clear()
            now = time.monotonic()
            due = [case_id for case_id, at in self._due.items() if at <= now]
            room_in = self._room_in(application)
            if due and room_in == 0:
                case_id = min(due, key=lambda c: (c not in self._new, self._due[c]))
                del self._due[case_id]
                new = case_id in self._new
                self._new.discard(case_id)
                return case_id, new
            if self._stopping:
                if self._due:
                    log.info("%d case card(s) not brought up to date before stopping", len(self._due))
                return None
            pause = room_in if due else (min(self._due.values()) - now if self._due else None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)

    def _room_in(self, application: Application) -> float:
        """Seconds until the group's window has a place for a card."""
        limiter = application.bot.rate_limiter
        return limiter.background_wait(self.chat_id) if isinstance(limiter, TelegramRateLimiter) else 0.0

    def _retry(self, case_id: int, new: bool) -> None:
        failures = self._failures[case_id] = self._failures.get(case_id, 0) + 1
        pause = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (failures - 1))
        self._enqueue(case_id, time.monotonic() + pause, new=new)

    async def _send(self, application: Application, case_id: int) -> None:
        """Render the card from the database and edit it, or post it if it has none or it is gone."""
        deps = Runtime.of_application(application)
        view = await card_view(deps.store, case_id, deps.settings.policy, deps.clock())
        t = deps.moderators_translator
        text, markup = card(t, view), case_keyboard(t, view)
        case = view.case
        shown = (case.card_message_id, text, markup.to_json())
        if case.card_message_id is not None and self._shown.get(case_id) == shown:
            return  # an identical edit would spend one of the group's 20 messages a minute on nothing
        try:
            if case.card_message_id is None or case.card_chat_id != self.chat_id:
                await self._post(application, view, text, markup)
                return
            try:
                await application.bot.edit_message_text(
                    text,
                    chat_id=self.chat_id,
                    message_id=case.card_message_id,
                    reply_markup=markup,
                    rate_limit_args=BACKGROUND,
                )
            except BadRequest as exc:
                if is_message_gone(exc):
                    await self._post(application, view, text, markup)
                    return
                if not is_not_modified(exc):
                    raise
            self._shown[case_id] = shown
        finally:
            self._remember(case_id)

    async def _post(self, application: Application, view: CaseView, text: str, markup: InlineKeyboardMarkup) -> None:
        """Post the card; an image case's picture goes just before it, sent by its Telegram file id (Kuzet keeps no
        image bytes). A picture Telegram no longer serves does not hold the card back."""
        case_id = view.case.id
        if view.image is not None and view.image.file_id:
            try:
                await application.bot.send_photo(
                    self.chat_id,
                    view.image.file_id,
                    caption=f"🖼 #{case_id}",
                    parse_mode=None,
                    rate_limit_args=BACKGROUND,
                )
            except BadRequest as exc:
                log.warning("the picture of case %s could not be shown: %s", case_id, exc.message)
        message = await application.bot.send_message(
            self.chat_id, text, reply_markup=markup, rate_limit_args=BACKGROUND
        )
        await record_card(Runtime.of_application(application).store, case_id, self.chat_id, message.message_id)
        self._shown[case_id] = (message.message_id, text, markup.to_json())

    def _remember(self, case_id: int) -> None:
        now = time.monotonic()
        self._last_edit[case_id] = now
        if len(self._last_edit) > MAX_REMEMBERED:
            self._last_edit = {k: v for k, v in self._last_edit.items() if now - v < self.interval}
            self._shown = {k: v for k, v in self._shown.items() if k in self._last_edit}
