"""Use case of `kuzet export`: verified cases for researchers and trust-and-safety teams.

What goes out is what moderators verified: texts, accounts, counts and dates. Never a reporter's
pseudonym, chat id or anything else that points at who reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cases import Policy
from bot.service.cases import build_view
from bot.store import Store

MAX_TEXTS = 50
MAX_ACCOUNTS = 500


@dataclass(frozen=True)
class ExportedCase:
    case_id: int
    kind: str
    verified_at: int
    template_id: int | None
    template_label: str | None
    text: str | None
    texts: tuple[str, ...]
    accounts: tuple[tuple[str, str], ...]
    """(platform, account as shown: @handle, name or id)."""
    reports: int
    reporters: int
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    first_seen_at: int
    last_seen_at: int
    coordinated: bool


async def verified_cases(store: Store, since: int, policy: Policy) -> list[ExportedCase]:
    exported = []
    async with store.transaction() as tx:
        for case_id in await tx.archive.verified_since(since):
            view = await build_view(tx, case_id, policy)
            accounts = await tx.cases.accounts(case_id, MAX_ACCOUNTS)
            exported.append(ExportedCase(
                case_id, view.case.kind.value, view.case.decided_at or 0, view.template_id, view.template_label,
                view.text, tuple(await tx.archive.texts(case_id, MAX_TEXTS)),
                tuple((a.account.platform.value, a.account.label) for a in accounts), view.reports, view.reporters,
                view.languages, tuple(p.value for p in view.platforms), view.first_seen_at, view.last_seen_at,
                view.coordination is not None,
            ))
    return exported
