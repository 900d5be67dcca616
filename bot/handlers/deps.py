"""The bot's runtime: what every handler, job and sender needs, built once when the bot starts.

One typed object under one bot_data key rather than PTB's ContextTypes(bot_data=…): that class must be built
with no arguments before storage opens, so every field would be optional; this one is whole once it exists."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import User
from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.core.cases import Moderator
from bot.i18n import I18n, Translator, locale_from_telegram
from bot.pseudonyms import Pseudonymizer
from bot.semantic.campaigns import CampaignMatcher
from bot.service.matcher_sync import MatcherFollower
from bot.service.reporters import chosen_language
from bot.store import Store

if TYPE_CHECKING:  # the senders read the runtime in turn
    from bot.telegram.broadcast import Broadcaster
    from bot.telegram.cards import CardDesk
    from bot.telegram.leadership import Leadership
    from bot.telegram.receipts import ReceiptSender


REMEMBERED_LANGUAGES = 100_000


def _unix_now() -> int:
    return int(time.time())


@dataclass
class Runtime:
    settings: Settings
    store: Store
    i18n: I18n
    pseudonyms: Pseudonymizer
    matcher: CampaignMatcher
    cards: CardDesk
    broadcaster: Broadcaster
    receipts: ReceiptSender
    leadership: Leadership
    follower: MatcherFollower
    clock: Callable[[], int] = field(default=_unix_now)
    _chosen_languages: dict[str, str | None] = field(default_factory=dict, repr=False)
    """Pseudonym -> the language chosen with /language: read once, not on every update."""

    KEY = "runtime"

    @classmethod
    def of(cls, context: ContextTypes.DEFAULT_TYPE) -> Runtime:
        return cls.of_application(context.application)

    @classmethod
    def of_application(cls, application: Application) -> Runtime:
        return application.bot_data[cls.KEY]

    def reporter(self, user: User) -> str:
        return self.pseudonyms.reporter(user.id)

    @staticmethod
    def actor(user: User) -> Moderator:
        """The user as a (possible) moderator: the role is checked by the use case, in the database."""
        return Moderator(user.id, user.full_name or user.username or "")

    @property
    def moderators_translator(self) -> Translator:
        """The language of the moderators' chat."""
        return self.i18n.get(self.settings.moderator_locale)

    async def translator(self, user: User | None) -> Translator:
        """The user's chosen language, else their Telegram language, else the default."""
        if user is None:
            return self.i18n.get(None)
        reporter = self.reporter(user)
        if reporter not in self._chosen_languages:
            if len(self._chosen_languages) >= REMEMBERED_LANGUAGES:
                self._chosen_languages.clear()
            self._chosen_languages[reporter] = await chosen_language(self.store, reporter)
        return self.i18n.get(self._chosen_languages[reporter] or locale_from_telegram(user.language_code))

    def language_changed(self, reporter: str) -> None:
        """The reporter chose a language, or was forgotten: read it from the database next time."""
        self._chosen_languages.pop(reporter, None)
