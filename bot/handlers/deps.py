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
from bot.service.trail import trail_minutes
from bot.store import Store
from bot.telegram.pictures import ProfilePhotos

if TYPE_CHECKING:  # the senders read the runtime in turn
    from bot.telegram.broadcast import Broadcaster
    from bot.telegram.cards import CardDesk
    from bot.telegram.leadership import Leadership
    from bot.telegram.receipts import ReceiptSender


REMEMBERED_LANGUAGES = 100_000
TRAIL_CHOICE_SECONDS = 10.0
"""How long a citizen's chat trail delay is remembered. Every message in and out of a private chat asks for it:
bench_ingest's p99 was 24.6 s reading it each time, 18.1 s remembered (19.5 s before the trail, same machine).
A choice made through another process holds here within this many seconds."""


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
    profile_photos: ProfilePhotos = field(default_factory=ProfilePhotos)
    """Forward origins' profile photos read lately (bot.telegram.pictures)."""
    _chosen_languages: dict[str, str | None] = field(default_factory=dict, repr=False)
    """Pseudonym -> the language chosen with /language: read once, not on every update."""
    _trail_choices: dict[str, tuple[int, float]] = field(default_factory=dict, repr=False)
    """Pseudonym -> (the chat trail's delay in minutes, time.monotonic() when read)."""

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

    async def trail_minutes(self, user_id: int) -> int:
        """After how many minutes the user's private chat is cleared (0: never): their choice, else the default."""
        reporter = self.pseudonyms.reporter(user_id)
        remembered = self._trail_choices.get(reporter)
        if remembered is not None and time.monotonic() - remembered[1] < TRAIL_CHOICE_SECONDS:
            return remembered[0]
        if len(self._trail_choices) >= REMEMBERED_LANGUAGES:
            self._trail_choices.clear()
        minutes = await trail_minutes(self.store, reporter, self.settings.trail_minutes)
        self._trail_choices[reporter] = (minutes, time.monotonic())
        return minutes

    def trail_changed(self, reporter: str) -> None:
        """The reporter chose a delay, or was forgotten: read it from the database next time."""
        self._trail_choices.pop(reporter, None)
