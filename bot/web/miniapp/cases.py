"""``GET /app/api/cases/<id>`` and ``POST /app/api/cases/<id>/<action>``: a case page, and the card's actions.

Each action calls the use case the card's button calls (bot.service), which checks the role in its own
transaction and writes the audit log; then the step the buttons take after a decision (the card, learning,
reporters' follow-ups, the undo window: ``Moderation.after_change``). The answer is the case page as it now is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.core.cases import CaseView, Moderator, RejectReason
from bot.core.suggestions import SuggestionAnswer
from bot.errors import (
    CaseAlreadyOpen,
    CaseClosed,
    CaseError,
    CaseNotFound,
    ClaimedByOther,
    DraftGone,
    InvalidTemplate,
    NoCaseText,
    NotAllowed,
    NotAnAccountCase,
    SuggestionAnswered,
    TemplateTooVague,
    TextTooShort,
    UndoExpired,
)
from bot.service.bank import template_from_case
from bot.service.case_page import TEMPLATE_PROBLEMS, Action, case_page, preview_template
from bot.service.cases import (
    claim_case,
    protect_account,
    reject_case,
    reopen_case,
    undo_reject,
    vote_verify,
    withdraw_vote,
)
from bot.service.suggestions import answer_suggestion
from bot.web.miniapp import records
from bot.web.miniapp.answers import ApiError, answer
from bot.web.miniapp.auth import json_body, moderator
from bot.web.miniapp.context import MiniAppContext, context

MAX_REASON_CHARS = 500
MAX_TEMPLATE_CHARS = 4000

REFUSALS: dict[type[Exception], tuple[int, str]] = {
    NotAllowed: (403, "not_allowed"),
    CaseNotFound: (404, "not_found"),
    CaseClosed: (409, "closed"),
    CaseAlreadyOpen: (409, "already_open"),
    ClaimedByOther: (409, "claimed_by_other"),
    UndoExpired: (409, "undo_expired"),
    SuggestionAnswered: (409, "suggestion_answered"),
    NotAnAccountCase: (409, "not_an_account_case"),
    NoCaseText: (409, "no_text"),
    DraftGone: (409, "draft_gone"),
    **{kind: (400, code) for kind, code in TEMPLATE_PROBLEMS.items()},
}


def refused(exc: Exception) -> ApiError:
    """The API's answer to a use case's refusal."""
    for kind in type(exc).__mro__:
        if kind in REFUSALS:
            return ApiError(*REFUSALS[kind])
    return ApiError(409, "refused")


def _case_id(request: web.Request) -> int:
    raw = request.match_info["case_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(404, "not_found")
    return int(raw)


async def _page(shared: MiniAppContext, actor: Moderator, case_id: int, locale: str) -> web.Response:
    now = shared.now()
    policy = shared.settings.policy
    page = await case_page(shared.store, actor, case_id, policy, now)
    return answer(records.case_page(page, locale, now, policy.claim_seconds))


async def show(request: web.Request) -> web.Response:
    session = await moderator(request)
    try:
        return await _page(context(request), Moderator(session.user_id, ""), _case_id(request), session.locale)
    except (NotAllowed, CaseError) as exc:
        raise refused(exc) from None


async def act(request: web.Request) -> web.Response:
    body = await json_body(request)  # before the session: a cross-site request is refused unread
    session = await moderator(request)
    case_id = _case_id(request)
    try:
        action = Action(request.match_info["action"])
    except ValueError:
        raise ApiError(404, "no_such_action") from None
    shared = context(request)
    actor = Moderator(session.user_id, "")
    try:
        if action is Action.TEMPLATE_PREVIEW:
            text = _text(body, "text", MAX_TEMPLATE_CHARS)
            preview = await preview_template(shared.store, actor, case_id, text, shared.settings.thresholds)
            return answer(
                {"matches": preview.matches, "problems": [] if preview.problem is None else [preview.problem]}
            )
        await ACTIONS[action](shared, actor, case_id, body)
        return await _page(shared, actor, case_id, session.locale)
    except (NotAllowed, CaseError, TextTooShort, InvalidTemplate, TemplateTooVague, DraftGone) as exc:
        raise refused(exc) from None


def _text(body: dict[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise ApiError(400, f"bad_{name}")
    return value


Step = Callable[[MiniAppContext, Moderator, int, dict[str, Any]], Awaitable[None]]


async def _decided(shared: MiniAppContext, view: CaseView) -> None:
    await shared.moderation.after_change(view)


async def _verify(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    result = await vote_verify(shared.store, actor, case_id, shared.settings.policy, shared.now())
    await _decided(shared, result.view)


async def _withdraw(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    result = await withdraw_vote(shared.store, actor, case_id, shared.settings.policy, shared.now())
    await _decided(shared, result.view)


async def _reject(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    try:
        reason = RejectReason(str(body.get("reason")))
    except ValueError:
        raise ApiError(400, "bad_reason") from None
    if reason is RejectReason.BRIGADE:
        raise ApiError(400, "bad_reason")  # that is 🛡 Protect
    written = _text(body, "text", MAX_REASON_CHARS, required=reason is RejectReason.OTHER).strip() or None
    view = await reject_case(shared.store, actor, case_id, shared.settings.policy, shared.now(), reason, written)
    await _decided(shared, view)


async def _undo(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    await _decided(shared, await undo_reject(shared.store, actor, case_id, shared.settings.policy, shared.now()))


async def _protect(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    await _decided(shared, await protect_account(shared.store, actor, case_id, shared.settings.policy, shared.now()))


async def _claim(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    view, _ = await claim_case(shared.store, actor, case_id, shared.settings.policy, shared.now())
    await _decided(shared, view)


async def _reopen(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    await _decided(shared, await reopen_case(shared.store, actor, case_id, shared.settings.policy, shared.now()))


async def _suggestion(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    suggestion_id, same = body.get("suggestion_id"), body.get("same")
    if not isinstance(suggestion_id, int) or isinstance(suggestion_id, bool) or not isinstance(same, bool):
        raise ApiError(400, "bad_suggestion")
    result = await answer_suggestion(
        shared.store,
        shared.moderation.matcher,
        actor,
        case_id,
        suggestion_id,
        SuggestionAnswer.SAME if same else SuggestionAnswer.DIFFERENT,
        shared.settings.policy,
        shared.now(),
    )
    await _decided(shared, result.view)
    if result.joined_case_id is not None:
        await shared.moderation.refresh_card(result.joined_case_id)


async def _template(shared: MiniAppContext, actor: Moderator, case_id: int, body: dict[str, Any]) -> None:
    text = _text(body, "text", MAX_TEMPLATE_CHARS)
    await template_from_case(shared.store, shared.moderation.matcher, actor, case_id, text, shared.now())
    await shared.moderation.refresh_card(case_id)


ACTIONS: dict[Action, Step] = {
    Action.VERIFY: _verify,
    Action.WITHDRAW: _withdraw,
    Action.REJECT: _reject,
    Action.UNDO: _undo,
    Action.PROTECT: _protect,
    Action.CLAIM: _claim,
    Action.REOPEN: _reopen,
    Action.SUGGESTION: _suggestion,
    Action.TEMPLATE: _template,
}
