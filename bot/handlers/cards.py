"""Case cards in the moderators' chat: one message per case, posted when it opens, edited as it changes.

Edits caused by new reports are coalesced: at most one per case per
CARD_REFRESH_SECONDS, so a flood of reports cannot flood the chat (Telegram
allows about 20 messages a minute in a group). Edits caused by a moderator's
vote happen at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes

from bot.core.cases import CaseView
from bot.handlers.deps import Deps
from bot.handlers.edits import is_not_modified
from bot.handlers.moderation_keyboards import case_keyboard
from bot.render.moderation import card
from bot.service.cases import card_view, cases_without_card, record_card
from bot.service.reports import CaseTouch

log = logging.getLogger(__name__)

MAX_REMEMBERED = 1000


class CardDesk:
    """Posts and refreshes the cards; lives in bot_data."""

    KEY = "cards"

    def __init__(self, chat_id: int | None, interval: float) -> None:
        self.chat_id = chat_id
        self.interval = interval
        self._scheduled: set[int] = set()
        self._last_edit: dict[int, float] = {}
        self._shown: dict[int, tuple[int | None, str, str]] = {}
        """Each card as last sent (message id, text, keyboard), so an identical edit is never made."""
        self._lock = asyncio.Lock()

    @classmethod
    def of(cls, application: Application) -> CardDesk:
        return application.bot_data[cls.KEY]

    async def cases_changed(self, application: Application, touched: Iterable[CaseTouch]) -> None:
        """A report joined these cases: post a card for a new one, schedule an edit for the others.

        A new card is posted from a task, so the citizen's update does not wait for a place in the
        group's 20 messages a minute; while the bot is stopping nothing would await the task, so then
        the card is posted at once.
        """
        for touch in touched:
            if touch.opened and application.running:
                application.create_task(self.refresh(application, touch.case_id), name=f"card-{touch.case_id}")
            elif touch.opened:
                await self.refresh(application, touch.case_id)
            else:
                self.schedule(application, touch.case_id)

    def schedule(self, application: Application, case_id: int) -> None:
        if self.chat_id is None or case_id in self._scheduled:
            return
        due = self._last_edit.get(case_id, float("-inf")) + self.interval
        self._scheduled.add(case_id)
        application.job_queue.run_once(self._scheduled_refresh, max(0.0, due - time.monotonic()), data=case_id)

    async def _scheduled_refresh(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        case_id = context.job.data
        self._scheduled.discard(case_id)
        await self.refresh(context.application, case_id)

    async def refresh(self, application: Application, case_id: int, view: CaseView | None = None) -> None:
        """Bring the case's card up to date now, posting it if it has none (or it was deleted).

        ``view`` is the case as an action just left it, to save reading it again.
        """
        if self.chat_id is None:
            return
        deps = Deps.of_application(application)
        async with self._lock:
            if view is None:
                view = await card_view(deps.store, case_id, deps.settings.policy)
            t = deps.moderators_translator
            text, markup = card(t, view), case_keyboard(t, view)
            case = view.case
            shown = (case.card_message_id, text, markup.to_json())
            retry = False
            if case.card_message_id is not None and self._shown.get(case_id) == shown:
                return  # an identical edit would spend one of the group's 20 messages a minute on nothing
            try:
                if case.card_message_id is not None and case.card_chat_id == self.chat_id:
                    try:
                        await application.bot.edit_message_text(
                            text, chat_id=self.chat_id, message_id=case.card_message_id, reply_markup=markup)
                    except BadRequest as exc:
                        if is_not_modified(exc):
                            self._shown[case_id] = shown
                            return
                        if "not found" not in exc.message.casefold():
                            raise
                        await self._post(application, case_id, text, markup)
                        return
                    self._shown[case_id] = shown
                else:
                    await self._post(application, case_id, text, markup)
            except (Forbidden, BadRequest) as exc:
                log.warning("cannot post case card %s in the moderators' chat: %s", case_id, exc.message)
            except (NetworkError, RetryAfter) as exc:
                log.warning("case card %s not sent (%s); trying again shortly", case_id, exc.message)
                retry = True
            finally:
                self._remember(case_id)
            if retry:
                self.schedule(application, case_id)

    async def _post(self, application: Application, case_id: int, text: str, markup: InlineKeyboardMarkup) -> None:
        message = await application.bot.send_message(self.chat_id, text, reply_markup=markup)
        await record_card(Deps.of_application(application).store, case_id, self.chat_id, message.message_id)
        self._shown[case_id] = (message.message_id, text, markup.to_json())

    def _remember(self, case_id: int) -> None:
        now = time.monotonic()
        self._last_edit[case_id] = now
        if len(self._last_edit) > MAX_REMEMBERED:
            self._last_edit = {k: v for k, v in self._last_edit.items() if now - v < self.interval}
            self._shown = {k: v for k, v in self._shown.items() if k in self._last_edit}

    async def post_missing(self, application: Application) -> None:
        """Cards for open cases that have none (e.g. the bot stopped between a report and its card)."""
        if self.chat_id is None:
            return
        for case_id in await cases_without_card(Deps.of_application(application).store):
            await self.refresh(application, case_id)
