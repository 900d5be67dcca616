"""What moderators type, which language answers them, and how a refused action is answered."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.errors import KuzetError
from bot.handlers.deps import Runtime
from bot.i18n import Translator
from bot.render import moderator_replies as replies

_NUMBER = re.compile(r"^#?(\d{1,12})$")


def number_arg(text: str) -> int | None:
    """``12`` or ``#12`` as a case, template or user number."""
    found = _NUMBER.match(text)
    return None if found is None else int(found.group(1))


_USER_ID = re.compile(r"^#?([0-9]{1,16})$")


def user_id_arg(text: str) -> int | None:
    """A Telegram user id, in ASCII digits only: digits of another script (``٥٥٥``) are no id a person copies."""
    found = _USER_ID.match(text)
    return None if found is None else int(found.group(1))


def command_rest(message: Message, words: int) -> str:
    """The message text after its first ``words`` words (the command and subcommands), line breaks kept."""
    parts = (message.text or "").split(maxsplit=words)
    return parts[words].strip() if len(parts) > words else ""


async def chat_translator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """Replies go in the moderators' chat language there, else in the user's own."""
    deps = Runtime.of(context)
    if update.effective_chat.type != ChatType.PRIVATE:
        return deps.moderators_translator
    return await deps.translator(update.effective_user)


@asynccontextmanager
async def refusing(message: Message, t: Translator) -> AsyncIterator[None]:
    """Run a moderator action; if a use case refuses it, say why, in reply to the command, and do nothing more."""
    try:
        yield
    except KuzetError as exc:
        await message.reply_html(replies.refusal(t, exc), do_quote=True)


@asynccontextmanager
async def refusing_press(query: CallbackQuery, t: Translator) -> AsyncIterator[None]:
    """The same for a button: the refusal is the press's short answer."""
    try:
        yield
    except KuzetError as exc:
        await query.answer(replies.refusal(t, exc, plain=True))
