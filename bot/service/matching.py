"""Use cases of the template bank and the matcher: the starter pack, building the matcher, importing templates."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from bot.core.language import guess_language
from bot.core.matcher import Matcher, MatchKind
from bot.core.similarity import Thresholds
from bot.core.templates import Labels, Template, check, label_language, labels_by_family, readable
from bot.images.index import DEFAULT_MAX_DISTANCE
from bot.images.matcher import ImageKind, ImageMatcher
from bot.resources import shipped_data
from bot.semantic.campaigns import CampaignMatcher
from bot.semantic.stage import SemanticStage
from bot.store import Store, Tx

log = logging.getLogger(__name__)

ENCODE_BATCH = 64

STARTER_PACK = "starter_pack"
STARTER_LABELS = "starter_labels"
STARTER_IMAGES = "starter_images"
STARTER_AUTHOR = "starter-pack"
UNKNOWN_LANGUAGE = "und"
"""The label language of a template whose own language is unknown (ISO 639's "undetermined")."""


@dataclass(frozen=True)
class TemplateRecord:
    """A template as files carry it (JSONL: id, text, lang, label, labels, family)."""

    text: str
    id: str | None = None
    lang: str | None = None
    label: str | None = None
    """The family's label in the template's own language (older files), unless ``labels`` is given."""
    family: str | None = None
    labels: Mapping[str, str] | None = None
    """The family's labels by language code ("ru", "zh-hant"…); checked by ``read_templates``."""

    @property
    def family_labels(self) -> dict[str, str]:
        """The labels this line gives its family, by label language."""
        if self.labels is not None:
            return {label_language(code) or code: label for code, label in self.labels.items()}
        if not self.label:
            return {}
        language = self.lang and (label_language(self.lang) or self.lang)
        return {language or UNKNOWN_LANGUAGE: self.label}


async def load_starter_pack(store: Store, now: int) -> int:
    """On first start, fill the banks with the documented public examples shipped with Kuzet; return how many
    templates and phrases. The starter negative image bank (plain national flags) is added once, also to a
    deployment started before it shipped.

    The starter families' labels in every language are added once, also to a bank filled before they shipped
    (a label a moderator gave in the same language stays)."""
    added = 0
    async with store.transaction() as tx:
        templates = [TemplateRecord(**_record_fields(item)) for item in shipped_data("starter_templates.jsonl")]
        if await tx.meta.get(STARTER_PACK) is None:
            for record in templates:
                await tx.templates.add(
                    record.text, language=record.lang, family=record.family, created_by=STARTER_AUTHOR, now=now
                )
            negatives = shipped_data("negative_bank.jsonl")
            for item in negatives:
                await tx.negatives.add(item["text"], language=item.get("lang"), created_by=STARTER_AUTHOR, now=now)
            await tx.meta.put(STARTER_PACK, str(now))
            added = len(templates) + len(negatives)
        if await tx.meta.get(STARTER_IMAGES) is None:
            for item in shipped_data("negative_images.jsonl"):
                await tx.image_bank.add(
                    ImageKind.NEGATIVE,
                    item["pdq"],
                    label=item["label"],
                    file_id=None,
                    case_id=None,
                    created_by=STARTER_AUTHOR,
                    now=now,
                )
            await tx.meta.put(STARTER_IMAGES, str(now))
        if await tx.meta.get(STARTER_LABELS) is None:
            for record in templates:
                if record.family is not None and await tx.templates.has_family(record.family):
                    labels = record.family_labels
                    await tx.template_labels.put(record.family, labels, STARTER_AUTHOR, now, replace=False)
            await tx.meta.put(STARTER_LABELS, str(now))
    return added


def _record_fields(item: dict) -> dict:
    return {key: item[key] for key in ("text", "lang", "label", "labels", "family") if key in item}


async def build_matcher(
    store: Store,
    thresholds: Thresholds,
    semantic: SemanticStage | None = None,
    image_distance: int = DEFAULT_MAX_DISTANCE,
) -> CampaignMatcher:
    """A matcher holding every enabled template, the negative bank and the free-standing clusters, and every
    known picture hash (groups, the image bank, profile photos).

    With a semantic stage, templates and clusters come with their stored vectors; those not yet encoded
    (the first start with this encoder) are encoded now, in batches off the event loop, and stored."""
    async with store.reading() as tx:  # one snapshot: the tables as of change number ``synced_to``
        synced_to = await tx.matcher_changes.latest()
        templates = await tx.templates.all(enabled_only=True)
        negatives = await tx.negatives.all()
        clusters = await tx.clusters.free_standing()
        pictures = await tx.images.known()
    lexical = Matcher(thresholds)
    lexical.add_many(
        [(t.id, t.text, MatchKind.TEMPLATE) for t in templates]
        + [(i, text, MatchKind.NEGATIVE) for i, text in negatives]
        + [(i, text, MatchKind.CLUSTER) for i, text in clusters]
    )
    matcher = CampaignMatcher(lexical, semantic, ImageMatcher(image_distance))
    for known in pictures:
        matcher.images.add(known.kind, known.key, bytes.fromhex(known.pdq))
    matcher.synced_to = synced_to
    if semantic is not None:
        for kind, items in (
            (
                MatchKind.TEMPLATE,
                [(t.id, readable(t.text), t.language, t.family) for t in templates if t.matched_semantically],
            ),
            (MatchKind.CLUSTER, [(i, text, guess_language(text), None) for i, text in clusters]),
        ):
            vectors = await _vectors(store, semantic, kind, [(key, text) for key, text, _, _ in items])
            for key, text, language, family in items:
                semantic.add(key, kind, vectors[key], language, text=text, family=family)
    return matcher


async def records_matcher(
    records: list[TemplateRecord], thresholds: Thresholds, semantic: SemanticStage | None = None
) -> CampaignMatcher:
    """A matcher of templates from a file (``kuzet scan --templates``), encoded now when semantic is on."""
    matcher = CampaignMatcher(Matcher(thresholds), semantic)
    vectors: list = [None] * len(records)
    if semantic is not None:
        texts = [readable(r.text) for r in records]
        vectors = [
            v
            for start in range(0, len(texts), ENCODE_BATCH)
            for v in await asyncio.to_thread(semantic.encode, texts[start : start + ENCODE_BATCH])
        ]
    for record, vector in zip(records, vectors, strict=False):
        assert record.id is not None  # read_templates requires an id on every line
        matcher.add(
            record.id,
            record.text,
            MatchKind.TEMPLATE,
            vector=vector,
            language=record.lang or guess_language(record.text),
            family=record.family,
        )
    return matcher


async def _vectors(
    store: Store, semantic: SemanticStage, kind: MatchKind, items: list[tuple[int, str]]
) -> dict[int, np.ndarray]:
    """The stored vectors of these keys, encoding and storing those missing."""
    name = semantic.encoder.name
    async with store.reading() as tx:
        stored = await tx.embeddings.of(kind.value, name)
    missing = [(key, text) for key, text in items if key not in stored]
    if missing:
        log.info("encoding %d %ss for semantic matching (once)", len(missing), kind.value)
    for start in range(0, len(missing), ENCODE_BATCH):
        chunk = missing[start : start + ENCODE_BATCH]
        vectors = await asyncio.to_thread(semantic.encode, [text for _, text in chunk])
        async with store.transaction() as tx:
            for (key, _), vector in zip(chunk, vectors, strict=False):
                await tx.embeddings.put(kind.value, key, name, vector)
                stored[key] = vector
    return stored


async def vector_of(matcher: CampaignMatcher, text: str) -> np.ndarray | None:
    """The text's vector, encoded off the event loop together with those other callers wait for; None when
    semantic matching is off. (A template is encoded as a person reads it: ``readable``.)"""
    return None if matcher.batcher is None else await matcher.batcher.encode(text)


async def keep_vector(tx: Tx, matcher: CampaignMatcher, kind: MatchKind, key: int, vector: np.ndarray | None) -> None:
    """Store a template's or cluster's vector with the row it belongs to."""
    if vector is not None and matcher.semantic is not None:
        await tx.embeddings.put(kind.value, key, matcher.semantic.encoder.name, vector)


async def import_templates(
    store: Store, records: Iterable[TemplateRecord], created_by: str, now: int
) -> list[Template]:
    """Add templates to the bank (each checked first: syntax, length, distinctive words); all or none."""
    records = list(records)
    for record in records:
        check(record.text)
    added = []
    async with store.transaction() as tx:
        for r in records:
            template = await tx.templates.add(r.text, language=r.lang, family=r.family, created_by=created_by, now=now)
            await tx.template_labels.put(template.family_key, r.family_labels, created_by, now)
            added.append(template)
    return added


async def all_templates(store: Store) -> tuple[list[Template], dict[str, Labels]]:
    """The bank, and each family's labels (by family key)."""
    async with store.reading() as tx:
        templates = await tx.templates.all()
        return templates, labels_by_family(templates, await tx.template_labels.all())
