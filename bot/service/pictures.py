"""Placing a report's pictures: the post's photo joins a group of near-identical pictures (an image case when the
report has no campaign text), and the named account's profile photo is linked to other reported accounts that
wear the same one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.images.matcher import ImageKind
from bot.images.photos import Photo
from bot.semantic.campaigns import CampaignMatcher
from bot.service.matcher_sync import announce_picture, apply_picture
from bot.store import Tx


@dataclass(frozen=True)
class PicturePlacement:
    common: bool = False
    """The picture is in the negative image bank (a flag, a logo, a common meme): it never counts alone."""
    campaign_label: str | None = None
    campaign: bool = False
    """The picture matches a known campaign image (its label, if moderators gave one)."""
    group_id: int | None = None
    """The group of near-identical pictures it joined (None when common)."""
    seen_before: bool = False
    """The group existed: the same picture was reported before."""


async def place_post_photo(
    tx: Tx, matcher: CampaignMatcher, report_id: int, photo: Photo, now: int
) -> PicturePlacement:
    """Record the report's photo in the group of its nearest earlier picture, or in a new group."""
    found = await asyncio.to_thread(matcher.images.match, *photo.orientations)  # an index rebuild can take a second
    if found.negative is not None:
        await tx.images.attach(report_id, photo.hash, photo.file_id, None, found.negative.key, now)
        return PicturePlacement(common=True)
    banked = None if found.campaign is None else await tx.image_bank.get(found.campaign.key)
    group_id = None if found.group is None else found.group.key
    if group_id is None or await tx.images.group(group_id) is None:
        group_id = await tx.images.create_group(photo.hash, photo.file_id, now)
        await announce_picture(tx, ImageKind.GROUP, group_id, photo.hash.hex, now)
        apply_picture(matcher, ImageKind.GROUP, group_id, photo.hash.hex)  # under the lock, as clusters are
        seen_before = False
    else:
        seen_before = True
    await tx.images.attach(report_id, photo.hash, photo.file_id, group_id, None if banked is None else banked.id, now)
    return PicturePlacement(
        campaign=banked is not None,
        campaign_label=None if banked is None else banked.label,
        group_id=group_id,
        seen_before=seen_before,
    )


async def record_avatar(tx: Tx, matcher: CampaignMatcher, account_id: int, photo: Photo, now: int) -> list[int]:
    """Keep the account's profile photo and link it to the reported accounts that wear the same one; returns
    those accounts (none for a negative-bank picture: a flag as a profile photo links nobody)."""
    others = await asyncio.to_thread(lambda: matcher.images.accounts_with(*photo.orientations, besides=account_id))
    await tx.images.set_avatar(account_id, photo.hash, photo.file_id, now)
    await announce_picture(tx, ImageKind.AVATAR, account_id, photo.hash.hex, now)
    apply_picture(matcher, ImageKind.AVATAR, account_id, photo.hash.hex)
    await tx.images.link_avatars(account_id, [(near.key, near.distance) for near in others], now)
    return await tx.images.sharing_avatar(account_id)
