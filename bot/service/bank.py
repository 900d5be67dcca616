"""Use cases of moderators editing the banks: templates (also made from a case) and the negative bank.

The database is changed and audited first; the live matcher follows only
after the transaction committed.
"""

from __future__ import annotations

import unicodedata

from bot.core.audit import AuditAction
from bot.core.cases import CaseKind, Moderator
from bot.core.language import guess_language
from bot.core.matcher import MatchKind
from bot.core.templates import Labels, Template, check, checked_label, label_language, readable
from bot.errors import CaseNotFound, DraftGone, NoCaseText, TemplateNotFound, TextTooShort, UnknownLabelLanguage
from bot.semantic.campaigns import CampaignMatcher
from bot.service.matcher_sync import announce
from bot.service.matching import keep_vector, vector_of
from bot.service.roles import require
from bot.store import Store, Tx
from bot.store.drafts import TemplateDraft

MAX_DRAFT_CHARS = 1000
"""A template draft holds at most this much text: a campaign template is a comment, not an article, and the
draft's message must stay within Telegram's 4,096 characters."""

_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Hangul fillers and the blank Braille pattern: letters or symbols that show nothing."""


def checked_text(text: str) -> str:
    """A template's text, stripped; TextTooShort, InvalidTemplate or TemplateTooVague if it cannot be one."""
    text = text.strip()
    check(text)
    return text


def without_invisible(text: str) -> str:
    """The text without characters that show nothing (zero-width spaces and joiners, bidi controls, fillers), so
    a text of only those is seen as empty by the checks."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf" and char not in _BLANK_LETTERS)


def draft_text(text: str) -> tuple[str, bool]:
    """The text cut to MAX_DRAFT_CHARS, at a word boundary where there is one, if longer; and whether it was cut."""
    if len(text) <= MAX_DRAFT_CHARS:
        return text, False
    cut = text[:MAX_DRAFT_CHARS]
    if not text[MAX_DRAFT_CHARS].isspace():
        whole_words = cut.rsplit(maxsplit=1)[0]
        cut = whole_words if len(whole_words) > MAX_DRAFT_CHARS // 2 else cut
    return cut.rstrip(), True


async def add_template(store: Store, matcher: CampaignMatcher, actor: Moderator, text: str, now: int) -> Template:
    text = checked_text(without_invisible(text))
    vector = await vector_of(matcher, readable(text))
    async with store.transaction() as tx:
        await require(tx, actor)
        template = await tx.templates.add(
            text, language=guess_language(text), family=None, created_by=str(actor.user_id), now=now
        )
        await keep_vector(tx, matcher, MatchKind.TEMPLATE, template.id, vector)
        await announce(tx, MatchKind.TEMPLATE, template.id, now, text=text, language=template.language)
        await tx.audit.record(
            actor.user_id, AuditAction.TEMPLATE_ADD, now, subject=str(template.id), after={"text": text}
        )
    matcher.add(
        template.id, text, MatchKind.TEMPLATE, vector=vector, language=template.language, family=template.family
    )
    return template


async def list_templates(store: Store, actor: Moderator) -> tuple[list[Template], dict[str, dict[str, str]]]:
    """The bank, and every family's labels (family key → language → label)."""
    async with store.transaction() as tx:
        await require(tx, actor)
        return await tx.templates.all(), await tx.template_labels.all()


async def template_labels(store: Store, actor: Moderator, template_id: int) -> tuple[Template, Labels]:
    """The template and its family's labels."""
    async with store.transaction() as tx:
        await require(tx, actor)
        template = await tx.templates.get(template_id)
        if template is None:
            raise TemplateNotFound(template_id)
        return template, await tx.template_labels.of(template)


async def set_label(
    store: Store, actor: Moderator, template_id: int, language_code: str, text: str, now: int
) -> tuple[Template, str, str]:
    """Name the template's family in a language (the label readers of that language see); returns the template,
    the label language and the label as kept. Labels are read from the database whenever a receipt, card or
    digest is written, so every process shows the new one at once."""
    async with store.transaction() as tx:
        await require(tx, actor)
        template = await tx.templates.get(template_id)
        if template is None:
            raise TemplateNotFound(template_id)
        language = label_language(language_code)
        if language is None:
            raise UnknownLabelLanguage(language_code)
        label = checked_label(without_invisible(text))
        before = (await tx.template_labels.of(template)).by_language.get(language)
        await tx.template_labels.put(template.family_key, {language: label}, str(actor.user_id), now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.TEMPLATE_LABEL,
            now,
            subject=str(template_id),
            before=None if before is None else {"label": before},
            after={"family": template.family_key, "language": language, "label": label},
        )
    return template, language, label


async def set_template_enabled(
    store: Store, matcher: CampaignMatcher, actor: Moderator, template_id: int, enabled: bool, now: int
) -> bool:
    """Switch a template on or off; False if it already was."""
    async with store.transaction() as tx:
        await require(tx, actor)
        template = await tx.templates.get(template_id)
        if template is None:
            raise TemplateNotFound(template_id)
        if template.enabled == enabled:
            return False
        await tx.templates.set_enabled(template_id, enabled)
        if enabled:
            await announce(tx, MatchKind.TEMPLATE, template_id, now, text=template.text, language=template.language)
        else:
            await announce(tx, MatchKind.TEMPLATE, template_id, now)
        action = AuditAction.TEMPLATE_ENABLE if enabled else AuditAction.TEMPLATE_DISABLE
        await tx.audit.record(
            actor.user_id,
            action,
            now,
            subject=str(template_id),
            before={"enabled": template.enabled},
            after={"enabled": enabled},
        )
    if enabled:
        matcher.add(
            template_id,
            template.text,
            MatchKind.TEMPLATE,
            vector=await vector_of(matcher, readable(template.text)) if template.matched_semantically else None,
            language=template.language,
            family=template.family,
        )
    else:
        matcher.remove(template_id, MatchKind.TEMPLATE)
    return True


async def add_negative(store: Store, matcher: CampaignMatcher, actor: Moderator, text: str, now: int) -> int:
    """Add a text that must never count as a campaign on its own (a greeting, a common slogan)."""
    text = without_invisible(text).strip()
    if not text:
        raise TextTooShort()
    async with store.transaction() as tx:
        await require(tx, actor)
        negative_id = await tx.negatives.add(
            text, language=guess_language(text), created_by=str(actor.user_id), now=now
        )
        await announce(tx, MatchKind.NEGATIVE, negative_id, now, text=text)
        await tx.audit.record(
            actor.user_id, AuditAction.NEGATIVE_ADD, now, subject=str(negative_id), after={"text": text}
        )
    matcher.add(negative_id, text, MatchKind.NEGATIVE)
    return negative_id


async def start_draft(
    store: Store, actor: Moderator, case_id: int, chat_id: int, now: int
) -> tuple[TemplateDraft, bool]:
    """A template draft holding a cluster case's text, to be corrected and saved; and whether the text was cut
    to MAX_DRAFT_CHARS."""
    async with store.transaction() as tx:
        await require(tx, actor)
        case = await tx.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        text = await tx.cases.text(case_id) if case.kind is CaseKind.CLUSTER else None
        if not text:
            raise NoCaseText(case_id)
        text, cut = draft_text(text)
        draft = await tx.drafts.add(case_id, text, chat_id, actor.user_id, now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.TEMPLATE_DRAFT,
            now,
            case_id=case_id,
            subject=f"draft:{draft.id}",
            after={"text": text},
        )
        return draft, cut


async def place_draft(store: Store, draft_id: int, message_id: int) -> None:
    """Remember the message showing the draft, so replies to it correct the draft."""
    async with store.transaction() as tx:
        await tx.drafts.set_message(draft_id, message_id)


async def correct_draft(
    store: Store, actor: Moderator, chat_id: int, message_id: int, text: str, now: int
) -> tuple[TemplateDraft, bool] | None:
    """Replace the draft's text by a moderator's reply to it, cut to MAX_DRAFT_CHARS (and whether it was); None
    if that message shows no open draft."""
    async with store.transaction() as tx:
        draft = await tx.drafts.at_message(chat_id, message_id)
        if draft is None or draft.saved_template_id is not None:
            return None
        await require(tx, actor)
        return await _revise(tx, actor, draft, text, now)


async def _revise(tx: Tx, actor: Moderator, draft: TemplateDraft, text: str, now: int) -> tuple[TemplateDraft, bool]:
    """The draft with a moderator's text (cut to MAX_DRAFT_CHARS, and whether it was), audited."""
    text, cut = draft_text(without_invisible(text).strip())
    text = checked_text(text)
    await tx.drafts.set_text(draft.id, text)
    await tx.audit.record(
        actor.user_id,
        AuditAction.TEMPLATE_DRAFT_EDIT,
        now,
        case_id=draft.case_id,
        subject=f"draft:{draft.id}",
        before={"text": draft.text},
        after={"text": text},
    )
    corrected = await tx.drafts.get(draft.id)
    assert corrected is not None  # found by the caller, in this transaction
    return corrected, cut


async def template_from_case(
    store: Store, matcher: CampaignMatcher, actor: Moderator, case_id: int, text: str, now: int
) -> Template:
    """A template written for a case in one go (the Mini App's editor): the draft the card's 📌 button starts,
    revised to ``text`` and saved, each step audited as on the card. The text is checked before anything is
    written. ``chat_id`` of the draft is the moderator's own (no message shows it)."""
    checked_text(draft_text(without_invisible(text).strip())[0])
    draft, _ = await start_draft(store, actor, case_id, actor.user_id, now)
    if draft.text != text.strip():
        async with store.transaction() as tx:
            await require(tx, actor)
            await _revise(tx, actor, draft, text, now)
    return (await save_draft(store, matcher, actor, draft.id, now))[1]


async def save_draft(
    store: Store, matcher: CampaignMatcher, actor: Moderator, draft_id: int, now: int
) -> tuple[int, Template]:
    """Turn the draft into a template; the case's cluster follows the template from now on. Returns the case id."""
    async with store.reading() as tx:
        before = await tx.drafts.get(draft_id)
    vector = None if before is None else await vector_of(matcher, readable(before.text))
    async with store.transaction() as tx:
        await require(tx, actor)
        draft = await tx.drafts.get(draft_id)
        if draft is None or draft.saved_template_id is not None:
            raise DraftGone()
        text = checked_text(draft.text)
        case = await tx.cases.get(draft.case_id)
        template = await tx.templates.add(
            text, language=guess_language(text), family=None, created_by=str(actor.user_id), now=now
        )
        if before is None or before.text != draft.text:
            vector = None  # corrected while it was encoded: encoded at the next start instead
        await keep_vector(tx, matcher, MatchKind.TEMPLATE, template.id, vector)
        await tx.drafts.mark_saved(draft.id, template.id)
        await tx.cases.set_template(draft.case_id, template.id)
        await announce(tx, MatchKind.TEMPLATE, template.id, now, text=text, language=template.language)
        if case is not None and case.cluster_id is not None:
            await tx.clusters.set_template(case.cluster_id, template.id)
            await announce(tx, MatchKind.CLUSTER, case.cluster_id, now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.TEMPLATE_ADD,
            now,
            case_id=draft.case_id,
            subject=str(template.id),
            after={"text": text, "draft": draft.id},
        )
    matcher.add(
        template.id, text, MatchKind.TEMPLATE, vector=vector, language=template.language, family=template.family
    )
    if case is not None and case.cluster_id is not None:
        matcher.remove(case.cluster_id, MatchKind.CLUSTER)
    return draft.case_id, template
