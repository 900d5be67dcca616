"""What the Mini App's handlers reach through the aiohttp application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.config import Settings
from bot.core.cases import CaseView
from bot.i18n import I18n
from bot.semantic.campaigns import CampaignMatcher
from bot.store import Store


@dataclass(frozen=True)
class Moderation:
    """What the bot's process lends the app so its actions are the card buttons' own: the store and matcher the
    use cases run on, the bot's clock, and the step that follows a decision (bot.handlers.moderation.after_change:
    the card, learning, reporters' follow-ups, the undo window)."""

    store: Store
    matcher: CampaignMatcher
    clock: Callable[[], int]
    after_change: Callable[[CaseView], Awaitable[None]]
    refresh_card: Callable[[int], Awaitable[None]]
    """Another case's card (the one a suggestion's reports joined)."""
    chosen_locale: Callable[[int], Awaitable[str | None]]
    """The language a user chose in the bot (/language), if they chose one."""


@dataclass(frozen=True)
class MiniAppContext:
    settings: Settings
    bot_token: str
    i18n: I18n
    moderation: Moderation

    @property
    def store(self) -> Store:
        return self.moderation.store

    def now(self) -> int:
        return self.moderation.clock()


MINIAPP = web.AppKey("kuzet_miniapp", MiniAppContext)


def context(request: web.Request) -> MiniAppContext:
    return request.config_dict[MINIAPP]
