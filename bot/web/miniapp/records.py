"""The JSON records the Mini App's API answers with: codes and numbers, never prose (the client words them)."""

from __future__ import annotations

from typing import Any

from bot.core.accounts import public_link
from bot.core.cases import AccountCount, CaseView, Moderator
from bot.core.templates import Labels
from bot.service.case_page import CasePage, match_of
from bot.service.queue import EXCERPT_CHARS, QueueRow


def person(moderator: Moderator | None) -> dict[str, Any] | None:
    """A moderator as others see them: ``{"alias": 7}`` (the client shows "Moderator 7"), or the name they chose
    to show, ``{"name": "Alice"}``."""
    if moderator is None:
        return None
    if moderator.alias is not None:
        return {"alias": moderator.alias}
    return {"name": moderator.name}


def template(template_id: int | None, labels: Labels | None, locale: str) -> dict[str, Any] | None:
    if template_id is None:
        return None
    return {"id": template_id, "label": None if labels is None else labels.for_reader(locale)}


def case_row(
    row: QueueRow, labels: Labels | None, locale: str, claimer: Moderator | None, now: int, claim_seconds: int
) -> dict[str, Any]:
    """A queue row (CaseRow)."""
    return {
        "id": row.id,
        "kind": row.kind.value,
        "state": "claimed" if row.claimed(now, claim_seconds) else "open",
        "excerpt": _excerpt(row.text, EXCERPT_CHARS) or "",
        "language": row.languages[0] if row.languages else None,
        "languages": list(row.languages),
        "platform": row.platforms[0] if row.platforms else None,
        "platforms": list(row.platforms),
        "reports": row.reports,
        "accounts": row.accounts,
        "flags": [flag.value for flag in row.flags],
        "template": template(row.template_id, labels, locale),
        "opened_at": row.opened_at,
        "last_report_at": row.last_report_at,
        "votes": row.votes,
        "votes_needed": row.votes_needed,
        "claimed_by": person(claimer) if row.claimed(now, claim_seconds) else None,
        "suggestion": "suggestion" in row.flags,
    }


def account(item: AccountCount) -> dict[str, Any]:
    return {
        "platform": item.account.platform.value,
        "label": item.account.label,
        "link": public_link(item.account.platform, item.account),
        "reports": item.reports,
    }


def view_row(view: CaseView, locale: str, now: int, claim_seconds: int) -> dict[str, Any]:
    """The case as a queue row shows it, with its text (the top of a case page)."""
    case = view.case
    claim = view.claim if view.claim is not None and now - view.claim.at < claim_seconds else None
    flags = [code for code, _ in flags_of(view)]
    return {
        "id": case.id,
        "kind": case.kind.value,
        "state": case.status.value if not case.is_open else "claimed" if claim else "open",
        "excerpt": _excerpt(view.text, EXCERPT_CHARS) or "",
        "text": view.text,
        "language": view.languages[0] if view.languages else None,
        "languages": list(view.languages),
        "platform": view.platforms[0].value if view.platforms else None,
        "platforms": [platform.value for platform in view.platforms],
        "reports": view.reports,
        "accounts": view.accounts_total,
        "flags": [code for code in flags if code in ("coordinated", "surge", "suggestion")],
        "template": template(view.template_id, view.template_labels, locale),
        "opened_at": case.opened_at,
        "last_report_at": view.last_seen_at,
        "decided_at": case.decided_at,
        "votes": view.counting_votes,
        "votes_needed": view.votes_needed,
        "claimed_by": person(claim.moderator) if claim else None,
        "suggestion": "suggestion" in flags,
    }


def flags_of(view: CaseView) -> list[tuple[str, dict[str, Any]]]:
    """Each flag the card raises, with its evidence."""
    found: list[tuple[str, dict[str, Any]]] = []
    if (c := view.coordination) is not None:
        found.append(
            ("coordinated", {"accounts": c.accounts, "window": c.window, "start_at": c.start_at, "end_at": c.end_at})
        )
    for target, surge in view.surges:
        found.append(
            (
                "surge",
                {
                    "account": target.label,
                    "reports": surge.reports,
                    "new_reporters": surge.new_reporters,
                    "co_reporters": surge.co_reporters,
                    "window": surge.window,
                    "start_at": surge.start_at,
                    "end_at": surge.end_at,
                },
            )
        )
    if view.suggestion is not None and view.suggestion.suggestion.answer is None:
        found.append(("suggestion", {}))
    for mark in view.protected:
        found.append(
            ("protected", {"account": mark.account.label, "since": mark.since, "reports_since": mark.reports_since})
        )
    for prior in view.prior_rejections:
        found.append(("rejected_before", {"account": prior.account.label, "case": prior.case_id}))
    for shared in view.shared_avatars:
        found.append(
            ("shared_avatar", {"account": shared.account.label, "others": shared.others, "cases": list(shared.cases)})
        )
    for network in view.networks:
        found.append(("network", {"number": network.number, "accounts": network.accounts}))
    if view.same_picture_cases:
        found.append(("same_picture", {"cases": list(view.same_picture_cases)}))
    if view.evidence_case is not None:
        found.append(("evidence", {"case": view.evidence_case}))
    return found


def case_page(page: CasePage, locale: str, now: int, claim_seconds: int) -> dict[str, Any]:
    """``GET /app/api/cases/<id>``: everything the card shows and more; never who reported."""
    view = page.view
    suggested = view.suggestion
    return {
        "case": view_row(view, locale, now, claim_seconds),
        "reports": [
            {
                "id": place,
                "excerpt": _excerpt(report.text, REPORT_EXCERPT_CHARS),
                "match": match_of(report).value,
                "language": report.language,
                "at": report.created_at,
            }
            for place, report in enumerate(page.reports, start=1)
        ],
        "accounts": [account(item) for item in view.accounts],
        "flags": [{"code": code, "evidence": evidence} for code, evidence in flags_of(view)],
        "votes": {
            "count": view.counting_votes,
            "needed": view.votes_needed,
            "mine": page.voted,
            "by": [person(voter) for voter in page.voters],
        },
        "suggestion": None
        if suggested is None
        else {
            "id": suggested.suggestion.id,
            "text": suggested.text,
            "label": suggested.labels.for_reader(locale),
            "case": suggested.target_case_id,
            "resemblance": suggested.suggestion.resemblance.value,
            "answer": None if suggested.suggestion.answer is None else suggested.suggestion.answer.value,
        },
        "history": [
            {
                "action": entry.action,
                "at": entry.at,
                "by": person(entry.by),
                "reason": None if entry.reason_code is None else {"code": entry.reason_code, "text": entry.reason},
            }
            for entry in page.history
        ],
        "actions": [action.value for action in page.actions],
    }


REPORT_EXCERPT_CHARS = 280


def _excerpt(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
