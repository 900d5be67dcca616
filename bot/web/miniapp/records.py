"""The JSON records the Mini App's API answers with: codes and numbers, never prose (the client words them)."""

from __future__ import annotations

from typing import Any

from bot.core.cases import Moderator


def person(moderator: Moderator) -> dict[str, Any]:
    """A moderator as others see them: ``{"alias": 7}`` (the client shows "Moderator 7"), or the name they chose
    to show, ``{"name": "Alice"}``."""
    if moderator.alias is not None:
        return {"alias": moderator.alias}
    return {"name": moderator.name}
