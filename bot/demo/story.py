"""The story `kuzet demo` plays: citizens report, a wave and a report campaign, moderators decide, the digest goes out.

Everything runs in one process and one event loop: the sandbox Bot API on loopback, and the real
Application (the one `kuzet run` builds) polling it on a fresh SQLite database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application

from bot.core.cases import RejectReason
from bot.core.periods import WEEK
from bot.demo import cast
from bot.demo.cast import Citizen
from bot.demo.transcript import Transcript
from bot.handlers.deps import Runtime
from bot.handlers.digest import post_weekly_draft
from bot.i18n import Translator
from bot.render.moderation import REASON_NAMES
from bot.sandbox import ApiCall, FakeTelegram, SentMessage, Upload, press

STICKER = {
    "file_id": "demo-sticker",
    "file_unique_id": "demo-sticker",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
    "emoji": "👍",
}


@dataclass(frozen=True)
class Person:
    user: dict
    name: str
    style: str

    @property
    def id(self) -> int:
        return self.user["id"]


@dataclass(frozen=True)
class Outcome:
    """What the story left behind, for the closing lines and for the test."""

    digests_received: dict[str, int]
    """Subscriber name → digest texts received."""
    chart: bytes | None


class Stage:
    """The sandbox, the running bot and the transcript, with the moves people make."""

    def __init__(self, telegram: FakeTelegram, application: Application, transcript: Transcript, t: Translator):
        self.telegram, self.application, self.transcript, self.t = telegram, application, transcript, t
        self._shown: dict[tuple[int, int], int] = {}
        """(chat, message) → edits already shown."""

    def person(self, user_id: int, name: str, style: str, language: str) -> Person:
        return Person(self.telegram.user(user_id, first_name=name, language_code=language), name, style)

    def citizen(self, citizen: Citizen) -> Person:
        return self.person(citizen.user_id, citizen.name, citizen.style, citizen.telegram_language)

    async def settle(self) -> None:
        await self.telegram.wait_until_idle(timeout=60)

    def show_new(self, chat_id: int, where: str) -> list[SentMessage]:
        """Show the chat's bot messages that are new or edited since last shown; return them."""
        changed = []
        for message in self.telegram.sent(chat_id):
            key = (chat_id, message.message_id)
            if self._shown.get(key) != len(message.edits):
                self.transcript.bot(where, message, edited=key in self._shown)
                self._shown[key] = len(message.edits)
                changed.append(message)
        return changed

    def hide(self, chat_id: int) -> None:
        """Count the chat's messages as shown without showing them (for crowds)."""
        for message in self.telegram.sent(chat_id):
            self._shown[(chat_id, message.message_id)] = len(message.edits)

    async def sends(self, person: Person, shown: str, *, answer_shown: bool = True, **fields: Any) -> list[SentMessage]:
        """The person sends a message with these Message ``fields``, shown in their bubble as ``shown``;
        the bot's answers are shown too unless ``answer_shown`` is False."""
        self.transcript.person(person.name, shown, person.style)
        self.telegram.send_message(person.user, **fields)
        await self.settle()
        if not answer_shown:
            self.hide(person.id)
            return []
        return self.show_new(person.id, person.name)

    async def says(self, person: Person, text: str) -> list[SentMessage]:
        return await self.sends(person, text, text=text)

    async def forwards(
        self, person: Person, origin: dict, source: str, text: str, *, answer_shown: bool = True
    ) -> list[SentMessage]:
        return await self.sends(
            person, f"↪ {source}\n{text}", answer_shown=answer_shown, forward_origin=origin, text=text
        )

    async def presses(self, person: Person, message: SentMessage, label: str) -> str:
        """Press the button whose text contains ``label``; show the press and the bot's answer to it."""
        [text] = [text for text, data in message.buttons if label in text and data]
        answer = await press(self.telegram, person.user, message, message.button(label))
        self.transcript.narrate(
            self.t.gettext("👆 {name} presses “{button}”").format(name=person.name, button=text)
            + (f"  → {answer}" if answer else "")
        )
        return answer


async def play(stage: Stage, locale: str) -> Outcome:
    t = stage.t
    _ = t.gettext
    citizens = {c.locale: stage.citizen(c) for c in cast.CITIZENS}
    admin = stage.person(cast.ADMIN[0], cast.ADMIN[1], "green", locale if locale != "zh_Hant" else "zh")
    moderators = [
        stage.person(user_id, name, "green", admin.user["language_code"]) for user_id, name in cast.MODERATORS
    ]
    group = stage.telegram.group(cast.GROUP_ID, cast.GROUP_TITLE)
    where_group = _("the moderators' group")
    for moderator in moderators:  # backstage: the admin appoints two moderators
        stage.telegram.send_text(admin.user, f"/mod add {moderator.id}")
    await stage.settle()
    stage.hide(admin.id)

    channel_id, channel_title, channel_username = cast.CAMPAIGN_CHANNEL
    channel = stage.telegram.channel(channel_id, channel_title, username=channel_username)

    stage.transcript.scene(_("1 · Citizens report what they see"))
    stage.transcript.narrate(
        _(
            "Five citizens write to the bot in their own languages. Each forwards a comment seen "
            "under official news: a known campaign line, changed to slip past a plain search."
        )
    )
    hero = cast.protagonist(locale)
    receipts: dict[str, SentMessage] = {}
    for number, citizen in enumerate(cast.in_story_order(locale)):
        stage.transcript.narrate(_("Evasion: {how}").format(how=t.gettext(citizen.evasion)))
        [receipt, *_rest] = await stage.forwards(
            citizens[citizen.locale],
            stage.telegram.origin_channel(channel, 40 + number),
            f"@{channel_username}",
            citizen.comment,
        )
        receipts[citizen.locale] = receipt
    await stage.presses(citizens[hero.locale], receipts[hero.locale], "🔔")
    stage.show_new(citizens[hero.locale].id, citizens[hero.locale].name)

    john, dmitry, layla = citizens["en"], citizens["ru"], citizens["ar"]
    stage.transcript.narrate(_("A pasted text, a link to an account, and a sticker:"))
    await stage.says(john, cast.PASTED)
    await stage.says(dmitry, cast.ACCOUNT_LINK)
    await stage.sends(layla, _("(a sticker: {emoji})").format(emoji=STICKER["emoji"]), sticker=STICKER)
    stage.transcript.narrate(
        _(
            "Meanwhile the moderators' group got a case for the campaign, in all five languages, "
            "and one for the reported account:"
        )
    )
    stage.show_new(group["id"], where_group)

    stage.transcript.scene(_("2 · A wave of copies, and a report campaign"))
    stage.transcript.narrate(_("Six accounts post nearly the same comment within minutes; citizens forward each copy."))
    for n, (text, poster_name, reporter_name) in enumerate(
        zip(cast.WAVE, cast.WAVE_POSTERS, cast.WAVE_REPORTERS, strict=False)
    ):
        poster = stage.telegram.user(cast.WAVE_FIRST_USER + 50 + n, first_name=poster_name)
        reporter = stage.person(cast.WAVE_FIRST_USER + n, reporter_name, "white", "ru")
        await stage.forwards(
            reporter, stage.telegram.origin_user(poster), poster_name, text, answer_shown=n in (0, len(cast.WAVE) - 1)
        )  # the middle receipts say the same
    stage.show_new(group["id"], where_group)
    stage.transcript.narrate(
        t.ngettext(
            "Then {count} brand-new account reports the same critic within an hour:",
            "Then {count} brand-new accounts report the same critic within an hour:",
            cast.CRITIC_REPORTS,
        ).format(count=t.number(cast.CRITIC_REPORTS))
    )
    for n in range(cast.CRITIC_REPORTS):
        accuser = stage.telegram.user(cast.CRITIC_FIRST_REPORTER + n, first_name=f"user{n + 1}", language_code="ar")
        stage.telegram.send_text(accuser, cast.CRITIC_LINK)
    await stage.settle()
    for n in range(cast.CRITIC_REPORTS):
        stage.hide(cast.CRITIC_FIRST_REPORTER + n)
    crowd = t.ngettext("{count} new account", "{count} new accounts", cast.CRITIC_REPORTS)
    stage.transcript.person(crowd.format(count=t.number(cast.CRITIC_REPORTS)), cast.CRITIC_LINK, "white")
    stage.show_new(group["id"], where_group)

    stage.transcript.scene(_("3 · Moderators decide"))
    campaign_card = _card_mentioning(stage, group["id"], hero.comment[:24])
    stage.transcript.narrate(
        _("{first} and {second} verify {name}'s case; a case needs two votes.").format(
            first=moderators[0].name, second=moderators[1].name, name=citizens[hero.locale].name
        )
    )
    await stage.presses(moderators[0], campaign_card, "✅")
    await stage.presses(moderators[1], _latest(stage, campaign_card), "✅")
    stage.show_new(group["id"], where_group)
    stage.transcript.narrate(
        _("{name} is told, in their language, because they asked to be:").format(name=citizens[hero.locale].name)
    )
    stage.show_new(citizens[hero.locale].id, citizens[hero.locale].name)

    critic_card = _card_mentioning(stage, group["id"], "sanzhar_satire")
    stage.transcript.narrate(
        _("{name}, the third moderator, rejects the report campaign against the critic, with a reason.").format(
            name=admin.name
        )
    )
    await stage.presses(admin, critic_card, "❌")
    await stage.presses(admin, _latest(stage, critic_card), t.gettext(REASON_NAMES[RejectReason.MASS_REPORTING]))
    stage.show_new(group["id"], where_group)

    wave_card = _card_mentioning(stage, group["id"], "Аким")
    stage.transcript.narrate(
        _("{name} turns the wave into a template, so the next copy is recognised at once.").format(
            name=moderators[0].name
        )
    )
    await stage.presses(moderators[0], wave_card, "📌")
    [draft] = [
        m
        for m in stage.show_new(group["id"], where_group)
        if m.buttons and m.method == "sendMessage" and m.message_id != wave_card.message_id
    ][-1:]
    await stage.presses(moderators[0], draft, "💾")
    stage.show_new(group["id"], where_group)
    await stage.says(citizens["ru"], cast.WAVE_LATER)

    stage.transcript.scene(_("4 · The weekly digest"))
    readers = [citizens[hero.locale]] + [citizens[code] for code in ("ru", "en", "kk") if code != hero.locale][:2]
    for reader in readers:
        await stage.says(reader, "/subscribe")
    stage.transcript.narrate(_("A week later, on Monday morning, the draft reaches the moderators."))
    Runtime.of_application(stage.application).clock = lambda: int(time.time()) + WEEK
    before = len(stage.telegram.sent(group["id"]))
    stage.application.job_queue.run_once(post_weekly_draft, 0)
    [digest_draft] = (await stage.telegram.wait_for_messages(group["id"], before + 1, timeout=30))[before:]
    await stage.settle()
    stage.show_new(group["id"], where_group)
    await stage.presses(admin, digest_draft, "📣")
    await _until_delivered(stage, [r.id for r in readers])
    received = {}
    for reader in readers:
        parts = stage.show_new(reader.id, reader.name)
        received[reader.name] = sum(1 for m in parts if m.method == "sendMessage")
    stage.show_new(group["id"], where_group)
    return Outcome(received, _chart(stage.telegram))


def _cards(stage: Stage, group_id: int) -> dict[int, SentMessage]:
    """Case number → its card in the group (the message with the case's buttons)."""
    cards = {}
    for message in stage.telegram.sent(group_id):
        for _label, data in message.buttons:
            if data and data.startswith("case:") and data.count(":") == 2:
                cards[int(data.split(":")[2])] = message
    return cards


def _card_mentioning(stage: Stage, group_id: int, needle: str) -> SentMessage:
    [card] = [m for m in _cards(stage, group_id).values() if needle in m.plain]
    return card


def _latest(stage: Stage, message: SentMessage) -> SentMessage:
    [live] = [m for m in stage.telegram.sent(message.chat_id) if m.message_id == message.message_id]
    return live


async def _until_delivered(stage: Stage, chat_ids: list[int]) -> None:
    for chat_id in chat_ids:
        await stage.telegram.wait_for_call("sendPhoto", _to_chat(chat_id), timeout=60)
    await stage.settle()


def _to_chat(chat_id: int) -> Callable[[ApiCall], bool]:
    return lambda call: call.params.get("chat_id") == chat_id


def _chart(telegram: FakeTelegram) -> bytes | None:
    uploads = [
        call.params["photo"]
        for call in telegram.calls
        if call.method == "sendPhoto" and isinstance(call.params.get("photo"), Upload)
    ]
    return uploads[0].data if uploads else None
