"""One request object and the decorators that build it, so a handler starts where its own work starts.

``@command`` builds a moderator's command (the reply language, the refusal of an action a use case declines),
``@command_taking`` also reads its argument and answers with the usage when it is wrong, and ``@button``
parses a press and answers one it no longer knows with "This button no longer works".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from bot.core.cases import Moderator, Policy
from bot.handlers.deps import Runtime
from bot.handlers.moderator_input import chat_translator, number_arg, refusing
from bot.i18n import Translator
from bot.render import citizen
from bot.render import moderator_replies as replies
from bot.store import Store

T = TypeVar("T")
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
"""An async handler as PTB registers it (PTB asks for a coroutine function, not any awaitable)."""


@dataclass(frozen=True)
class Request:
    """An update with the runtime and the language to answer in (a command: the chat's; a press: the presser's)."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    runtime: Runtime
    t: Translator

    @property
    def store(self) -> Store:
        return self.runtime.store

    @property
    def policy(self) -> Policy:
        return self.runtime.settings.policy

    @property
    def actor(self) -> Moderator:
        return self.runtime.actor(self.update.effective_user)

    def now(self) -> int:
        return self.runtime.clock()

    @property
    def message(self) -> Message:
        return self.update.effective_message

    @property
    def query(self) -> CallbackQuery:
        return self.update.callback_query

    @property
    def args(self) -> list[str]:
        return self.context.args or []

    def only_number(self) -> int | None:
        """The number of a command that takes exactly one (``/case 12``)."""
        return number_arg(self.args[0]) if len(self.args) == 1 else None

    @property
    def subcommand(self) -> str:
        """The first word after the command (``add`` in ``/template add …``), casefolded."""
        return self.args[0].casefold() if self.args else ""

    async def chat_translator(self) -> Translator:
        return await chat_translator(self.update, self.context)

    async def reply_usage(self, usage: str) -> None:
        await self.message.reply_html(replies.usage(self.t, usage))


def command(handler: Callable[[Request], Awaitable[None]]) -> Callback:
    """A moderator's command, answered in the chat's language; a refused action is answered with why."""

    @wraps(handler)
    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        request = Request(update, context, Runtime.of(context), await chat_translator(update, context))
        async with refusing(request.message, request.t):
            await handler(request)

    return callback


def command_taking(
    parse: Callable[[Request], T | None], usage: str
) -> Callable[[Callable[[Request, T], Awaitable[None]]], Callback]:
    """A moderator's command with an argument; when ``parse`` finds none, the reply is the command's usage."""

    def decorate(handler: Callable[[Request, T], Awaitable[None]]) -> Callback:
        @wraps(handler)
        async def with_argument(request: Request) -> None:
            argument = parse(request)
            if argument is None:
                await request.reply_usage(usage)
                return
            await handler(request, argument)

        return command(with_argument)

    return decorate


def button(parse: Callable[[str | None], T | None]) -> Callable[[Callable[[Request, T], Awaitable[None]]], Callback]:
    """A press, in the presser's language; one whose data ``parse`` no longer knows is answered as stale."""

    def decorate(handler: Callable[[Request, T], Awaitable[None]]) -> Callback:
        @wraps(handler)
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            runtime = Runtime.of(context)
            request = Request(update, context, runtime, await runtime.translator(update.effective_user))
            press = parse(request.query.data)
            if press is None:
                await request.query.answer(citizen.stale_button(request.t))
                return
            await handler(request, press)

        return callback

    return decorate
