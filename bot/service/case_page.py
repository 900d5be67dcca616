"""A case as the Mini App's case page shows it: the card's view, every report (excerpted, how it matched, never
who sent it), the audit history, and what the asking moderator may do now; and the template editor's preview."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from bot.core.audit import AuditAction
from bot.core.cases import CaseKind, CaseStatus, CaseView, Moderator, Policy, Role
from bot.core.matcher import template_reach
from bot.core.reports import ReportKind
from bot.core.similarity import Thresholds
from bot.errors import InvalidTemplate, TemplateTooVague, TextTooShort
from bot.service.bank import checked_text, without_invisible
from bot.service.cases import build_view
from bot.service.roles import faces, require
from bot.store import Store
from bot.store.queue import CaseReport

MAX_REPORTS = 500
"""A case page lists at most this many reports (the oldest); the totals count them all."""
MAX_HISTORY = 200
BLIND_ACTIONS = frozenset({AuditAction.VOTE_VERIFY.value, AuditAction.VOTE_WITHDRAW.value})
"""History entries that name a voter only once the case is decided (or to the voter)."""


class Action(StrEnum):
    VERIFY = "verify"
    WITHDRAW = "withdraw"
    REJECT = "reject"
    UNDO = "undo"
    PROTECT = "protect"
    CLAIM = "claim"
    REOPEN = "reopen"
    SUGGESTION = "suggestion"
    TEMPLATE_PREVIEW = "template_preview"
    TEMPLATE = "template"


class Match(StrEnum):
    """How a report matched, as the case page says it."""

    EXACT = "exact"
    EDITED = "edited"
    REWORDED = "reworded"
    TRANSLATED = "translated"
    IMAGE = "image"
    NEW = "new"


@dataclass(frozen=True)
class HistoryEntry:
    action: str
    at: int
    by: Moderator | None
    reason_code: str | None
    reason: str | None


@dataclass(frozen=True)
class CasePage:
    view: CaseView
    reports: list[CaseReport]
    history: list[HistoryEntry]
    voted: bool
    """The asking moderator voted to verify."""
    voters: list[Moderator]
    """Who voted to verify, as far as the asking moderator may see: while the case is open, only themselves."""
    actions: tuple[Action, ...]


def match_of(report: CaseReport) -> Match:
    if report.kind == ReportKind.PHOTO and report.text is None:
        return Match.IMAGE
    if report.matched in (None, "new", "generic"):
        return Match.NEW
    if report.resemblance in (Match.REWORDED, Match.TRANSLATED):
        return Match(report.resemblance)
    return Match.EXACT if report.score is not None and report.score >= 1.0 else Match.EDITED


async def case_page(store: Store, actor: Moderator, case_id: int, policy: Policy, now: int) -> CasePage:
    """The case page; NotAllowed unless the actor moderates, CaseNotFound if there is no such case."""
    async with store.transaction() as tx:
        role = await require(tx, actor)
        view = await build_view(tx, case_id, policy, now)
        reports = await tx.case_reads.reports(case_id, MAX_REPORTS)
        entries = await tx.case_reads.history(case_id, MAX_HISTORY)
        shown = await faces(tx, [actor_id for _, actor_id, _, _ in entries if actor_id is not None], policy)
    voted = any(voter.user_id == actor.user_id for voter in view.verify_votes)
    blind = view.case.is_open  # blind voting, as on the card: while open, whose votes it has is nobody's to see
    history = []
    for at, actor_id, action, after in entries:
        details = json.loads(after) if after else None
        details = details if isinstance(details, dict) else {}
        hidden = blind and action in BLIND_ACTIONS and actor_id != actor.user_id
        history.append(
            HistoryEntry(
                action,
                at,
                None if actor_id is None or hidden else shown.get(actor_id),
                details.get("reason_code"),
                details.get("reason"),
            )
        )
    voters = [v for v in view.verify_votes if not blind or v.user_id == actor.user_id]
    return CasePage(view, reports, history, voted, voters, _actions(view, role, voted))


def _actions(view: CaseView, role: Role, voted: bool) -> tuple[Action, ...]:
    """What the card's buttons would offer this moderator now."""
    case = view.case
    if not case.is_open:
        undo = (Action.UNDO,) if view.undo_open else ()
        reopen = (Action.REOPEN,) if role is Role.ADMIN and case.status is not CaseStatus.JOINED else ()
        return undo + reopen
    actions = [Action.WITHDRAW if voted else Action.VERIFY, Action.REJECT, Action.CLAIM]
    if case.kind is CaseKind.ACCOUNT:
        actions.append(Action.PROTECT)
    if case.kind is CaseKind.CLUSTER and view.text:
        actions += [Action.TEMPLATE_PREVIEW, Action.TEMPLATE]
    if view.suggestion is not None and view.suggestion.suggestion.answer is None:
        actions.append(Action.SUGGESTION)
    return tuple(actions)


TEMPLATE_PROBLEMS = {TextTooShort: "too_short", InvalidTemplate: "invalid_template", TemplateTooVague: "too_vague"}


@dataclass(frozen=True)
class Preview:
    matches: list[int]
    """The 1-based places (in the case page's list) of the reports the template would match."""
    problem: str | None
    """Why the text cannot be a template (the error's code), if it cannot."""


async def preview_template(store: Store, actor: Moderator, case_id: int, text: str, thresholds: Thresholds) -> Preview:
    """Which of the case's reports a template with this text would match, and whether it can be one; nothing is
    written."""
    async with store.reading() as tx:
        await require(tx, actor)  # the app's actor carries no name, so nothing is written
        reports = await tx.case_reads.reports(case_id, MAX_REPORTS)
    text = without_invisible(text).strip()
    try:
        checked_text(text)
    except (InvalidTemplate, TemplateTooVague, TextTooShort) as exc:
        return Preview([], TEMPLATE_PROBLEMS[type(exc)])
    places = template_reach(text, [report.text for report in reports], thresholds)
    return Preview([place + 1 for place in places], None)
