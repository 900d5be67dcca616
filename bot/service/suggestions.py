"""Use cases of suggestions and of template families that learn.

A text the matcher leaves unmatched, but which the semantic stage finds near a known campaign (its suggestion
band, below the automatic one), starts its own cluster and case as any new text does; the candidate is
recorded on that case (``record_suggestion``, in the report's transaction), and the citizen's receipt says
nothing about it. A moderator answers on the card (``answer_suggestion``): the same campaign, and the case's
reports join that campaign's case as if they had matched it; or a different one, and the pair is remembered
and never suggested again.

A family learns (``_learn``) from a confirmed suggestion, and from a verified case whose reports matched a
template semantically (``learn_from_verified``): the text becomes a template of the family in its own
language, so the next copy matches lexically. Never a text the negative bank matches, one too short or vague
for a template, or one the family already matches lexically. A learned variant is a template like any other:
``/template disable`` undoes it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import numpy as np

from bot.core.audit import AuditAction
from bot.core.cases import CaseKind, CaseStatus, CaseView, Moderator, Policy
from bot.core.clusters import Placement
from bot.core.language import guess_language
from bot.core.matcher import Match, MatchKind
from bot.core.submission import Submission
from bot.core.suggestions import Suggestion, SuggestionAnswer
from bot.core.templates import Template, check
from bot.errors import CaseClosed, CaseNotFound, InvalidTemplate, SuggestionAnswered, TemplateTooVague, TextTooShort
from bot.semantic.campaigns import CampaignMatcher
from bot.service.bank import MAX_DRAFT_CHARS
from bot.service.cases import build_view
from bot.service.matcher_sync import announce, catch_up
from bot.service.roles import require
from bot.store import Store, Tx

SUGGESTION_CANDIDATES = 3
"""Candidates looked at for a suggestion: the best one not yet asked about is put to moderators."""


@dataclass(frozen=True)
class SuggestionResult:
    view: CaseView
    """The suggested case after the answer."""
    answer: SuggestionAnswer
    joined_case_id: int | None = None
    """The case its reports moved into; None when they stayed (a different campaign, or the case itself became
    the campaign's case because the template had none yet)."""
    learned: Template | None = None


async def candidates(
    matcher: CampaignMatcher, text: str | None, vector: np.ndarray | None, placement: Placement | None
) -> list[Match]:
    """What moderators may be asked about a report placed in a free-standing cluster (a new one, or one it
    matched): the suggestion band's best candidates. Asked before a new cluster joins the matcher."""
    if text is None or vector is None or placement is None or placement.generic or placement.template_id is not None:
        return []
    return await asyncio.to_thread(matcher.suggest, text, vector, SUGGESTION_CANDIDATES)


async def record_suggestion(
    tx: Tx, candidates: list[Match], cluster_id: int, case_id: int, language: str | None, now: int
) -> None:
    """Put the best candidate to moderators on the case of the cluster the report joined or started; nothing
    when the case is decided or already asks, or for a pair asked before (a negative pair among them)."""
    case = await tx.cases.get(case_id)
    if not candidates or case is None or not case.is_open or await tx.clusters.template_of(cluster_id) is not None:
        return
    latest = await tx.suggestions.latest_of_case(case_id)
    if latest is not None and latest.is_open:
        return
    for match in candidates:
        target = int(match.id)
        if (match.kind is MatchKind.CLUSTER and target == cluster_id) or await tx.suggestions.asked(
            cluster_id, match.kind, target
        ):
            continue
        await tx.suggestions.add(
            case_id,
            cluster_id,
            match.kind,
            target,
            score=match.score,
            resemblance=match.resemblance,
            language=language,
            now=now,
        )
        return


async def answer_suggestion(
    store: Store,
    matcher: CampaignMatcher,
    actor: Moderator,
    case_id: int,
    suggestion_id: int,
    answer: SuggestionAnswer,
    policy: Policy,
    now: int,
) -> SuggestionResult:
    """✅ Same campaign or ✖ Different, by any moderator, once. The answer is audit-logged; the matcher forgets a
    cluster whose reports moved and knows a variant its family learned as soon as the answer is committed."""
    async with store.transaction() as tx:
        await require(tx, actor)
        suggestion = await tx.suggestions.get(suggestion_id)
        case = await tx.cases.get(case_id)
        if case is None or suggestion is None or suggestion.case_id != case_id:
            raise CaseNotFound(case_id)
        if not suggestion.is_open:
            raise SuggestionAnswered(case_id)
        if not case.is_open:
            raise CaseClosed(case_id, case.status.value)
        await tx.suggestions.answer(suggestion_id, answer, actor.user_id, now)
        target = await _audited_target(tx, suggestion)
        if answer is SuggestionAnswer.DIFFERENT:
            await tx.audit.record(actor.user_id, AuditAction.SUGGESTION_DIFFERENT, now, case_id=case_id, after=target)
            return SuggestionResult(await build_view(tx, case_id, policy, now), answer)
        await catch_up(tx, matcher)  # the guards below ask the matcher (we hold the write lock)
        joined_case_id, template_id = await _join(tx, suggestion, actor, now)
        await tx.audit.record(
            actor.user_id,
            AuditAction.SUGGESTION_SAME,
            now,
            case_id=case_id,
            before={"status": CaseStatus.OPEN.value},
            after=target
            | ({"status": CaseStatus.JOINED.value, "joined_case": joined_case_id} if joined_case_id else {}),
        )
        learned = None
        if template_id is not None:
            text = await tx.cases.text(case_id)
            learned = await _learn(tx, matcher, template_id, text, suggestion.language, case_id, actor.user_id, now)
        view = await build_view(tx, case_id, policy, now)
        merged = await tx.clusters.template_of(suggestion.cluster_id) is not None or joined_case_id is not None
    if merged:
        matcher.remove(suggestion.cluster_id, MatchKind.CLUSTER)
    if learned is not None:
        _know(matcher, learned)
    return SuggestionResult(view, answer, joined_case_id, learned)


async def _audited_target(tx: Tx, suggestion: Suggestion) -> dict[str, int | None]:
    """The suggested campaign as moderators know it: a template's number, or a cluster's case number."""
    if suggestion.target_kind is MatchKind.TEMPLATE:
        return {"template": suggestion.target_id}
    return {"case": await tx.cases.of_cluster(await tx.clusters.current(suggestion.target_id))}


async def _join(tx: Tx, suggestion: Suggestion, actor: Moderator, now: int) -> tuple[int | None, int | None]:
    """Move the suggested cluster's reports into the target campaign, as if they had matched it; return the case
    they joined (None when the cluster itself became the template's, which had no reports yet) and the
    campaign's template (None for a cluster without one)."""
    own = suggestion.cluster_id
    if suggestion.target_kind is MatchKind.TEMPLATE:
        template_id: int | None = suggestion.target_id
        into = await tx.clusters.of_template(suggestion.target_id)
    else:
        into = await tx.clusters.current(suggestion.target_id)
        template_id = await tx.clusters.template_of(into)
    if into == own:  # the target's reports joined this case meanwhile: one campaign already
        return None, template_id
    resemblance = suggestion.resemblance.value
    await announce(tx, MatchKind.CLUSTER, own, now)  # the suggested cluster is matched no more, on every process
    if into is None:
        assert template_id is not None  # only a template's campaign can lack a cluster
        await tx.clusters.move_reports(own, own, template_id, resemblance)
        await tx.clusters.set_template(own, template_id)
        await tx.cases.set_template(suggestion.case_id, template_id)
        return None, template_id
    into_case = await tx.cases.of_cluster(into)
    assert into_case is not None  # every cluster gets its case with its first report
    await tx.clusters.move_reports(own, into, template_id, resemblance)
    await tx.clusters.mark_joined(own, into)
    await tx.cases.join(suggestion.case_id, into_case, actor.user_id, now)
    return into_case, template_id


async def learn_from_verified(store: Store, matcher: CampaignMatcher, case_id: int, now: int) -> Template | None:
    """A verified case whose reports matched a template semantically teaches the template's family the first
    such report's text, once; the variant is the deciding moderator's. None when nothing was learned."""
    async with store.reading() as tx:
        case = await tx.cases.get(case_id)
        if case is None or case.status is not CaseStatus.VERIFIED or case.kind is not CaseKind.CLUSTER:
            return None
        if await tx.templates.learned_from(case_id) is not None:
            return None
        found = await tx.reports.first_semantic_match(case_id)
    if found is None:
        return None
    report = found.report
    text = Submission(report.kind, report.text, report.targets).line(found.by_quotation)
    if text is None:
        return None
    async with store.transaction() as tx:
        case = await tx.cases.get(case_id)
        if case is None or case.status is not CaseStatus.VERIFIED or case.decided_by is None:
            return None
        await catch_up(tx, matcher)
        learned = await _learn(tx, matcher, found.template_id, text, found.language, case_id, case.decided_by, now)
    if learned is not None:
        _know(matcher, learned)
    return learned


def _know(matcher: CampaignMatcher, learned: Template) -> None:
    """This process's matcher knows a learned variant at once (others catch up from the announcement); the
    lexical stage only (``Template.matched_semantically``)."""
    matcher.add(learned.id, learned.text, MatchKind.TEMPLATE, language=learned.language, family=learned.family)


async def _learn(
    tx: Tx,
    matcher: CampaignMatcher,
    template_id: int,
    text: str | None,
    language: str | None,
    case_id: int,
    actor_id: int,
    now: int,
) -> Template | None:
    """Add the case's text to the template's family as a variant in its own language (audit-logged, announced);
    None when the guard rails say no. The caller adds it to its matcher once committed."""
    template = await tx.templates.get(template_id)
    if template is None or not template.enabled or text is None or await tx.templates.learned_from(case_id):
        return None
    text = text.strip()
    if len(text) > MAX_DRAFT_CHARS:
        return None
    try:
        check(text)
    except (TextTooShort, InvalidTemplate, TemplateTooVague):
        return None
    family_ids = set(await tx.templates.of_family(template))
    for match in await asyncio.to_thread(matcher.lexical.match, text):
        if match.kind is MatchKind.NEGATIVE or (match.kind is MatchKind.TEMPLATE and int(match.id) in family_ids):
            return None
    family = template.family
    if family is None:  # a moderator's template starts a family of its own, and its labels become the family's
        family = f"template-{template.id}"
        await tx.templates.set_family(template.id, family)
        await tx.template_labels.rename(template.family_key, family)
    language = language or guess_language(text)
    learned = await tx.templates.add(
        text,
        language=language,
        family=family,
        created_by=str(actor_id),
        now=now,
        learned_from_case=case_id,
    )
    await announce(tx, MatchKind.TEMPLATE, learned.id, now, text=text, language=language)
    await tx.audit.record(
        actor_id,
        AuditAction.TEMPLATE_LEARN,
        now,
        case_id=case_id,
        subject=str(learned.id),
        after={"text": text, "family_of": template.id},
    )
    return learned
