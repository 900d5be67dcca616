"""Use cases of the image bank: moderators make a case's picture (or a PDQ hash from elsewhere, such as
ThreatExchange) a known campaign image, or put it in the negative image bank of pictures that never count alone
(flags, logos, common memes); and take a picture out again. Each is audited; the live matcher follows once the
transaction committed, every other process at its next catch-up."""

from __future__ import annotations

import re

from bot.core.audit import AuditAction
from bot.core.cases import Moderator
from bot.core.templates import checked_label
from bot.errors import BankedImageNotFound, CaseNotFound, InvalidImageHash, NoCaseImage
from bot.images.matcher import ImageKind
from bot.semantic.campaigns import CampaignMatcher
from bot.service.bank import without_invisible
from bot.service.matcher_sync import announce_picture, apply_picture
from bot.service.roles import require
from bot.store import Store, Tx
from bot.store.images import BankedImage

LIST_LIMIT = 50
_HEX_HASH = re.compile(r"[0-9a-fA-F]{64}")
_AUDITED = {ImageKind.CAMPAIGN: AuditAction.IMAGE_CAMPAIGN, ImageKind.NEGATIVE: AuditAction.IMAGE_COMMON}


def checked_hash(text: str) -> str:
    """A PDQ hash as 64 lower-case hex digits; InvalidImageHash for anything else."""
    if not _HEX_HASH.fullmatch(text.strip()):
        raise InvalidImageHash(text)
    return text.strip().lower()


async def bank_case_image(
    store: Store,
    matcher: CampaignMatcher,
    actor: Moderator,
    case_id: int,
    kind: ImageKind,
    now: int,
    label: str | None = None,
) -> BankedImage:
    """Put the picture of an image case in the bank (``kind``: CAMPAIGN or NEGATIVE); a picture already banked
    from this case is returned as it is."""
    async with store.transaction() as tx:
        await require(tx, actor)
        if await tx.cases.get(case_id) is None:
            raise CaseNotFound(case_id)
        group = await tx.images.of_case(case_id)
        if group is None:
            raise NoCaseImage(case_id)
        existing = await tx.image_bank.of_case(case_id)
        if existing is not None and existing.kind is kind:
            return existing
        if existing is not None:  # a campaign image declared common, or the other way round
            await _unbank(tx, actor, existing, now)
        banked = await _bank(tx, actor, kind, group.pdq, group.file_id, case_id, label, now)
    if existing is not None:
        apply_picture(matcher, existing.kind, existing.id, None)
    apply_picture(matcher, kind, banked.id, banked.pdq)
    return banked


async def bank_hash(
    store: Store, matcher: CampaignMatcher, actor: Moderator, pdq: str, kind: ImageKind, now: int, label: str | None
) -> BankedImage:
    """Put a PDQ hash given in hex (from ThreatExchange, HMA or an export) in the bank."""
    pdq = checked_hash(pdq)
    async with store.transaction() as tx:
        await require(tx, actor)
        banked = await _bank(tx, actor, kind, pdq, None, None, label, now)
    apply_picture(matcher, kind, banked.id, banked.pdq)
    return banked


async def _bank(
    tx: Tx,
    actor: Moderator,
    kind: ImageKind,
    pdq: str,
    file_id: str | None,
    case_id: int | None,
    label: str | None,
    now: int,
) -> BankedImage:
    label = checked_label(without_invisible(label)) if label else None
    bank_id = await tx.image_bank.add(
        kind, pdq, label=label, file_id=file_id, case_id=case_id, created_by=str(actor.user_id), now=now
    )
    await announce_picture(tx, kind, bank_id, pdq, now)
    after = {"pdq": pdq, "case": case_id, "label": label}
    await tx.audit.record(
        actor.user_id,
        _AUDITED[kind],
        now,
        case_id=case_id,
        subject=str(bank_id),
        after={k: v for k, v in after.items() if v is not None},
    )
    banked = await tx.image_bank.get(bank_id)
    assert banked is not None  # just added
    return banked


async def remove_banked(
    store: Store, matcher: CampaignMatcher, actor: Moderator, bank_id: int, now: int
) -> BankedImage:
    """Take a picture out of the bank (it stays in the table, disabled, for the audit log to point at)."""
    async with store.transaction() as tx:
        await require(tx, actor)
        banked = await tx.image_bank.get(bank_id)
        if banked is None or not banked.enabled:
            raise BankedImageNotFound(bank_id)
        await _unbank(tx, actor, banked, now)
    apply_picture(matcher, banked.kind, bank_id, None)
    return banked


async def _unbank(tx: Tx, actor: Moderator, banked: BankedImage, now: int) -> None:
    await tx.image_bank.set_enabled(banked.id, False)
    await announce_picture(tx, banked.kind, banked.id, None, now)
    await tx.audit.record(
        actor.user_id,
        AuditAction.IMAGE_REMOVE,
        now,
        case_id=banked.case_id,
        subject=str(banked.id),
        before={"pdq": banked.pdq},
    )


async def list_bank(store: Store, actor: Moderator) -> list[BankedImage]:
    """The enabled bank pictures, newest first."""
    async with store.transaction() as tx:
        await require(tx, actor)
        return await tx.image_bank.listing(LIST_LIMIT)
