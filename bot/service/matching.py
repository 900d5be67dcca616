"""Use cases of the template bank and the matcher: the starter pack, building the matcher, importing templates."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

from bot.core.matcher import Matcher, MatchKind
from bot.core.similarity import Thresholds
from bot.core.templates import Template, variants
from bot.store import Store

STARTER_PACK = "starter_pack"
STARTER_AUTHOR = "starter-pack"


@dataclass(frozen=True)
class TemplateRecord:
    """A template as files carry it (JSONL: id, text, lang, label, family)."""

    text: str
    id: str | None = None
    lang: str | None = None
    label: str | None = None
    family: str | None = None


def shipped_data(name: str) -> list[dict]:
    """The JSON lines of a data file shipped in bot/data."""
    text = files("bot").joinpath("data", name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def load_starter_pack(store: Store, now: int) -> int:
    """On first start, fill the banks with the documented public examples shipped with Kuzet; return how many."""
    async with store.transaction() as tx:
        if await tx.meta.get(STARTER_PACK) is not None:
            return 0
        templates = shipped_data("starter_templates.jsonl")
        for item in templates:
            await tx.templates.add(
                item["text"], language=item.get("lang"), label=item.get("label"), family=item.get("family"),
                created_by=STARTER_AUTHOR, now=now,
            )
        negatives = shipped_data("negative_bank.jsonl")
        for item in negatives:
            await tx.negatives.add(item["text"], language=item.get("lang"), created_by=STARTER_AUTHOR, now=now)
        await tx.meta.put(STARTER_PACK, str(now))
    return len(templates) + len(negatives)


async def build_matcher(store: Store, thresholds: Thresholds) -> Matcher:
    """A matcher holding every enabled template, the negative bank and the free-standing clusters."""
    async with store.transaction() as tx:
        templates = await tx.templates.all(enabled_only=True)
        negatives = await tx.negatives.all()
        clusters = await tx.clusters.free_standing()
    matcher = Matcher(thresholds)
    matcher.add_many(
        [(t.id, t.text, MatchKind.TEMPLATE) for t in templates]
        + [(i, text, MatchKind.NEGATIVE) for i, text in negatives]
        + [(i, text, MatchKind.CLUSTER) for i, text in clusters]
    )
    return matcher


async def import_templates(store: Store, records: Iterable[TemplateRecord], created_by: str, now: int) -> list[Template]:
    """Add templates to the bank (each checked for valid syntax first); all or none."""
    records = list(records)
    for record in records:
        variants(record.text)
    async with store.transaction() as tx:
        return [
            await tx.templates.add(
                r.text, language=r.lang, label=r.label, family=r.family, created_by=created_by, now=now
            )
            for r in records
        ]


async def all_templates(store: Store) -> list[Template]:
    async with store.transaction() as tx:
        return await tx.templates.all()
